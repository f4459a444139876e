import type { EventOf } from './event';
import type { Recorder } from './recorder';
import type { EngineState } from './state';
import { closeAccount, pauseLadder, reject, resumeLadderIfIdle } from './transitions';

/** A dispute stops all collection contact until it is resolved. */
export function applyDisputeOpened(s: EngineState, e: EventOf<'disputeOpened'>, r: Recorder): EngineState {
  if (s.dispute.open) {
    r.record({ step: 'dispute', outcome: 'skipped', reason: 'dispute_already_open' });
    return s;
  }
  r.record({ step: 'dispute', outcome: 'recorded', reason: 'dispute_opened', ...(e.reason && { detail: e.reason }) });
  return openDispute(s, e.at, e.disputeId);
}

/** Upheld, the debt is void and the account closes; rejected, collection resumes where it paused. */
export function applyDisputeResolved(s: EngineState, e: EventOf<'disputeResolved'>, r: Recorder): EngineState {
  if (!s.dispute.open) return reject(s, r, 'disputeResolved', 'no dispute is open');
  const resolved: EngineState = { ...s, dispute: { open: false } };
  if (e.outcome === 'upheld') return closeAccount(resolved, 'dispute_upheld', 'dispute_upheld', r);
  r.record({ step: 'dispute', outcome: 'recorded', reason: 'dispute_rejected', detail: 'collection resumes' });
  return resumeLadderIfIdle(resolved, e.at, r);
}

/** The ladder stops and the dispute is open: from the backend, or from what the debtor told an agent on a call. */
export function openDispute(s: EngineState, at: number, disputeId?: string): EngineState {
  return {
    ...pauseLadder(s, at, 'dispute'),
    dispute: { open: true, openedAt: at, ...(disputeId !== undefined && { disputeId }) },
  };
}
