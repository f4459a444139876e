import type { EventOf } from './event';
import { iso, type Recorder } from './recorder';
import type { EngineState } from './state';
import { ladderStepInstant } from './state';
import { retire } from './transitions';

/** An opt-out retires a channel (and its siblings on the same number); `all` is a cease request. */
export function applyOptOut(s: EngineState, e: EventOf<'optOut'>, r: Recorder): EngineState {
  let next: EngineState;
  if (e.channel === 'all') {
    next = { ...s, ceased: true };
    // A cease request (12 CFR 1006.6(c)) holds every message still to come, for good.
    for (const step of s.ladder.steps) {
      if (s.steps[step.id] || step.kind !== 'message') continue;
      r.record({
        step: step.id,
        outcome: 'suppressed',
        reason: 'cease_communication',
        detail: `planned ${iso(ladderStepInstant(s, step))}`,
      });
    }
  } else {
    next = { ...s, channels: retire(s, e.channel, 'opted_out') };
  }
  r.record({
    step: 'consent',
    outcome: 'recorded',
    reason: e.channel === 'all' ? 'cease_communication' : 'opt_out',
    detail: `${e.channel} via ${e.source}`,
  });
  return next;
}
