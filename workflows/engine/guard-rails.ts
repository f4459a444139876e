/**
 * Guard-rails for a split: an arm doing significantly worse than another arm of the same split stops taking new
 * accounts. Pure; api/guard-rails.ts reads the outcomes and stops the arms.
 *
 * The test is the mixture sequential probability ratio test (mSPRT) for a difference of two proportions, with a
 * normal mixing distribution N(0, τ²) on the difference (Johari, Koomen, Pekelis and Walsh, "Always Valid Inference:
 * Continuous Monitoring of A/B Tests", Operations Research 70(3), 2022, §3 and §4.2, as in Optimizely's Stats
 * Engine). Its likelihood ratio may be checked after every new account without inflating the false-alarm rate: the
 * chance that it ever crosses 1/α under no difference is at most α (Ville's inequality). A fixed-horizon z-test
 * checked repeatedly would stop good arms far more often than α.
 */

export interface ArmOutcomes {
  arm: number;
  placed: number;
  recovered: number;
  optedOut: number;
  complaints: number;
}

export interface GuardRailSettings {
  /** False-alarm rate per comparison family; split over the comparisons made (Bonferroni). */
  alpha: number;
  /** The mixing distribution's standard deviation: the size of difference the test is tuned to find. */
  tau: number;
  /** No comparison before both arms have this many accounts. */
  minAccountsPerArm: number;
}

export const DEFAULT_GUARD_RAILS: GuardRailSettings = { alpha: 0.05, tau: 0.05, minAccountsPerArm: 200 };

/** A metric an arm may be stopped for, and which way is worse. */
const METRICS = [
  { name: 'recovery rate', of: (o: ArmOutcomes) => o.recovered, worseIsLower: true },
  { name: 'opt-out rate', of: (o: ArmOutcomes) => o.optedOut, worseIsLower: false },
  { name: 'complaint rate', of: (o: ArmOutcomes) => o.complaints, worseIsLower: false },
] as const;

/**
 * The mSPRT likelihood ratio for two proportions x/n (arm) and y/m (other), with n and m the accounts of each arm.
 * The pairwise formula is taken at the smaller sample, which keeps the test valid for unequal arms (conservative).
 */
export function msprtLikelihoodRatio(
  arm: { successes: number; trials: number },
  other: { successes: number; trials: number },
  tau: number
): number {
  const n = Math.min(arm.trials, other.trials);
  if (n === 0) return 1;
  const p = arm.successes / arm.trials;
  const q = other.successes / other.trials;
  // The variance of one pair's difference; floored so two arms with no event at all never divide by zero.
  const v = Math.max(p * (1 - p) + q * (1 - q), 1e-6);
  const t2 = tau * tau;
  const diff = p - q;
  return Math.sqrt(v / (v + n * t2)) * Math.exp((n * n * t2 * diff * diff) / (2 * v * (v + n * t2)));
}

export interface ArmStop {
  arm: number;
  /** The arm it did worse than. */
  against: number;
  metric: string;
  likelihoodRatio: number;
  threshold: number;
  reason: string;
}

const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)} %`;

/**
 * The arms to stop: each running arm is compared with every other running arm on each metric; an arm worse on one,
 * with the likelihood ratio at or past 1/α' (α split over all comparisons), is stopped. The arm doing best is never
 * stopped, so a split always keeps an arm running.
 */
export function armsToStop(
  running: readonly ArmOutcomes[],
  settings: GuardRailSettings = DEFAULT_GUARD_RAILS
): ArmStop[] {
  const eligible = running.filter((a) => a.placed >= settings.minAccountsPerArm);
  if (eligible.length < 2) return [];
  const comparisons = eligible.length * (eligible.length - 1) * METRICS.length;
  const threshold = comparisons / settings.alpha;
  const stops = new Map<number, ArmStop>();
  for (const metric of METRICS) {
    for (const a of eligible) {
      for (const b of eligible) {
        if (a.arm === b.arm || stops.has(a.arm)) continue;
        const ra = metric.of(a) / a.placed;
        const rb = metric.of(b) / b.placed;
        const worse = metric.worseIsLower ? ra < rb : ra > rb;
        if (!worse) continue;
        const lr = msprtLikelihoodRatio(
          { successes: metric.of(a), trials: a.placed },
          { successes: metric.of(b), trials: b.placed },
          settings.tau
        );
        if (lr < threshold) continue;
        stops.set(a.arm, {
          arm: a.arm,
          against: b.arm,
          metric: metric.name,
          likelihoodRatio: lr,
          threshold,
          reason:
            `guard-rail: ${metric.name} ${pct(metric.of(a), a.placed)} of ${a.placed} accounts against ` +
            `${pct(metric.of(b), b.placed)} of ${b.placed} on arm ${b.arm}; mSPRT likelihood ratio ` +
            `${lr.toFixed(1)} ≥ ${threshold.toFixed(0)} (α ${settings.alpha} over ${comparisons} comparisons)`,
        });
      }
    }
  }
  // Never stop every arm: keep the one with the best recovery rate.
  if (stops.size === eligible.length) {
    const best = [...eligible].sort((x, y) => y.recovered / y.placed - x.recovered / x.placed)[0]!;
    stops.delete(best.arm);
  }
  return [...stops.values()];
}
