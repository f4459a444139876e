import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { Kysely } from 'kysely';
import { createDataConverter } from '../codec/data-converter';
import { loadPayloadEncryption } from '../codec/encryption-keys';
import { openDatabase, type OpenedDatabase } from '../db/database';
import { DatabaseUnavailableError } from '../db/errors';
import { migrateToLatest } from '../db/migrator';
import type { Database } from '../db/schema';
import { createApp, createLogger } from './app';
import { loadConfig } from './config';
import { startInboxRedelivery } from './inbox-redelivery';
import { startGuardRails } from './guard-rails';

/**
 * `npm run start:api`: the HTTP API alone. It listens at once and serves /healthz even while Temporal or the
 * database is unreachable: the Temporal connection is lazy (dialled on first use, retried on every call) and the
 * database is opened in the background with backoff. /readyz is 503 until both answer.
 */
function main(): void {
  const logger = createLogger();
  const config = loadConfig();
  if (config.apiKeys.length === 0) logger.warn('API_KEYS is empty: every /v1 call will answer 401');
  if (!config.consoleSessionSecret) {
    logger.warn('CONSOLE_SESSION_SECRET is unset: agent console sessions end when this process restarts');
  }

  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = Connection.lazy(connectionOptions);
  const dataConverter = createDataConverter(loadPayloadEncryption(process.env));
  const client = new Client({ connection, namespace: namespace ?? 'default', dataConverter });

  let opened: OpenedDatabase | undefined;
  let stopping = false;
  const db = (): Kysely<Database> => {
    if (!opened) throw new DatabaseUnavailableError('the database is not open yet');
    return opened.db;
  };
  void (async () => {
    for (let attempt = 1, delay = 500; !stopping && !opened; attempt++, delay = Math.min(delay * 2, 15_000)) {
      try {
        const candidate = await openDatabase({
          ...(process.env.DATABASE_URL && { url: process.env.DATABASE_URL }),
          ...(process.env.DATA_DIR && { dataDir: `${process.env.DATA_DIR}/pglite` }),
          connectionTimeoutMillis: 5_000,
        });
        await migrateToLatest(candidate.db);
        opened = candidate;
        logger.info({ database: candidate.kind }, 'database open');
      } catch (err) {
        logger.warn({ attempt, retryInMs: delay, reason: (err as Error).name }, 'database unreachable; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  })();

  // /readyz asks Temporal on every probe (createApp's default), so it recovers when Temporal comes back.
  const { app, deps } = createApp({ temporal: client, db, config, logger, dataConverter });
  // Whatever Temporal did not take (it answered 503, or a process stopped between the write and the hand-over) is
  // handed over by this sweep once both are back; a minute's grace leaves each event to its own request first.
  const stopRedelivery =
    config.inboxRedeliveryIntervalMs !== undefined && config.inboxRedeliveryIntervalMs > 0
      ? startInboxRedelivery(deps, { intervalMs: config.inboxRedeliveryIntervalMs, minAgeMs: 60_000, limit: 200 })
      : () => undefined;
  // Splits are checked every few minutes: an arm doing significantly worse stops taking new accounts by itself.
  const stopGuardRails =
    config.guardRailIntervalMs !== undefined && config.guardRailIntervalMs > 0
      ? startGuardRails(deps, config.guardRailIntervalMs)
      : () => undefined;
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '0.0.0.0';
  const server = app.listen(port, host, (err?: Error) => {
    if (err) {
      logger.fatal({ reason: err.message }, 'cannot listen');
      process.exit(1);
    }
    logger.info({ port, host, temporal: connectionOptions.address, namespace }, 'api listening');
  });
  server.keepAliveTimeout = 65_000;

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopRedelivery();
    stopGuardRails();
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => {
      void Promise.allSettled([connection.close(), opened?.close()]).then(() => {
        clearTimeout(force);
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

try {
  main();
} catch (err) {
  console.error(`api failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
