import type { StrategyOutcomes } from '../db/repositories/account-assignments';
import type { ApiMetrics } from './metrics';

/** The KPIs of one ladder version (and, in a split, one arm): counts and the rates a manager compares. */
export interface StrategyKpis extends StrategyOutcomes {
  /** Recovered ÷ placed; null before any account. */
  recoveryRate: number | null;
  /** Kept ÷ (kept + broken); null before any promise is decided. */
  promiseKeptRate: number | null;
  /** Messages accepted for recovered accounts ÷ recovered accounts; null before any recovery. */
  contactsPerRecovered: number | null;
  optOutRate: number | null;
  complaintRate: number | null;
}

const ratio = (x: number, n: number) => (n === 0 ? null : Number((x / n).toFixed(4)));

export function kpisOf(o: StrategyOutcomes): StrategyKpis {
  return {
    ...o,
    recoveryRate: ratio(o.recovered, o.placed),
    promiseKeptRate: ratio(o.promisesKept, o.promisesKept + o.promisesBroken),
    contactsPerRecovered: ratio(o.contactsToRecovered, o.recovered),
    optOutRate: ratio(o.optedOut, o.placed),
    complaintRate: ratio(o.complaints, o.placed),
  };
}

/** Sets the strategy gauges from a fresh read of the outcomes (every series replaced, so none goes stale). */
export function publishStrategyGauges(metrics: ApiMetrics, outcomes: readonly StrategyOutcomes[]): void {
  metrics.strategyAccounts.reset();
  metrics.strategyRecoveredMinor.reset();
  for (const o of outcomes) {
    const labels = {
      ladder_version: `${o.ladderId}@${o.ladderVersion}`,
      segment: o.segmentId ?? '',
      arm: o.arm === null ? '' : String(o.arm),
    };
    const counts: Record<string, number> = {
      placed: o.placed,
      recovered: o.recovered,
      opted_out: o.optedOut,
      complaint: o.complaints,
      promise_kept: o.promisesKept,
      promise_broken: o.promisesBroken,
      contacts_to_recovered: o.contactsToRecovered,
    };
    for (const [outcome, n] of Object.entries(counts)) metrics.strategyAccounts.set({ ...labels, outcome }, n);
    for (const m of o.recoveredAmount)
      metrics.strategyRecoveredMinor.set({ ...labels, currency: m.currency }, m.amountMinor);
  }
}
