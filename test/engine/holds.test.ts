import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../workflows/engine/apply';
import { callPermission, next } from '../../workflows/engine/next';
import { ana, drive, ms, stateFor } from './fixtures';

/** Ana (Mexico City), due 2026-12-01: the pre-due nudge on 11-28, the day-1 SMS on 12-02, the week-1 email 12-08… */
const START = '2026-11-20T15:00:00Z';
const run = (events: EngineEvent[], until = '2027-03-01T00:00:00Z') =>
  drive(stateFor(ana(), START), { from: ms(START), until: ms(until), events });
const sentBetween = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.executed.filter((x) => x.at >= ms(from) && x.at < ms(to)).map((x) => x.decision.action.stepKey);

const hold = (at: string, holdId = 'moratoria-huracan-otis'): EngineEvent => ({
  type: 'holdPlaced',
  at: ms(at),
  holdId,
  reason: 'moratoria por el huracán en Guerrero',
});
const release = (at: string, holdId = 'moratoria-huracan-otis'): EngineEvent => ({
  type: 'holdReleased',
  at: ms(at),
  holdId,
});

describe('portfolio holds', () => {
  it('a held account sends nothing while the hold is open', () => {
    const r = run([hold('2026-11-21T18:00:00Z'), release('2027-01-10T18:00:00Z')]);
    expect(sentBetween(r, '2026-11-21T18:00:00Z', '2027-01-10T18:00:00Z')).toEqual([]);
  });

  it('the hold is recorded with its reason, and the account waits with reason held', () => {
    const r = run([hold('2026-11-21T18:00:00Z')], '2026-11-25T00:00:00Z');
    expect(r.records).toContainEqual(
      expect.objectContaining({
        step: 'hold',
        outcome: 'recorded',
        reason: 'hold_placed',
        detail: 'moratoria-huracan-otis: moratoria por el huracán en Guerrero',
      })
    );
    const d = next(r.state, ms('2026-11-24T18:00:00Z'));
    expect(d).toMatchObject({
      type: 'wait',
      reason: { code: 'held', detail: 'moratoria-huracan-otis: moratoria por el huracán en Guerrero' },
    });
  });

  it('released, the ladder resumes where it stopped, pushed back by the days it was held (as after a dispute)', () => {
    const r = run([hold('2026-11-21T18:00:00Z'), release('2026-12-21T18:00:00Z')]);
    expect(sentBetween(r, '2026-12-21T18:00:00Z', '2027-03-01T00:00:00Z')).toEqual([
      'pre-due-nudge',
      'day-1-sms',
      'week-1-email',
      'agent-task',
      'final-notice',
    ]);
  });

  it('the steps the hold kept back are recorded as held_by_hold', () => {
    const r = run([hold('2026-11-21T18:00:00Z'), release('2026-12-21T18:00:00Z')]);
    expect(r.records.filter((x) => x.reason === 'held_by_hold').map((x) => x.step)).toEqual([
      'pre-due-nudge',
      'day-1-sms',
      'week-1-email',
      'agent-task',
    ]);
  });

  it('with two holds open, releasing one keeps the account held until the other is released', () => {
    const r = run([
      hold('2026-11-21T18:00:00Z'),
      hold('2026-11-22T18:00:00Z', 'congelamiento-regulador'),
      release('2026-12-01T18:00:00Z'),
      release('2027-01-05T18:00:00Z', 'congelamiento-regulador'),
    ]);
    expect(sentBetween(r, '2026-11-21T18:00:00Z', '2027-01-05T18:00:00Z')).toEqual([]);
    expect(sentBetween(r, '2027-01-05T18:00:00Z', '2027-03-01T00:00:00Z').length).toBeGreaterThan(0);
  });

  it('the same hold delivered twice is recorded once', () => {
    const r = run([hold('2026-11-21T18:00:00Z'), hold('2026-11-21T18:05:00Z')], '2026-11-25T00:00:00Z');
    expect(r.records.filter((x) => x.reason === 'hold_placed')).toHaveLength(1);
    expect(r.records.filter((x) => x.reason === 'hold_already_placed')).toHaveLength(1);
    expect(r.state.holds).toHaveLength(1);
  });

  it('releasing a hold the account never had is rejected and changes nothing', () => {
    const r = run([release('2026-11-21T18:00:00Z', 'otra')], '2026-11-25T00:00:00Z');
    expect(r.state.rejected).toEqual([
      expect.objectContaining({ signal: 'holdReleased', problem: 'hold otra is not open' }),
    ]);
  });

  it('agents may not call a held account', () => {
    const r = run([hold('2026-11-21T18:00:00Z')], '2026-11-25T00:00:00Z');
    expect(callPermission(r.state, ms('2026-11-24T18:00:00Z'))).toEqual({ allowed: false, reason: 'held' });
  });

  it('a dispute resolved during a hold leaves the account held', () => {
    const r = run([
      hold('2026-11-21T18:00:00Z'),
      { type: 'disputeOpened', at: ms('2026-11-22T18:00:00Z'), disputeId: 'd-1' },
      { type: 'disputeResolved', at: ms('2026-11-25T18:00:00Z'), disputeId: 'd-1', outcome: 'rejected' },
      release('2026-12-21T18:00:00Z'),
    ]);
    expect(sentBetween(r, '2026-11-21T18:00:00Z', '2026-12-21T18:00:00Z')).toEqual([]);
  });
});
