/**
 * End to end on a real Temporal server (the dev server, `temporal server start-dev`), PostgreSQL and the production
 * worker process, with the provider simulator standing in for Twilio. Not a test: run it with
 *
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/end-to-end.ts
 *
 * It places BENCH_ACCOUNTS (10,000) accounts due now through `POST /v1/accounts/batch` (1,000 per request) and
 * measures, in one run:
 *   - placement: accounts/s from the first request to the last answer, and per account the latency from its
 *     request to its WorkflowExecutionStarted (server clock, same machine), p50 and p99;
 *   - time from placement to the first recorded send (the simulator receiving the Twilio request), p50/p99/last;
 *   - worker CPU ms per ladder step (the worker process's user + system time over the steps it ran);
 *   - resident memory per cached workflow (the worker's RSS growth over its sticky-cache growth);
 *   - history events and billable Actions per account and per step, from the histories of a sample.
 * Debtors are real: the first jurisdiction and zone whose contact window is open now and for 45 minutes (the
 * engine decides). Sends are paced at BENCH_MESSAGING_MPS (1,000) per worker, as MESSAGING_MAX_PER_SECOND would.
 * Needs the Temporal CLI (cached by `.ci/run` or `npx tsx cli/main.ts temporal-servers`) and a PostgreSQL server;
 * without them it prints why and measures nothing.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { existingTemporalCli } from '../cli/temporal-cli-binary';
import { workflowIdFor } from '../workflows/workflow-input';
import { freePorts } from '../loopback/free-ports';
import { startCobranzaStack } from './harness/cobranza-stack';
import { startDevServerProcess } from './harness/dev-server-process';
import { historyCost, type HistoryCost } from './harness/history-cost';
import { firstRequestByWorkflow, percentile, placeBatch, until } from './harness/placement';
import { processUsage, prometheusGauge } from './harness/process-usage';
import { accountFor, reachableDebtor } from './harness/reachable-debtor';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const BATCH = 1_000;
const WARM_UP = 200;
const MPS = Number(process.env.BENCH_MESSAGING_MPS ?? 1_000);
const HISTORY_SAMPLE = 200;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  const skip = (reason: string) => say(JSON.stringify({ bench: 'end-to-end', skipped: reason }));
  if (!url) return skip('set BENCH_DATABASE_URL to a PostgreSQL server (the worker is another process)');
  if (!existingTemporalCli(process.env)) return skip('no Temporal CLI: run `npx tsx cli/main.ts temporal-servers`');
  let debtor;
  try {
    debtor = reachableDebtor(Date.now(), 45 * 60_000);
  } catch (err) {
    return skip((err as Error).message);
  }

  const schema = `bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);

  const [port] = await freePorts(1);
  const dev = await startDevServerProcess({ port: port! });
  const stack = await startCobranzaStack({
    temporalAddress: dev.address,
    databaseUrl: scoped.toString(),
    messagingMaxPerSecond: MPS,
  });
  try {
    const worker = await stack.startWorker('bench');
    const metrics = stack.metricsUrlOf(worker);
    say(
      `debtors: ${debtor.jurisdiction} ${debtor.timezone}, due ${debtor.dueDate}; ${ACCOUNTS} accounts; sends paced at ${MPS}/s`
    );
    const run = randomUUID().slice(0, 6);
    const accounts = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => accountFor(`e2e-${run}-${prefix}-${i}`, debtor, debtor.dueDate));
    const firstSends = () => firstRequestByWorkflow(stack.simulator);
    const allSent = (ids: readonly string[]) => {
      const first = firstSends();
      return ids.every((id) => first.has(workflowIdFor(id)));
    };

    // Warm-up: JIT, pools, the first workflow contexts; not measured.
    const warm = accounts('warm', WARM_UP);
    await placeBatch(stack.apiUrl, warm);
    await until(() => allSent(warm.map((a) => a.id)), 'warm-up first sends', 300_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const before = processUsage(worker.workerPid);
    const cacheBefore = (await prometheusGauge(metrics, 'temporal_sticky_cache_size')) ?? NaN;

    // 1. Placement.
    const measured = accounts('m', ACCOUNTS);
    const placedAt = new Map<string, number>();
    const batchMs: number[] = [];
    const started = Date.now();
    let failed = 0;
    for (let i = 0; i < measured.length; i += BATCH) {
      const batch = measured.slice(i, i + BATCH);
      const sentAt = Date.now();
      for (const a of batch) placedAt.set(workflowIdFor(a.id), sentAt);
      const answer = await placeBatch(stack.apiUrl, batch);
      failed += answer.failed;
      if (answer.failed > 0) say(`refused: ${JSON.stringify(answer.problems.slice(0, 3))}`);
      batchMs.push(Date.now() - sentAt);
    }
    const placementS = (Date.now() - started) / 1000;

    // 2. First sends.
    const ids = measured.map((a) => a.id);
    await until(() => allSent(ids), `first sends of ${ACCOUNTS} accounts`, 30 * 60_000, 1_000);
    const first = firstSends();
    const toFirstSend = ids
      .map((id) => first.get(workflowIdFor(id))!.receivedAt.getTime() - placedAt.get(workflowIdFor(id))!)
      .sort((a, b) => a - b);
    const allSentS =
      (Math.max(...ids.map((id) => first.get(workflowIdFor(id))!.receivedAt.getTime())) - started) / 1000;

    // 3. The worker once the steps' records are written and it is idle again.
    await new Promise((r) => setTimeout(r, 5_000));
    const after = processUsage(worker.workerPid);
    const cacheAfter = (await prometheusGauge(metrics, 'temporal_sticky_cache_size')) ?? NaN;

    // 4. Start latency per account, from the server's WorkflowExecutionStarted times.
    const startLatency: number[] = [];
    for await (const execution of stack.client.workflow.list({ query: `WorkflowType = 'dunningWorkflow'` })) {
      const sentAt = placedAt.get(execution.workflowId);
      if (sentAt !== undefined) startLatency.push(execution.startTime.getTime() - sentAt);
    }
    startLatency.sort((a, b) => a - b);

    // 5. Histories of a sample: placement plus the first step, each.
    const costs: HistoryCost[] = [];
    for (const id of ids.slice(0, HISTORY_SAMPLE)) {
      costs.push(historyCost(await stack.client.workflow.getHandle(workflowIdFor(id)).fetchHistory()));
    }
    const mean = (f: (c: HistoryCost) => number) => costs.reduce((s, c) => s + f(c), 0) / costs.length;

    const sends = stack.simulator.twilioMessages().length;
    const cpuMsPerStep = (after.cpuMs - before.cpuMs) / ACCOUNTS;
    const cached = cacheAfter - cacheBefore;
    const rssPerCachedMb = (after.rssBytes - before.rssBytes) / cached / 1e6;
    say(
      `placement: ${ACCOUNTS} accounts in ${placementS.toFixed(1)} s = ${(ACCOUNTS / placementS).toFixed(0)} accounts/s; request to workflow started p50 ${percentile(startLatency, 0.5)} ms, p99 ${percentile(startLatency, 0.99)} ms (${startLatency.length} found); batch of ${BATCH} p50 ${percentile(
        [...batchMs].sort((a, b) => a - b),
        0.5
      )} ms; ${failed} refused`
    );
    say(
      `first send: p50 ${(percentile(toFirstSend, 0.5) / 1000).toFixed(1)} s, p99 ${(percentile(toFirstSend, 0.99) / 1000).toFixed(1)} s after placement; all ${ACCOUNTS} sent ${allSentS.toFixed(1)} s after the first request (${sends} Twilio requests in all, warm-up included)`
    );
    say(
      `worker: ${cpuMsPerStep.toFixed(2)} CPU ms per step (workflow tasks + activities of placement and one send); RSS ${(before.rssBytes / 1e6).toFixed(0)} → ${(after.rssBytes / 1e6).toFixed(0)} MB for ${cached} more cached workflows = ${rssPerCachedMb.toFixed(2)} MB each (goal ≤ 1.2)`
    );
    say(
      `history per account (placement + first step, ${costs.length} sampled): ${mean((c) => c.events).toFixed(1)} events, ${mean((c) => c.actions).toFixed(1)} billable Actions, ${(mean((c) => c.bytes) / 1024).toFixed(1)} KiB (goal ≤ 10 events and ≤ 3 Actions per step)`
    );
    say(
      JSON.stringify({
        bench: 'end-to-end',
        jurisdiction: debtor.jurisdiction,
        accounts: ACCOUNTS,
        placementAccountsPerSec: round(ACCOUNTS / placementS),
        startLatencyP50Ms: percentile(startLatency, 0.5),
        startLatencyP99Ms: percentile(startLatency, 0.99),
        firstSendP50S: round(percentile(toFirstSend, 0.5) / 1000),
        firstSendP99S: round(percentile(toFirstSend, 0.99) / 1000),
        allFirstSendsS: round(allSentS),
        messagingMaxPerSecond: MPS,
        workerCpuMsPerStep: round(cpuMsPerStep, 2),
        rssMbPerCachedWorkflow: round(rssPerCachedMb, 2),
        cachedWorkflows: cached,
        eventsPerAccount: round(mean((c) => c.events)),
        actionsPerAccount: round(mean((c) => c.actions)),
        historyKiBPerAccount: round(mean((c) => c.bytes) / 1024),
      })
    );
  } finally {
    await stack.close();
    await dev.stop();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
