import type { Account } from '../workflows/account';

/** A handful of accounts across jurisdictions and ladder stages, due relative to today. */
export function demoPortfolio(today: Date): Account[] {
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const link = (id: string) => `https://pay.example.com/${id}`;
  return [
    {
      id: 'demo-mx-1',
      debtor: {
        name: 'Ana López',
        phone: '+5215512345678',
        email: 'ana.lopez@example.com',
        timezone: 'America/Mexico_City',
        jurisdiction: 'MX',
        locale: 'es-MX',
      },
      balance: { amountMinor: 150_000, currency: 'MXN' },
      dueDate: day(3),
      paymentLink: link('demo-mx-1'),
    },
    {
      id: 'demo-co-1',
      debtor: {
        name: 'Camila Restrepo',
        phone: '+573001234567',
        email: 'camila.restrepo@example.co',
        timezone: 'America/Bogota',
        jurisdiction: 'CO',
        locale: 'es-CO',
      },
      balance: { amountMinor: 45_000_000, currency: 'COP' },
      dueDate: day(-1),
      paymentLink: link('demo-co-1'),
    },
    {
      id: 'demo-br-1',
      debtor: {
        name: 'João Silva',
        phone: '+5511912345678',
        email: 'joao.silva@example.com.br',
        timezone: 'America/Sao_Paulo',
        jurisdiction: 'BR',
        locale: 'pt-BR',
      },
      balance: { amountMinor: 89_990, currency: 'BRL' },
      dueDate: day(-8),
      paymentLink: link('demo-br-1'),
      creditor: {
        name: 'Cobranza Demo Ltda.',
        address: 'Av. Paulista 1000, São Paulo - SP',
        taxId: '12.345.678/0001-90',
      },
    },
    {
      id: 'demo-es-1',
      debtor: {
        name: 'Lucía García',
        email: 'lucia.garcia@example.es',
        timezone: 'Europe/Madrid',
        jurisdiction: 'ES',
        locale: 'es-ES',
      },
      balance: { amountMinor: 23_450, currency: 'EUR' },
      dueDate: day(-15),
      paymentLink: link('demo-es-1'),
    },
    {
      id: 'demo-us-ma-1',
      debtor: {
        name: 'Emily Carter',
        phone: '+16175550123',
        email: 'emily.carter@example.com',
        timezone: 'America/New_York',
        jurisdiction: 'US-MA',
        locale: 'en-US',
      },
      balance: { amountMinor: 32_000, currency: 'USD' },
      dueDate: day(1),
      paymentLink: link('demo-us-ma-1'),
    },
  ];
}
