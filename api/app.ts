import type { Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Database } from '../db/schema';
import { ApiKeyAuthenticator } from './auth';
import type { ApiConfig } from './config';
import { createDbStore } from './db-store';
import { WebhookDeduper } from './dedupe';
import type { RouteDeps, TemporalClient } from './deps';
import { createErrorHandler, notFoundHandler } from './errors';
import { createApiMetrics, type ApiMetrics } from './metrics';
import { rateLimitPerKey } from './rate-limit';
import type { RouteContext } from './route';
import { registerAccountRoutes } from './routes/accounts';
import { registerAgentTaskRoutes } from './routes/agent-tasks';
import { registerLadderRoutes } from './routes/ladders';
import { registerSegmentRoutes } from './routes/segments';
import { registerKpiRoutes } from './routes/kpis';
import { registerHoldRoutes } from './routes/holds';
import type { DataConverter } from '@temporalio/common';
import { createDbLadderCatalog, unavailableLadderCatalog, type LadderCatalog } from './ladder-catalog';
import { registerOperationRoutes, type Readiness } from './routes/operations';
import { registerOptOutRoutes } from './routes/opt-outs';
import { registerPreviewRoutes } from './routes/preview';
import { registerSendgridWebhooks } from './routes/webhooks-sendgrid';
import { registerTwilioWebhooks } from './routes/webhooks-twilio';
import { registerUnsubscribeRoutes } from './routes/unsubscribe';
import type { ApiStore } from './store';
import { temporalAnswers, withCallDeadlines } from './temporal-deadline';
import { consoleRouter } from './console/console-routes';
import { selfServiceRouter } from './self-service/self-service-routes';
import { SELF_SERVICE_PATH } from '../activities/messaging/self-service-link';
import { CONSOLE_BASE } from './console/console-view';
import { ConsoleSessions } from './console/session';

export interface AppDeps {
  temporal: TemporalClient;
  /** The database (or a getter, when it is opened lazily); ignored when `store` is given. */
  db?: Kysely<Database> | (() => Kysely<Database>);
  /** Overrides the store built over `db` (benches measuring the API alone). */
  store?: ApiStore;
  /** Overrides the ladder catalog built over `db`. */
  ladders?: LadderCatalog;
  /** The client's data converter: what the API encodes itself (a hold's batch signal) is encoded as the SDK would. */
  dataConverter?: DataConverter;
  config: ApiConfig;
  logger?: Logger;
  registry?: Registry;
  /** Readiness probes; default: the store's ping, and the client's connection when it has one. */
  readiness?: Partial<Readiness>;
  now?: () => number;
}

export interface App {
  app: Express;
  metrics: ApiMetrics;
  store: ApiStore;
  /** What the routes run with: for work the API does outside a request (the inbox's redelivery sweep). */
  deps: RouteDeps;
}

export const API_INFO = { title: 'Cobranza', version: '1.0.0' };

/** Loggers must never print keys, phone numbers, e-mail addresses or bodies; this is the safety net. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  '*.phone',
  '*.whatsapp',
  '*.email',
  '*.name',
  '*.Body',
  '*.From',
  '*.To',
];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: LOG_REDACT, censor: '[redacted]' } });
}

export function createApp(deps: AppDeps): App {
  const logger = deps.logger ?? createLogger();
  const metrics = createApiMetrics(deps.registry ?? new Registry());
  let store = deps.store;
  if (!store) {
    if (!deps.db) throw new Error('createApp needs db or store');
    store = createDbStore(deps.db);
  }
  const { db } = deps;
  const ladders =
    deps.ladders ??
    (db ? createDbLadderCatalog(db) : unavailableLadderCatalog('the ladder catalog needs the database'));
  const routeDeps: RouteDeps = {
    ladders,
    // Fail fast: a request that needs an unreachable Temporal answers 503 within its budget, not after the SDK's retries.
    temporal: withCallDeadlines(deps.temporal, deps.config.temporalCallTimeoutMs),
    store,
    config: deps.config,
    logger,
    metrics,
    now: deps.now ?? Date.now,
  };
  const connection = (deps.temporal as { connection?: Partial<Connection> }).connection;
  const readiness: Readiness = {
    db: deps.readiness?.db ?? (() => store.ping()),
    temporal:
      deps.readiness?.temporal ??
      (connection?.withDeadline && connection.workflowService
        ? () => temporalAnswers(connection as Connection)
        : () => Promise.resolve()),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? String((req.route as { path: string }).path) : 'unmatched';
      metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - start) / 1e9
      );
    });
    next();
  });

  // No global body parser: each route parses its own body (webhooks need the raw bytes, batches a larger limit).
  const router = express.Router();
  const ctx: RouteContext = {
    router,
    operations: [],
    auth: new ApiKeyAuthenticator(deps.config.apiKeys),
    rateLimit: rateLimitPerKey(deps.config.rateLimit),
    bodyLimit: deps.config.bodyLimit,
  };
  const dedupe = new WebhookDeduper(store);
  registerTwilioWebhooks(ctx, routeDeps, dedupe);
  registerSendgridWebhooks(ctx, routeDeps, dedupe);
  registerUnsubscribeRoutes(ctx, routeDeps, dedupe);
  registerAccountRoutes(ctx, routeDeps);
  registerOptOutRoutes(ctx, routeDeps);
  registerAgentTaskRoutes(ctx, routeDeps);
  registerLadderRoutes(ctx, routeDeps);
  registerKpiRoutes(ctx, routeDeps);
  registerHoldRoutes(ctx, routeDeps, deps.dataConverter);
  registerSegmentRoutes(ctx, routeDeps);
  registerPreviewRoutes(ctx, routeDeps);
  registerOperationRoutes(ctx, routeDeps, readiness, API_INFO);
  app.use(router);
  app.use(
    CONSOLE_BASE,
    consoleRouter(routeDeps, ctx.auth, ConsoleSessions.withSecret(deps.config.consoleSessionSecret))
  );
  app.use(SELF_SERVICE_PATH, selfServiceRouter(routeDeps));
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return { app, metrics, store, deps: routeDeps };
}
