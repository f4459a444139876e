import { discountOfStep, offerMade } from './early-payment-discount';
import type { DeliveryStatusInput } from './account-events';
import type { DecisionRecord } from './decision-record';
import type { EventOf } from './event';
import type { Recorder } from './recorder';
import { primaryZone, type EngineState } from './state';
import { retire, withStep } from './transitions';
import { SEND_OUTCOME_UNKNOWN_REASON } from './failure-types';
import { formatLocalIso } from './zoned-time';

/*
 * What became of an action: the activity's answer (sent, task created, failed) and, later, the provider's report
 * on the message's delivery.
 */

/**
 * The record of an action carried out: a message the provider accepted, or an agent task created. The acting
 * activity writes this same record to the audit trail itself (one activity per step), at the instant it reports
 * (`sentAt`, `createdAt`), which is also the instant the workflow applies it at: one author, one clock.
 */
export function actedRecordOf(
  e: Pick<EventOf<'actionSucceeded'>, 'stepKey' | 'channel' | 'taskId'>
): Omit<DecisionRecord, 'at'> {
  return e.channel
    ? { step: e.stepKey, outcome: 'acted', reason: 'message_sent', detail: e.channel }
    : { step: e.stepKey, outcome: 'acted', reason: 'agent_task_created', ...(e.taskId && { detail: e.taskId }) };
}

export function applyActionSucceeded(s: EngineState, e: EventOf<'actionSucceeded'>, r: Recorder): EngineState {
  const { channel } = e;
  let next: EngineState;
  if (channel) {
    next = withStep(s, e.stepKey, { outcome: 'sent', at: e.at, channel });
    next = {
      ...next,
      contacts: [
        ...next.contacts,
        {
          at: e.at,
          stepKey: e.stepKey,
          channel,
          status: 'sent',
          ...(e.providerMessageId !== undefined && { providerMessageId: e.providerMessageId }),
        },
      ],
    };
    r.record(actedRecordOf(e));
    next = withOfferOf(next, e.stepKey, e.at, r);
  } else {
    next = withStep(s, e.stepKey, { outcome: 'task_created', at: e.at });
    next = {
      ...next,
      pendingTasks: next.pendingTasks.filter((t) => t.taskKey !== e.stepKey),
      agentTasks: next.agentTasks.map((t) =>
        t.taskKey === e.stepKey && e.taskId !== undefined ? { ...t, taskId: e.taskId } : t
      ),
    };
    r.record(actedRecordOf(e));
  }
  return { ...next, lastStep: e.stepKey };
}

export function applyActionFailed(s: EngineState, e: EventOf<'actionFailed'>, r: Recorder): EngineState {
  if (e.permanent && e.channel) {
    const status = e.reason === 'opted_out' ? 'opted_out' : 'failed';
    r.record({
      step: e.stepKey,
      outcome: 'skipped',
      reason: `channel_${status}`,
      detail: `${e.channel} ${e.code ?? ''}`.trim(),
    });
    return {
      ...s,
      channels: retire(s, e.channel, status, e.reason),
      contacts: [...s.contacts, { at: e.at, stepKey: e.stepKey, channel: e.channel, status: 'failed' }],
    };
  }
  if (e.reason === SEND_OUTCOME_UNKNOWN_REASON && e.channel) {
    // The message may have gone out: the step is over (no fallback channel, which could be a second message)
    // and the contact counts towards caps; the ladder goes on.
    const next = withStep(s, e.stepKey, { outcome: 'failed', at: e.at, reason: e.reason, channel: e.channel });
    r.record({ step: e.stepKey, outcome: 'skipped', reason: SEND_OUTCOME_UNKNOWN_REASON, detail: e.channel });
    return {
      ...next,
      contacts: [...next.contacts, { at: e.at, stepKey: e.stepKey, channel: e.channel, status: 'unknown' }],
    };
  }
  const next = withStep(s, e.stepKey, { outcome: 'failed', at: e.at, reason: e.reason });
  r.record({ step: e.stepKey, outcome: 'skipped', reason: 'action_failed', detail: e.reason });
  return { ...next, pendingTasks: next.pendingTasks.filter((t) => t.taskKey !== e.stepKey) };
}

