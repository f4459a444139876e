import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../scenarios/seeded-random';
import { armsToStop, msprtLikelihoodRatio, type ArmOutcomes } from '../../workflows/engine/guard-rails';

const arm = (n: number, placed: number, recovered: number, optedOut = 0, complaints = 0): ArmOutcomes => ({
  arm: n,
  placed,
  recovered,
  optedOut,
  complaints,
});

describe('the mSPRT likelihood ratio', () => {
  it('is 1 before any account', () => {
    expect(msprtLikelihoodRatio({ successes: 0, trials: 0 }, { successes: 0, trials: 0 }, 0.05)).toBe(1);
  });

  it('grows with evidence: the same gap in rates weighs more over more accounts', () => {
    const small = msprtLikelihoodRatio({ successes: 20, trials: 100 }, { successes: 30, trials: 100 }, 0.05);
    const large = msprtLikelihoodRatio({ successes: 200, trials: 1000 }, { successes: 300, trials: 1000 }, 0.05);
    expect(large).toBeGreaterThan(small * 1000);
  });

  it('stays below 1 for equal rates: no evidence of a difference', () => {
    expect(msprtLikelihoodRatio({ successes: 250, trials: 1000 }, { successes: 250, trials: 1000 }, 0.05)).toBeLessThan(
      1
    );
  });
});

describe('guard-rails on a split', () => {
  it('an arm recovering 12 % against 20 % over 1,000 accounts each is stopped, with the evidence in the reason', () => {
    const stops = armsToStop([arm(0, 1000, 200), arm(1, 1000, 120)]);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ arm: 1, against: 0, metric: 'recovery rate' });
    expect(stops[0]!.reason).toMatch(
      /^guard-rail: recovery rate 12\.0 % of 1000 accounts against 20\.0 % of 1000 on arm 0; mSPRT likelihood ratio [\d.]+ ≥ 120 \(α 0\.05 over 6 comparisons\)$/
    );
  });

  it('an arm with more opt-outs is stopped even when it recovers as much', () => {
    const stops = armsToStop([arm(0, 1000, 200, 10), arm(1, 1000, 200, 60)]);
    expect(stops).toEqual([expect.objectContaining({ arm: 1, metric: 'opt-out rate' })]);
  });

  it('nothing is stopped before both arms reach the minimum number of accounts', () => {
    expect(armsToStop([arm(0, 150, 60), arm(1, 150, 5)])).toEqual([]);
  });

  it('a small gap over few accounts stops nothing', () => {
    expect(armsToStop([arm(0, 300, 63), arm(1, 300, 57)])).toEqual([]);
  });

  it('with no real difference, checking after every 50 accounts stops an arm in under 5 % of 400 simulated splits', () => {
    const random = seededRandom(20261204);
    let stopped = 0;
    for (let trial = 0; trial < 400; trial++) {
      const counts = [arm(0, 0, 0), arm(1, 0, 0)];
      for (let step = 0; step < 40 && !armsToStop(counts).length; step++)
        for (let i = 0; i < 50; i++)
          for (const c of counts) {
            c.placed++;
            if (random() < 0.2) c.recovered++;
            if (random() < 0.02) c.optedOut++;
          }
      if (armsToStop(counts).length > 0) stopped++;
    }
    expect(stopped / 400).toBeLessThan(0.05);
  });

  it('a split never loses its last arm: of two arms each worse on one metric, the better recoverer keeps running', () => {
    const stops = armsToStop([arm(0, 2000, 400, 200), arm(1, 2000, 240, 20)]);
    expect(stops.map((s) => s.arm)).toEqual([1]);
  });
});
