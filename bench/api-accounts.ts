/**
 * Throughput of `POST /v1/accounts` through the real app (auth, rate limit, body parsing, zod validation,
 * placement, problem/metrics middleware) with Temporal stubbed, against a bare Express `express.json()` +
 * `res.json` endpoint in the same process and run; plus the latency of 1,000-account batches. Run with
 *
 *   npx tsx bench/api-accounts.ts [seconds=5] [connections=32]
 *
 * The store is an in-memory stub by default: with the embedded PGlite database (single connection, in-process)
 * the database dominates and the figure measures PGlite, not the API. `BENCH_DB=embedded` runs the same loop on
 * the embedded database as an extra figure. Only 127.0.0.1; keep-alive http.Agent; time-bounded.
 * One JSON line per figure: {"bench":"api-accounts","figure":…}. Targets: ratio ≥ 0.5, batch p99 ≤ 25 ms.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createApp } from '../api/app';
import { parseApiKeys, type ApiConfig } from '../api/config';
import type { TemporalClient } from '../api/deps';
import type { ApiStore } from '../api/store';
import type { Account } from '../workflows/engine/account';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? process.env.BENCH_CONNECTIONS ?? 32);
const KEY = 'svc_bench_key_000001';

const config: ApiConfig = {
  apiKeys: parseApiKeys(`${KEY}:service`),
  publicBaseUrl: 'http://127.0.0.1',
  twilioAuthToken: undefined,
  sendgridPublicKey: undefined,
  rateLimit: { max: 0, windowMs: 60_000 },
  bodyLimit: '1mb',
  batchBodyLimit: '10mb',
  batchMaxItems: 5000,
  batchConcurrency: 16,
  sendgridMaxAgeSeconds: 0,
};

/** Temporal stub: start resolves at once (no server here). */
const temporal = {
  workflow: {
    start: () => Promise.resolve({}),
    getHandle: () => ({ signal: () => Promise.resolve(), query: () => Promise.resolve({}) }),
  },
} as unknown as TemporalClient;

const memoryStore = (): ApiStore =>
  ({
    ping: () => Promise.resolve(),
    receivePlacement: () => Promise.resolve(),
    listPayments: () => Promise.resolve([]),
    markDelivered: () => Promise.resolve(),
  }) as unknown as ApiStore;

