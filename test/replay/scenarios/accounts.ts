import type { Account } from '../../../workflows/account';
import { contactPolicyFor } from '../../../workflows/jurisdictions';
import { defaultLadder } from '../../../workflows/ladder';
import type { DunningWorkflowInput } from '../../../workflows/workflow-input';

/**
 * The debtors of the replay scenarios. Their ids fix their jitter (`jitterFor` in workflows/engine-state.ts), so
 * the instants written in the scenarios depend on them:
 *   acc-mx-ana-001     +51 min 01 s  (a 10:00 step fires at 10:51:01 America/Mexico_City)
 *   acc-co-camila-001  +23 min 45 s
 *   acc-br-joao-001    +1 min 53 s
 */
export function ana(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-mx-ana-001',
    debtor: {
      name: 'Ana López',
      phone: '+5215512345678',
      email: 'ana.lopez@example.mx',
      timezone: 'America/Mexico_City',
      jurisdiction: 'MX',
      locale: 'es-MX',
    },
    balance: { amountMinor: 150_000, currency: 'MXN' },
    dueDate: '2026-12-01',
    paymentLink: 'https://pagos.example.mx/p/acc-mx-ana-001',
    ...over,
  };
}

export function camila(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-co-camila-001',
    debtor: {
      name: 'Camila Restrepo',
      phone: '+573001234567',
      whatsapp: '+573001234567',
      email: 'camila.restrepo@example.co',
      timezone: 'America/Bogota',
      jurisdiction: 'CO',
      locale: 'es-CO',
    },
    balance: { amountMinor: 45_000_000, currency: 'COP' },
    dueDate: '2026-12-01',
    ...over,
  };
}

export const LOJA_EXEMPLO = {
  name: 'Loja Exemplo Ltda',
  address: 'Av. Paulista 1000, São Paulo - SP',
  taxId: '12.345.678/0001-90',
} as const;

export function joao(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-br-joao-001',
    debtor: {
      name: 'João Silva',
      phone: '+5511912345678',
      email: 'joao.silva@example.com.br',
      timezone: 'America/Sao_Paulo',
      jurisdiction: 'BR',
      locale: 'pt-BR',
    },
    balance: { amountMinor: 89_990, currency: 'BRL' },
    dueDate: '2026-12-01',
    creditor: { ...LOJA_EXEMPLO },
    ...over,
  };
}

/** The workflow input for an account on the default ladder under its jurisdiction's policy. */
export function inputFor(account: Account, over: Partial<DunningWorkflowInput> = {}): DunningWorkflowInput {
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  if (!policy) throw new Error(`no policy for ${account.debtor.jurisdiction}`);
  return { account, ladder: defaultLadder, policy, ...over };
}
