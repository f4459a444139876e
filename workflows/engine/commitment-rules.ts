import type { AgreementInput, PromiseInput } from './account-events';
import type { AgreementRecord, AgreementState, EngineState, PromiseState } from './state';
import { plannedInstant, primaryZone } from './state';
import type { InputProblem } from './input-problems';
import type { EventStep } from './ladder';
import type { CheckAction } from './planned-action';
import { addDays, localParts } from './zoned-time';

/*
 * Promises to pay and payment agreements, in one place: whether one may be recorded now (admission), what follows
 * it (a reminder before its date, then the check), and whether it was kept. The engine's `next` plans from the
 * schedule and `apply` records the check's verdict; both read the formulas below.
 */

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

/** The dates a promise may take: from today to the ladder's horizon, in the debtor's calendar (what a date picker offers). */
export function promiseDates(
  ctx: Pick<CommitmentContext, 'zone' | 'promiseMaxHorizonDays'>,
  now: number
): { min: string; max: string } {
  const today = localParts(ctx.zone, now).date;
  return { min: today, max: addDays(today, ctx.promiseMaxHorizonDays) };
}

/** Why a promise cannot be recorded now, naming the field, or null. */
export function checkPromise(ctx: CommitmentContext, input: PromiseInput, now: number): InputProblem | null {
  if (ctx.closed) return { field: '(root)', message: `the account is closed (${ctx.closed})` };
  if (ctx.agreementActive)
    return { field: '(root)', message: 'an agreement is active; record a change to the agreement instead' };
  if (ctx.disputeOpen) return { field: '(root)', message: 'a dispute is open' };
  const { min: today, max: horizon } = promiseDates(ctx, now);
  if (input.date < today)
    return { field: 'date', message: `date ${input.date} is in the past (today is ${today} in the debtor's zone)` };
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
  const first = input.installments[0];
  const lastIndex = input.installments.length - 1;
  const last = input.installments[lastIndex];
  // The input's schema requires one installment at least; this check does not rely on it.
  if (!first || !last) return { field: 'installments', message: 'an agreement needs at least one installment' };
  if (first.dueDate < today)
    return {
      field: 'installments[0].dueDate',
      message: `installments[0].dueDate ${first.dueDate} is in the past (today is ${today})`,
    };
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

/** Why a promise cannot be recorded now, or null: the engine's own check on receipt. */
export function promiseProblem(s: EngineState, input: PromiseInput, now: number): string | null {
  return checkPromise(commitmentContextOf(s), input, now)?.message ?? null;
}

/** Why an agreement cannot be recorded now, or null. */
export function agreementProblem(s: EngineState, input: AgreementInput, now: number): string | null {
  return checkAgreement(commitmentContextOf(s), input, now)?.message ?? null;
}

/** Paid towards a commitment: everything paid since it was made. */
export function paidSince(s: EngineState, commitment: { paidAtMake: number }): number {
  return s.paidMinor - commitment.paidAtMake;
}

/** Kept: paid at least what was required, less the tolerance the ladder allows (`keptTolerancePercent`). */
export function keptWithin(paidMinor: number, requiredMinor: number, tolerancePercent: number): boolean {
  return paidMinor * 100 >= requiredMinor * (100 - tolerancePercent);
}

/** The installment due next (the first one not yet kept or missed), with its position, or null when none is. */
export function pendingInstallment(
  a: AgreementRecord
): { index: number; installment: AgreementRecord['installments'][number] } | null {
  const index = a.installments.findIndex((i) => i.status === 'pending');
  const installment = a.installments[index];
  return installment ? { index, installment } : null;
}

/** What the agreement requires paid by installment `index`: that one and every one before it. */
export function requiredSoFar(a: AgreementRecord, index: number): number {
  return a.installments.slice(0, index + 1).reduce((sum, i) => sum + i.amountMinor, 0);
}

/** A commitment's reminder before its date, as the engine plans it. */
export interface CommitmentReminder {
  key: string;
  name: string;
  step: EventStep;
  eventDate: string;
  madeAt: number;
  /** Still owed towards the date: the reminder quotes it, and nothing owed means no reminder. */
  amountMinor: number;
}

/**
 * What follows a commitment: its reminder, until that is sent or passed over (null then), and the check that
 * decides it kept or broken, `graceDays` after its date.
 */
export interface CommitmentSchedule {
  reminder: CommitmentReminder | null;
  check: CheckAction;
}

/** The open promise's reminder and follow-up. */
export function promiseSchedule(s: PromiseState): CommitmentSchedule {
  const p = s.promise;
  const cfg = s.ladder.promise;
  const reminderKey = `promise-reminder:${p.promiseId}`;
  return {
    reminder: s.steps[reminderKey]
      ? null
      : {
          key: reminderKey,
          name: 'promise reminder',
          step: cfg.reminder,
          eventDate: p.date,
          madeAt: p.madeAt,
          amountMinor: p.amountMinor - paidSince(s, p),
        },
    check: {
      kind: 'promise_check',
      stepKey: `promise-check:${p.promiseId}`,
      stepName: 'promise follow-up',
      template: cfg.brokenTaskTemplate,
      amountMinor: p.amountMinor,
      referenceDate: p.date,
      plannedAt: plannedInstant(s, addDays(p.date, cfg.graceDays), cfg.checkLocalTime),
      superseded: [],
    },
  };
}

/** The pending installment's reminder and check, or null when no installment is pending. */
export function installmentSchedule(s: AgreementState): CommitmentSchedule | null {
  const a = s.agreement;
  const cfg = s.ladder.agreement;
  const pending = pendingInstallment(a);
  if (!pending) return null;
  const { index, installment } = pending;
  const reminderKey = `installment-reminder:${a.agreementId}:${index + 1}`;
  return {
    reminder: s.steps[reminderKey]
      ? null
      : {
          key: reminderKey,
          name: `installment ${index + 1} reminder`,
          step: cfg.reminder,
          eventDate: installment.dueDate,
          madeAt: a.madeAt,
          // What is still owed on this installment: payments beyond the earlier ones count towards it.
          amountMinor: Math.min(installment.amountMinor, requiredSoFar(a, index) - paidSince(s, a)),
        },
    check: {
      kind: 'installment_check',
      stepKey: `installment-check:${a.agreementId}:${index + 1}`,
      stepName: `installment ${index + 1} check`,
      template: cfg.brokenTaskTemplate,
      amountMinor: installment.amountMinor,
      referenceDate: installment.dueDate,
      plannedAt: plannedInstant(s, addDays(installment.dueDate, cfg.graceDays), cfg.checkLocalTime),
      superseded: [],
    },
  };
}

/** The promise's verdict at its follow-up: paid since it was made, against the promised amount. */
export function promiseKept(s: PromiseState): boolean {
  return keptWithin(paidSince(s, s.promise), s.promise.amountMinor, s.ladder.promise.keptTolerancePercent);
}

/**
 * The pending installment's verdict at its check: paid since the agreement was made, against every installment
 * due so far. Null when no installment is pending.
 */
export function installmentVerdict(s: AgreementState): { index: number; kept: boolean } | null {
  const pending = pendingInstallment(s.agreement);
  if (!pending) return null;
  const required = requiredSoFar(s.agreement, pending.index);
  return {
    index: pending.index,
    kept: keptWithin(paidSince(s, s.agreement), required, s.ladder.agreement.keptTolerancePercent),
  };
}
