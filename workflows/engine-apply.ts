import type {
  AgentContactInput,
  AgreementInput,
  CancelInput,
  DeliveryStatusInput,
  DisputeOpenedInput,
  DisputeResolvedInput,
  OptOutInput,
  PaymentInput,
  PromiseInput,
} from './account-events';
import { addressFor, type Channel, type ContactChannel } from './account';
import { checkAgreement, checkPromise, commitmentContextOf } from './commitment-rules';
import { SEND_OUTCOME_UNKNOWN_REASON } from './failure-types';
import { ladderStepInstant, type Decision, type DecisionNote } from './engine-next';
import type { EngineState, StepRecord } from './engine-state';
import { primaryZone } from './engine-state';
import type { AccountStatus } from './account-status';
import type { DecisionRecord } from './decision-record';
import { daysBetween, localParts } from './zoned-time';

type At = { at: number };
export type EngineEvent =
  | ({ type: 'payment' } & At & PaymentInput)
  | ({ type: 'promise' } & At & PromiseInput)
  | ({ type: 'agreement' } & At & AgreementInput)
  | ({ type: 'disputeOpened' } & At & DisputeOpenedInput)
  | ({ type: 'disputeResolved' } & At & DisputeResolvedInput)
  | ({ type: 'optOut' } & At & OptOutInput)
  | ({ type: 'deliveryStatus' } & At & DeliveryStatusInput)
  | ({ type: 'cancel' } & At & CancelInput)
  | ({ type: 'agentContact' } & At & AgentContactInput)
  | ({ type: 'actionStarted' } & At & { decision: Extract<Decision, { type: 'act' }> })
  | ({ type: 'actionSucceeded' } & At & {
        stepKey: string;
        channel?: Channel;
        providerMessageId?: string;
        taskId?: string;
      })
  | ({ type: 'actionFailed' } & At & {
        stepKey: string;
        channel?: Channel;
        permanent: boolean;
        reason: string;
        code?: string;
      })
  | ({ type: 'signalRejected' } & At & { signal: string; problem: string });

export interface Applied {
  state: EngineState;
  /** What this event decided, for the history, the audit log and the preview. */
  records: DecisionRecord[];
}

const MAX_DECISIONS = 50;

/** Call outcomes in which the agent spoke with the debtor. */
const CONVERSATIONS: ReadonlySet<string> = new Set([
  'contacted',
  'promise_made',
  'agreement_made',
  'refused',
  'disputed',
]);

