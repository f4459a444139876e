import * as wf from '@temporalio/workflow';
import type {
  AccountRecordChange,
  AgentTaskCall,
  ChannelFailureDetails,
  MessagingActivities,
  RecordActivities,
} from './activity-contracts';
import { CHANNEL_PERMANENTLY_FAILED, CONTACT_WINDOW_CLOSED, sendFailureReason } from './engine/failure-types';
import { contactDeadline } from './engine/contact-rules';
import { apply, type EngineEvent } from './engine/apply';
import { next, type CallPermission, type Decision } from './engine/next';
import { initialState, primaryZone, zonesOf, type EngineState } from './engine/state';
import { accountStatus, statusOf, waitDetail } from './engine/status';
import { inputProblems, type InputProblem } from './engine/input-problems';
import { messageInputFor } from './message-input';
import { checkAgreement, checkPromise, commitmentContextOf } from './engine/commitment-rules';
import type { z } from 'zod';
import {
  COMMITMENT_REJECTED,
  RecordAgreementInputSchema,
  RecordPromiseInputSchema,
  recordAgreementUpdate,
  recordPromiseUpdate,
  signals,
  statusQuery,
  type CommitmentRecorded,
  type SignalName,
} from './messages';
import { auditOf, recordChanges } from './record-changes';
import { BALANCE_MINOR, DUNNING_OUTCOME, DUNNING_STAGE, DUNNING_STATUS, NEXT_ACTION_AT } from './search-attributes';
import { TASK_QUEUES, type DunningWorkflowInput, type DunningWorkflowResult } from './workflow-input';
import { formatLocalIso } from './engine/zoned-time';

// Sends go to their own task queue so workers can cap them at the provider's throughput. Few attempts: a
// retry after an unknown outcome is safe (the send intent is recorded first) but must not hammer the provider.
const messaging = wf.proxyActivities<MessagingActivities>({
  taskQueue: TASK_QUEUES.messaging,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 hours',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [CHANNEL_PERMANENTLY_FAILED],
  },
});

// The system of record must outlive a database outage: no maximum attempts and no schedule-to-close limit, so a
// workflow waits for PostgreSQL however long it is down (retrying every 5 minutes at most) instead of failing.
// The runbook's RecordActivityRetrying alert says when that is happening.
const records = wf.proxyActivities<RecordActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Sends carry the contact deadline from here on; histories recorded before it replay without. */
const CONTACT_DEADLINE_PATCH = 'contact-deadline';

/**
 * One overdue account's collection, from placement to payment (or cancellation). A thin shell around the pure
 * engine: ask `next` what to do and when, wait for it with a durable timer that any signal interrupts, run the
 * activity, and feed the outcome back through `apply`.
 */
