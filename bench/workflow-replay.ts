/**
 * What replaying dunningWorkflow costs a worker (a cache miss, a restart, a deploy all replay histories). Not a
 * test: run it with
 *
 *   npx tsx bench/workflow-replay.ts [rounds=5] [copies=50]
 *
 * No Temporal server is needed: histories are written with the scenario DSL the replay specs use
 * (scenarios/histories) and replayed by `Worker.runReplayHistories` through the real sandbox and core. Both
 * workflow sets are bundled first, so bundling is not measured. Figures, one JSON line each:
 *   - ladder-vs-same-steps: replay time per history of the full default ladder over a workflow with no logic that
 *     makes the same commands in the same workflow tasks (bench/fixtures/same-steps-workflow.ts, its history
 *     derived from the ladder's). This is what our workflow code adds to the SDK's own work. Target ratio ≤ 1.3.
 *   - ladder-vs-minimal: the same over a minimal sleep-then-activity workflow of 4 steps
 *     (bench/fixtures/minimal-workflow.ts), which has fewer workflow tasks, activities and timers than the ladder.
 *   - ladder-floor: the same ladder history replayed by a copy of the workflow built to cost the least it can without
 *     changing what it decides: zod replaced by a pass-through (bench/fixtures/passthrough-zod.ts: no validation at
 *     all) and every workflow module preloaded (no module evaluated per run). Its ratio to the same steps is what the
 *     ladder's decisions alone cost, the floor no validation or loading change can go under.
 *   - histories-per-second: full-ladder histories replayed per second by one replay worker.
 *   - long-history: one ~1,000-event history (the exhausted ladder receiving delivery callbacks, one workflow task
 *     each) replayed in a running replay worker, as a cache miss would be (target ≤ 0.5 s), and in a fresh one,
 *     which also loads the bundle into a new V8 context.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowBundle } from '@temporalio/worker';
import { anaUnpaidUntilFinalNotice } from '../scenarios/histories/ana-ladder';
import { WORKFLOWS_PATH, type DunningHistory } from '../scenarios/histories/dunning-history';
import { HistoryBuilder } from '../scenarios/histories/history-builder';
import { WORKFLOW_BUNDLER_OPTIONS } from '../worker/workflow-bundle-options';
import { sameStepsHistory } from './fixtures/same-steps-history';
import { historyCost } from './harness/history-cost';

const ROUNDS = Number(process.argv[2] ?? 5);
const COPIES = Number(process.argv[3] ?? 50);
const TARGET_RATIO = 1.3;
const TARGET_LONG_S = 0.5;
const LONG_SIGNALS = 245;
const DAY = 86_400_000;

type History = temporal.api.history.v1.IHistory;

function closedByPayment(h: DunningHistory, at: string): History {
  return h
    .signal(at, 'paymentReceived', { paymentId: 'pay-ana-1', amountMinor: 150_000 })
    .closes({
      accountId: 'acc-mx-ana-001',
      status: 'paid',
      balanceMinor: 0,
      paidMinor: 150_000,
      stage: 'agent-task',
    })
    .build();
}

function fullLadderHistory(): History {
  return closedByPayment(anaUnpaidUntilFinalNotice(), '2026-12-20T17:00:00.000Z');
}

/** The exhausted ladder receiving delivery callbacks for a long time: each is a signal and a command-less task. */
function longHistory(): History {
  const h = anaUnpaidUntilFinalNotice();
  for (let i = 0; i < LONG_SIGNALS; i++) {
    h.signal(new Date(Date.parse('2026-12-16T00:00:00.000Z') + i * 60_000).toISOString(), 'deliveryStatus', {
      channel: 'sms',
      providerMessageId: `SM-bulk-${i}`,
      status: 'delivered',
    });
  }
  return closedByPayment(h, '2026-12-20T17:00:00.000Z');
}

/** The baseline: four times sleep one week, then one activity. */
function minimalHistory(steps: number): History {
  const b = new HistoryBuilder({
    workflowType: 'minimalWorkflow',
    taskQueue: 'bench',
    input: [{ accountId: 'acc-mx-ana-001', steps, sleepMs: 7 * DAY }],
    startTime: '2026-11-20T15:00:00.000Z',
  });
  b.workflowTask();
  for (let step = 1; step <= steps; step++) {
    const id = String(step);
    b.timerStarted(id, 7 * DAY)
      .timerFired(id)
      .workflowTask()
      .activityScheduled(id, 'sendMessage', [{ accountId: 'acc-mx-ana-001', step }])
      .activityCompleted(id, { providerMessageId: `SM-${step}` })
      .workflowTask();
  }
  return b.completed(steps).build();
}

