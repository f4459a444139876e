import type { Duration } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { msToNumber } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';

/**
 * Writes the history a scenario *should* produce, in the protobuf-JSON form that Temporal tools
 * export, so that `Worker.runReplayHistory` can check the real workflow code against it offline.
 *
 * The builder owns a clock. Every event is stamped with it, and the workflow's `Date.now()` during
 * replay is the time of the WorkflowTaskStarted event, so `advanceTo` / `advanceBy` are how a
 * scenario says "two days later".
 */

type Json = Record<string, unknown>;

export interface PayloadJson {
  metadata: Record<string, string>;
  data?: string;
}

export interface HistoryEventJson extends Json {
  eventId: string;
  eventTime: string;
  eventType: string;
}

export interface HistoryJson {
  events: HistoryEventJson[];
}

export interface SdkMetadata {
  coreUsedFlags?: number[];
  langUsedFlags?: number[];
  sdkName?: string;
  sdkVersion?: string;
}

/**
 * Core flag 1 (IdAndTypeDeterminismChecks) makes the core compare activity ids and types; without it
 * a wrong activity type replays silently. 2 and 3 are what a 1.24 worker writes as well.
 * Lang flags 1 and 2 switch on the current signal/cancellation semantics of the TS SDK: without
 * them the sandbox replays with pre-1.11 behaviour, which is not what production runs.
 */
export const DEFAULT_SDK_METADATA: Readonly<Required<SdkMetadata>> = Object.freeze({
  coreUsedFlags: [1, 2, 3],
  langUsedFlags: [1, 2],
  sdkName: 'temporal-typescript',
  sdkVersion: '1.24.0',
});

export interface HistoryBuilderOptions {
  workflowType: string;
  /** Histories carry no workflow id; the harness passes this one to the replayer. */
  workflowId?: string;
  taskQueue?: string;
  /** Workflow arguments, one array element per parameter. */
  input?: unknown[];
  startTime: string | Date;
  runId?: string;
  attempt?: number;
  memo?: Record<string, unknown>;
  /** Written on every WorkflowTaskCompleted unless a task overrides it; `null` writes none. */
  sdkMetadata?: SdkMetadata | null;
}

export interface CommandEventOptions {
  /** User metadata summary, as `summary` on an activity or timer would write it. The core ignores it on replay; the harness compares it. */
  summary?: string;
}

export interface ActivityScheduledOptions extends CommandEventOptions {
  taskQueue?: string;
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  heartbeatTimeout?: Duration;
}

export interface ActivityFailureSpec {
  message: string;
  /** ApplicationFailure type, e.g. 'InvalidPhoneNumber'. */
  type?: string;
  nonRetryable?: boolean;
  details?: unknown[];
  stackTrace?: string;
}

export interface WorkflowTaskOptions {
  /** Overrides the builder's sdkMetadata for this task only; `null` writes none. */
  sdkMetadata?: SdkMetadata | null;
}

/** What the builder declared, so the harness can compare it with what the workflow really did. */
export interface DeclaredTimer {
  timerId: string;
  durationMs?: number;
  summary?: string;
}

export interface DeclaredActivity {
  activityId: string;
  activityType: string;
  input?: unknown[];
  summary?: string;
}

export interface HistoryExpectations {
  timers: DeclaredTimer[];
  activities: DeclaredActivity[];
}

export function payloadJson(value: unknown): PayloadJson {
  const payload = defaultPayloadConverter.toPayload(value);
  const metadata: Record<string, string> = {};
  for (const [key, bytes] of Object.entries(payload.metadata ?? {})) {
    if (bytes != null) metadata[key] = Buffer.from(bytes).toString('base64');
  }
  const out: PayloadJson = { metadata };
  if (payload.data != null && payload.data.length > 0) out.data = Buffer.from(payload.data).toString('base64');
  return out;
}

function payloadsJson(values: readonly unknown[]): { payloads: PayloadJson[] } {
  return { payloads: values.map(payloadJson) };
}

/** protobuf JSON writes google.protobuf.Duration as decimal seconds with an `s` suffix. */
function durationJson(d: Duration): string {
  return `${msToNumber(d) / 1000}s`;
}

interface TimerState {
  startedEventId: number;
  fireAtMs?: number;
  open: boolean;
}

