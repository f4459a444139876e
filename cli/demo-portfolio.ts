import {
  ana,
  camila,
  emily,
  joao,
  keoni,
  lucia,
  pablo,
  santiago,
  sofia,
  valeria,
  withDebtor,
} from '../scenarios/personas';
import type { Account } from '../workflows/engine/account';
import { next } from '../workflows/engine/next';
import { initialState } from '../workflows/engine/state';
import { contactPolicyFor } from '../workflows/engine/jurisdictions';
import { defaultLadder, type Ladder } from '../workflows/engine/ladder';
import { agentFirstLadder } from '../scenarios/agent-first-ladder';
import { addDays, formatLocalIso, localParts } from '../workflows/engine/zoned-time';

/** An account as POST /v1/accounts takes it: with its own ladder, or the default one. */
export type DemoAccount = Account & { ladder?: Ladder };

export interface DemoPortfolio {
  accounts: DemoAccount[];
  /** The account whose first message is due right now, in a jurisdiction whose contact window is open now. */
  dueNow: { accountId: string; jurisdiction: string; zone: string } | null;
  /** When no window is open anywhere now: the account that would go first, and when it may. */
  firstContact: { accountId: string; jurisdiction: string; at: number; zone: string };
}

/** The demo account whose own page the banner links to: João in São Paulo, eight days overdue. */
export const DEMO_DEBTOR_PAGE_ACCOUNT = 'demo-br-1';

const link = (id: string) => `https://pay.example.com/${id}`;

/**
 * Debtors whose day-1 SMS is already due, in zones spread around the clock: whatever the hour, one of them is
 * usually inside its jurisdiction's contact window, so the demo shows a message going out at once.
 */
const DUE_NOW_CANDIDATES: Account[] = [
  valeria({ id: 'demo-now-mx' }),
  santiago({ id: 'demo-now-co' }),
  pablo({ id: 'demo-now-es' }),
  sofia({ id: 'demo-now-us-ca' }),
  keoni({ id: 'demo-now-us-hi' }),
];

/** A handful of accounts across jurisdictions and ladder stages, due relative to `now`, and one due right now. */
export function demoPortfolio(now: Date): DemoPortfolio {
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const candidates = DUE_NOW_CANDIDATES.map((c) => {
    const zone = c.debtor.timezone!;
    const account: Account = {
      ...c,
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

function fixedAccounts(day: (offset: number) => string): DemoAccount[] {
  const at = (id: string, dueDate: string) => ({ id, dueDate, paymentLink: link(id) });
  return [
    ana(at('demo-mx-1', day(3))),
    // SMS and email only, as the demo has always placed her.
    withDebtor(camila(at('demo-co-1', day(-1))), { whatsapp: undefined }),
    joao({
      ...at('demo-br-1', day(-8)),
      creditor: {
        name: 'Cobranza Demo Ltda.',
        address: 'Av. Paulista 1000, São Paulo - SP',
        taxId: '12.345.678/0001-95',
      },
    }),
    // Email only: the demo shows her SMS steps passed over for want of a phone.
    withDebtor(lucia({ ...at('demo-es-1', day(-15)), balance: { amountMinor: 23_450, currency: 'EUR' } }), {
      phone: undefined,
    }),
    emily('US-MA', { ...at('demo-us-ma-1', day(-3)), balance: { amountMinor: 32_000, currency: 'USD' } }),
    // Agent-first accounts, sixteen and twenty days overdue: their agent call is due, the console's first work.
    { ...ana(at('demo-mx-agent', day(-20))), ladder: agentFirstLadder },
    { ...withDebtor(camila(at('demo-co-agent', day(-16))), { whatsapp: undefined }), ladder: agentFirstLadder },
  ];
}