/**
 * The floor's bundle: zod aliased to a pass-through and every module of workflows/ but the entry points preloaded.
 * Measurement only: a pass-through zod drops defaults and checks, which this history does not need.
 */
function floorBundleOptions() {
  const dir = path.dirname(WORKFLOWS_PATH);
  const modules = (sub: string) =>
    readdirSync(path.join(dir, sub))
      .filter((f) => f.endsWith('.ts') && !['index.ts', 'dunning-workflow.ts'].includes(f))
      .map((f) => path.join(dir, sub, f.replace(/\.ts$/, '')));
  return {
    preloadModules: [...modules('engine'), ...modules('.')],
    webpackConfigHook: (config: Parameters<typeof WORKFLOW_BUNDLER_OPTIONS.webpackConfigHook>[0]) => {
      const c = WORKFLOW_BUNDLER_OPTIONS.webpackConfigHook(config);
      c.resolve = {
        ...c.resolve,
        alias: { ...(c.resolve?.alias as object), zod$: path.join(__dirname, 'fixtures/passthrough-zod.ts') },
      };
      return c;
    },
  };
}

/** Replays `copies` copies of a history in one replay worker; returns seconds, failing on any replay error. */
async function replayCopies(bundle: WorkflowBundle, history: History, copies: number, name: string): Promise<number> {
  const histories = Array.from({ length: copies }, (_, i) => ({ workflowId: `${name}-${i}`, history }));
  const started = performance.now();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: name }, histories)) {
    if (result.error) throw new Error(`${result.workflowId}: ${String(result.error)}`);
  }
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const logger = new DefaultLogger('WARN');
  const [dunningBundle, minimalBundle, sameStepsBundle, floorBundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger, ...WORKFLOW_BUNDLER_OPTIONS }),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures/minimal-workflow.ts'), logger }),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures/same-steps-workflow.ts'), logger }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger, ...floorBundleOptions() }),
  ]);
  const ladder = fullLadderHistory();
  const sameSteps = sameStepsHistory(ladder);
  const minimal = minimalHistory(4);
  const long = longHistory();
  process.stdout.write(
    `histories: full ladder ${ladder.events!.length} events, minimal ${minimal.events!.length} events, long ${long.events!.length} events\n`
  );

  // What a whole ladder costs in history and billable Actions, and one ladder step alone: the events from one
  // step's activity to the next one's (its timer, its workflow tasks, its upsert), averaged over the ladder.
  const cost = historyCost(ladder);
  const stepAt = (ladder.events ?? []).flatMap((e, i) =>
    e.activityTaskScheduledEventAttributes &&
    e.activityTaskScheduledEventAttributes.activityType?.name !== 'recordAccountChanges'
      ? [i]
      : []
  );
  const perStep = (stepAt[stepAt.length - 1]! - stepAt[0]!) / (stepAt.length - 1);
  const stepCost = historyCost({ events: (ladder.events ?? []).slice(stepAt[0], stepAt[stepAt.length - 1]) });
  const actionsPerStep = stepCost.actions / (stepAt.length - 1);
  process.stdout.write(
    `full ladder history: ${cost.events} events, ${cost.actions} billable Actions, ${(cost.bytes / 1024).toFixed(1)} KiB for ${stepAt.length} ladder steps with placement, a payment and closing; one step: ${perStep.toFixed(1)} events, ${actionsPerStep.toFixed(1)} Actions (goal ≤ 10 and ≤ 3)\n`
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'workflow-replay', figure: 'history-cost', events: cost.events, actions: cost.actions, bytes: cost.bytes, steps: stepAt.length, eventsPerStep: round(perStep, 1), actionsPerStep: round(actionsPerStep, 1) })}\n`
  );

  // Warm-up: JIT, the core runtime, the first sandbox contexts.
  await replayCopies(dunningBundle, ladder, 10, 'warmup-ladder');
  await replayCopies(minimalBundle, minimal, 10, 'warmup-minimal');
  await replayCopies(sameStepsBundle, sameSteps, 10, 'warmup-same-steps');
  await replayCopies(floorBundle, ladder, 10, 'warmup-floor');

  // 1. Per-history replay cost, interleaved rounds so drift affects every side alike.
  const ladderPer: number[] = [];
  const sameStepsPer: number[] = [];
  const minimalPer: number[] = [];
  const floorPer: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    floorPer.push((await replayCopies(floorBundle, ladder, COPIES, `floor-${r}`)) / COPIES);
    ladderPer.push((await replayCopies(dunningBundle, ladder, COPIES, `ladder-${r}`)) / COPIES);
    sameStepsPer.push((await replayCopies(sameStepsBundle, sameSteps, COPIES, `same-steps-${r}`)) / COPIES);
    minimalPer.push((await replayCopies(minimalBundle, minimal, COPIES, `minimal-${r}`)) / COPIES);
  }
  const ladderMs = median(ladderPer) * 1000;
  const sameStepsMs = median(sameStepsPer) * 1000;
  const minimalMs = median(minimalPer) * 1000;
  const ratio = ladderMs / sameStepsMs;
  process.stdout.write(
    `replay per history: full ladder ${ladderMs.toFixed(2)} ms, the same steps with no logic ${sameStepsMs.toFixed(2)} ms, ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}); minimal 4-step workflow (${minimal.events!.length} events) ${minimalMs.toFixed(2)} ms, ratio ${(ladderMs / minimalMs).toFixed(2)}\n`
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'workflow-replay', figure: 'ladder-vs-same-steps', ladderMsPerHistory: round(ladderMs, 2), sameStepsMsPerHistory: round(sameStepsMs, 2), ratio: round(ratio, 2), target: TARGET_RATIO, ok: ratio <= TARGET_RATIO, rounds: ROUNDS, copies: COPIES })}\n`
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'workflow-replay', figure: 'ladder-vs-minimal', ladderMsPerHistory: round(ladderMs, 2), minimalMsPerHistory: round(minimalMs, 2), ratio: round(ladderMs / minimalMs, 2), rounds: ROUNDS, copies: COPIES })}\n`
  );

  const floorMs = median(floorPer) * 1000;
  process.stdout.write(
    `floor: the ladder with no validation and no module loaded per run ${floorMs.toFixed(2)} ms, ratio ${(floorMs / sameStepsMs).toFixed(2)} to the same steps (what its decisions alone cost)\n`
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'workflow-replay', figure: 'ladder-floor', floorMsPerHistory: round(floorMs, 2), sameStepsMsPerHistory: round(sameStepsMs, 2), ratio: round(floorMs / sameStepsMs, 2), target: TARGET_RATIO })}\n`
  );

  // 2. Throughput of one replay worker.
  const n = COPIES * 4;
  const seconds = await replayCopies(dunningBundle, ladder, n, 'throughput');
  const perSecond = n / seconds;
  process.stdout.write(
    `throughput: ${n} full-ladder histories in ${seconds.toFixed(2)} s = ${perSecond.toFixed(0)} histories/s\n`
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'workflow-replay', figure: 'histories-per-second', historiesPerSec: round(perSecond, 1), histories: n, events: ladder.events!.length })}\n`
  );

  // 3. One long history. A cache miss in a running worker replays it in the worker's existing sandbox: timed from
  // the previous history's result to its own (warm). Replaying it in a fresh replay worker also pays for loading
  // the bundle into a new V8 context (cold), reported beside it.
  const warmRuns: number[] = [];
  const coldRuns: number[] = [];
  for (let r = 0; r < 3; r++) {
    let previousDone = 0;
    let longS = 0;
    const pair = [
      { workflowId: `warm-up-${r}`, history: ladder },
      { workflowId: `long-warm-${r}`, history: long },
    ];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: dunningBundle, replayName: `lw-${r}` },
      pair
    )) {
      if (result.error) throw new Error(`${result.workflowId}: ${String(result.error)}`);
      if (result.workflowId.startsWith('warm-up')) previousDone = performance.now();
      else longS = (performance.now() - previousDone) / 1000;
    }
    warmRuns.push(longS);
    const started = performance.now();
    await Worker.runReplayHistory({ workflowBundle: dunningBundle, replayName: `long-${r}` }, long, `long-${r}`);
    coldRuns.push((performance.now() - started) / 1000);
  }
  const warmS = median(warmRuns);
  const coldS = median(coldRuns);
  process.stdout.write(
    `long history: ${long.events!.length} events replayed in ${(warmS * 1000).toFixed(0)} ms in a running worker, ${(coldS * 1000).toFixed(0)} ms in a fresh one (medians of 3, target ≤ ${TARGET_LONG_S * 1000} ms)\n`
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'workflow-replay', figure: 'long-history', events: long.events!.length, seconds: round(warmS), coldSeconds: round(coldS), target: TARGET_LONG_S, ok: warmS <= TARGET_LONG_S })}\n`
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