interface ActivityState {
  activityType: string;
  scheduledEventId: number;
  startedEventId?: number;
  cancelRequestedEventId?: number;
  open: boolean;
}

export class HistoryBuilder {
  readonly workflowId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  private readonly events: HistoryEventJson[] = [];
  private readonly sdkMetadata: SdkMetadata | null;
  private readonly timers = new Map<string, TimerState>();
  private readonly activities = new Map<string, ActivityState>();
  private readonly declared: HistoryExpectations = { timers: [], activities: [] };
  private readonly patchIds = new Set<string>();
  private clockMs: number;
  private lastWftCompletedId: number | undefined;
  private terminated = false;

  constructor(options: HistoryBuilderOptions) {
    this.workflowId = options.workflowId ?? `${options.workflowType}-replay`;
    this.workflowType = options.workflowType;
    this.taskQueue = options.taskQueue ?? 'replay';
    this.sdkMetadata = options.sdkMetadata === undefined ? { ...DEFAULT_SDK_METADATA } : options.sdkMetadata;
    this.clockMs = toMs(options.startTime);
    const runId = options.runId ?? '00000000-0000-4000-8000-000000000001';
    this.push('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', 'workflowExecutionStartedEventAttributes', {
      workflowType: { name: options.workflowType },
      taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloadsJson(options.input ?? []),
      workflowTaskTimeout: '10s',
      originalExecutionRunId: runId,
      firstExecutionRunId: runId,
      attempt: options.attempt ?? 1,
      identity: 'history-builder',
      ...(options.memo && { memo: { fields: mapPayloads(options.memo) } }),
    });
  }

  /** The builder's clock: the time the next event gets, and `Date.now()` in the next workflow task. */
  get now(): Date {
    return new Date(this.clockMs);
  }

  get lastEventId(): number {
    return this.events.length;
  }

  advanceTo(time: string | Date): this {
    const target = toMs(time);
    if (target < this.clockMs) {
      throw new Error(
        `advanceTo(${new Date(target).toISOString()}) would move the clock back from ${this.now.toISOString()}`
      );
    }
    this.clockMs = target;
    return this;
  }

  advanceBy(duration: Duration): this {
    const ms = msToNumber(duration);
    if (ms < 0) throw new Error('advanceBy needs a non-negative duration');
    this.clockMs += ms;
    return this;
  }