export async function dunningWorkflow(input: DunningWorkflowInput): Promise<DunningWorkflowResult> {
  let state: EngineState = input.state ?? initialState(input.account, input.ladder, input.policy, Date.now());
  const inbox: EngineEvent[] = [];
  const unrecorded: AccountRecordChange[] = [];

  // Set by an Update applied while the main loop waits: the state changed, so the next decision may have.
  let changed = false;

  const receive = (name: SignalName) => (payload: unknown) => {
    const parsed = signals[name].schema.safeParse(payload);
    if (!parsed.success) {
      inbox.push({ type: 'signalRejected', at: Date.now(), signal: name, problem: problemText(parsed.error) });
      return;
    }
    inbox.push({ ...parsed.data, type: signals[name].event, at: Date.now() } as EngineEvent);
  };
  for (const name of Object.keys(signals) as SignalName[]) wf.setHandler(signals[name].definition, receive(name));
  wf.setHandler(statusQuery, () => statusOf(state, Date.now()));

  const feed = (event: EngineEvent) => {
    const applied = apply(state, event);
    unrecorded.push(...recordChanges(state, applied.state, event, applied.records));
    state = applied.state;
  };
  // Callers check `unrecorded.length` first: the SDK captures a stack trace for every promise a workflow creates,
  // so awaiting an empty flush on every loop turn would be a measurable replay cost for nothing.
  const flush = async (summary: string) => {
    const changes = unrecorded.splice(0);
    await records.recordAccountChanges.executeWithOptions({ summary }, [{ accountId: state.account.id, changes }]);
  };

  // Promises and agreements: checked by the validator against the state with every waiting signal applied (apply
  // is pure, so this changes nothing), applied at once by the handler, answered in the same round trip.
  const pendingState = () => inbox.reduce((s, e) => apply(s, e).state, state);
  const rejectCommitment = (problem: InputProblem | null) => {
    if (problem)
      throw wf.ApplicationFailure.create({
        type: COMMITMENT_REJECTED,
        message: `${problem.field}: ${problem.message}`,
        details: [problem],
        nonRetryable: true,
      });
  };
  const commit = (event: EngineEvent, id: string): CommitmentRecorded => {
    while (inbox.length > 0) feed(inbox.shift()!);
    feed(event);
    changed = true;
    return { accepted: true, id, status: accountStatus(state) };
  };
  wf.setHandler(
    recordPromiseUpdate,
    (input) => {
      const promise = parsedCommitment(RecordPromiseInputSchema, input);
      return commit({ ...promise, type: 'promise', at: Date.now() }, promise.promiseId);
    },
    {
      validator: (input) =>
        rejectCommitment(
          checkPromise(
            commitmentContextOf(pendingState()),
            parsedCommitment(RecordPromiseInputSchema, input),
            Date.now()
          )
        ),
    }
  );
  wf.setHandler(
    recordAgreementUpdate,
    (input) => {
      const agreement = parsedCommitment(RecordAgreementInputSchema, input);
      return commit({ ...agreement, type: 'agreement', at: Date.now() }, agreement.agreementId);
    },
    {
      validator: (input) =>
        rejectCommitment(
          checkAgreement(
            commitmentContextOf(pendingState()),
            parsedCommitment(RecordAgreementInputSchema, input),
            Date.now()
          )
        ),
    }
  );

  if (!input.state) {
    unrecorded.push({
      type: 'accountPlaced',
      account: state.account,
      ladderId: state.ladder.id,
      ladderVersion: state.ladder.version,
    });
    // What placement itself decided (a time zone that cannot be trusted, say) is part of the story too.
    for (const d of state.decisions) unrecorded.push(auditOf(d, 'workflow'));
    for (const p of input.pendingPayments ?? []) receive('paymentReceived')(p);
    for (const o of input.pendingOptOuts ?? []) receive('optOut')(o);
  }

  let steps = 0;
  for (;;) {
    changed = false;
    while (inbox.length > 0) feed(inbox.shift()!);
    const now = Date.now();
    const decision = next(state, now);
    publish(state, decision);

    if (decision.type === 'done') {
      if (unrecorded.length > 0) await flush(`account closed: ${decision.status}`);
      return {
        accountId: state.account.id,
        status: decision.status,
        balanceMinor: state.balanceMinor,
        paidMinor: state.paidMinor,
        stage: state.lastStep ?? 'not_started',
      };
    }

    if (decision.type === 'wait' || decision.at > now) {
      const summary =
        decision.type === 'wait'
          ? decision.reason.detail
          : waitDetail(decision.notes, decision.action.stepName, primaryZone(state));
      if (unrecorded.length > 0) await flush(`record decisions before waiting (${summary})`);
      if (shouldContinueAsNew(input, steps)) {
        await wf.condition(wf.allHandlersFinished);
        if (inbox.length === 0 && unrecorded.length === 0) {
          return await wf.continueAsNew<typeof dunningWorkflow>({ ...withoutStart(input), state });
        }
        continue;
      }
      const woken = () => inbox.length > 0 || changed;
      if (decision.type === 'wait') await wf.condition(woken);
      else await wf.condition(woken, decision.at - now, { summary });
      continue;
    }

    steps++;
    const { action } = decision;
    feed({ type: 'actionStarted', at: now, decision });
    // Skips and promise / installment checks are decided by `apply` alone: their records wait for the next write.
    if (action.kind !== 'message' && action.kind !== 'agent_task') continue;
    // What is not recorded yet rides with the action's own activity, which writes it first: one activity per step.
    const pending = unrecorded.splice(0);
    const record = pending.length > 0 ? { record: pending } : {};
    if (action.kind === 'message') {
      const sent = await sendMessage(action, feed, state, record);
      // A failed send may not have written them; writes are idempotent, so they simply go out with the next one.
      if (!sent) unrecorded.unshift(...pending);
    } else {
      const task = await records.createAgentTask.executeWithOptions(
        { summary: `agent task: ${action.reason ?? action.stepName}` },
        [
          {
            accountId: state.account.id,
            taskKey: action.stepKey,
            reason: action.reason ?? action.template,
            template: action.template,
            balanceMinor: state.balanceMinor,
            currency: state.account.balance.currency,
            jurisdiction: state.policy.jurisdiction,
            ...(action.call && { call: callOf(action.call, primaryZone(state)) }),
            ...record,
          },
        ]
      );
      feed({ type: 'actionSucceeded', at: reportedAt(task.createdAt), stepKey: action.stepKey, taskId: task.taskId });
    }
  }
}

