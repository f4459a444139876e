import { applyInstallmentCheck, applyPromiseCheck } from './apply-commitments';
import type { ActDecision } from './next';
import type { Recorder } from './recorder';
import type { EngineState } from './state';
import { closeAccount, withStep } from './transitions';

/**
 * A decision of `next` carried out: its notes become records, the steps it supersedes are closed, and what `apply`
 * decides alone (a skip, a check, the ladder's end) is decided here. A message or an agent task waits for its
 * activity's outcome.
 */
export function applyActionStarted(s: EngineState, decision: ActDecision, r: Recorder): EngineState {
  const { action } = decision;
  for (const n of decision.notes) r.note(n);
  let next = s;
  for (const id of action.superseded)
    next = withStep(next, id, { outcome: 'superseded', at: r.at, reason: 'superseded' });
  switch (action.kind) {
    case 'skip':
      r.record({ step: action.stepKey, outcome: 'skipped', reason: action.reason });
      return withStep(next, action.stepKey, { outcome: 'skipped', at: r.at, reason: action.reason });
    case 'agent_task':
      if (next.agentTasks.some((t) => t.taskKey === action.stepKey)) return next;
      return {
        ...next,
        agentTasks: [
          ...next.agentTasks,
          { taskKey: action.stepKey, reason: action.reason ?? action.template, at: r.at },
        ],
      };
    // `next` plans a check only for the commitment the account follows.
    case 'promise_check':
      return next.mode === 'promise' ? applyPromiseCheck(next, action.stepKey, r) : next;
    case 'installment_check':
      return next.mode === 'agreement' ? applyInstallmentCheck(next, action.stepKey, r) : next;
    case 'end': {
      const ended = withStep(next, action.stepKey, {
        outcome: 'ended',
        at: r.at,
        reason: `ladder_end_${action.outcome}`,
      });
      if (action.outcome !== 'agent') {
        const status = action.outcome === 'external_agency' ? 'external_agency' : 'exhausted';
        return closeAccount(ended, status, `ladder_end_${action.outcome}`, r);
      }
      r.record({ step: action.stepKey, outcome: 'recorded', reason: 'handed_to_agent' });
      return {
        ...ended,
        handoff: 'agent',
        pendingTasks: [
          ...ended.pendingTasks,
          { taskKey: action.stepKey, reason: 'handed_to_agent', template: action.template },
        ],
      };
    }
    case 'message':
      return next;
  }
}
