import { discountOfStep, quoteDiscount, type DiscountQuote } from './early-payment-discount';
import { addressFor, type Channel } from './account';
import type { AccountStatus } from './account-status';
import {
  installmentSchedule,
  promiseSchedule,
  type CommitmentReminder,
  type CommitmentSchedule,
} from './commitment-rules';
import { nextAllowedInstant, type CountedContact, type Move } from './contact-rules';
import type { DecisionNote } from './decision-record';
import type { EngineState } from './state';
import { ladderStepInstant, plannedInstant, primaryZone, zonesOf } from './state';
import type { LadderStep } from './ladder';
import type { ActionBase, ActionKindFields, CallPermission, PlannedAction } from './planned-action';
import { MS, addDays, instantAt, localParts } from './zoned-time';

// The planned action's types have their own file; these are re-exported for the callers that know them from here.
export type { CallPermission, MessageAction, PlannedAction } from './planned-action';

export type Decision =
  | { type: 'done'; status: AccountStatus }
  | { type: 'wait'; until: null; reason: { code: string; detail: string } }
  | { type: 'act'; at: number; action: PlannedAction; notes: DecisionNote[] };

/** A decision to act now or at `at`. */
export type ActDecision = Extract<Decision, { type: 'act' }>;

/**
 * What should happen next to the account, and when: the single question the workflow, the preview and the
 * status query ask. Pure: the same state and instant always give the same answer.
 */
export function next(state: EngineState, now: number): Decision {
  if (state.terminal) return { type: 'done', status: state.terminal };
  const task = state.pendingTasks[0];
  if (task) {
    return {
      type: 'act',
      at: now,
      action: {
        stepKey: task.taskKey,
        stepName: 'agent task',
        kind: 'agent_task',
        template: task.template,
        amountMinor: state.balanceMinor,
        referenceDate: state.account.dueDate,
        plannedAt: now,
        reason: task.reason,
        superseded: [],
        call: callPermission(state, now),
      },
      notes: [],
    };
  }
  const hold = state.holds?.[0];
  if (hold) {
    return wait('held', `${hold.holdId}: ${hold.reason}`);
  }
  if (state.dispute.open) {
    return wait('dispute_open', 'no collection contact while a dispute is open');
  }
  switch (state.mode) {
    case 'promise':
      return nextForCommitment(state, now, promiseSchedule(state));
    case 'agreement': {
      const schedule = installmentSchedule(state);
      // No installment pending: the last one kept settled the account, which is answered as done above.
      if (!schedule) return wait('agreement_settled', 'every installment of the agreement is decided');
      return nextForCommitment(state, now, schedule);
    }
    case 'ladder':
      return nextOnLadder(state, now);
  }
}

function wait(code: string, detail: string): Decision {
  return { type: 'wait', until: null, reason: { code, detail } };
}

/** Product policy: collection never ends sooner than two weeks after the debtor was first contacted. */
export const END_AFTER_FIRST_CONTACT_DAYS = 14;

function nextOnLadder(state: EngineState, now: number): Decision {
  if (state.ceased) return wait('cease_communication', 'the debtor asked for all communication to stop');
  if (state.handoff === 'agent')
    return wait('with_agent', 'the ladder handed the account to an agent: no automated message goes out');
  const pending: { step: LadderStep; at: number }[] = [];
  for (const step of state.ladder.steps) {
    if (state.steps[step.id]) continue;
    const at = ladderStepInstant(state, step);
    pending.push({ step, at });
    if (at > now) break;
  }
  // Only the most recent step that is already due fires; earlier due ones are superseded (late start, pauses).
  let currentIndex = pending.findIndex((p) => p.at > now) - 1;
  if (currentIndex === -2) currentIndex = pending.length - 1;
  if (currentIndex < 0) currentIndex = 0;
  let current = pending[currentIndex];
  if (!current) {
    return wait('ladder_exhausted', 'every ladder step is done; waiting for a payment, a promise or an agreement');
  }
  // A debtor never contacted must hear from us before an agent calls: an account placed long after its due date
  // sends the latest due message first (its first contact), and the agent task follows.
  if (current.step.kind !== 'message' && state.contacts.length === 0) {
    const firstContact = pending
      .slice(0, currentIndex)
      .findLastIndex((p) => p.step.kind === 'message' && !(isPreDue(p.step) && dueDatePassed(state, now)));
    const earlier = pending[firstContact];
    if (earlier) {
      currentIndex = firstContact;
      current = earlier;
    }
  }
  const superseded = pending.slice(0, currentIndex).map((p) => p.step.id);
  const notes: DecisionNote[] = superseded.map((id) => ({
    at: now,
    step: id,
    outcome: 'skipped',
    reason: 'superseded',
    detail: `${current.step.id} is already due`,
  }));
  const { step } = current;
  const base: ActionBase = {
    stepKey: step.id,
    stepName: step.name,
    template: step.template,
    amountMinor: state.balanceMinor,
    referenceDate: state.account.dueDate,
    plannedAt: current.at,
    superseded,
  };
  if (step.kind === 'agent_task') {
    const at = Math.max(current.at, now);
    return { type: 'act', at, action: actionOf(base, { kind: 'agent_task', call: callPermission(state, at) }), notes };
  }
  if (step.kind === 'end') {
    // A debtor first reached late (a late placement) still gets time to answer before collection ends.
    const first = state.contacts[0]?.at;
    const at = Math.max(current.at, now, first === undefined ? 0 : first + END_AFTER_FIRST_CONTACT_DAYS * MS.DAY);
    // The ladder's schema gives every end step its outcome; `exhausted`, the plain end, stands in for a ladder
    // built by hand without one.
    return { type: 'act', at, action: actionOf(base, { kind: 'end', outcome: step.outcome ?? 'exhausted' }), notes };
  }
  // "Your payment is due on the 1st" is false on the 2nd: a pre-due nudge not sent by its due date is dropped.
  if (isPreDue(step) && dueDatePassed(state, now)) {
    return { type: 'act', at: now, action: actionOf(base, { kind: 'skip', reason: 'due_date_passed' }), notes };
  }
  return planMessage(state, base, step.channels, now, notes);
}

