import { armsToStop, DEFAULT_GUARD_RAILS, type ArmOutcomes, type ArmStop } from '../workflows/engine/guard-rails';
import type { StrategyOutcomes } from '../db/repositories/account-assignments';
import type { RouteDeps } from './deps';
import { everyInterval } from './periodic';
import { publishStrategyGauges } from './strategy-kpis';

/** One arm stopped by a round, with the segment revision it belonged to. */
export interface GuardRailStop extends ArmStop {
  segmentId: string;
  revision: number;
}

/**
 * One round of guard-rails: every active split (a segment with two or more arms still running) is read from the
 * recorded outcomes of its current revision, and each arm the test finds worse is stopped (workflows/engine/
 * guard-rails.ts). Stopping is idempotent and names its revision, so two API processes running rounds at once, or a
 * segment rewritten meanwhile, never stop the wrong arm.
 */
export async function runGuardRails(
  deps: Pick<RouteDeps, 'ladders' | 'logger' | 'metrics' | 'now'>,
  /** Every outcome, when the caller has read them already; otherwise each split's are read on their own. */
  outcomes?: readonly StrategyOutcomes[]
): Promise<GuardRailStop[]> {
  const stopped: GuardRailStop[] = [];
  for (const segment of await deps.ladders.listSegments({ status: 'active' })) {
    const halted = new Set(segment.stoppedArms.map((s) => s.arm));
    const runningArms = segment.arms.map((_, arm) => arm).filter((arm) => !halted.has(arm));
    if (runningArms.length < 2) continue;
    const rows = outcomes
      ? outcomes.filter((o) => o.segmentId === segment.segmentId && o.revision === segment.revision)
      : await deps.ladders.outcomes({ segmentId: segment.segmentId, revision: segment.revision });
    const running: ArmOutcomes[] = runningArms.map((arm) => {
      const row = rows.find((r) => r.arm === arm);
      return {
        arm,
        placed: row?.placed ?? 0,
        recovered: row?.recovered ?? 0,
        optedOut: row?.optedOut ?? 0,
        complaints: row?.complaints ?? 0,
      };
    });
    for (const stop of armsToStop(running, DEFAULT_GUARD_RAILS)) {
      const { changed } = await deps.ladders.stopArm({
        segmentId: segment.segmentId,
        revision: segment.revision,
        arm: stop.arm,
        reason: stop.reason,
        actor: 'guard-rail',
        at: new Date(deps.now()),
      });
      if (!changed) continue;
      deps.metrics.guardRailStops.inc({ metric: stop.metric });
      // The alert: GuardRailStoppedArm (docs/runbook.md) fires on the counter; the log says which and why.
      deps.logger.warn(
        { segmentId: segment.segmentId, revision: segment.revision, arm: stop.arm, reason: stop.reason },
        'guard-rail stopped a segment arm'
      );
      stopped.push({ ...stop, segmentId: segment.segmentId, revision: segment.revision });
    }
  }
  return stopped;
}

/** Runs guard-rail rounds every `intervalMs`, one at a time, then refreshes the strategy gauges; returns the stop. */
export function startGuardRails(
  deps: Pick<RouteDeps, 'ladders' | 'logger' | 'metrics' | 'now'>,
  intervalMs: number
): () => void {
  return everyInterval(intervalMs, 'guard-rail', deps.logger, async () => {
    // One read of every outcome serves both: the gauges and every split's guard-rail.
    const outcomes = await deps.ladders.outcomes();
    publishStrategyGauges(deps.metrics, outcomes);
    await runGuardRails(deps, outcomes);
  });
}
