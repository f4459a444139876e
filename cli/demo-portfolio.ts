import type { Account, Debtor } from '../workflows/account';
import { next } from '../workflows/engine-next';
import { initialState } from '../workflows/engine-state';
import { contactPolicyFor } from '../workflows/jurisdictions';
import { defaultLadder } from '../workflows/ladder';
import { addDays, formatLocalIso, localParts } from '../workflows/zoned-time';

export interface DemoPortfolio {
  accounts: Account[];
  /** The account whose first message is due right now, in a jurisdiction whose contact window is open now. */
  dueNow: { accountId: string; jurisdiction: string; zone: string } | null;
  /** When no window is open anywhere now: the account that would go first, and when it may. */
  firstContact: { accountId: string; jurisdiction: string; at: number; zone: string };
}

const link = (id: string) => `https://pay.example.com/${id}`;

/**
 * Debtors whose day-1 SMS is already due, in zones spread around the clock: whatever the hour, one of them is
 * usually inside its jurisdiction's contact window, so the demo shows a message going out at once.
 */
const DUE_NOW_CANDIDATES: { id: string; debtor: Debtor; amountMinor: number; currency: string }[] = [
  {
    id: 'demo-now-mx',
    debtor: {
      name: 'Valeria Hernández',
      phone: '+5215587654321',
      email: 'valeria.hernandez@example.com.mx',
      timezone: 'America/Mexico_City',
      jurisdiction: 'MX',
      locale: 'es-MX',
    },
    amountMinor: 245_000,
    currency: 'MXN',
  },
  {
    id: 'demo-now-co',
    debtor: {
      name: 'Santiago Gómez',
      phone: '+573109876543',
      email: 'santiago.gomez@example.co',
      timezone: 'America/Bogota',
      jurisdiction: 'CO',
      locale: 'es-CO',
    },
    amountMinor: 32_000_000,
    currency: 'COP',
  },
  {
    id: 'demo-now-es',
    debtor: {
      name: 'Pablo Martínez',
      phone: '+34612345678',
      email: 'pablo.martinez@example.es',
      timezone: 'Europe/Madrid',
      jurisdiction: 'ES',
      locale: 'es-ES',
    },
    amountMinor: 18_900,
    currency: 'EUR',
  },
  {
    id: 'demo-now-us-ca',
    debtor: {
      name: 'Sofia Ramirez',
      phone: '+14155550142',
      email: 'sofia.ramirez@example.com',
      timezone: 'America/Los_Angeles',
      jurisdiction: 'US-CA',
      locale: 'en-US',
    },
    amountMinor: 41_500,
    currency: 'USD',
  },
  {
    id: 'demo-now-us-hi',
    debtor: {
      name: 'Keoni Akana',
      phone: '+18085550187',
      email: 'keoni.akana@example.com',
      timezone: 'Pacific/Honolulu',
      jurisdiction: 'US-HI',
      locale: 'en-US',
    },
    amountMinor: 27_300,
    currency: 'USD',
  },
];

/** A handful of accounts across jurisdictions and ladder stages, due relative to `now`, and one due right now. */
export function demoPortfolio(now: Date): DemoPortfolio {
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const candidates = DUE_NOW_CANDIDATES.map((c) => {
    const zone = c.debtor.timezone!;
    const account: Account = {
      id: c.id,
      debtor: c.debtor,
      balance: { amountMinor: c.amountMinor, currency: c.currency },
      // Due two local days ago: the day-1 SMS's planned time has passed, whatever the hour.
      dueDate: addDays(localParts(zone, now.getTime()).date, -2),
      paymentLink: link(c.id),
    };
    const policy = contactPolicyFor(c.debtor.jurisdiction)!;
    const decision = next(initialState(account, defaultLadder, policy, now.getTime()), now.getTime());
    const at = decision.type === 'act' ? decision.at : Number.POSITIVE_INFINITY;
    return { account, zone, at };
  });
  const open = candidates.find((c) => c.at <= now.getTime());
  const first = open ?? [...candidates].sort((a, b) => a.at - b.at)[0]!;
  return {
    accounts: [...fixedAccounts(day), first.account],
    dueNow: open
      ? { accountId: open.account.id, jurisdiction: open.account.debtor.jurisdiction, zone: open.zone }
      : null,
    firstContact: {
      accountId: first.account.id,
      jurisdiction: first.account.debtor.jurisdiction,
      at: first.at,
      zone: first.zone,
    },
  };
}

/** Lines for the `--demo` banner: which account to watch first. */
export function describeDemo(portfolio: DemoPortfolio, now: Date): string[] {
  if (portfolio.dueNow) {
    const { accountId, jurisdiction, zone } = portfolio.dueNow;
    return [
      `due now: ${accountId} (${jurisdiction}, ${formatLocalIso(zone, now.getTime())} in ${zone}): its day-1 SMS goes out at once`,
    ];
  }
  const { accountId, jurisdiction, at, zone } = portfolio.firstContact;
  return [
    `no jurisdiction's contact window is open now; the first message, ${accountId}'s (${jurisdiction}), may go at ${formatLocalIso(zone, at)} (${zone})`,
  ];
}

function fixedAccounts(day: (offset: number) => string): Account[] {
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
        taxId: '12.345.678/0001-95',
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
      dueDate: day(-3),
      paymentLink: link('demo-us-ma-1'),
    },
  ];
}
