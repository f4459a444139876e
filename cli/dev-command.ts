import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createTransportsFromEnv } from '../activities/messaging/messaging-config';
import { createApp } from '../api/app';
import { startInboxRedelivery } from '../api/inbox-redelivery';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec';
import { createCodecServer } from '../codec/codec-server';
import { createDataConverter } from '../codec/data-converter';
import { loadConfig } from '../api/config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import { createWorkers } from '../worker/create-workers';
import { createLogger, temporalLoggerFor } from '../worker/logger';
import { devPayloadEncryption } from './dev-encryption';
import { demoPortfolio, describeDemo, DEMO_DEBTOR_PAGE_ACCOUNT, type DemoPortfolio } from './demo-portfolio';
import { DEFAULT_SELF_SERVICE_LINK_DAYS, selfServicePath } from '../activities/messaging/self-service-link';
import { NoTemporalServerError, temporalForDev } from './local-temporal';
import { UsageError } from './preview-command';

/**
 * `npm run dev`: the whole product in one process: migrations, the embedded database unless DATABASE_URL is set,
 * log transports unless provider credentials are set, encrypted payloads with the codec server the Web UI decodes
 * them through, a Temporal service (TEMPORAL_ADDRESS or a local dev server), the worker and the API.
 */
export async function devCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const unknown = args.filter((a) => a !== '--demo');
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]} (usage: cobranza dev [--demo])`);
  const demo = args.includes('--demo');
  const dataDir = env.DATA_DIR ?? '.data';
  const port = Number(env.PORT ?? 3000);
  const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
  const codecPort = Number(env.CODEC_SERVER_PORT ?? 8888);
  const logger = createLogger('cobranza-dev');
  const say = (line: string) => process.stderr.write(`cobranza dev: ${line}\n`);

  // Worker and API share this process, so one generated secret signs the unsubscribe links and verifies them, and
  // the links the worker writes point at this API's port unless PUBLIC_BASE_URL says otherwise.
  const unsubscribeSecretGenerated = !env.UNSUBSCRIBE_SECRET?.trim();
  const shared: NodeJS.ProcessEnv = {
    ...env,
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    ...(unsubscribeSecretGenerated && { UNSUBSCRIBE_SECRET: randomBytes(32).toString('base64url') }),
  };
  // Fail on bad configuration before starting anything.
  const messaging = createTransportsFromEnv(shared, logger);
  const { encryption, origin: encryptionOrigin, keyFile } = devPayloadEncryption(env, dataDir);
  const dataConverter = createDataConverter(encryption);
  const devKeys = env.API_KEYS
    ? undefined
    : { service: `svc_dev_${token()}`, agent: `agt_dev_${token()}`, admin: `adm_dev_${token()}` };
  const config = loadConfig({
    ...shared,
    ...(devKeys && { API_KEYS: `${devKeys.service}:service,${devKeys.agent}:agent,${devKeys.admin}:admin` }),
  });

  Runtime.install({
    logger: temporalLoggerFor(logger),
    // This command stops the API before the workers (below); the SDK's own signal handlers would drain them first.
    shutdownSignals: [],
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464' },
        globalTags: { service: 'cobranza-dev' },
      },
    },
  });

  // The Web UI decodes payloads in the browser through this server; local only, so no token (the UI sends none).
  let codec: Server | undefined;
  const codecUrl = `http://localhost:${codecPort}`;
  if (encryption.kind === 'keyring') {
    const codecApp = createCodecServer({
      codec: new AesGcmPayloadCodec(encryption),
      allowedOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
      authTokens: [],
      allowUnauthenticated: true,
    });
    codec = await listen(codecApp, codecPort);
  }

  const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: `${dataDir}/pglite` });
  await migrateToLatest(database.db);

  let temporal;
  try {
    temporal = await temporalForDev(env, {
      dataDir,
      dataConverter,
      progress: say,
      uiPort,
      ...(codec && { codecEndpoint: codecUrl }),
    });
  } catch (err) {
    await database.close();
    codec?.close();
    if (err instanceof NoTemporalServerError) {
      say(err.message);
      return 1;
    }
    throw err;
  }

  const workers = await createWorkers({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    activities: createActivities({ db: database.db, messaging, logger }),
    messagingMaxPerSecond: Number(env.MESSAGING_MAX_PER_SECOND ?? 10),
    shutdownGraceTime: 5_000,
    dataConverter,
  });
  const running = Promise.all(workers.map((w) => w.run()));

  const { app, deps } = createApp({ temporal: temporal.client, db: database.db, config, logger });
  const server = await listen(app, port);
  const stopRedelivery = startInboxRedelivery(deps, { intervalMs: 30_000, minAgeMs: 60_000, limit: 200 });

  const api = `http://localhost:${port}`;
  const lines = [
    '',
    'Cobranza is running.',
    `  API            ${api}`,
    `  API docs       ${api}/docs  (OpenAPI: ${api}/openapi.json)`,
    `  Temporal UI    ${temporal.uiUrl ?? '(set TEMPORAL_UI_URL to print it)'}`,
    `  Temporal       ${temporal.address} namespace ${temporal.namespace} (${temporal.source})`,
    `  Database       ${database.kind === 'embedded' ? `embedded PGlite in ${dataDir}/pglite` : 'DATABASE_URL'}`,
    `  Messaging      sms=${messaging.sms.name} whatsapp=${messaging.whatsapp.name} email=${messaging.email.name}`,
    `  Unsubscribe    ${unsubscribeSecretGenerated ? 'links signed with a secret generated for this run (set UNSUBSCRIBE_SECRET to keep them valid)' : 'links signed with UNSUBSCRIBE_SECRET'}`,
    `  Payloads       ${
      encryption.kind === 'disabled'
        ? 'NOT encrypted (PAYLOAD_ENCRYPTION_DISABLED=true)'
        : `encrypted (AES-256-GCM, ${encryptionOrigin === 'development key' ? `development key in ${keyFile}` : 'PAYLOAD_ENCRYPTION_KEYS'})`
    }`,
  ];
  if (codec) lines.push(`  Codec server   ${codecUrl}  (the Temporal UI decodes payloads through it)`);
  lines.push(
    `  Agent console  ${api}/console  (sign in with ${devKeys ? `the agent key ${devKeys.agent}` : 'an agent key from API_KEYS'})`
  );
  if (devKeys) {
    lines.push(
      `  API keys       service ${devKeys.service}`,
      `                 agent   ${devKeys.agent}`,
      `                 admin   ${devKeys.admin}`
    );
    lines.push('                 (generated for this run; set API_KEYS to choose your own)');
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  if (demo) {
    const key = devKeys?.service ?? config.apiKeys.find((k) => k.role !== 'agent')?.key;
    if (!key) throw new UsageError('--demo needs a service or admin key in API_KEYS');
    const now = new Date();
    const portfolio = demoPortfolio(now);
    const response = await fetch(`${api}/v1/accounts/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(portfolio.accounts),
    });
    process.stdout.write(
      `demo portfolio placed: HTTP ${response.status}, ${portfolio.accounts.length} accounts\n` +
        `${describeDemo(portfolio, now)
          .map((l) => `  ${l}`)
          .join('\n')}\n` +
        `${debtorPageLine(shared, portfolio)}` +
        `open the Temporal UI to watch the workflows: ${temporal.uiUrl ?? 'your Temporal UI'}\n\n`
    );
  }

  // Ctrl-C reaches this process twice under npm (the terminal signals the whole group, and npm forwards it again),
  // so the handler stays until the shutdown is done: a repeated signal must not end it half-way.
  let stop!: () => void;
  const stopping = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await stopping;
  process.stdout.write('stopping…\n');
  stopRedelivery();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  codec?.close();
  for (const w of workers) w.shutdown();
  await running;
  await temporal.close();
  await database.close();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return 0;
}

function listen(app: Express, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
}

function token(): string {
  return randomBytes(12).toString('base64url');
}

/** One demo debtor's own page, signed as the links in their messages are: what a debtor sees on a phone. */
function debtorPageLine(shared: NodeJS.ProcessEnv, portfolio: DemoPortfolio): string {
  const account = portfolio.accounts.find((a) => a.id === DEMO_DEBTOR_PAGE_ACCOUNT);
  const secret = shared.UNSUBSCRIBE_SECRET;
  if (!account || !secret || !shared.PUBLIC_BASE_URL) return '';
  const path = selfServicePath(secret, {
    accountId: account.id,
    expiresAt: Math.floor(Date.now() / 1000) + DEFAULT_SELF_SERVICE_LINK_DAYS * 86_400,
  });
  return `  debtor's page: ${shared.PUBLIC_BASE_URL.replace(/\/+$/, '')}${path}  (${account.debtor.name}, ${account.id}: the link his messages carry)\n`;
}
