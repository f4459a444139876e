/**
 * Send-intent ledger throughput: claim + markSent per op (the idempotent insert-or-return, then the locked update
 * with its timeline entry), 8 concurrent callers (BENCH_CONCURRENCY), for 10 s or 200k ops. Target: ≥ 5,000 ledger
 * writes/s on 2 cores with fsync and synchronous_commit on. Runs against BENCH_DATABASE_URL or
 * DATABASE_URL, else the in-memory embedded database (and says so). Prints one JSON line.
 *
 *   npx tsx bench/db-contact-attempts.ts
 */
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import { createContactAttemptStore } from '../db/repositories/contact-attempts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const MAX_OPS = 200_000;
/** The lease the worker takes: the send activity's 30 s start-to-close timeout plus its margin. */
const LEASE = { durationMs: 45_000 };

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
  if (!url) console.error('no BENCH_DATABASE_URL or DATABASE_URL: measuring the embedded in-memory database');
  const opened = await openDatabase({ url, dataDir: 'memory://', maxConnections: CONCURRENCY });
  const run = `bench-${randomUUID().slice(0, 8)}`;
  try {
    await migrateToLatest(opened.db);
    const store = createContactAttemptStore(opened.db);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    const deadline = started + DURATION_MS;

    const caller = async (): Promise<void> => {
      while (performance.now() < deadline && next < MAX_OPS) {
        const n = next++;
        const t0 = performance.now();
        const { attemptId, providerMessageId } = await store.claim(
          {
            workflowId: `${run}-${n % 5_000}`,
            accountId: `acc-${n % 5_000}`,
            stepKey: `step-${Math.floor(n / 5_000)}`,
            channel: 'sms',
            to: '+573001234567',
            template: 'reminder_friendly',
          },
          LEASE
        );
        if (providerMessageId === null) {
          await store.markSent(attemptId, { providerMessageId: `${run}-SM${n}`, transport: 'log', status: 'queued' });
        }
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, caller));
    const elapsedS = (performance.now() - started) / 1000;

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
    console.log(
      JSON.stringify({
        bench: 'db-contact-attempts',
        backend: opened.kind,
        concurrency: CONCURRENCY,
        ops: latencies.length,
        seconds: Number(elapsedS.toFixed(2)),
        opsPerSec: Math.round(latencies.length / elapsedS),
        // Each send is two idempotent ledger writes, each its own commit: the claim before the provider call and
        // markSent after it (which also appends the timeline entry).
        writesPerSec: Math.round((2 * latencies.length) / elapsedS),
        p50Ms: Number(pct(0.5).toFixed(2)),
        p99Ms: Number(pct(0.99).toFixed(2)),
      })
    );
  } finally {
    // Leave a shared server as we found it.
    await opened.db.deleteFrom('contact_attempts').where('workflow_id', 'like', `${run}-%`).execute();
    await opened.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
