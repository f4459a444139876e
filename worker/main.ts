import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDataConverter } from '../codec/data-converter';
import { describeEncryption, loadPayloadEncryption } from '../codec/encryption-keys';
import { createTransportsFromEnv } from '../activities/messaging/messaging-config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import { createLogger, temporalLoggerFor } from './logger';
import { createWorkers } from './create-workers';
import { workerRuntimeOptions } from './runtime-options';
import { loadWorkerConfig } from './worker-config';

/** `npm run start:worker`: the dunning worker process. */
async function main(): Promise<void> {
  const logger = createLogger('cobranza-worker');
  const config = loadWorkerConfig(process.env);
  // Must come before any connection: the SDK's Prometheus exporter and log routing are process-wide.
  Runtime.install(workerRuntimeOptions(config, temporalLoggerFor(logger)));
  const messaging = createTransportsFromEnv(process.env, logger);
  const encryption = loadPayloadEncryption(process.env);
  const database = await openDatabase({
    ...(config.DATABASE_URL && { url: config.DATABASE_URL }),
    dataDir: `${config.DATA_DIR}/pglite`,
  });
  await migrateToLatest(database.db);
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    const workers = await createWorkers({
      connection,
      namespace: namespace ?? 'default',
      activities: createActivities({ db: database.db, messaging, logger }),
      ...(config.WORKFLOW_BUNDLE_PATH !== undefined && { workflowBundlePath: config.WORKFLOW_BUNDLE_PATH }),
      messagingMaxPerSecond: config.MESSAGING_MAX_PER_SECOND,
      dataConverter: createDataConverter(encryption),
      shutdownGraceTime: config.SHUTDOWN_GRACE_MS,
    });
    logger.info(
      {
        address: connectionOptions.address,
        namespace,
        database: database.kind,
        metrics: config.WORKER_METRICS_ADDRESS,
        encryption: describeEncryption(encryption),
      },
      'worker started'
    );
    // The Runtime stops both workers on SIGINT/SIGTERM; run() resolves once in-flight tasks drained.
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await connection.close();
    await database.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cobranza worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
