import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../workflows/engine/apply';
import { ana, drive, ms, stateFor } from './fixtures';

const START = '2026-11-20T15:00:00Z';
const run = (events: EngineEvent[], until = '2027-03-01T00:00:00Z') =>
  drive(stateFor(ana(), START), { from: ms(START), until: ms(until), events });
const suppressed = (r: ReturnType<typeof run>) =>
  r.records.filter((x) => x.outcome === 'suppressed').map((x) => `${x.step}:${x.reason}`);

describe('every suppression is recorded with what held it', () => {
  it('a promise made before the week-1 email holds it: once broken, the email is recorded as held_by_promise', () => {
    const r = run([
      {
        type: 'promise',
        at: ms('2026-12-04T18:00:00Z'),
        promiseId: 'p1',
        date: '2026-12-10',
        amountMinor: 50_000,
        agentId: 'agente-7',
      },
    ]);
    expect(suppressed(r)).toEqual(['week-1-email:held_by_promise']);
    expect(r.records.find((x) => x.outcome === 'suppressed')?.detail).toMatch(/^planned 2026-12-08T15:\d\d:\d\d/);
  });

  it('a dispute upheld records the steps it held before collection ended', () => {
    const r = run([
      { type: 'disputeOpened', at: ms('2026-12-03T18:00:00Z'), disputeId: 'd-1' },
      { type: 'disputeResolved', at: ms('2026-12-20T18:00:00Z'), disputeId: 'd-1', outcome: 'upheld' },
    ]);
    expect(suppressed(r)).toEqual(['week-1-email:held_by_dispute', 'agent-task:held_by_dispute']);
  });

  it('a cease-communication request records every message still to come as suppressed', () => {
    const r = run([{ type: 'optOut', at: ms('2026-12-03T18:00:00Z'), channel: 'all', source: 'letter' }]);
    expect(suppressed(r)).toEqual(['week-1-email:cease_communication', 'final-notice:cease_communication']);
  });
});
