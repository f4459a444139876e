import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  workflowsStarted: Counter<never>;
  signalsSent: Counter<'signal'>;
  webhookEvents: Counter<'provider' | 'type' | 'verdict'>;
  accountsPlaced: Counter<'result'>;
  paymentsApplied: Counter<'result'>;
  promisesRecorded: Counter<'kind'>;
  inboxRedelivered: Counter<'kind' | 'outcome'>;
  inboxUndelivered: Gauge<never>;
  guardRailStops: Counter<'metric'>;
  /** Accounts by ladder version, segment and arm, and outcome (placed, recovered, opted_out, complaint, …). */
  strategyAccounts: Gauge<'ladder_version' | 'segment' | 'arm' | 'outcome'>;
  strategyRecoveredMinor: Gauge<'ladder_version' | 'segment' | 'arm' | 'currency'>;
}

/** The API's metrics on the given registry (one registry per app, so tests and benches stay independent). */
export function createApiMetrics(registry: Registry, opts: { defaultMetrics?: boolean } = {}): ApiMetrics {
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'cobranza_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    workflowsStarted: new Counter({
      name: 'cobranza_workflows_started_total',
      help: 'Dunning workflows started by the API',
      registers,
    }),
    signalsSent: new Counter({
      name: 'cobranza_signals_sent_total',
      help: 'Signals sent to dunning workflows, by signal name',
      labelNames: ['signal'],
      registers,
    }),
    webhookEvents: new Counter({
      name: 'cobranza_webhook_events_total',
      help: 'Provider webhook events by provider, type and verdict',
      labelNames: ['provider', 'type', 'verdict'],
      registers,
    }),
    accountsPlaced: new Counter({
      name: 'cobranza_accounts_placed_total',
      help: 'Account placements by result (created, existing, rejected)',
      labelNames: ['result'],
      registers,
    }),
    paymentsApplied: new Counter({
      name: 'cobranza_payments_applied_total',
      help: 'Payments received by result (signalled, pending, duplicate, closed)',
      labelNames: ['result'],
      registers,
    }),
    promisesRecorded: new Counter({
      name: 'cobranza_promises_recorded_total',
      help: 'Promises to pay and payment agreements recorded by agents',
      labelNames: ['kind'],
      registers,
    }),
    inboxRedelivered: new Counter({
      name: 'cobranza_inbox_redelivered_total',
      help: 'Inbox events the redelivery sweep handed to their workflow, by kind and outcome (delivered, closed, failed)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    inboxUndelivered: new Gauge({
      name: 'cobranza_inbox_undelivered',
      help: 'Inbox events (placements, payments, opt-outs) recorded but not yet handed to their workflow',
      registers,
    }),
    guardRailStops: new Counter({
      name: 'cobranza_guard_rail_stops_total',
      help: 'Segment arms the guard-rails stopped, by the metric the arm did worse on',
      labelNames: ['metric'],
      registers,
    }),
    // Refreshed by each guard-rail round, not per scrape: the outcomes query reads every placed account. Labels are
    // bounded by what managers create: published ladder versions, segments and their arms (at most 6).
    strategyAccounts: new Gauge({
      name: 'cobranza_strategy_accounts',
      help: 'Accounts by ladder version, segment and arm, and outcome (placed, recovered, opted_out, complaint, promise_kept, promise_broken, contacts_to_recovered)',
      labelNames: ['ladder_version', 'segment', 'arm', 'outcome'],
      registers,
    }),
    strategyRecoveredMinor: new Gauge({
      name: 'cobranza_strategy_recovered_amount_minor',
      help: 'Payments received on accounts by ladder version, segment and arm, in minor units of the currency',
      labelNames: ['ladder_version', 'segment', 'arm', 'currency'],
      registers,
    }),
  };
}