/** The account after an event. Pure: returns a new state and never mutates the old one. */
export function apply(prev: EngineState, event: EngineEvent): Applied {
  const s: EngineState = { ...prev };
  const records: DecisionRecord[] = [];
  const record = (r: Omit<DecisionRecord, 'at'> & { at?: string }) => records.push({ at: iso(event.at), ...r });
  const note = (n: DecisionNote) =>
    records.push({
      at: iso(n.at),
      step: n.step,
      outcome: n.outcome,
      reason: n.reason,
      ...(n.rule !== undefined && { rule: n.rule }),
      ...(n.movedTo !== undefined && { movedTo: iso(n.movedTo) }),
      ...(n.detail !== undefined && { detail: n.detail }),
    });
  const setStep = (key: string, rec: StepRecord) => {
    s.steps = { ...s.steps, [key]: rec };
  };
  const finish = (status: AccountStatus, reason: string) => {
    // An open commitment closes with the account, so no promise or agreement is left "open" in the records:
    // paid in full keeps it; any other ending (cancelled, dispute upheld) cancels it.
    const paidInFull = status === 'paid' || status === 'overpaid';
    if (s.promise) closePromise(s, paidInFull ? 'kept' : 'cancelled', event.at, record);
    if (s.agreement?.status === 'active') {
      s.agreement = { ...s.agreement, status: paidInFull ? 'completed' : 'cancelled' };
      record({
        step: `agreement:${s.agreement.agreementId}`,
        outcome: 'recorded',
        reason: `agreement_${s.agreement.status}`,
      });
    }
    recordHeldSteps(s, event.at, record);
    s.terminal = status;
    s.pendingTasks = [];
    record({ step: 'account', outcome: 'recorded', reason, detail: status });
  };

  if (s.terminal && event.type !== 'actionSucceeded' && event.type !== 'signalRejected') {
    if (event.type === 'payment' && !s.paymentIds.includes(event.paymentId)) {
      // Money is never lost, even after the account closed: it lowers the balance, and beyond it is credit.
      receivePayment(s, event.amountMinor, event.paymentId);
      record({ step: 'payment', outcome: 'recorded', reason: 'payment_after_close', detail: event.paymentId });
    }
    return { state: s, records };
  }

  switch (event.type) {
    case 'payment': {
      if (s.paymentIds.includes(event.paymentId)) {
        record({ step: 'payment', outcome: 'skipped', reason: 'duplicate_payment', detail: event.paymentId });
        break;
      }
      receivePayment(s, event.amountMinor, event.paymentId);
      const credit = s.creditMinor ?? 0;
      record({
        step: 'payment',
        outcome: 'recorded',
        reason: credit > 0 ? 'overpaid' : s.balanceMinor === 0 ? 'paid_in_full' : 'partial_payment',
        detail: `${event.paymentId}: ${event.amountMinor}, balance ${s.balanceMinor}${credit > 0 ? `, credit ${credit}` : ''}`,
      });
      if (s.balanceMinor === 0) finish(credit > 0 ? 'overpaid' : 'paid', credit > 0 ? 'overpaid' : 'paid_in_full');
      break;
    }
    case 'promise': {
      const problem = promiseProblem(s, event, event.at);
      if (problem) {
        reject(s, record, event.at, 'promiseToPay', problem);
        break;
      }
      const promiseId = event.promiseId ?? `promise-${s.promises.length + 1}`;
      if (s.promise) {
        s.promises = s.promises.map((p) =>
          p.promiseId === s.promise!.promiseId ? { ...p, status: 'cancelled', decidedAt: event.at } : p
        );
        record({ step: `promise:${s.promise.promiseId}`, outcome: 'recorded', reason: 'promise_replaced' });
      }
      pauseLadder(s, event.at, 'promise');
      s.mode = 'promise';
      s.promise = {
        promiseId,
        amountMinor: event.amountMinor,
        date: event.date,
        agentId: event.agentId,
        madeAt: event.at,
        paidAtMake: s.paidMinor,
      };
      s.promises = [
        ...s.promises,
        { promiseId, amountMinor: event.amountMinor, date: event.date, agentId: event.agentId, status: 'open' },
      ];
      record({
        step: `promise:${promiseId}`,
        outcome: 'recorded',
        reason: 'promise_to_pay',
        detail: `${event.amountMinor} by ${event.date}`,
      });
      break;
    }
    case 'agreement': {
      const problem = agreementProblem(s, event, event.at);
      if (problem) {
        reject(s, record, event.at, 'agreementNegotiated', problem);
        break;
      }
      if (s.promise) closePromise(s, 'cancelled', event.at, record);
      const agreementId = event.agreementId ?? `agreement-${event.at}`;
      pauseLadder(s, event.at, 'agreement');
      s.mode = 'agreement';
      s.agreement = {
        agreementId,
        agentId: event.agentId,
        madeAt: event.at,
        paidAtMake: s.paidMinor,
        status: 'active',
        installments: event.installments.map((i) => ({ ...i, status: 'pending' })),
      };
      record({
        step: `agreement:${agreementId}`,
        outcome: 'recorded',
        reason: 'agreement_negotiated',
        detail: `${event.installments.length} installments`,
      });
      break;
    }
    case 'disputeOpened': {
      if (s.dispute.open) {
        record({ step: 'dispute', outcome: 'skipped', reason: 'dispute_already_open' });
        break;
      }
      pauseLadder(s, event.at, 'dispute');
      s.dispute = {
        open: true,
        openedAt: event.at,
        ...(event.disputeId !== undefined && { disputeId: event.disputeId }),
      };
      record({
        step: 'dispute',
        outcome: 'recorded',
        reason: 'dispute_opened',
        ...(event.reason && { detail: event.reason }),
      });
      break;
    }
    case 'disputeResolved': {
      if (!s.dispute.open) {
        reject(s, record, event.at, 'disputeResolved', 'no dispute is open');
        break;
      }
      s.dispute = { open: false };
      if (event.outcome === 'upheld') {
        finish('dispute_upheld', 'dispute_upheld');
        break;
      }
      record({ step: 'dispute', outcome: 'recorded', reason: 'dispute_rejected', detail: 'collection resumes' });
      resumeLadderIfIdle(s, event.at, record);
      break;
    }
    case 'optOut': {
      if (event.channel === 'all') {
        s.ceased = true;
        // A cease request (12 CFR 1006.6(c)) holds every message still to come, for good.
        for (const step of s.ladder.steps) {
          if (s.steps[step.id] || step.kind !== 'message') continue;
          record({
            step: step.id,
            outcome: 'suppressed',
            reason: 'cease_communication',
            detail: `planned ${iso(ladderStepInstant(s, step))}`,
          });
        }
      } else {
        s.channels = retire(s, event.channel, 'opted_out');
      }
      record({
        step: 'consent',
        outcome: 'recorded',
        reason: event.channel === 'all' ? 'cease_communication' : 'opt_out',
        detail: `${event.channel} via ${event.source}`,
      });
      break;
    }
    case 'deliveryStatus': {
      const contactIndex = findContact(s, event);
      const key = `${event.providerMessageId ?? contactIndex}:${event.status}`;
      if (s.deliveryKeys.includes(key)) {
        record({ step: 'delivery', outcome: 'skipped', reason: 'duplicate_delivery_status', detail: key });
        break;
      }
      s.deliveryKeys = [...s.deliveryKeys.slice(-199), key];
      const contact = contactIndex >= 0 ? s.contacts[contactIndex] : undefined;
      // Only a permanent failure un-counts a contact (caps count attempts); a failed contact stays failed.
      if (contact && contact.status !== 'failed' && (event.status !== 'failed' || event.permanent)) {
        s.contacts = s.contacts.map((c, i) => (i === contactIndex ? { ...c, status: event.status } : c));
      }
      if (event.status !== 'failed') break;
      const stepKey = contact?.stepKey ?? event.stepId ?? 'unknown';
      if (!event.permanent) {
        record({
          step: stepKey,
          outcome: 'recorded',
          reason: 'delivery_failed_temporarily',
          detail: `${event.channel} ${event.errorCode ?? ''}`.trim(),
        });
        break;
      }
      s.channels = { ...s.channels, [event.channel]: 'failed' };
      record({
        step: stepKey,
        outcome: 'recorded',
        reason: 'channel_failed_permanently',
        detail: `${event.channel} ${event.errorCode ?? ''}`.trim(),
      });
      // Fall back to the step's next channel when nothing later has happened on the ladder yet.
      if (contact && s.lastStep === contact.stepKey && s.steps[contact.stepKey]?.outcome === 'sent') {
        const { [contact.stepKey]: _dropped, ...rest } = s.steps;
        s.steps = rest;
        record({
          step: contact.stepKey,
          outcome: 'recorded',
          reason: 'channel_fallback',
          detail: `after ${event.channel} failed`,
        });
      }
      break;
    }
    case 'cancel':
      finish('cancelled', `cancelled_${event.reason}`);
      break;
    case 'agentContact': {
      // A completion retried after a lost answer reports the same call again: it must count once.
      const reportKey = `${event.taskId ?? event.taskKey}:${event.calledAt ?? ''}`;
      if ((s.callReports ?? []).includes(reportKey)) {
        record({ step: event.taskKey, outcome: 'skipped', reason: 'duplicate_call_report', detail: reportKey });
        break;
      }
      s.callReports = [...(s.callReports ?? []).slice(-49), reportKey];
      if (event.outcome === 'other') {
        record({ step: event.taskKey, outcome: 'recorded', reason: 'agent_note', detail: `by ${event.agentId}` });
        break;
      }
      const conversation = CONVERSATIONS.has(event.outcome);
      // Counted when the call was made (never later than its report), so the caps see the real day.
      const calledAt = event.calledAt === undefined ? event.at : Math.min(Date.parse(event.calledAt), event.at);
      s.contacts = [
        ...s.contacts,
        {
          at: calledAt,
          stepKey: event.taskKey,
          channel: 'call',
          status: 'sent',
          ...(conversation && { conversation }),
        },
      ];
      record({
        step: event.taskKey,
        outcome: 'recorded',
        reason: `call_${event.outcome}`,
        detail: `by ${event.agentId}${conversation ? ', conversation' : ''}`,
      });
      if (event.outcome === 'wrong_number') {
        s.channels = retire(s, 'call', 'failed', 'invalid_address');
        record({
          step: event.taskKey,
          outcome: 'recorded',
          reason: 'channel_failed_permanently',
          detail: 'call wrong_number',
        });
      }
      if (event.outcome === 'disputed' && !s.dispute.open) {
        pauseLadder(s, event.at, 'dispute');
        s.dispute = { open: true, openedAt: event.at };
        record({
          step: 'dispute',
          outcome: 'recorded',
          reason: 'dispute_opened',
          detail: `on a call with ${event.agentId}`,
        });
      }
      break;
    }
    case 'signalRejected':
      reject(s, record, event.at, event.signal, event.problem);
      break;
    case 'actionStarted':
      startAction(s, event.decision, event.at, record, note, setStep, finish);
      break;
    case 'actionSucceeded': {
      const channel = event.channel;
      if (channel) {
        setStep(event.stepKey, { outcome: 'sent', at: event.at, channel });
        s.contacts = [
          ...s.contacts,
          {
            at: event.at,
            stepKey: event.stepKey,
            channel,
            status: 'sent',
            ...(event.providerMessageId !== undefined && { providerMessageId: event.providerMessageId }),
          },
        ];
        record({ step: event.stepKey, outcome: 'acted', reason: 'message_sent', detail: channel });
      } else {
        setStep(event.stepKey, { outcome: 'task_created', at: event.at });
        s.pendingTasks = s.pendingTasks.filter((t) => t.taskKey !== event.stepKey);
        s.agentTasks = s.agentTasks.map((t) =>
          t.taskKey === event.stepKey && event.taskId !== undefined ? { ...t, taskId: event.taskId } : t
        );
        record({
          step: event.stepKey,
          outcome: 'acted',
          reason: 'agent_task_created',
          ...(event.taskId && { detail: event.taskId }),
        });
      }
      s.lastStep = event.stepKey;
      break;
    }
    case 'actionFailed': {
      if (event.permanent && event.channel) {
        const status = event.reason === 'opted_out' ? 'opted_out' : 'failed';
        s.channels = retire(s, event.channel, status, event.reason);
        s.contacts = [
          ...s.contacts,
          { at: event.at, stepKey: event.stepKey, channel: event.channel, status: 'failed' },
        ];
        record({
          step: event.stepKey,
          outcome: 'skipped',
          reason: `channel_${status}`,
          detail: `${event.channel} ${event.code ?? ''}`.trim(),
        });
      } else if (event.reason === SEND_OUTCOME_UNKNOWN_REASON && event.channel) {
        // The message may have gone out: the step is over (no fallback channel, which could be a second message)
        // and the contact counts towards caps; the ladder goes on.
        setStep(event.stepKey, { outcome: 'failed', at: event.at, reason: event.reason, channel: event.channel });
        s.contacts = [
          ...s.contacts,
          { at: event.at, stepKey: event.stepKey, channel: event.channel, status: 'unknown' },
        ];
        record({ step: event.stepKey, outcome: 'skipped', reason: SEND_OUTCOME_UNKNOWN_REASON, detail: event.channel });
      } else {
        setStep(event.stepKey, { outcome: 'failed', at: event.at, reason: event.reason });
        s.pendingTasks = s.pendingTasks.filter((t) => t.taskKey !== event.stepKey);
        record({ step: event.stepKey, outcome: 'skipped', reason: 'action_failed', detail: event.reason });
      }
      break;
    }
  }
  s.decisions = [...s.decisions, ...records].slice(-MAX_DECISIONS);
  return { state: s, records };
}

