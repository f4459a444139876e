import path from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/worker';
import type { WorkflowBundle } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { HistoryBuilder } from '../../scenarios/histories/history-builder';
import type { HistoryExpectations, HistoryJson } from '../../scenarios/histories/history-builder';
import { ReplayRecorder } from './replay-recorder';
import { asDecoded, differences } from './value-differences';
import type { ReplayRecording } from './replay-recorder';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../worker/workflow-bundle-options';

export type { ReplayRecording } from './replay-recorder';

/**
 * Replays a scenario history through the real workflow code in the real sandbox, with the
 * recording interceptors bundled in. A wrong command sequence throws the SDK's
 * DeterminismViolationError (or ReplayError for a workflow task failure) unchanged; what the core
 * does not check (timer durations, activity inputs, summaries declared on a HistoryBuilder) throws
 * ReplayExpectationError.
 */

export const REPLAY_INTERCEPTORS_PATH = path.join(__dirname, 'replay-interceptors.ts');

export type ReplayableHistory = HistoryBuilder | HistoryJson | temporal.api.history.v1.IHistory;

export interface ReplayOptions {
  /** Defaults to the builder's workflowId; histories themselves carry none. */
  workflowId?: string;
  /** Compare the builder's declared timer durations, activity inputs and summaries with the recording. Default true. */
  verify?: boolean;
  /**
   * A history that stops without a terminal event replays "OK" whatever the code does next, so by
   * default it is refused. Set this only to replay a prefix on purpose.
   */
  allowOpenEnded?: boolean;
}

export interface Replayer {
  replay(history: ReplayableHistory, options?: ReplayOptions): Promise<ReplayRecording>;
  /** The memoized bundle (workflow code + recording interceptors). */
  bundle(): Promise<WorkflowBundle>;
}

export class ReplayExpectationError extends Error {
  constructor(
    readonly mismatches: string[],
    readonly recording: ReplayRecording
  ) {
    super(`Replay matched the history but not its declared expectations:\n  - ${mismatches.join('\n  - ')}`);
    this.name = 'ReplayExpectationError';
  }
}

const TERMINAL_EVENT_TYPES = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
]);

/**
 * Every replay starts and stops a worker, which the default runtime logs at INFO (a dozen lines per
 * history). Install a WARN runtime unless the process already has one (a test that installed its
 * own runtime keeps it). REPLAY_LOG_LEVEL=DEBUG brings the detail back when a replay needs debugging.
 */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.REPLAY_LOG_LEVEL as LogLevel | undefined) ?? 'WARN') });
  } catch {
    // Already installed or instantiated: keep it.
  }
}

// Bundling takes seconds; share bundles between replayers of one test file (one module registry).
const bundles = new Map<string, Promise<WorkflowBundle>>();

export function bundleForReplay(workflowsPath: string): Promise<WorkflowBundle> {
  const key = path.resolve(workflowsPath);
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: key,
      workflowInterceptorModules: [REPLAY_INTERCEPTORS_PATH],
      // As production bundles it: a module shared across runs must not change what a replay does.
      ...WORKFLOW_BUNDLER_OPTIONS,
      logger: new DefaultLogger('WARN'),
    });
    // A failed bundle should fail every test that needs it, but not stick if the file is fixed in watch mode.
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

export function createReplayer(workflowsPath: string): Replayer {
  return {
    bundle: () => bundleForReplay(workflowsPath),
    replay: async (history, options) =>
      replayWithBundle({ workflowBundle: await bundleForReplay(workflowsPath), history, ...options }),
  };
}

export interface ReplayScenarioOptions extends ReplayOptions {
  /** Bundled with the recording interceptors (memoized per path). */
  workflowsPath?: string;
  /** Must have been built with REPLAY_INTERCEPTORS_PATH in workflowInterceptorModules, e.g. by bundleForReplay. */
  workflowBundle?: WorkflowBundle;
  history: ReplayableHistory;
}

