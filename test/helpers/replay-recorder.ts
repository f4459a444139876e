import type { WorkflowInfo } from '@temporalio/workflow';
import type { InjectedSinks } from '@temporalio/worker';
import type { Sinks } from '@temporalio/workflow';

/**
 * The core checks the kind and order of commands on replay, but not timer durations, activity
 * inputs or summaries. The interceptors in ./replay-interceptors report those through this sink,
 * which is registered with `callDuringReplay: true` because a replay worker drops every other sink call.
 */

/** Times are the workflow's own clock (`Date.now()` in the sandbox), i.e. the WorkflowTaskStarted time. */
export interface RecordedActivity {
  seq: number;
  activityId: string;
  type: string;
  input: unknown[];
  summary?: string;
  options: Record<string, unknown>;
  at: string;
}

export interface RecordedLocalActivity {
  seq: number;
  type: string;
  input: unknown[];
  summary?: string;
  options: Record<string, unknown>;
  at: string;
}

export interface RecordedTimer {
  seq: number;
  timerId: string;
  durationMs: number;
  summary?: string;
  at: string;
  /** Set when a later command of the workflow cancelled it (e.g. `condition` satisfied before its timeout). */
  canceled?: boolean;
}

export interface RecordedUpsert {
  values: Record<string, unknown>;
  at: string;
}

export interface RecordedCommand {
  /** Command kind as the SDK names it: startTimer, scheduleActivity, cancelTimer, upsertWorkflowSearchAttributes, completeWorkflowExecution... */
  kind: string;
  seq?: number;
}

export type RecordedOutcome =
  | { kind: 'completed'; result: unknown; at: string }
  | { kind: 'failed'; message: string; type?: string; name: string; at: string }
  | { kind: 'continuedAsNew'; args: unknown[]; workflowType?: string; at: string };

export interface ReplayRecording {
  workflowId: string;
  activities: RecordedActivity[];
  localActivities: RecordedLocalActivity[];
  timers: RecordedTimer[];
  searchAttributeUpserts: RecordedUpsert[];
  memoUpserts: RecordedUpsert[];
  /** Every command the workflow issued, in order, one entry per command. */
  commands: RecordedCommand[];
  outcome?: RecordedOutcome;
}

export interface ReplayRecorderSinks extends Sinks {
  replayRecorder: {
    activity(entry: RecordedActivity): void;
    localActivity(entry: RecordedLocalActivity): void;
    timer(entry: RecordedTimer): void;
    commands(entries: RecordedCommand[]): void;
    searchAttributes(entry: RecordedUpsert): void;
    memo(entry: RecordedUpsert): void;
    outcome(entry: RecordedOutcome): void;
  };
}

/** Host side of the sink: one recorder per replayed history. */
export class ReplayRecorder {
  private readonly recording: ReplayRecording;

  constructor(workflowId: string) {
    this.recording = {
      workflowId,
      activities: [],
      localActivities: [],
      timers: [],
      searchAttributeUpserts: [],
      memoUpserts: [],
      commands: [],
    };
  }

  sinks(): InjectedSinks<ReplayRecorderSinks> {
    const r = this.recording;
    // Sink arguments are objects of the workflow's vm realm; cloning gives tests plain host objects
    // (and a snapshot the workflow cannot mutate afterwards).
    const fn = <T>(record: (entry: T) => void) => ({
      fn: (_info: WorkflowInfo, entry: T) => record(hostCopy(entry)),
      callDuringReplay: true,
    });
    return {
      replayRecorder: {
        activity: fn<RecordedActivity>((e) => r.activities.push(e)),
        localActivity: fn<RecordedLocalActivity>((e) => r.localActivities.push(e)),
        timer: fn<RecordedTimer>((e) => r.timers.push(e)),
        commands: fn<RecordedCommand[]>((entries) => {
          r.commands.push(...entries);
          for (const c of entries) {
            if (c.kind !== 'cancelTimer') continue;
            const timer = r.timers.find((t) => t.seq === c.seq);
            if (timer) timer.canceled = true;
          }
        }),
        searchAttributes: fn<RecordedUpsert>((e) => r.searchAttributeUpserts.push(e)),
        memo: fn<RecordedUpsert>((e) => r.memoUpserts.push(e)),
        outcome: fn<RecordedOutcome>((e) => {
          r.outcome = e;
        }),
      },
    };
  }

  result(): ReplayRecording {
    return structuredClone(this.recording);
  }
}

function hostCopy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    // Options may hold functions or class instances structuredClone refuses; JSON is what a payload would carry anyway.
    return JSON.parse(JSON.stringify(value)) as T;
  }
}
