import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { createActivities } from '../../activities';
import { createTransportsFromEnv, type MessagingTransports } from '../../activities/messaging/messaging-config';
import type { Database } from '../../db/schema';
import { createWorkers } from '../../worker/create-workers';
import { workflowBundlePath } from './temporal-servers';

export interface RunningWorkers {
  workers: Worker[];
  stop(): Promise<void>;
}

/**
 * The production workers (workflows + messaging task queues) over the real activities: the given database and the
 * log transports (no provider credentials), loading the bundle global setup built.
 */
export async function startCobranzaWorkers(opts: {
  env: TestWorkflowEnvironment;
  db: Kysely<Database>;
  dataConverter?: DataConverter;
  messaging?: MessagingTransports;
}): Promise<RunningWorkers> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const messaging =
    opts.messaging ?? createTransportsFromEnv({ PUBLIC_BASE_URL: 'https://cobranza.example.com' }, logger);
  const workers = await createWorkers({
    connection: opts.env.nativeConnection,
    namespace: opts.env.namespace ?? 'default',
    activities: createActivities({ db: opts.db, messaging, logger }),
    workflowBundlePath: workflowBundlePath(),
    messagingMaxPerSecond: 100,
    shutdownGraceTime: 1_000,
    ...(opts.dataConverter && { dataConverter: opts.dataConverter }),
  });
  const running = workers.map((w) => w.run());
  return {
    workers,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(running);
    },
  };
}
