import type { AgreementInput, PromiseInput } from '../workflows/account-events';
import type { Account } from '../workflows/account';
import { contactPolicyFor } from '../workflows/jurisdictions';
import { defaultLadder, type Ladder } from '../workflows/ladder';
import type { DunningStatus } from '../workflows/messages';
import { addDays, isKnownZone, localParts } from '../workflows/zoned-time';
import type { InputProblem } from '../workflows/input-problems';

/**
 * The API's pre-check of a promise or agreement, so an agent hears "422: date is in the past" at once instead of
 * finding a rejected signal later. It mirrors promiseProblem/agreementProblem in workflows/engine-apply.ts (the
 * workflow checks again with those on receipt, so they stay the source of truth); the rules are read from the
 * `status` query instead of the engine state, which the API never sees.
 */
const CLOSED = new Set(['paid', 'settled', 'cancelled', 'dispute_upheld']);

export interface AgentRulesContext {
  status: DunningStatus;
  /** The zone the debtor's local "today" is read in; null when unknown (the date checks are then left to the workflow). */
  zone: string | null;
  /** The ladder's promise horizon, or null when the ladder is not known to the API. */
  maxHorizonDays: number | null;
  now: number;
}

/** The debtor's zone as the engine reads it: their own when valid, else the jurisdiction's first. */
export function primaryZoneOf(account: Pick<Account, 'debtor'>): string | null {
  const tz = account.debtor.timezone;
  if (tz !== undefined && isKnownZone(tz)) return tz;
  return contactPolicyFor(account.debtor.jurisdiction)?.zones[0] ?? null;
}

/** The ladders the API can resolve by id and version (the status names them); others are left to the workflow. */
export function knownLadder(ref: { id: string; version: number }, extra: readonly Ladder[] = []): Ladder | undefined {
  return [defaultLadder, ...extra].find((l) => l.id === ref.id && l.version === ref.version);
}

function closedOrDisputed(s: DunningStatus): InputProblem | null {
  if (CLOSED.has(s.status)) return { field: 'id', message: `the account is closed (${s.status})` };
  return null;
}

export function promiseProblemFromStatus(ctx: AgentRulesContext, input: PromiseInput): InputProblem | null {
  const s = ctx.status;
  const closed = closedOrDisputed(s);
  if (closed) return closed;
  if (s.agreement?.status === 'active')
    return { field: '(root)', message: 'an agreement is active; record a change to the agreement instead' };
  if (s.dispute.open) return { field: '(root)', message: 'a dispute is open' };
  if (ctx.zone) {
    const today = localParts(ctx.zone, ctx.now).date;
    if (input.date < today)
      return { field: 'date', message: `date ${input.date} is in the past (today is ${today} in the debtor's zone)` };
    if (ctx.maxHorizonDays !== null) {
      const horizon = addDays(today, ctx.maxHorizonDays);
      if (input.date > horizon)
        return {
          field: 'date',
          message: `date ${input.date} is beyond the ${ctx.maxHorizonDays}-day horizon (${horizon})`,
        };
    }
  }
  if (input.amountMinor > s.balance.amountMinor)
    return {
      field: 'amountMinor',
      message: `amountMinor ${input.amountMinor} exceeds the balance ${s.balance.amountMinor}`,
    };
  return null;
}

export function agreementProblemFromStatus(ctx: AgentRulesContext, input: AgreementInput): InputProblem | null {
  const s = ctx.status;
  const closed = closedOrDisputed(s);
  if (closed) return closed;
  if (s.dispute.open) return { field: '(root)', message: 'a dispute is open' };
  if (s.agreement?.status === 'active') return { field: '(root)', message: 'an agreement is already active' };
  const first = input.installments[0]!;
  if (ctx.zone) {
    const today = localParts(ctx.zone, ctx.now).date;
    if (first.dueDate < today)
      return {
        field: 'installments[0].dueDate',
        message: `installments[0].dueDate ${first.dueDate} is in the past (today is ${today})`,
      };
  }
  const total = input.installments.reduce((sum, i) => sum + i.amountMinor, 0);
  if (total > s.balance.amountMinor)
    return {
      field: 'installments',
      message: `installments total ${total} exceeds the balance ${s.balance.amountMinor}`,
    };
  return null;
}
