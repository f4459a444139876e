import type { SendIntent } from '../../db/contact-attempt-store';
import type { Account } from '../../workflows/engine/account';

export function bogotaAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc-co-1001',
    debtor: {
      name: 'María José Restrepo Gómez',
      phone: '+573001234567',
      whatsapp: '+573001234567',
      email: 'mariajose.restrepo@example.co',
      timezone: 'America/Bogota',
      jurisdiction: 'CO',
      locale: 'es-CO',
    },
    balance: { amountMinor: 45_990_000, currency: 'COP' },
    dueDate: '2026-10-31',
    paymentLink: 'https://pagos.example.co/p/acc-co-1001',
    ...overrides,
  };
}

export function saoPauloAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc-br-2002',
    debtor: {
      name: 'João Conceição Araújo',
      phone: '+5511987654321',
      email: 'joao.araujo@example.com.br',
      timezone: 'America/Sao_Paulo',
      jurisdiction: 'BR',
      locale: 'pt-BR',
    },
    balance: { amountMinor: 129_950, currency: 'BRL' },
    dueDate: '2026-11-05',
    creditor: {
      name: 'Financeira Exemplo S.A.',
      address: 'Av. Paulista, 1000, São Paulo',
      taxId: '12.345.678/0001-90',
    },
    ...overrides,
  };
}

export function smsIntent(overrides: Partial<SendIntent> = {}): SendIntent {
  return {
    workflowId: 'dunning-acc-co-1001',
    accountId: 'acc-co-1001',
    stepKey: 'day-3-reminder',
    channel: 'sms',
    to: '+573001234567',
    template: 'reminder_friendly',
    ...overrides,
  };
}
