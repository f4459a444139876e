import type { DecisionRecord } from './decision-record';
import { apply } from './apply';
import type { EngineEvent } from './event';
import { next, type ActDecision, type Decision } from './next';
import type { EngineState } from './state';

/** What becomes of a message or an agent task the simulation runs. */
export type ActionOutcome = 'ok' | { permanent: boolean; reason: string };

export interface SimulationOptions {
  /** The instant the simulation starts asking `next` at. */
  from: number;
  /** No event after this instant is applied and no action after it runs. */
  until: number;
  /** What happens to the account, applied in time order (events at the same instant in the order given). */
  events?: readonly EngineEvent[];
  /** What becomes of a message or an agent task; each succeeds unless this says otherwise. */
  outcome?: (decision: ActDecision) => ActionOutcome;
  /** At most this many turns, each one `next` followed by one event or one action. */
  maxSteps: number;
}

export interface Simulation {
  state: EngineState;
  /** Every event applied, in order (the given ones and the engine's own actions), with what it recorded. */
  applied: { event: EngineEvent; records: DecisionRecord[] }[];
  /** Every action run, at its instant, with what became of it (a skip, a check or an end is always `ok`). */
  actions: { at: number; decision: ActDecision; outcome: ActionOutcome }[];
  /** Every `next` answer, with the state and the instant it was asked at. */
  asked: { now: number; state: EngineState; decision: Decision }[];
}

/**
 * The account driven by `next` and `apply` alone, as the workflow drives it but without Temporal: an event due at
 * or before the next action comes first (a payment at 10:00 stops the 10:00 reminder), and an action runs at the
 * instant `next` decided. Pure: the preview, the engine's specs and the benchmark run this one loop; the workflow
 * runs its own, with durable timers and activities.
 */
export function simulate(start: EngineState, opts: SimulationOptions): Simulation {
  let state = start;
  // Sorted once, stably: events at the same instant keep the order given.
  const events = [...(opts.events ?? [])].sort((a, b) => a.at - b.at);
  const sim: Simulation = { state, applied: [], actions: [], asked: [] };
  let now = opts.from;
  let ids = 0;
  const feed = (event: EngineEvent) => {
    const applied = apply(state, event);
    state = applied.state;
    sim.applied.push({ event, records: applied.records });
  };
  for (let turn = 0; turn < opts.maxSteps; turn++) {
    const decision = next(state, now);
    sim.asked.push({ now, state, decision });
    const pending = events[0];
    const actAt = decision.type === 'act' ? decision.at : Infinity;
    if (pending && pending.at <= actAt && pending.at <= opts.until) {
      events.shift();
      now = Math.max(now, pending.at);
      feed({ ...pending, at: now });
      continue;
    }
    if (decision.type !== 'act' || decision.at > opts.until) break;
    now = decision.at;
    feed({ type: 'actionStarted', at: now, decision });
    const { action } = decision;
    // Skips, checks and the ladder's end are decided by `apply` alone.
    if (action.kind !== 'message' && action.kind !== 'agent_task') {
      sim.actions.push({ at: now, decision, outcome: 'ok' });
      continue;
    }
    const outcome = opts.outcome?.(decision) ?? 'ok';
    sim.actions.push({ at: now, decision, outcome });
    if (outcome === 'ok') {
      feed({
        type: 'actionSucceeded',
        at: now,
        stepKey: action.stepKey,
        ...(action.kind === 'message'
          ? { channel: action.channel, providerMessageId: `msg-${++ids}` }
          : { taskId: `task-${++ids}` }),
      });
    } else {
      feed({
        type: 'actionFailed',
        at: now,
        stepKey: action.stepKey,
        ...(action.kind === 'message' && { channel: action.channel }),
        permanent: outcome.permanent,
        reason: outcome.reason,
      });
    }
  }
  sim.state = state;
  return sim;
}
