import type { DecisionRecord } from './decision-record';
import { applyActionStarted } from './apply-actions';
import { applyAgentContact } from './apply-agent-contacts';
import { applyAgreement, applyPromise } from './apply-commitments';
import { applyOptOut } from './apply-consent';
import { applyDisputeOpened, applyDisputeResolved } from './apply-disputes';
import { applyHoldPlaced, applyHoldReleased } from './apply-holds';
import { applyActionDeferred, applyActionFailed, applyActionSucceeded, applyDeliveryStatus } from './apply-outcomes';
import { applyPayment, applyPaymentAfterClose } from './apply-payments';
import type { EngineEvent } from './event';
import { recorderAt, type Recorder } from './recorder';
import type { EngineState } from './state';
import { closeAccount, reject } from './transitions';

export type { EngineEvent } from './event';

export interface Applied {
  state: EngineState;
  /** What this event decided, for the history, the audit log and the preview. */
  records: DecisionRecord[];
}

const MAX_DECISIONS = 50;

/**
 * The account after an event. Pure: returns a new state and never mutates the old one. Each family of events has
 * its reducer (payments, commitments, disputes, consent, agent contacts, actions and their outcomes); this only
 * routes the event and keeps the last decisions.
 */
export function apply(prev: EngineState, event: EngineEvent): Applied {
  const r = recorderAt(event.at);
  if (prev.terminal && event.type !== 'actionSucceeded' && event.type !== 'signalRejected') {
    // A closed account takes only money, and the outcome of an action already under way.
    const state = event.type === 'payment' ? applyPaymentAfterClose(prev, event, r) : prev;
    return { state: { ...state }, records: r.records };
  }
  const state = reduce(prev, event, r);
  return {
    state: { ...state, decisions: [...state.decisions, ...r.records].slice(-MAX_DECISIONS) },
    records: r.records,
  };
}

function reduce(s: EngineState, event: EngineEvent, r: Recorder): EngineState {
  switch (event.type) {
    case 'payment':
      return applyPayment(s, event, r);
    case 'promise':
      return applyPromise(s, event, r);
    case 'agreement':
      return applyAgreement(s, event, r);
    case 'disputeOpened':
      return applyDisputeOpened(s, event, r);
    case 'disputeResolved':
      return applyDisputeResolved(s, event, r);
    case 'holdPlaced':
      return applyHoldPlaced(s, event, r);
    case 'holdReleased':
      return applyHoldReleased(s, event, r);
    case 'optOut':
      return applyOptOut(s, event, r);
    case 'deliveryStatus':
      return applyDeliveryStatus(s, event, r);
    case 'cancel':
      return closeAccount(s, 'cancelled', `cancelled_${event.reason}`, r);
    case 'agentContact':
      return applyAgentContact(s, event, r);
    case 'signalRejected':
      return reject(s, r, event.signal, event.problem);
    case 'actionStarted':
      return applyActionStarted(s, event.decision, r);
    case 'actionSucceeded':
      return applyActionSucceeded(s, event, r);
    case 'actionFailed':
      return applyActionFailed(s, event, r);
    case 'actionDeferred':
      return applyActionDeferred(s, event, r);
  }
}
