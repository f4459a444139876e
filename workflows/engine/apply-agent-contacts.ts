import { openDispute } from './apply-disputes';
import type { EventOf } from './event';
import type { Recorder } from './recorder';
import type { EngineState } from './state';
import { retire } from './transitions';

/** Call outcomes in which the agent spoke with the debtor. */
const CONVERSATIONS: ReadonlySet<string> = new Set([
  'contacted',
  'promise_made',
  'agreement_made',
  'refused',
  'disputed',
]);

/**
 * What an agent's call came to. A call placed counts towards the caps like any contact, at the time it was made; a
 * conversation starts Reg F's quiet days for calls (12 CFR 1006.14(b)(2)(ii)); a wrong number retires the phone;
 * a debtor who disputes on the call opens a dispute.
 */
export function applyAgentContact(s: EngineState, e: EventOf<'agentContact'>, r: Recorder): EngineState {
  // A completion retried after a lost answer reports the same call again: it must count once.
  const reportKey = `${e.taskId ?? e.taskKey}:${e.calledAt ?? ''}`;
  if ((s.callReports ?? []).includes(reportKey)) {
    r.record({ step: e.taskKey, outcome: 'skipped', reason: 'duplicate_call_report', detail: reportKey });
    return s;
  }
  let next: EngineState = { ...s, callReports: [...(s.callReports ?? []).slice(-49), reportKey] };
  if (e.outcome === 'other') {
    r.record({ step: e.taskKey, outcome: 'recorded', reason: 'agent_note', detail: `by ${e.agentId}` });
    return next;
  }
  const conversation = CONVERSATIONS.has(e.outcome);
  // Counted when the call was made (never later than its report), so the caps see the real day.
  const calledAt = e.calledAt === undefined ? e.at : Math.min(Date.parse(e.calledAt), e.at);
  next = {
    ...next,
    contacts: [
      ...next.contacts,
      { at: calledAt, stepKey: e.taskKey, channel: 'call', status: 'sent', ...(conversation && { conversation }) },
    ],
  };
  r.record({
    step: e.taskKey,
    outcome: 'recorded',
    reason: `call_${e.outcome}`,
    detail: `by ${e.agentId}${conversation ? ', conversation' : ''}`,
  });
  if (e.outcome === 'wrong_number') {
    next = { ...next, channels: retire(next, 'call', 'failed', 'invalid_address') };
    r.record({
      step: e.taskKey,
      outcome: 'recorded',
      reason: 'channel_failed_permanently',
      detail: 'call wrong_number',
    });
  }
  if (e.outcome === 'disputed' && !next.dispute.open) {
    next = openDispute(next, e.at);
    r.record({ step: 'dispute', outcome: 'recorded', reason: 'dispute_opened', detail: `on a call with ${e.agentId}` });
  }
  return next;
}