/**
 * The channel retired, and with it every channel that reaches the same address when the reason is about the
 * address rather than the channel: SMS and WhatsApp share the phone number unless the debtor gave a separate
 * WhatsApp number. A "STOP" revokes texts to that number (47 CFR 64.1200(a)(10)), and a number that does not exist
 * is no better for WhatsApp. A channel-specific failure (not on WhatsApp, no approved template, a landline for SMS,
 * a misconfigured sender) retires that channel only.
 */
function retire(
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

/** A payment lowers the balance down to zero; what is paid beyond it is owed back to the debtor as credit. */
function receivePayment(s: EngineState, amountMinor: number, paymentId: string): void {
  s.paymentIds = [...s.paymentIds, paymentId];
  s.paidMinor += amountMinor;
  const applied = Math.min(amountMinor, s.balanceMinor);
  s.balanceMinor -= applied;
  if (amountMinor > applied) s.creditMinor = (s.creditMinor ?? 0) + amountMinor - applied;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

type RecordFn = (r: Omit<DecisionRecord, 'at'> & { at?: string }) => void;

function reject(s: EngineState, record: RecordFn, at: number, signal: string, problem: string) {
  s.rejected = [...s.rejected.slice(-19), { at, signal, problem }];
  record({ step: signal, outcome: 'rejected', reason: 'invalid_signal', detail: problem });
}

function pauseLadder(s: EngineState, at: number, cause: NonNullable<EngineState['pausedBy']>) {
  if (s.mode === 'ladder' && !s.dispute.open && s.pausedAt === null) {
    s.pausedAt = at;
    s.pausedBy = cause;
  }
}

/**
 * Every ladder step that would have gone out while the ladder stood still, as a suppression naming what held it:
 * the manager's preview and the audit trail show what the promise, the agreement or the dispute held back.
 */
function recordHeldSteps(s: EngineState, until: number, record: RecordFn) {
  if (s.pausedAt === null) return;
  for (const step of s.ladder.steps) {
    if (s.steps[step.id]) continue;
    const planned = ladderStepInstant(s, step);
    if (planned < s.pausedAt || planned >= until) continue;
    record({
      step: step.id,
      outcome: 'suppressed',
      reason: `held_by_${s.pausedBy ?? 'pause'}`,
      detail: `planned ${iso(planned)}`,
    });
  }
}

/** Back on the ladder, pushed back by the days it stood still, so it resumes where it paused. */
function resumeLadderIfIdle(s: EngineState, at: number, record: RecordFn) {
  if (s.mode !== 'ladder' || s.dispute.open) return;
  if (s.pausedAt !== null) {
    recordHeldSteps(s, at, record);
    s.pausedBy = null;
    const zone = primaryZone(s);
    s.shiftDays += Math.max(0, daysBetween(localParts(zone, s.pausedAt).date, localParts(zone, at).date));
    s.pausedAt = null;
  }
}

function closePromise(s: EngineState, status: 'kept' | 'broken' | 'cancelled', at: number, record: RecordFn) {
  const p = s.promise!;
  s.promises = s.promises.map((x) => (x.promiseId === p.promiseId ? { ...x, status, decidedAt: at } : x));
  s.promise = null;
  s.mode = 'ladder';
  record({ step: `promise:${p.promiseId}`, outcome: 'recorded', reason: `promise_${status}` });
}

function startAction(
  s: EngineState,
  decision: Extract<Decision, { type: 'act' }>,
  at: number,
  record: RecordFn,
  note: (n: DecisionNote) => void,
  setStep: (key: string, rec: StepRecord) => void,
  finishAccount: (status: AccountStatus, reason: string) => void
) {
  const { action } = decision;
  for (const n of decision.notes) note(n);
  for (const id of action.superseded) setStep(id, { outcome: 'superseded', at, reason: 'superseded' });
  switch (action.kind) {
    case 'skip':
      setStep(action.stepKey, { outcome: 'skipped', at, reason: action.reason });
      record({ step: action.stepKey, outcome: 'skipped', reason: action.reason });
      break;
    case 'agent_task':
      if (!s.agentTasks.some((t) => t.taskKey === action.stepKey)) {
        s.agentTasks = [...s.agentTasks, { taskKey: action.stepKey, reason: action.reason ?? action.template, at }];
      }
      break;
    case 'promise_check': {
      const p = s.promise!;
      const paid = s.paidMinor - p.paidAtMake;
      const tolerance = s.ladder.promise.keptTolerancePercent;
      const kept = paid * 100 >= p.amountMinor * (100 - tolerance);
      setStep(action.stepKey, { outcome: 'checked', at, reason: kept ? 'promise_kept' : 'promise_broken' });
      closePromise(s, kept ? 'kept' : 'broken', at, record);
      if (!kept) {
        s.pendingTasks = [
          ...s.pendingTasks,
          {
            taskKey: `promise-broken:${p.promiseId}`,
            reason: 'promise_broken',
            template: s.ladder.promise.brokenTaskTemplate,
          },
        ];
      }
      resumeLadderIfIdle(s, at, record);
      break;
    }
    case 'installment_check': {
      const a = s.agreement!;
      const index = a.installments.findIndex((i) => i.status === 'pending');
      const required = a.installments.slice(0, index + 1).reduce((sum, i) => sum + i.amountMinor, 0);
      const paid = s.paidMinor - a.paidAtMake;
      const kept = paid * 100 >= required * (100 - s.ladder.agreement.keptTolerancePercent);
      const installments = a.installments.map((i, n) =>
        n === index ? { ...i, status: kept ? ('kept' as const) : ('missed' as const) } : i
      );
      setStep(action.stepKey, { outcome: 'checked', at, reason: kept ? 'installment_kept' : 'installment_missed' });
      record({ step: action.stepKey, outcome: 'recorded', reason: kept ? 'installment_kept' : 'installment_missed' });
      if (kept && index === a.installments.length - 1) {
        s.agreement = { ...a, installments, status: 'completed' };
        s.terminal = 'settled';
        record({
          step: `agreement:${a.agreementId}`,
          outcome: 'recorded',
          reason: 'agreement_completed',
          detail: 'settled',
        });
      } else if (kept) {
        s.agreement = { ...a, installments };
      } else {
        s.agreement = { ...a, installments, status: 'broken' };
        s.mode = 'ladder';
        s.pendingTasks = [
          ...s.pendingTasks,
          {
            taskKey: `agreement-broken:${a.agreementId}`,
            reason: 'agreement_broken',
            template: s.ladder.agreement.brokenTaskTemplate,
          },
        ];
        record({ step: `agreement:${a.agreementId}`, outcome: 'recorded', reason: 'agreement_broken' });
        resumeLadderIfIdle(s, at, record);
      }
      break;
    }
    case 'end': {
      setStep(action.stepKey, { outcome: 'ended', at, reason: `ladder_end_${action.outcome}` });
      if (action.outcome === 'agent') {
        s.handoff = 'agent';
        s.pendingTasks = [
          ...s.pendingTasks,
          { taskKey: action.stepKey, reason: 'handed_to_agent', template: action.template },
        ];
        record({ step: action.stepKey, outcome: 'recorded', reason: 'handed_to_agent' });
      } else {
        finishAccount(
          action.outcome === 'external_agency' ? 'external_agency' : 'exhausted',
          `ladder_end_${action.outcome}`
        );
      }
      break;
    }
    case 'message':
      break;
  }
}

function findContact(s: EngineState, e: DeliveryStatusInput): number {
  if (e.providerMessageId) return s.contacts.findIndex((c) => c.providerMessageId === e.providerMessageId);
  for (let i = s.contacts.length - 1; i >= 0; i--) {
    const c = s.contacts[i]!;
    if (c.channel === e.channel && (e.stepId === undefined || c.stepKey === e.stepId)) return i;
  }
  return -1;
}

/** Why a promise cannot be recorded now, or null (the rules live in commitment-rules.ts). */
export function promiseProblem(s: EngineState, input: PromiseInput, now: number): string | null {
  return checkPromise(commitmentContextOf(s), input, now)?.message ?? null;
}

/** Why an agreement cannot be recorded now, or null. */
export function agreementProblem(s: EngineState, input: AgreementInput, now: number): string | null {
  return checkAgreement(commitmentContextOf(s), input, now)?.message ?? null;
}
