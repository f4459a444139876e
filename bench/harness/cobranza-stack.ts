import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { startInboxRedelivery } from '../../api/inbox-redelivery';
import { createDataConverter, FAILURE_CONVERTER_PATH } from '../../codec/data-converter';
import { encryptionDisabled } from '../../codec/encryption-keys';
import { openDatabase, type OpenedDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../worker/workflow-bundle-options';
import { freePorts } from '../../loopback/free-ports';
import { startProviderSimulator, type ProviderSimulator } from '../../loopback/provider-simulator';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../../loopback/worker-process';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const SENDGRID_API_KEY = 'SG.bench-key.0123456789';
export const SERVICE_KEY = 'svc_bench_0123456789';

/**
 * The product as it runs in production, on loopback: worker processes (`worker/main.ts`, the production entry point,
 * each in its own process group so it can be killed with -9), the API in this process, PostgreSQL, a Temporal
 * server, and the provider simulator standing in for Twilio and SendGrid (the real clients call it over HTTP).
 */
export interface CobranzaStack {
  readonly simulator: ProviderSimulator;
  readonly client: Client;
  readonly database: OpenedDatabase;
  /** The API's base URL; send `Authorization: Bearer ${SERVICE_KEY}`. */
  readonly apiUrl: string;
  readonly workers: ReadonlySet<WorkerProcess>;
  startWorker(name: string): Promise<WorkerProcess>;
  /** `kill -9` of the worker's whole process group: no drain, no shutdown. */
  kill9(worker: WorkerProcess): Promise<void>;
  /** The worker's Prometheus endpoint. */
  metricsUrlOf(worker: WorkerProcess): string;
  close(): Promise<void>;
}

export async function startCobranzaStack(opts: {
  temporalAddress: string;
  databaseUrl: string;
  messagingMaxPerSecond: number;
}): Promise<CobranzaStack> {
  const dir = mkdtempSync(join(tmpdir(), 'cobranza-stack-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...WORKFLOW_BUNDLER_OPTIONS,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  writeFileSync(bundlePath, code);

  const simulator = await startProviderSimulator({
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
    sendgrid: { apiKey: SENDGRID_API_KEY },
  });
  const database = await openDatabase({ url: opts.databaseUrl, maxConnections: 20 });
  await migrateToLatest(database.db);
  const dataConverter = createDataConverter(encryptionDisabled('benchmarks and drills run on loopback only'));
  const connection = await Connection.connect({ address: opts.temporalAddress });
  const client = new Client({ connection, namespace: 'default', dataConverter });

  const providerEnv = {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef',
    TWILIO_API_BASE_URL: simulator.baseUrl,
    SENDGRID_API_KEY,
    SENDGRID_FROM_EMAIL: 'cobranza@aurora.example',
    SENDGRID_API_BASE_URL: simulator.baseUrl,
    PUBLIC_BASE_URL: 'https://cobranza.example.com',
    UNSUBSCRIBE_SECRET: 'bench-unsubscribe-secret-0123456789abcdef',
  };
  const config = loadConfig({
    API_KEYS: `${SERVICE_KEY}:service`,
    API_RATE_LIMIT_PER_MINUTE: '0',
    PUBLIC_BASE_URL: providerEnv.PUBLIC_BASE_URL,
    UNSUBSCRIBE_SECRET: providerEnv.UNSUBSCRIBE_SECRET,
  });
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const { app, deps } = createApp({ temporal: client, db: database.db, config, logger });
  // What a Temporal or database outage left undelivered in the inbox goes out again, as in production.
  const stopRedelivery = startInboxRedelivery(deps, { intervalMs: 5_000, minAgeMs: 5_000, limit: 500 });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const workers = new Set<WorkerProcess>();
  const metrics = new Map<WorkerProcess, string>();
  const startWorker = async (name: string) => {
    const [metricsPort] = await freePorts(1);
    const worker = await startWorkerProcess(
      name,
      workerEnv({
        temporalAddress: opts.temporalAddress,
        databaseUrl: opts.databaseUrl,
        dataDir: dir,
        providerEnv,
        metricsPort: metricsPort!,
        workflowBundlePath: bundlePath,
        extra: { MESSAGING_MAX_PER_SECOND: String(opts.messagingMaxPerSecond) },
      })
    );
    workers.add(worker);
    // Detached children outlive a parent that crashes: kill -9 sends its signal synchronously, before any await.
    process.once('exit', () => void worker.kill9(1));
    metrics.set(worker, `http://127.0.0.1:${metricsPort}/metrics`);
    return worker;
  };

  return {
    simulator,
    client,
    database,
    apiUrl,
    workers,
    startWorker,
    async kill9(worker) {
      await worker.kill9();
      workers.delete(worker);
    },
    metricsUrlOf: (w) => metrics.get(w)!,
    async close() {
      stopRedelivery();
      await Promise.allSettled([...workers].map((w) => w.stop(15_000)));
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections?.();
      await connection.close();
      await simulator.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