/**
 * A send whose contact deadline passed before it went out (it waited in the queue, or for retries): nothing was
 * sent, so the step stays open and `next` plans it again at the next allowed instant, with its moves. The record says
 * why the message did not go out when it was planned.
 */
export function applyActionDeferred(s: EngineState, e: EventOf<'actionDeferred'>, r: Recorder): EngineState {
  r.record({
    step: e.stepKey,
    outcome: 'moved',
    reason: 'contact_window_closed',
    rule: e.deadline.rule,
    detail: `the ${e.channel} message had not gone out by ${formatLocalIso(e.deadline.zone, e.deadline.at)} (${e.deadline.zone}), when the rule stops contact`,
  });
  return s;
}

/**
 * A provider's delivery report, applied once however often it is repeated. Only a permanent failure un-counts a
 * contact (caps count attempts) and retires the channel; the step then falls back to its next channel when nothing
 * later has happened on the ladder yet.
 */
export function applyDeliveryStatus(s: EngineState, e: EventOf<'deliveryStatus'>, r: Recorder): EngineState {
  const contactIndex = findContact(s, e);
  const key = `${e.providerMessageId ?? contactIndex}:${e.status}`;
  if (s.deliveryKeys.includes(key)) {
    r.record({ step: 'delivery', outcome: 'skipped', reason: 'duplicate_delivery_status', detail: key });
    return s;
  }
  let next: EngineState = { ...s, deliveryKeys: [...s.deliveryKeys.slice(-199), key] };
  const contact = s.contacts[contactIndex];
  // A failed contact stays failed.
  if (contact && contact.status !== 'failed' && (e.status !== 'failed' || e.permanent)) {
    next = { ...next, contacts: next.contacts.map((c, i) => (i === contactIndex ? { ...c, status: e.status } : c)) };
  }
  if (e.status !== 'failed') return next;
  const stepKey = contact?.stepKey ?? e.stepId ?? 'unknown';
  const detail = `${e.channel} ${e.errorCode ?? ''}`.trim();
  if (!e.permanent) {
    r.record({ step: stepKey, outcome: 'recorded', reason: 'delivery_failed_temporarily', detail });
    return next;
  }
  next = { ...next, channels: { ...next.channels, [e.channel]: 'failed' } };
  r.record({ step: stepKey, outcome: 'recorded', reason: 'channel_failed_permanently', detail });
  if (contact && next.lastStep === contact.stepKey && next.steps[contact.stepKey]?.outcome === 'sent') {
    const { [contact.stepKey]: _dropped, ...steps } = next.steps;
    next = { ...next, steps };
    r.record({
      step: contact.stepKey,
      outcome: 'recorded',
      reason: 'channel_fallback',
      detail: `after ${e.channel} failed`,
    });
  }
  return next;
}

/** The contact a report is about: by provider message id, else the latest on its channel (and step, if given). */
function findContact(s: EngineState, e: DeliveryStatusInput): number {
  if (e.providerMessageId) return s.contacts.findIndex((c) => c.providerMessageId === e.providerMessageId);
  return s.contacts.findLastIndex((c) => c.channel === e.channel && (e.stepId === undefined || c.stepKey === e.stepId));
}

/**
 * A message whose ladder step offers an early-payment discount has just gone out: the account now holds that offer,
 * quoted on the balance at the send (as the message quoted it, unless a payment came between), replacing any before.
 */
function withOfferOf(s: EngineState, stepKey: string, at: number, r: Recorder): EngineState {
  const discount = discountOfStep(s.ladder, stepKey);
  if (!discount) return s;
  const offer = offerMade(stepKey, discount, s, primaryZone(s), at);
  r.record({
    step: stepKey,
    outcome: 'recorded',
    reason: 'early_payment_discount_offered',
    detail: `${offer.amountMinor} of ${offer.balanceAtOffer} settles if paid by ${offer.validUntil}`,
  });
  return { ...s, offer };
}