  /** WorkflowTaskScheduled + Started + Completed; the commands that follow reference this Completed event. */
  workflowTask(options: WorkflowTaskOptions = {}): this {
    const scheduledEventId = this.push('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', 'workflowTaskScheduledEventAttributes', {
      taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      startToCloseTimeout: '10s',
      attempt: 1,
    });
    const startedEventId = this.push('EVENT_TYPE_WORKFLOW_TASK_STARTED', 'workflowTaskStartedEventAttributes', {
      scheduledEventId: String(scheduledEventId),
      identity: 'history-builder',
      requestId: `wft-${scheduledEventId}`,
    });
    const metadata = options.sdkMetadata === undefined ? this.sdkMetadata : options.sdkMetadata;
    this.lastWftCompletedId = this.push('EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'workflowTaskCompletedEventAttributes', {
      scheduledEventId: String(scheduledEventId),
      startedEventId: String(startedEventId),
      identity: 'history-builder',
      ...(metadata && { sdkMetadata: metadata }),
    });
    return this;
  }

  /**
   * TimerStarted. Timer ids are the workflow's timer sequence numbers ('1', '2', ... counting
   * `sleep` and `condition` timeouts alike), and the core checks them. The duration is not checked
   * by the core; when given, the harness compares it with what the workflow asked for.
   */
  timerStarted(timerId: string, duration?: Duration, options: CommandEventOptions = {}): this {
    if (this.timers.get(timerId)?.open) throw new Error(`timer ${timerId} is already running`);
    const durationMs = duration === undefined ? undefined : msToNumber(duration);
    const startedEventId = this.pushCommandEvent(
      'EVENT_TYPE_TIMER_STARTED',
      'timerStartedEventAttributes',
      { timerId, ...(durationMs !== undefined && { startToFireTimeout: durationJson(durationMs) }) },
      options.summary
    );
    this.timers.set(timerId, {
      startedEventId,
      ...(durationMs !== undefined && { fireAtMs: this.clockMs + durationMs }),
      open: true,
    });
    this.declared.timers.push({
      timerId,
      ...(durationMs !== undefined && { durationMs }),
      ...(options.summary !== undefined && { summary: options.summary }),
    });
    return this;
  }

  /** TimerFired. If the timer's duration is known and the clock is earlier, the clock moves to the fire time first. */
  timerFired(timerId: string): this {
    const timer = this.openTimer(timerId);
    if (timer.fireAtMs !== undefined && timer.fireAtMs > this.clockMs) this.clockMs = timer.fireAtMs;
    timer.open = false;
    this.push('EVENT_TYPE_TIMER_FIRED', 'timerFiredEventAttributes', {
      timerId,
      startedEventId: String(timer.startedEventId),
    });
    return this;
  }

  /** TimerCanceled is a command event: the workflow cancels the timer, e.g. `condition(fn, timeout)` satisfied by a signal. */
  timerCanceled(timerId: string): this {
    const timer = this.openTimer(timerId);
    timer.open = false;
    this.pushCommandEvent('EVENT_TYPE_TIMER_CANCELED', 'timerCanceledEventAttributes', {
      timerId,
      startedEventId: String(timer.startedEventId),
      identity: 'history-builder',
    });
    return this;
  }

  /**
   * ActivityTaskScheduled. Activity ids default to the workflow's activity sequence ('1', '2', ...).
   * `input`, when given, is compared by the harness with the arguments the workflow passed.
   */
  activityScheduled(
    activityId: string,
    activityType: string,
    input?: unknown[],
    options: ActivityScheduledOptions = {}
  ): this {
    if (this.activities.get(activityId)?.open) throw new Error(`activity ${activityId} is already scheduled`);
    const scheduledEventId = this.pushCommandEvent(
      'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      'activityTaskScheduledEventAttributes',
      {
        activityId,
        activityType: { name: activityType },
        taskQueue: { name: options.taskQueue ?? this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        input: payloadsJson(input ?? []),
        ...(options.startToCloseTimeout !== undefined && {
          startToCloseTimeout: durationJson(options.startToCloseTimeout),
        }),
        ...(options.scheduleToCloseTimeout !== undefined && {
          scheduleToCloseTimeout: durationJson(options.scheduleToCloseTimeout),
        }),
        ...(options.heartbeatTimeout !== undefined && { heartbeatTimeout: durationJson(options.heartbeatTimeout) }),
      },
      options.summary
    );
    this.activities.set(activityId, { activityType, scheduledEventId, open: true });
    this.declared.activities.push({
      activityId,
      activityType,
      ...(input !== undefined && { input }),
      ...(options.summary !== undefined && { summary: options.summary }),
    });
    return this;
  }

  /** ActivityTaskStarted; the completion methods add it themselves when it is missing, as the server does. */
  activityStarted(activityId: string, options: { attempt?: number } = {}): this {
    const activity = this.openActivity(activityId);
    if (activity.startedEventId !== undefined) throw new Error(`activity ${activityId} already started`);
    activity.startedEventId = this.push('EVENT_TYPE_ACTIVITY_TASK_STARTED', 'activityTaskStartedEventAttributes', {
      scheduledEventId: String(activity.scheduledEventId),
      identity: 'history-builder',
      requestId: `act-${activityId}`,
      attempt: options.attempt ?? 1,
    });
    return this;
  }

  activityCompleted(activityId: string, result?: unknown): this {
    const activity = this.closeActivity(activityId);
    this.push('EVENT_TYPE_ACTIVITY_TASK_COMPLETED', 'activityTaskCompletedEventAttributes', {
      result: payloadsJson([result]),
      scheduledEventId: String(activity.scheduledEventId),
      startedEventId: String(activity.startedEventId),
      identity: 'history-builder',
    });
    return this;
  }

  /** ActivityTaskFailed with an ApplicationFailure; the workflow sees an ActivityFailure whose cause is it. */
  activityFailed(activityId: string, failure: ActivityFailureSpec): this {
    const activity = this.closeActivity(activityId);
    this.push('EVENT_TYPE_ACTIVITY_TASK_FAILED', 'activityTaskFailedEventAttributes', {
      failure: applicationFailureJson(failure),
      scheduledEventId: String(activity.scheduledEventId),
      startedEventId: String(activity.startedEventId),
      identity: 'history-builder',
      retryState: failure.nonRetryable ? 'RETRY_STATE_NON_RETRYABLE_FAILURE' : 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED',
    });
    return this;
  }

  activityTimedOut(
    activityId: string,
    timeoutType: 'START_TO_CLOSE' | 'SCHEDULE_TO_CLOSE' | 'SCHEDULE_TO_START' | 'HEARTBEAT' = 'START_TO_CLOSE'
  ): this {
    const activity = this.closeActivity(activityId, timeoutType !== 'SCHEDULE_TO_START');
    this.push('EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT', 'activityTaskTimedOutEventAttributes', {
      failure: {
        message: 'activity timeout',
        source: 'Server',
        timeoutFailureInfo: { timeoutType: `TIMEOUT_TYPE_${timeoutType}` },
      },
      scheduledEventId: String(activity.scheduledEventId),
      ...(activity.startedEventId !== undefined && { startedEventId: String(activity.startedEventId) }),
      retryState: 'RETRY_STATE_TIMEOUT',
    });
    return this;
  }

  /** Command event written when the workflow cancels a scheduled activity (cancellation type TRY_CANCEL or WAIT_CANCELLATION_COMPLETED). */
  activityCancelRequested(activityId: string): this {
    const activity = this.openActivity(activityId);
    activity.cancelRequestedEventId = this.pushCommandEvent(
      'EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED',
      'activityTaskCancelRequestedEventAttributes',
      { scheduledEventId: String(activity.scheduledEventId) }
    );
    return this;
  }

  activityCanceled(activityId: string): this {
    const activity = this.openActivity(activityId);
    if (activity.cancelRequestedEventId === undefined) throw new Error(`activity ${activityId} has no cancel request`);
    activity.open = false;
    this.push('EVENT_TYPE_ACTIVITY_TASK_CANCELED', 'activityTaskCanceledEventAttributes', {
      latestCancelRequestedEventId: String(activity.cancelRequestedEventId),
      scheduledEventId: String(activity.scheduledEventId),
      ...(activity.startedEventId !== undefined && { startedEventId: String(activity.startedEventId) }),
      identity: 'history-builder',
    });
    return this;
  }

  /** WorkflowExecutionSignaled. Before the first workflowTask() this is signal-with-start. */
  signal(signalName: string, ...args: unknown[]): this {
    this.push('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', 'workflowExecutionSignaledEventAttributes', {
      signalName,
      input: payloadsJson(args),
      identity: 'history-builder',
    });
    return this;
  }

  /**
   * UpsertWorkflowSearchAttributes, the event of `wf.upsertSearchAttributes`. The core matches only
   * the event kind, so the attributes are optional and written untyped.
   */
  upsertSearchAttributes(attributes: Record<string, unknown> = {}): this {
    this.pushCommandEvent(
      'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
      'upsertWorkflowSearchAttributesEventAttributes',
      {
        searchAttributes: { indexedFields: mapPayloads(attributes) },
      }
    );
    return this;
  }

  /** WorkflowPropertiesModified, the event of `wf.upsertMemo`. */
  workflowPropertiesModified(memo: Record<string, unknown> = {}): this {
    this.pushCommandEvent('EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED', 'workflowPropertiesModifiedEventAttributes', {
      upsertedMemo: { fields: mapPayloads(memo) },
    });
    return this;
  }

  upsertMemo(memo: Record<string, unknown> = {}): this {
    return this.workflowPropertiesModified(memo);
  }

  /**
   * What `wf.patched(id)` writes on first execution: a `core_patch` marker, and (core flag 2) an upsert
   * of TemporalChangeVersion listing every patch id seen so far.
   */
  patchMarker(patchId: string, options: { deprecated?: boolean } = {}): this {
    this.pushCommandEvent('EVENT_TYPE_MARKER_RECORDED', 'markerRecordedEventAttributes', {
      markerName: 'core_patch',
      details: { 'patch-data': payloadsJson([{ id: patchId, deprecated: options.deprecated ?? false }]) },
    });
    this.patchIds.add(patchId);
    const metadata = this.sdkMetadata;
    if (metadata?.coreUsedFlags?.includes(2)) {
      const value = payloadJson([...this.patchIds].sort());
      value.metadata.type = Buffer.from('KeywordList').toString('base64');
      this.pushCommandEvent(
        'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
        'upsertWorkflowSearchAttributesEventAttributes',
        { searchAttributes: { indexedFields: { TemporalChangeVersion: value } } }
      );
    }
    return this;
  }

  completed(result?: unknown): this {
    this.pushCommandEvent('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', 'workflowExecutionCompletedEventAttributes', {
      result: payloadsJson([result]),
    });
    this.terminated = true;
    return this;
  }

  continuedAsNew(input: unknown[] = [], options: { workflowType?: string; taskQueue?: string } = {}): this {
    this.pushCommandEvent(
      'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
      'workflowExecutionContinuedAsNewEventAttributes',
      {
        newExecutionRunId: '00000000-0000-4000-8000-000000000002',
        workflowType: { name: options.workflowType ?? this.workflowType },
        taskQueue: { name: options.taskQueue ?? this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        input: payloadsJson(input),
        workflowTaskTimeout: '10s',
        initiator: 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW',
      }
    );
    this.terminated = true;
    return this;
  }

  /** WorkflowExecutionFailed, what a workflow throwing an ApplicationFailure produces. */
  failed(message: string, options: Omit<ActivityFailureSpec, 'message'> = {}): this {
    this.pushCommandEvent('EVENT_TYPE_WORKFLOW_EXECUTION_FAILED', 'workflowExecutionFailedEventAttributes', {
      failure: applicationFailureJson({ message, ...options }),
      retryState: 'RETRY_STATE_RETRY_POLICY_NOT_SET',
    });
    this.terminated = true;
    return this;
  }

  /** Whether the history ends with a terminal event; without one a replay checks nothing after the last task. */
  get isTerminated(): boolean {
    return this.terminated;
  }

  /** The durations, inputs and summaries declared here, which the core does not check on replay. */
  get expectations(): HistoryExpectations {
    return structuredClone(this.declared);
  }

  /** Proto JSON, the format `temporal workflow show --output json` and the Web UI download produce. */
  toJSON(): HistoryJson {
    return structuredClone({ events: this.events });
  }

  build(): temporal.api.history.v1.IHistory {
    return historyFromJSON(this.toJSON());
  }

  private push(eventType: string, attributesKey: string, attributes: Json, summary?: string): number {
    if (this.terminated) throw new Error(`${eventType} after the workflow's terminal event`);
    const eventId = this.events.length + 1;
    this.events.push({
      eventId: String(eventId),
      eventTime: new Date(this.clockMs).toISOString(),
      eventType,
      taskId: String(1_048_576 + eventId),
      ...(summary !== undefined && { userMetadata: { summary: payloadJson(summary) } }),
      [attributesKey]: attributes,
    });
    return eventId;
  }

  /** Events that answer a workflow command carry the id of the WorkflowTaskCompleted that sent it. */
  private pushCommandEvent(eventType: string, attributesKey: string, attributes: Json, summary?: string): number {
    if (this.lastWftCompletedId === undefined) {
      throw new Error(`${eventType} is a command event and needs a workflowTask() before it`);
    }
    return this.push(
      eventType,
      attributesKey,
      { ...attributes, workflowTaskCompletedEventId: String(this.lastWftCompletedId) },
      summary
    );
  }

  private openTimer(timerId: string): TimerState {
    const timer = this.timers.get(timerId);
    if (!timer?.open) throw new Error(`timer ${timerId} is not running`);
    return timer;
  }

  private openActivity(activityId: string): ActivityState {
    const activity = this.activities.get(activityId);
    if (!activity?.open) throw new Error(`activity ${activityId} is not scheduled`);
    return activity;
  }

  private closeActivity(activityId: string, start = true): ActivityState {
    const activity = this.openActivity(activityId);
    if (start && activity.startedEventId === undefined) this.activityStarted(activityId);
    activity.open = false;
    return activity;
  }
}

function toMs(time: string | Date): number {
  const ms = typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (Number.isNaN(ms)) throw new Error(`invalid time: ${String(time)}`);
  return ms;
}

function mapPayloads(values: Record<string, unknown>): Record<string, PayloadJson> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, payloadJson(value)]));
}

function applicationFailureJson(spec: ActivityFailureSpec): Json {
  return {
    message: spec.message,
    source: 'TypeScriptSDK',
    stackTrace: spec.stackTrace ?? '',
    applicationFailureInfo: {
      type: spec.type ?? 'Error',
      nonRetryable: spec.nonRetryable ?? false,
      ...(spec.details && { details: payloadsJson(spec.details) }),
    },
  };
}