const isPreDue = (step: LadderStep): boolean => step.trigger.offsetDays < 0;

/** The due date is over in the debtor's zone: the instant is on a later local day. */
function dueDatePassed(state: EngineState, now: number): boolean {
  return localParts(primaryZone(state), now).date > addDays(state.account.dueDate, state.shiftDays);
}

/**
 * `{ ...base, ...fields }` written out: V8 (Node 20) takes a slow path for an object spread like this one, which
 * cost ~5 µs per decision — most of the engine's budget (see bench/engine-decisions.ts).
 */
function actionOf<F extends ActionKindFields>(base: ActionBase, fields: F): ActionBase & F {
  const action: ActionBase = {
    stepKey: base.stepKey,
    stepName: base.stepName,
    template: base.template,
    amountMinor: base.amountMinor,
    referenceDate: base.referenceDate,
    plannedAt: base.plannedAt,
    superseded: base.superseded,
  };
  return Object.assign(action, fields);
}

/** Pick the first usable channel and the first instant the law allows on it. */
function planMessage(
  state: EngineState,
  base: ActionBase,
  channels: readonly Channel[],
  now: number,
  notes: DecisionNote[]
): Decision {
  const at0 = Math.max(base.plannedAt, now);
  let channel: Channel | undefined;
  let to: string | undefined;
  for (const ch of channels) {
    const status = state.channels[ch];
    if (status !== 'available') {
      notes.push({ at: at0, step: base.stepKey, outcome: 'skipped', reason: `channel_${status}`, detail: ch });
      continue;
    }
    const address = addressFor(state.account.debtor, ch);
    if (!address) {
      notes.push({ at: at0, step: base.stepKey, outcome: 'skipped', reason: 'channel_no_address', detail: ch });
      continue;
    }
    channel = ch;
    to = address;
    break;
  }
  if (!channel || !to) {
    return { type: 'act', at: at0, action: actionOf(base, { kind: 'skip', reason: 'no_usable_channel' }), notes };
  }
  const ctx = {
    policy: state.policy,
    zones: zonesOf(state),
    channel,
    contacts: countedContacts(state),
    jitterMs: state.jitterMs,
  };
  // Moves are computed from the planned instant so that re-asking at the moved instant gives the same record.
  let allowed = nextAllowedInstant(ctx, base.plannedAt);
  if (allowed.at < now) allowed = nextAllowedInstant(ctx, now);
  for (const m of allowed.moves) notes.push(moveNote(base.stepKey, m));
  const quote = discountQuoteFor(state, base.stepKey, allowed.at);
  const fields = quote
    ? { kind: 'message' as const, channel, to, discount: quote }
    : { kind: 'message' as const, channel, to };
  return { type: 'act', at: allowed.at, action: actionOf(base, fields), notes };
}

/**
 * The early-payment discount a ladder message quotes: its own step's offer, or else the one the account holds while it
 * is open (less what was paid towards it), so no message in between asks for the full balance the offer forgives.
 */
function discountQuoteFor(state: EngineState, stepKey: string, at: number): DiscountQuote | undefined {
  const own = discountOfStep(state.ladder, stepKey);
  if (own) return quoteDiscount(own, state.balanceMinor, primaryZone(state), at);
  const offer = state.offer;
  if (!offer || at >= offer.expiresAt || !state.ladder.steps.some((s) => s.id === stepKey)) return undefined;
  return {
    amountMinor: Math.max(1, offer.amountMinor - (state.paidMinor - offer.paidAtOffer)),
    validUntil: offer.validUntil,
  };
}

