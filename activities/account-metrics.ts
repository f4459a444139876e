import { Context, log } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';

/**
 * How accounts end, counted by the activity that records the ending, through the worker's SDK Prometheus exporter
 * (like cobranza_messages_*): `cobranza_accounts_closed{status}` with status one of the closed set below. Counted once
 * per account, when the status first changes to it, so a retried activity counts nothing twice.
 */
export const ACCOUNT_METRIC_NAMES = { closed: 'cobranza_accounts_closed' } as const;

export const CLOSING_STATUSES: ReadonlySet<string> = new Set([
  'paid',
  'overpaid',
  'settled',
  'cancelled',
  'dispute_upheld',
  'exhausted',
  'external_agency',
]);

export function recordAccountsClosed(
  statuses: readonly string[],
  meter: () => MetricMeter = () => Context.current().metricMeter
): void {
  for (const status of statuses) {
    if (!CLOSING_STATUSES.has(status)) continue;
    try {
      meter()
        .createCounter(ACCOUNT_METRIC_NAMES.closed, '', 'Accounts that left collection, by how')
        .add(1, { status });
    } catch (err) {
      log.warn('account metric not recorded', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
