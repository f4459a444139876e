import path from 'node:path';
import type {
  ChannelFailureDetails,
  CreateAgentTaskInput,
  CreateAgentTaskResult,
  RecordAccountChangesInput,
  SendMessageInput,
  SendMessageResult,
} from '../../workflows/activity-contracts';
import type { Account } from '../../workflows/engine/account';
import {
  CHANNEL_PERMANENTLY_FAILED,
  CONTACT_WINDOW_CLOSED,
  SEND_OUTCOME_UNKNOWN,
} from '../../workflows/engine/failure-types';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import {
  DUNNING_WORKFLOW_TYPE,
  TASK_QUEUES,
  workflowIdFor,
  type DunningWorkflowInput,
  type DunningWorkflowResult,
} from '../../workflows/workflow-input';
import { HistoryBuilder } from './history-builder';

/** The bundle entry of the real workflows, as the worker loads it. */
export const WORKFLOWS_PATH = path.join(__dirname, '../../workflows/index.ts');

/** The workflow input for an account on the default ladder under its jurisdiction's policy. */
export function inputFor(account: Account, over: Partial<DunningWorkflowInput> = {}): DunningWorkflowInput {
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  if (!policy) throw new Error(`no policy for ${account.debtor.jurisdiction}`);
  return { account, ladder: defaultLadder, policy, ...over };
}

/**
 * A small DSL over HistoryBuilder for dunningWorkflow histories: each method appends one of the event groups the
 * workflow's loop produces, numbering activities and timers as the workflow does (one sequence for all
 * activities, one for all timers). The expected values (instants, inputs, summaries) stay with whoever writes the
 * history: the replay specs (test/replay) and the replay benchmark (bench/workflow-replay.ts), which share it here.
 *
 *   task()          WorkflowTaskScheduled/Started/Completed: the commands that follow belong to it
 *   upsert()        the search-attribute upsert `publish()` sends when stage/status/balance/next action changed
 *   record(s)       recordAccountChanges (summary s) scheduled and completed, then the next workflow task
 *   waitUntil(t, s) the `condition` timer (summary s) that would fire at instant t
 *   fire()          that timer fires (the clock moves to t), then the next workflow task
 *   signal(t, ...)  a signal at instant t, the next workflow task, and the cancellation of the running timer
 *   send(i, s, r)   sendMessage with input i on the messaging task queue, completed with r, then the next task
 *   closes(r)       the account closed: upsert, record('account closed: <status>'), completed with result r
 */
export class DunningHistory {
  readonly builder: HistoryBuilder;
  private activitySeq = 0;
  private timerSeq = 0;
  private runningTimer: string | undefined;

  constructor(
    readonly input: DunningWorkflowInput,
    startTime: string,
    options: { runId?: string } = {}
  ) {
    this.builder = new HistoryBuilder({
      workflowType: DUNNING_WORKFLOW_TYPE,
      workflowId: workflowIdFor(input.account.id),
      taskQueue: TASK_QUEUES.workflows,
      input: [input],
      startTime,
      ...(options.runId !== undefined && { runId: options.runId }),
    });
  }

  get now(): Date {
    return this.builder.now;
  }

  task(): this {
    this.builder.workflowTask();
    return this;
  }

  upsert(): this {
    this.builder.upsertSearchAttributes();
    return this;
  }

  /** recordAccountChanges, its completion a few hundred milliseconds later, and the workflow task that follows. */
  record(summary: string, input?: RecordAccountChangesInput): this {
    const id = this.nextActivityId();
    this.builder
      .activityScheduled(id, 'recordAccountChanges', input && [input], { summary })
      .activityCompleted(id)
      .workflowTask();
    return this;
  }

  /** recordAccountChanges during which a signal arrives (it is delivered with the task that follows the completion). */
  recordWhileSignaled(summary: string, at: string, name: string, payload: unknown): this {
    const id = this.nextActivityId();
    this.builder
      .activityScheduled(id, 'recordAccountChanges', undefined, { summary })
      .advanceTo(at)
      .signal(name, payload)
      .activityCompleted(id)
      .workflowTask();
    return this;
  }

  /** The timer of `condition(() => inbox.length > 0, until - now, { summary })`. */
  waitUntil(until: string, summary: string): this {
    const durationMs = Date.parse(until) - this.now.getTime();
    if (!(durationMs > 0)) throw new Error(`waitUntil(${until}) is not after ${this.now.toISOString()}`);
    this.runningTimer = String(++this.timerSeq);
    this.builder.timerStarted(this.runningTimer, durationMs, { summary });
    return this;
  }

  /** The running timer fires (the clock moves to its instant) and the next workflow task runs. */
  fire(): this {
    const timer = this.takeTimer();
    if (!timer) throw new Error('no timer is running');
    this.builder.timerFired(timer).workflowTask();
    return this;
  }