let n = 0;
function account(): Account {
  n++;
  return {
    id: `bench-${process.pid}-${n}`,
    debtor: {
      name: 'María Fernanda Gómez',
      phone: '+573001234567',
      email: 'maria@example.co',
      timezone: 'America/Bogota',
      jurisdiction: 'CO',
      locale: 'es-CO',
    },
    balance: { amountMinor: 15_000_000, currency: 'COP' },
    dueDate: '2026-11-15',
  };
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.keepAliveTimeout = 30_000;
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(port: number, path: string, body: string, contentType = 'application/json'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${KEY}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `connections` loops, each posting a fresh account until the time is up; counts 2xx answers. */
async function load(port: number, path: string, seconds: number) {
  const until = performance.now() + seconds * 1000;
  let ok = 0;
  let bad = 0;
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const status = await post(port, path, JSON.stringify(account()));
        lat.push(performance.now() - t0);
        if (status >= 200 && status < 300) ok++;
        else bad++;
      }
    })
  );
  lat.sort((a, b) => a - b);
  return {
    perSec: ok / seconds,
    bad,
    p50Ms: lat[Math.floor(lat.length * 0.5)]!,
    p99Ms: lat[Math.floor(lat.length * 0.99)]!,
  };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const real = createApp({ temporal, store: memoryStore(), config, logger, registry: new Registry() });
  const apiServer = await listen(real.app);
  const bare = express();
  bare.post('/bare', express.json(), (_req, res) => {
    res.status(201).json({ ok: true });
  });
  const bareServer = await listen(bare);
  const apiPort = (apiServer.address() as AddressInfo).port;
  const barePort = (bareServer.address() as AddressInfo).port;

  // Warm-up (JIT), then measure both in the same run, alternating order would not change much on 2 cores.
  await load(apiPort, '/v1/accounts', 1);
  await load(barePort, '/bare', 1);
  const bareRun = await load(barePort, '/bare', SECONDS);
  const apiRun = await load(apiPort, '/v1/accounts', SECONDS);
  if (apiRun.bad > 0) throw new Error(`${apiRun.bad} placements were not accepted`);
  const ratio = apiRun.perSec / bareRun.perSec;
  console.log(
    `bare express:   ${Math.round(bareRun.perSec)} req/s (p50 ${round(bareRun.p50Ms)} ms, p99 ${round(bareRun.p99Ms)} ms)`
  );
  console.log(
    `POST /v1/accounts: ${Math.round(apiRun.perSec)} accepted/s (p50 ${round(apiRun.p50Ms)} ms, p99 ${round(apiRun.p99Ms)} ms)`
  );
  console.log(
    JSON.stringify({
      bench: 'api-accounts',
      figure: 'accounts_accepted_per_sec',
      store: 'memory-stub',
      temporal: 'stub',
      acceptedPerSec: Math.round(apiRun.perSec),
      bareExpressPerSec: Math.round(bareRun.perSec),
      ratio: round(ratio),
      targetRatio: 0.5,
      pass: ratio >= 0.5,
      connections: CONNECTIONS,
      seconds: SECONDS,
    })
  );

  // 1,000-account batches, one at a time: validation + acceptance latency.
  const batchLat: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  for (let i = 0; i < 200 && (i < 20 || performance.now() < deadline); i++) {
    const body = JSON.stringify(Array.from({ length: 1000 }, account));
    const t0 = performance.now();
    const status = await post(apiPort, '/v1/accounts/batch', body);
    const ms = performance.now() - t0;
    if (status !== 200) throw new Error(`batch answered ${status}`);
    if (i >= 3) batchLat.push(ms); // the first few warm the JIT
  }
  batchLat.sort((a, b) => a - b);
  const p99 = batchLat[Math.min(batchLat.length - 1, Math.floor(batchLat.length * 0.99))]!;
  const p50 = batchLat[Math.floor(batchLat.length * 0.5)]!;
  console.log(`batch of 1,000: p50 ${round(p50)} ms, p99 ${round(p99)} ms over ${batchLat.length} batches`);
  console.log(
    JSON.stringify({
      bench: 'api-accounts',
      figure: 'batch_1000_latency',
      store: 'memory-stub',
      temporal: 'stub',
      p50Ms: round(p50),
      p99Ms: round(p99),
      targetP99Ms: 25,
      pass: p99 <= 25,
      batches: batchLat.length,
    })
  );

  if (process.env.BENCH_DB === 'embedded') {
    const { openDatabase } = await import('../db/database');
    const { migrateToLatest } = await import('../db/migrator');
    const opened = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(opened.db);
    const withDb = createApp({ temporal, db: opened.db, config, logger, registry: new Registry() });
    const dbServer = await listen(withDb.app);
    const dbPort = (dbServer.address() as AddressInfo).port;
    await load(dbPort, '/v1/accounts', 1);
    const dbRun = await load(dbPort, '/v1/accounts', SECONDS);
    console.log(
      `POST /v1/accounts on embedded PGlite: ${Math.round(dbRun.perSec)} accepted/s (p99 ${round(dbRun.p99Ms)} ms)`
    );
    console.log(
      JSON.stringify({
        bench: 'api-accounts',
        figure: 'accounts_accepted_per_sec',
        store: 'embedded-pglite',
        temporal: 'stub',
        acceptedPerSec: Math.round(dbRun.perSec),
        ratio: round(dbRun.perSec / bareRun.perSec),
        p99Ms: round(dbRun.p99Ms),
      })
    );
    dbServer.close();
    await opened.close();
  }
  agent.destroy();
  apiServer.close();
  bareServer.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