async function sendMessage(
  action: Extract<Extract<Decision, { type: 'act' }>['action'], { kind: 'message' }>,
  feed: (e: EngineEvent) => void,
  state: EngineState,
  record: { record?: AccountRecordChange[] }
): Promise<boolean> {
  const channel = action.channel;
  const { account } = state;
  // The message must go out before the debtor's contact window closes, however long it waits for a messaging
  // worker or for retries; the activity refuses after this instant. (Patched: histories recorded before it replay.)
  const deadline = wf.patched(CONTACT_DEADLINE_PATCH)
    ? contactDeadline(state.policy, zonesOf(state), channel, Date.now())
    : null;
  try {
    const sent = await messaging.sendMessage.executeWithOptions({ summary: `${action.stepName} via ${channel}` }, [
      {
        ...messageInputFor(account, state.policy, { ...action, channel, to: action.to }),
        ...record,
        ...(deadline && { notAfter: new Date(deadline.at).toISOString() }),
      },
    ]);
    feed({
      type: 'actionSucceeded',
      at: reportedAt(sent.sentAt),
      stepKey: action.stepKey,
      channel,
      providerMessageId: sent.providerMessageId,
    });
    return true;
  } catch (err) {
    const failure = err instanceof wf.ActivityFailure ? err.cause : undefined;
    if (failure instanceof wf.ApplicationFailure && failure.type === CONTACT_WINDOW_CLOSED && deadline) {
      feed({ type: 'actionDeferred', at: Date.now(), stepKey: action.stepKey, channel, deadline });
      // The worker's clock said the window had closed; should the Service's lag behind it, wait until it agrees, so
      // the step is planned for the next window rather than sent to be refused again.
      if (Date.now() < deadline.at)
        await wf.sleep(deadline.at - Date.now(), { summary: 'contact window closing: the worker saw it closed' });
      return false;
    }
    if (failure instanceof wf.ApplicationFailure && failure.type === CHANNEL_PERMANENTLY_FAILED) {
      const details = failure.details?.[0] as ChannelFailureDetails | undefined;
      feed({
        type: 'actionFailed',
        at: Date.now(),
        stepKey: action.stepKey,
        channel,
        permanent: true,
        reason: details?.reason ?? 'rejected',
        ...(details?.code !== undefined && { code: details.code }),
      });
      return false;
    }
    if (err instanceof wf.ActivityFailure) {
      // Retries exhausted: the step is recorded as failed and the ladder moves on rather than stalling.
      feed({
        type: 'actionFailed',
        at: Date.now(),
        stepKey: action.stepKey,
        channel,
        permanent: false,
        reason: sendFailureReason(failure instanceof wf.ApplicationFailure ? failure.type : undefined),
      });
      return false;
    }
    throw err;
  }
}

/**
 * The instant an action's activity recorded it at in the audit trail (when this workflow scheduled it, on the
 * Service's clock), so the workflow's state and the trail agree to the millisecond; results recorded before
 * activities reported it fall back to the workflow's clock.
 */
function reportedAt(at: string | undefined): number {
  const reported = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(reported) ? Date.now() : reported;
}

/** The engine's call permission as the agent task stores it: ISO instants in the debtor's zone. */
function callOf(call: CallPermission, zone: string): AgentTaskCall {
  return call.allowed
    ? {
        allowed: true,
        opensAt: new Date(call.opensAt).toISOString(),
        closesAt: new Date(call.closesAt).toISOString(),
        zone,
      }
    : { allowed: false, reason: call.reason };
}

/** Search attributes and current details: what an SRE sees in the list and on the workflow page. */
let published = '';
function publish(state: EngineState, decision: Decision): void {
  const status = accountStatus(state);
  const nextAt = decision.type === 'act' ? new Date(decision.at) : null;
  const stage = state.lastStep ?? 'not_started';
  const outcome = decision.type === 'done' ? decision.status : null;
  // Upsert only on change: each upsert is a history event.
  const fingerprint = `${stage}|${status}|${state.balanceMinor}|${nextAt?.getTime() ?? ''}|${outcome ?? ''}`;
  if (fingerprint !== published) {
    published = fingerprint;
    wf.upsertSearchAttributes([
      { key: DUNNING_STAGE, value: stage },
      { key: DUNNING_STATUS, value: status },
      { key: BALANCE_MINOR, value: state.balanceMinor },
      { key: NEXT_ACTION_AT, value: nextAt },
      { key: DUNNING_OUTCOME, value: outcome },
    ]);
  }
  const zone = primaryZone(state);
  const lines = [
    `**${status}** · stage \`${state.lastStep ?? 'not_started'}\` · balance ${state.balanceMinor} ${state.account.balance.currency} minor units`,
  ];
  if (decision.type === 'act') {
    lines.push(`next: ${decision.action.stepName} at ${formatLocalIso(zone, decision.at)} (${zone})`);
  } else if (decision.type === 'wait') {
    lines.push(`waiting: ${decision.reason.detail}`);
  }
  wf.setCurrentDetails(lines.join('\n\n'));
}

/** A commitment's payload parsed by its schema, or a rejection naming the field (the validator's first check). */
function parsedCommitment<T extends typeof RecordPromiseInputSchema | typeof RecordAgreementInputSchema>(
  schema: T,
  input: unknown
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw wf.ApplicationFailure.create({
      type: COMMITMENT_REJECTED,
      message: problemText(parsed.error),
      details: [inputProblems(parsed.error)[0]],
      nonRetryable: true,
    });
  return parsed.data as z.output<T>;
}

function problemText(error: z.ZodError): string {
  return inputProblems(error)
    .map((p) => `${p.field}: ${p.message}`)
    .join('; ');
}

function shouldContinueAsNew(input: DunningWorkflowInput, steps: number): boolean {
  if (input.continueAsNewAfterSteps !== undefined) return steps >= input.continueAsNewAfterSteps;
  return wf.workflowInfo().continueAsNewSuggested;
}

function withoutStart(input: DunningWorkflowInput): DunningWorkflowInput {
  const { pendingPayments: _payments, pendingOptOuts: _optOuts, state: _state, ...rest } = input;
  return rest;
}