function moveNote(step: string, m: Move): DecisionNote {
  return {
    at: m.from,
    step,
    outcome: 'moved',
    reason: m.reason,
    rule: m.rule,
    movedTo: m.to,
    detail: m.detail ? `${m.zone} ${m.detail}` : m.zone,
  };
}

/** Contacts that count towards caps: sent, not failed permanently. Only the last 31 days can matter. */
function countedContacts(state: EngineState): CountedContact[] {
  return state.contacts.filter((c) => c.status !== 'failed');
}

/** A commitment's reminder while it is still to be sent, else its check. */
function nextForCommitment(state: EngineState, now: number, schedule: CommitmentSchedule): Decision {
  if (schedule.reminder) {
    const decision = planEventReminder(state, now, schedule.reminder);
    if (decision) return decision;
  }
  return { type: 'act', at: Math.max(schedule.check.plannedAt, now), action: schedule.check, notes: [] };
}

/** A reminder before an event date; undefined when it is already settled and the check comes next. */
function planEventReminder(state: EngineState, now: number, r: CommitmentReminder): Decision | undefined {
  const plannedAt = plannedInstant(state, addDays(r.eventDate, r.step.offsetDays), r.step.localTime);
  const base: ActionBase = {
    stepKey: r.key,
    stepName: r.name,
    template: r.step.template,
    amountMinor: Math.max(0, r.amountMinor),
    referenceDate: r.eventDate,
    plannedAt,
    superseded: [],
  };
  const skip = (reason: string, at: number, notes: DecisionNote[] = []): Decision => ({
    type: 'act',
    at,
    action: actionOf(base, { kind: 'skip', reason }),
    notes,
  });
  if (plannedAt < r.madeAt) return skip('too_late_for_reminder', now);
  if (r.amountMinor <= 0) return skip('already_paid', Math.max(plannedAt, now));
  if (state.ceased) return skip('cease_communication', Math.max(plannedAt, now));
  const decision = planMessage(state, base, r.step.channels, now, []);
  // A reminder pushed past the event day by the contact rules would arrive too late to help.
  const endOfEventDay = instantAt(primaryZone(state), addDays(r.eventDate, 1), 0);
  if (decision.type === 'act' && decision.action.kind === 'message' && decision.at >= endOfEventDay) {
    return skip('reminder_window_closed', Math.max(plannedAt, now), decision.notes);
  }
  return decision;
}

export const ENGINE_LIMITS = { contactsLookbackMs: 31 * MS.DAY };

const CALL_SCAN_STEP_MS = 15 * MS.MINUTE;

/**
 * When an agent may call the debtor, from `from` on: the contact rules for the `call` channel (windows, quiet days,
 * Reg F's seven calls in seven days and seven quiet days after a conversation, Colombia's one contact a day), with
 * no spread (a person dials, not a batch). Or why no call may be made at all.
 */
export function callPermission(state: EngineState, from: number): CallPermission {
  if (state.ceased) return { allowed: false, reason: 'cease_communication' };
  if (state.dispute.open) return { allowed: false, reason: 'dispute_open' };
  if (state.holds?.length) return { allowed: false, reason: 'held' };
  const status = state.channels.call ?? 'available';
  if (status !== 'available') return { allowed: false, reason: `call_${status}` };
  if (!addressFor(state.account.debtor, 'call')) return { allowed: false, reason: 'no_phone' };
  const ctx = {
    policy: state.policy,
    zones: zonesOf(state),
    channel: 'call' as const,
    contacts: countedContacts(state),
    jitterMs: 0,
  };
  const opened = nextAllowedInstant(ctx, from);
  const allowedAt = (t: number) => nextAllowedInstant(ctx, t).at === t;
  // The stretch ends where the rules first move a call. Rules change on whole local minutes, so scan whole
  // minutes: in quarter hours, then minute by minute; the end is the first minute no longer allowed.
  const firstMinute = Math.ceil(opened.at / MS.MINUTE) * MS.MINUTE;
  const limit = opened.at + MS.DAY;
  let closesAt = firstMinute;
  if (allowedAt(firstMinute)) {
    let t = firstMinute;
    while (t + CALL_SCAN_STEP_MS <= limit && allowedAt(t + CALL_SCAN_STEP_MS)) t += CALL_SCAN_STEP_MS;
    while (t + MS.MINUTE <= limit && allowedAt(t + MS.MINUTE)) t += MS.MINUTE;
    closesAt = t + MS.MINUTE;
  }
  return {
    allowed: true,
    opensAt: opened.at,
    closesAt,
    moves: opened.moves.map((m) => ({ reason: m.reason, rule: m.rule })),
  };
}
