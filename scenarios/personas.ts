import type { Account, Creditor, Debtor } from '../workflows/engine/account';

/**
 * The debtors of every scenario: the engine, API and CLI specs, the replay histories, the demo portfolio, the preview
 * scenario files and the benchmarks. Written once here so that "Ana López in Mexico City" is the same person
 * everywhere; a scenario changes only what it is about (`ana({ dueDate: '2026-11-15' })`, `withDebtor(camila(),
 * { whatsapp: undefined })`).
 *
 * Each builder gives an account due Tuesday 2026-12-01 with no payment link: the link is the creditor's page, and
 * several specs are about an account without one. An account's id fixes its spread (`jitterFor` in
 * workflows/engine/state.ts), so every instant a scenario writes depends on it; a scenario that keeps another id
 * (`ana({ id: 'acc-1' })`) keeps the instants that id gives. The default ids' spreads:
 *
 *   acc-mx-ana-001       +51 min 01 s  (a 10:00 step fires at 10:51:01 America/Mexico_City)
 *   acc-co-camila-001    +23 min 45 s
 *   acc-br-joao-001       +1 min 53 s
 *   acc-es-lucia-001     +28 min 44 s
 *   acc-us-ma-emily-001  +26 min 43 s   (acc-us-fl-emily-001 +1 min 07 s, acc-us-emily-001 +45 min 24 s)
 */

/** Brazil's CDC art. 42-A: a message names the creditor with its address and a CNPJ whose check digits match. */
export const LOJA_EXEMPLO: Creditor = {
  name: 'Loja Exemplo Ltda',
  address: 'Av. Paulista 1000, São Paulo - SP',
  taxId: '12.345.678/0001-95',
};

/** Mexico City, MXN 1,500.00, SMS and email. */
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
    ...over,
  };
}

/** Bogotá, COP 450,000.00, SMS, WhatsApp on the same number, and email (Ley 2300: one channel a week). */
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

/** São Paulo, BRL 899.90, owed to Loja Exemplo, which every message must identify. */
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

/** Madrid, EUR 320.50, SMS and email. */
export function lucia(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-es-lucia-001',
    debtor: {
      name: 'Lucía García',
      phone: '+34612345678',
      email: 'lucia.garcia@example.es',
      timezone: 'Europe/Madrid',
      jurisdiction: 'ES',
      locale: 'es-ES',
    },
    balance: { amountMinor: 32_050, currency: 'EUR' },
    dueDate: '2026-12-01',
    ...over,
  };
}

/** Boston's number and zone, USD 1,245.00, under federal Regulation F or the rules of Massachusetts or Florida. */
export function emily(jurisdiction: 'US-MA' | 'US-FL' | 'US', over: Partial<Account> = {}): Account {
  return {
    id: `acc-${jurisdiction.toLowerCase()}-emily-001`,
    debtor: {
      name: 'Emily Carter',
      phone: '+16175550123',
      email: 'emily.carter@example.com',
      timezone: 'America/New_York',
      jurisdiction,
      locale: 'en-US',
    },
    balance: { amountMinor: 124_500, currency: 'USD' },
    dueDate: '2026-12-01',
    ...over,
  };
}

/**
 * The demo's debtors whose first message is due at once, in zones spread around the clock (cli/demo-portfolio.ts):
 * Mexico City, Bogotá, Madrid, Los Angeles and Honolulu.
 */
export function valeria(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-mx-valeria-001',
    debtor: {
      name: 'Valeria Hernández',
      phone: '+5215587654321',
      email: 'valeria.hernandez@example.com.mx',
      timezone: 'America/Mexico_City',
      jurisdiction: 'MX',
      locale: 'es-MX',
    },
    balance: { amountMinor: 245_000, currency: 'MXN' },
    dueDate: '2026-12-01',
    ...over,
  };
}

export function santiago(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-co-santiago-001',
    debtor: {
      name: 'Santiago Gómez',
      phone: '+573109876543',
      email: 'santiago.gomez@example.co',
      timezone: 'America/Bogota',
      jurisdiction: 'CO',
      locale: 'es-CO',
    },
    balance: { amountMinor: 32_000_000, currency: 'COP' },
    dueDate: '2026-12-01',
    ...over,
  };
}

export function pablo(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-es-pablo-001',
    debtor: {
      name: 'Pablo Martínez',
      phone: '+34612345678',
      email: 'pablo.martinez@example.es',
      timezone: 'Europe/Madrid',
      jurisdiction: 'ES',
      locale: 'es-ES',
    },
    balance: { amountMinor: 18_900, currency: 'EUR' },
    dueDate: '2026-12-01',
    ...over,
  };
}

export function sofia(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-us-ca-sofia-001',
    debtor: {
      name: 'Sofia Ramirez',
      phone: '+14155550142',
      email: 'sofia.ramirez@example.com',
      timezone: 'America/Los_Angeles',
      jurisdiction: 'US-CA',
      locale: 'en-US',
    },
    balance: { amountMinor: 41_500, currency: 'USD' },
    dueDate: '2026-12-01',
    ...over,
  };
}

export function keoni(over: Partial<Account> = {}): Account {
  return {
    id: 'acc-us-hi-keoni-001',
    debtor: {
      name: 'Keoni Akana',
      phone: '+18085550187',
      email: 'keoni.akana@example.com',
      timezone: 'Pacific/Honolulu',
      jurisdiction: 'US-HI',
      locale: 'en-US',
    },
    balance: { amountMinor: 27_300, currency: 'USD' },
    dueDate: '2026-12-01',
    ...over,
  };
}

/**
 * The account with some of its debtor's details changed; a detail given as `undefined` is removed, as a debtor who
 * never gave it (an email-only debtor: `withDebtor(lucia(), { phone: undefined })`).
 */
export function withDebtor(account: Account, changes: Partial<Debtor>): Account {
  const debtor: Debtor = { ...account.debtor, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete debtor[key as keyof Debtor];
  return { ...account, debtor };
}
