import { defaultLadder } from '../../workflows/engine/ladder';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { next } from '../../workflows/engine/next';
import { initialState } from '../../workflows/engine/state';
import { addDays, localParts } from '../../workflows/engine/zoned-time';
import type { Account } from '../../workflows/engine/account';

/** Where a debtor can be messaged now: real jurisdictions and zones, Latin America and Spain first. */
const CANDIDATES: readonly {
  jurisdiction: string;
  timezone: string;
  locale: string;
  currency: string;
  phone: string;
}[] = [
  { jurisdiction: 'MX', timezone: 'America/Mexico_City', locale: 'es-MX', currency: 'MXN', phone: '+525512345678' },
  { jurisdiction: 'CO', timezone: 'America/Bogota', locale: 'es-CO', currency: 'COP', phone: '+573001234567' },
  { jurisdiction: 'BR', timezone: 'America/Sao_Paulo', locale: 'pt-BR', currency: 'BRL', phone: '+5511912345678' },
  { jurisdiction: 'ES', timezone: 'Europe/Madrid', locale: 'es-ES', currency: 'EUR', phone: '+34612345678' },
  { jurisdiction: 'MX', timezone: 'America/Tijuana', locale: 'es-MX', currency: 'MXN', phone: '+526641234567' },
  ...['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Pacific/Honolulu', 'Pacific/Guam'].map(
    (timezone) => ({ jurisdiction: 'US', timezone, locale: 'en-US', currency: 'USD', phone: '+12025550143' })
  ),
  { jurisdiction: 'US', timezone: 'Pacific/Pago_Pago', locale: 'en-US', currency: 'USD', phone: '+12025550143' },
];

/** How long the debtors' window must stay open for `npm run drills`: the four drills take 3 to 8 minutes. */
export const DRILLS_STAY_OPEN_MS = 20 * 60_000;

export type ReachableDebtor = (typeof CANDIDATES)[number] & { dueDate: string };

/**
 * The first candidate whose day-1 SMS the engine would send now and still in `staysOpenMs` (the run must not cross
 * the window's close): decided by the pure engine with the default ladder and the jurisdiction's real policy, so a
 * benchmark or drill started at any hour measures sends, not waits. Throws when none is reachable.
 */
export function reachableDebtor(now: number, staysOpenMs: number): ReachableDebtor {
  for (const c of CANDIDATES) {
    const policy = contactPolicyFor(c.jurisdiction);
    if (!policy) continue;
    // Two days past due: the day-1 SMS is due, the pre-due nudge is past.
    const dueDate = addDays(localParts(c.timezone, now).date, -2);
    const account = accountFor('probe', c, dueDate);
    const actsAt = (at: number) => {
      const d = next(initialState(account, defaultLadder, policy, at), at);
      return d.type === 'act' && d.at <= at + 60_000 && d.action.kind === 'message';
    };
    if (actsAt(now) && actsAt(now + staysOpenMs)) return { ...c, dueDate };
  }
  throw new Error(`no candidate debtor can be messaged now and for the next ${staysOpenMs / 60_000} minutes`);
}

/** A realistic account of that debtor; distinct ids, so frequency caps never couple two accounts. */
export function accountFor(id: string, debtor: Omit<ReachableDebtor, 'dueDate'>, dueDate: string): Account {
  return {
    id,
    debtor: {
      name: 'María Fernanda Gómez Conceição',
      phone: debtor.phone,
      email: `${id}@example.com`,
      timezone: debtor.timezone,
      jurisdiction: debtor.jurisdiction,
      locale: debtor.locale,
    },
    balance: { amountMinor: 1_250_00, currency: debtor.currency },
    dueDate,
  };
}
