import type { AgreementInput, PromiseInput } from './account-events';
import type { EngineState } from './engine-state';
import { primaryZone } from './engine-state';
import type { InputProblem } from './input-problems';
import { addDays, localParts } from './zoned-time';

/**
 * What a promise or an agreement is checked against. The workflow derives it from its state; the API reads it
 * from the `status` query, so an agent hears "422: date is in the past" at once, from the same rules the workflow
 * applies on receipt.
 */
export interface CommitmentContext {
  /** The closing status (paid, settled, cancelled, dispute_upheld), or null while the account is open. */
  closed: string | null;
  agreementActive: boolean;
  disputeOpen: boolean;
  balanceMinor: number;
  /** The zone the debtor's "today" is read in. */
  zone: string;
  promiseMaxHorizonDays: number;
  /** Last year the account's compliance calendar (public holidays) covers. */
  calendarEndYear: number;
}

export function commitmentContextOf(s: EngineState): CommitmentContext {
  return {
    closed: s.terminal,
    agreementActive: s.mode === 'agreement',
    disputeOpen: s.dispute.open,
    balanceMinor: s.balanceMinor,
    zone: primaryZone(s),
    promiseMaxHorizonDays: s.ladder.promise.maxHorizonDays,
    calendarEndYear: s.policy.holidays.toYear,
  };
}

/** Why a promise cannot be recorded now, naming the field, or null. */
export function checkPromise(ctx: CommitmentContext, input: PromiseInput, now: number): InputProblem | null {
  if (ctx.closed) return { field: '(root)', message: `the account is closed (${ctx.closed})` };
  if (ctx.agreementActive)
    return { field: '(root)', message: 'an agreement is active; record a change to the agreement instead' };
  if (ctx.disputeOpen) return { field: '(root)', message: 'a dispute is open' };
  const today = localParts(ctx.zone, now).date;
  if (input.date < today)
    return { field: 'date', message: `date ${input.date} is in the past (today is ${today} in the debtor's zone)` };
  const horizon = addDays(today, ctx.promiseMaxHorizonDays);
  if (input.date > horizon)
    return {
      field: 'date',
      message: `date ${input.date} is beyond the ${ctx.promiseMaxHorizonDays}-day horizon (${horizon})`,
    };
  if (input.amountMinor > ctx.balanceMinor)
    return {
      field: 'amountMinor',
      message: `amountMinor ${input.amountMinor} exceeds the balance ${ctx.balanceMinor}`,
    };
  return null;
}

/** Why an agreement cannot be recorded now, naming the field, or null. */
export function checkAgreement(ctx: CommitmentContext, input: AgreementInput, now: number): InputProblem | null {
  if (ctx.closed) return { field: '(root)', message: `the account is closed (${ctx.closed})` };
  if (ctx.disputeOpen) return { field: '(root)', message: 'a dispute is open' };
  if (ctx.agreementActive) return { field: '(root)', message: 'an agreement is already active' };
  const today = localParts(ctx.zone, now).date;
  const first = input.installments[0]!;
  if (first.dueDate < today)
    return {
      field: 'installments[0].dueDate',
      message: `installments[0].dueDate ${first.dueDate} is in the past (today is ${today})`,
    };
  const lastIndex = input.installments.length - 1;
  const last = input.installments[lastIndex]!;
  if (Number(last.dueDate.slice(0, 4)) > ctx.calendarEndYear)
    return {
      field: `installments[${lastIndex}].dueDate`,
      message: `installments run past ${ctx.calendarEndYear}, the end of this account's compliance calendar`,
    };
  const total = input.installments.reduce((sum, i) => sum + i.amountMinor, 0);
  if (total > ctx.balanceMinor)
    return { field: 'installments', message: `installments total ${total} exceeds the balance ${ctx.balanceMinor}` };
  return null;
}
