import type { Logger } from '@temporalio/common';
import type { RuntimeOptions } from '@temporalio/worker';
import type { WorkerConfig } from './worker-config';

/**
 * The worker's `Runtime.install` options: logs into pino, and the SDK's Prometheus exporter on
 * `WORKER_METRICS_ADDRESS`, which serves the SDK's own metrics (`temporal_*`) and ours (`cobranza_messages_*`,
 * recorded by the send activity on its metric meter).
 *
 * The exporter's naming defaults are relied on by the dashboard, the alerts and the runbook: `metricPrefix`
 * (`temporal_`) applies to the SDK's metrics only, counters get no `_total` suffix (`countersTotalSuffix` off) and
 * latencies are milliseconds. Change them here and there together.
 */
export function workerRuntimeOptions(
  config: Pick<WorkerConfig, 'WORKER_METRICS_ADDRESS'>,
  logger: Logger
): RuntimeOptions {
  return {
    logger,
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS },
        globalTags: { service: 'cobranza-worker' },
      },
    },
  };
}
