import { addressFor, type ContactChannel } from './account';
import type { AccountStatus } from './account-status';
import type { EngineState, LadderState, PromiseState, StepRecord } from './state';
import { ladderStepInstant, primaryZone } from './state';
import { iso, type Recorder } from './recorder';
import { daysBetween, localParts } from './zoned-time';

/*
 * The changes several kinds of event share: a step's outcome, a refused signal, the ladder's pause and resume, a
 * promise closed and the account closed. Each returns the next state and never changes the one it is given.
 */

export function withStep<S extends EngineState>(s: S, key: string, step: StepRecord): S {
  return { ...s, steps: { ...s.steps, [key]: step } };
}

/** A signal the engine refuses, kept (the last 20) for the `status` query. */
export function reject(s: EngineState, r: Recorder, signal: string, problem: string): EngineState {
  r.record({ step: signal, outcome: 'rejected', reason: 'invalid_signal', detail: problem });
  return { ...s, rejected: [...s.rejected.slice(-19), { at: r.at, signal, problem }] };
}

/** The ladder stops where it is, unless it already stands still. */
export function pauseLadder(s: EngineState, at: number, cause: NonNullable<EngineState['pausedBy']>): EngineState {
  if (s.mode === 'ladder' && !s.dispute.open && !(s.holds?.length ?? 0) && s.pausedAt === null)
    return { ...s, pausedAt: at, pausedBy: cause };
  return s;
}

/**
 * Every ladder step that would have gone out while the ladder stood still, as a suppression naming what held it:
 * the manager's preview and the audit trail show what the promise, the agreement or the dispute held back.
 */
export function recordHeldSteps(s: EngineState, until: number, r: Recorder): void {
  if (s.pausedAt === null) return;
  for (const step of s.ladder.steps) {
    if (s.steps[step.id]) continue;
    const planned = ladderStepInstant(s, step);
    if (planned < s.pausedAt || planned >= until) continue;
    r.record({
      step: step.id,
      outcome: 'suppressed',
      reason: `held_by_${s.pausedBy ?? 'pause'}`,
      detail: `planned ${iso(planned)}`,
    });
  }
}

/** Back on the ladder, pushed back by the days it stood still, so it resumes where it paused. */
export function resumeLadderIfIdle(s: EngineState, at: number, r: Recorder): EngineState {
  if (s.mode !== 'ladder' || s.dispute.open || (s.holds?.length ?? 0) > 0 || s.pausedAt === null) return s;
  recordHeldSteps(s, at, r);
  const zone = primaryZone(s);
  const stoodStill = Math.max(0, daysBetween(localParts(zone, s.pausedAt).date, localParts(zone, at).date));
  return { ...s, pausedBy: null, shiftDays: s.shiftDays + stoodStill, pausedAt: null };
}

/** The open promise ends (kept, broken, or cancelled by what replaced it) and the ladder is back in charge. */
export function closePromise(s: PromiseState, status: 'kept' | 'broken' | 'cancelled', r: Recorder): LadderState {
  const p = s.promise;
  const promises = s.promises.map((x) => (x.promiseId === p.promiseId ? { ...x, status, decidedAt: r.at } : x));
  r.record({ step: `promise:${p.promiseId}`, outcome: 'recorded', reason: `promise_${status}` });
  return { ...s, promises, promise: null, mode: 'ladder' };
}

/**
 * The account closes for good. An open commitment closes with it, so no promise or agreement is left "open" in the
 * records: paid in full keeps it; any other ending (cancelled, dispute upheld, the ladder's end) cancels it.
 */
export function closeAccount(prev: EngineState, status: AccountStatus, reason: string, r: Recorder): EngineState {
  // Settled by an early-payment discount: what was owed is done with, as if paid in full.
  const paidInFull = status === 'paid' || status === 'overpaid' || status === 'settled';
  let s = prev.mode === 'promise' ? closePromise(prev, paidInFull ? 'kept' : 'cancelled', r) : prev;
  if (s.agreement?.status === 'active') {
    const agreement = { ...s.agreement, status: paidInFull ? ('completed' as const) : ('cancelled' as const) };
    s = { ...s, agreement };
    r.record({
      step: `agreement:${agreement.agreementId}`,
      outcome: 'recorded',
      reason: `agreement_${agreement.status}`,
    });
  }
  recordHeldSteps(s, r.at, r);
  r.record({ step: 'account', outcome: 'recorded', reason, detail: status });
  return { ...s, terminal: status, pendingTasks: [] };
}

/**
 * The channel retired, and with it every channel that reaches the same address when the reason is about the
 * address rather than the channel: SMS and WhatsApp share the phone number unless the debtor gave a separate
 * WhatsApp number. A "STOP" revokes texts to that number (47 CFR 64.1200(a)(10)), and a number that does not exist
 * is no better for WhatsApp. A channel-specific failure (not on WhatsApp, no approved template, a landline for SMS,
 * a misconfigured sender) retires that channel only.
 */
export function retire(
  s: EngineState,
  channel: ContactChannel,
  status: 'opted_out' | 'failed',
  reason?: string
): EngineState['channels'] {
  const channels = { ...s.channels, [channel]: status };
  if (status === 'failed' && reason !== 'invalid_address') return channels;
  // A text STOP revokes texts to the number (47 CFR 64.1200(a)(10)), not the debtor's consent to an agent's call;
  // a number that does not exist is dead for every use.
  const siblings: readonly ContactChannel[] =
    status === 'failed' ? ['sms', 'whatsapp', 'call'] : channel === 'call' ? [] : ['sms', 'whatsapp'];
  const address = addressFor(s.account.debtor, channel);
  for (const other of siblings) {
    if (other !== channel && address !== undefined && addressFor(s.account.debtor, other) === address) {
      if ((channels[other] ?? 'available') === 'available') channels[other] = status;
    }
  }
  return channels;
}
