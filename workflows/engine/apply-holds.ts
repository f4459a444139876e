import type { EventOf } from './event';
import type { Recorder } from './recorder';
import type { EngineState } from './state';
import { pauseLadder, reject, resumeLadderIfIdle } from './transitions';

/**
 * A portfolio hold stops every contact (messages and calls) until it is released; the ladder stands still meanwhile,
 * so it resumes where it stopped. Several holds may be open at once: collection resumes when the last is released.
 * Placing a hold already open, or releasing one never placed, changes nothing (a batch operation may deliver twice).
 */
export function applyHoldPlaced(s: EngineState, e: EventOf<'holdPlaced'>, r: Recorder): EngineState {
  const holds = s.holds ?? [];
  if (holds.some((h) => h.holdId === e.holdId)) {
    r.record({ step: 'hold', outcome: 'skipped', reason: 'hold_already_placed', detail: e.holdId });
    return s;
  }
  r.record({ step: 'hold', outcome: 'recorded', reason: 'hold_placed', detail: `${e.holdId}: ${e.reason}` });
  return { ...pauseLadder(s, e.at, 'hold'), holds: [...holds, { holdId: e.holdId, reason: e.reason, at: e.at }] };
}

export function applyHoldReleased(s: EngineState, e: EventOf<'holdReleased'>, r: Recorder): EngineState {
  const holds = s.holds ?? [];
  if (!holds.some((h) => h.holdId === e.holdId)) return reject(s, r, 'holdReleased', `hold ${e.holdId} is not open`);
  const left = holds.filter((h) => h.holdId !== e.holdId);
  r.record({
    step: 'hold',
    outcome: 'recorded',
    reason: 'hold_released',
    detail: left.length > 0 ? `${e.holdId}; still held by ${left.map((h) => h.holdId).join(', ')}` : e.holdId,
  });
  return resumeLadderIfIdle({ ...s, holds: left }, e.at, r);
}