  /**
   * A signal at `at`, and the workflow task it causes, which first cancels the running `condition` timer (none
   * when the workflow waits without a timeout or is busy with an activity).
   */
  signal(at: string, name: string, payload: unknown): this {
    this.builder.advanceTo(at).signal(name, payload).workflowTask();
    const timer = this.takeTimer();
    if (timer) this.builder.timerCanceled(timer);
    return this;
  }

  /** Several signals delivered in one workflow task. */
  signals(at: string, ...signals: [name: string, payload: unknown][]): this {
    this.builder.advanceTo(at);
    for (const [name, payload] of signals) this.builder.signal(name, payload);
    this.builder.workflowTask();
    const timer = this.takeTimer();
    if (timer) this.builder.timerCanceled(timer);
    return this;
  }

  send(input: SendMessageInput, summary: string, result: SendMessageResult): this {
    const id = this.scheduleSend(input, summary);
    this.builder.activityCompleted(id, result).workflowTask();
    return this;
  }

  /** sendMessage during which a signal arrives (it is delivered with the task that follows the completion). */
  sendWhileSignaled(
    input: SendMessageInput,
    summary: string,
    result: SendMessageResult,
    signal: { at: string; name: string; payload: unknown }
  ): this {
    const id = this.scheduleSend(input, summary);
    this.builder.advanceTo(signal.at).signal(signal.name, signal.payload).activityCompleted(id, result).workflowTask();
    return this;
  }

  /** sendMessage failing with a non-retryable ChannelPermanentlyFailed, as the messaging activity throws it. */
  sendFailsPermanently(input: SendMessageInput, summary: string, details: ChannelFailureDetails): this {
    const id = this.scheduleSend(input, summary);
    this.builder
      .activityFailed(id, {
        message: `${details.channel} permanently failed: ${details.reason}`,
        type: CHANNEL_PERMANENTLY_FAILED,
        nonRetryable: true,
        details: [details],
      })
      .workflowTask();
    return this;
  }

  /** sendMessage failing with the non-retryable SendOutcomeUnknown: an earlier attempt may have sent the message. */
  sendOutcomeUnknown(input: SendMessageInput, summary: string, details: { channel: string; code: string }): this {
    const id = this.scheduleSend(input, summary);
    this.builder
      .activityFailed(id, {
        message: 'an earlier attempt may have sent this message; its outcome is unknown',
        type: SEND_OUTCOME_UNKNOWN,
        nonRetryable: true,
        details: [details],
      })
      .workflowTask();
    return this;
  }

  /**
   * sendMessage refused with the non-retryable ContactWindowClosed: the attempt reached a worker at `at`, after the
   * input's `notAfter`, and sent nothing.
   */
  sendAfterWindowClosed(input: SendMessageInput, summary: string, at: string): this {
    const id = this.scheduleSend(input, summary);
    this.builder
      .advanceTo(at)
      .activityFailed(id, {
        message: `the contact window closed at ${input.notAfter} before this message went out; nothing was sent`,
        type: CONTACT_WINDOW_CLOSED,
        nonRetryable: true,
        details: [{ channel: input.channel, code: 'contact_window_closed' }],
      })
      .workflowTask();
    return this;
  }

  /** What `wf.patched(id)` records the first time new code takes the patched branch. */
  patch(patchId: string): this {
    this.builder.patchMarker(patchId);
    return this;
  }

  agentTask(input: CreateAgentTaskInput, summary: string, result: CreateAgentTaskResult): this {
    const id = this.nextActivityId();
    this.builder
      .activityScheduled(id, 'createAgentTask', [input], { summary })
      .activityCompleted(id, result)
      .workflowTask();
    return this;
  }

  completed(result: DunningWorkflowResult): HistoryBuilder {
    return this.builder.completed(result);
  }

  /** How every history of an account that closes ends: the status upserted, the closing record, then the result. */
  closes(result: DunningWorkflowResult): HistoryBuilder {
    return this.upsert().record(`account closed: ${result.status}`).completed(result);
  }

  continuedAsNew(input: DunningWorkflowInput): HistoryBuilder {
    return this.builder.continuedAsNew([input]);
  }

  private scheduleSend(input: SendMessageInput, summary: string): string {
    const id = this.nextActivityId();
    this.builder.activityScheduled(id, 'sendMessage', [input], {
      summary,
      taskQueue: TASK_QUEUES.messaging,
    });
    return id;
  }

  private nextActivityId(): string {
    return String(++this.activitySeq);
  }

  private takeTimer(): string | undefined {
    const timer = this.runningTimer;
    this.runningTimer = undefined;
    return timer;
  }
}

/** A provider's answer to a send, as the messaging activity returns it. */
export function sent(providerMessageId: string, channel: 'sms' | 'email' | 'whatsapp' = 'sms'): SendMessageResult {
  return {
    providerMessageId,
    transport: channel === 'email' ? 'sendgrid' : 'twilio',
    status: 'queued',
    deduplicated: false,
    ...(channel !== 'email' && { sms: { encoding: 'UCS-2' as const, segments: 2 } }),
  };
}