export async function replayScenario(options: ReplayScenarioOptions): Promise<ReplayRecording> {
  const { workflowsPath, workflowBundle, ...rest } = options;
  if (workflowBundle) return replayWithBundle({ workflowBundle, ...rest });
  if (!workflowsPath) throw new TypeError('replayScenario needs workflowsPath or workflowBundle');
  return replayWithBundle({ workflowBundle: await bundleForReplay(workflowsPath), ...rest });
}

async function replayWithBundle(
  options: ReplayOptions & { workflowBundle: WorkflowBundle; history: ReplayableHistory }
): Promise<ReplayRecording> {
  const { history, workflowBundle } = options;
  const builder = history instanceof HistoryBuilder ? history : undefined;
  const proto = toHistory(history);
  if (!options.allowOpenEnded) assertTerminated(proto);
  const workflowId = options.workflowId ?? builder?.workflowId ?? 'replay';
  const recorder = new ReplayRecorder(workflowId);
  quietRuntime();
  // Throws DeterminismViolationError / ReplayError as is, so a test fails on a wrong command sequence.
  await Worker.runReplayHistory({ workflowBundle, sinks: recorder.sinks(), replayName: workflowId }, proto, workflowId);
  const recording = recorder.result();
  if (builder && options.verify !== false) {
    const mismatches = compareExpectations(builder.expectations, recording);
    if (mismatches.length > 0) throw new ReplayExpectationError(mismatches, recording);
  }
  return recording;
}

function toHistory(history: ReplayableHistory): temporal.api.history.v1.IHistory {
  if (history instanceof HistoryBuilder) return history.build();
  const first = history.events?.[0];
  // Proto JSON carries int64 ids as strings; decoded histories carry Long or number.
  if (first && typeof first.eventId === 'string') return historyFromJSON(history);
  return history as temporal.api.history.v1.IHistory;
}

function eventTypeName(eventType: unknown): string {
  if (typeof eventType === 'string') return eventType;
  // Decoded histories carry the enum number.
  return temporal.api.enums.v1.EventType[eventType as number] ?? String(eventType);
}

function assertTerminated(history: temporal.api.history.v1.IHistory): void {
  const last = history.events?.[history.events.length - 1];
  const type = eventTypeName(last?.eventType);
  if (!TERMINAL_EVENT_TYPES.has(type)) {
    throw new Error(
      `History ends with ${type}, not a terminal event: the replay would not check what the workflow does next. ` +
        'End the scenario with completed()/continuedAsNew()/failed(), or pass allowOpenEnded: true.'
    );
  }
}

/** A summary or other value as it reads in a mismatch. */
function wire(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

function compareExpectations(expected: HistoryExpectations, recording: ReplayRecording): string[] {
  const mismatches: string[] = [];
  for (const timer of expected.timers) {
    const actual = recording.timers.find((t) => t.timerId === timer.timerId);
    if (!actual) {
      mismatches.push(`timer ${timer.timerId}: declared in the history but never started by the workflow`);
      continue;
    }
    if (timer.durationMs !== undefined && actual.durationMs !== timer.durationMs) {
      mismatches.push(
        `timer ${timer.timerId}: history says ${timer.durationMs} ms, workflow asked for ${actual.durationMs} ms`
      );
    }
    if (timer.summary !== undefined && actual.summary !== timer.summary) {
      mismatches.push(`timer ${timer.timerId}: summary ${wire(timer.summary)} expected, got ${wire(actual.summary)}`);
    }
  }
  for (const activity of expected.activities) {
    const actual = recording.activities.find((a) => a.activityId === activity.activityId);
    if (!actual) {
      mismatches.push(`activity ${activity.activityId}: declared in the history but never scheduled by the workflow`);
      continue;
    }
    // Decoded objects, compared field by field: key order is nothing to the activity, and each differing field is
    // named with its path.
    if (activity.input !== undefined) {
      for (const difference of differences(asDecoded(activity.input), asDecoded(actual.input), 'input'))
        mismatches.push(`activity ${activity.activityId} (${activity.activityType}): ${difference}`);
    }
    if (activity.summary !== undefined && actual.summary !== activity.summary) {
      mismatches.push(
        `activity ${activity.activityId}: summary ${wire(activity.summary)} expected, got ${wire(actual.summary)}`
      );
    }
  }
  return mismatches;
}
