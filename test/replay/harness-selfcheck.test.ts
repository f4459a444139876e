import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeterminismViolationError } from '@temporalio/workflow';
import { HistoryBuilder } from '../../scenarios/histories/history-builder';
import { ReplayExpectationError, createReplayer } from '../helpers/replay-harness';

// Checks the replay harness itself against a throwaway workflow: sleep 1 day, send a message,
// upsert a search attribute, wait up to 2 days for a payment signal, complete.
const replayer = createReplayer(path.join(__dirname, '../helpers/fixtures/sample-workflow.ts'));

const START = '2026-11-20T15:00:00.000Z';
const DAY = 86_400_000;
const args = { accountId: 'acc-1' };
const message = { accountId: 'acc-1', template: 'reminder-1' };

function started(): HistoryBuilder {
  return new HistoryBuilder({
    workflowType: 'sampleWorkflow',
    workflowId: 'sample-acc-1',
    taskQueue: 'dunning',
    input: [args],
    startTime: START,
  });
}

/** Up to the point where the workflow waits for the payment signal (timer 2 running), declaring `sent` as its send. */
function waitingForPayment(sent: Record<string, unknown> = message): HistoryBuilder {
  return started()
    .workflowTask()
    .timerStarted('1', '1 day', { summary: 'grace period' })
    .timerFired('1') // moves the clock to START + 1 day
    .workflowTask()
    .activityScheduled('1', 'sendMessage', [sent])
    .activityCompleted('1', { messageId: 'm-1' })
    .workflowTask()
    .upsertSearchAttributes({ DunningStage: 'reminded' })
    .timerStarted('2', '2 days');
}

describe('replay harness self-check', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('replays the unpaid path and records activity inputs, timer durations and upserts', async () => {
    const history = waitingForPayment()
      .timerFired('2')
      .workflowTask()
      .completed({ status: 'unpaid', messageId: 'm-1', sentAt: '2026-11-21T15:00:00.000Z' });

    const rec = await replayer.replay(history);

    expect(rec.workflowId).toBe('sample-acc-1');
    expect(rec.timers).toEqual([
      { seq: 1, timerId: '1', durationMs: DAY, summary: 'grace period', at: START },
      { seq: 2, timerId: '2', durationMs: 2 * DAY, at: '2026-11-21T15:00:00.000Z' },
    ]);
    expect(rec.activities).toHaveLength(1);
    expect(rec.activities[0]).toMatchObject({
      activityId: '1',
      type: 'sendMessage',
      input: [message],
      options: { startToCloseTimeout: '1 minute' },
      // Date.now() in the workflow is the WorkflowTaskStarted time, which timerFired moved to START + 1 day.
      at: '2026-11-21T15:00:00.000Z',
    });
    expect(rec.searchAttributeUpserts).toEqual([
      { values: { DunningStage: 'reminded' }, at: '2026-11-21T15:00:00.000Z' },
    ]);
    expect(rec.commands.map((c) => c.kind)).toEqual([
      'startTimer',
      'scheduleActivity',
      'upsertWorkflowSearchAttributes',
      'startTimer',
      'completeWorkflowExecution',
    ]);
    expect(rec.outcome).toEqual({
      kind: 'completed',
      result: { status: 'unpaid', messageId: 'm-1', sentAt: '2026-11-21T15:00:00.000Z' },
      at: '2026-11-23T15:00:00.000Z',
    });
  });

  it('replays a signal that satisfies condition() before its timeout (TimerCanceled)', async () => {
    const history = waitingForPayment()
      .advanceBy('3 hours')
      .signal('paymentReceived', { paymentId: 'p1', amountMinor: 1000 })
      .workflowTask()
      .timerCanceled('2')
      .completed({ status: 'paid', messageId: 'm-1', paymentId: 'p1', sentAt: '2026-11-21T15:00:00.000Z' });

    const rec = await replayer.replay(history);

    expect(rec.timers.map((t) => [t.timerId, t.canceled ?? false])).toEqual([
      ['1', false],
      ['2', true],
    ]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', paymentId: 'p1' } });
    expect(rec.outcome?.at).toBe('2026-11-21T18:00:00.000Z');
  });

  it('replays signal-with-start: the condition timer is cancelled before it is sent, so it leaves no event', async () => {
    const history = started()
      .signal('paymentReceived', { paymentId: 'p0', amountMinor: 1000 })
      .workflowTask()
      .timerStarted('1', '1 day')
      .timerFired('1')
      .workflowTask()
      .activityScheduled('1', 'sendMessage', [message])
      .activityCompleted('1', { messageId: 'm-1' })
      .workflowTask()
      .upsertSearchAttributes()
      .completed({ status: 'paid', messageId: 'm-1', paymentId: 'p0', sentAt: '2026-11-21T15:00:00.000Z' });

    const rec = await replayer.replay(history);

    expect(rec.timers.map((t) => [t.timerId, t.durationMs, t.canceled ?? false])).toEqual([
      ['1', DAY, false],
      ['2', 2 * DAY, true],
    ]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', paymentId: 'p0' } });
  });

  it('replays an activity failure that fails the workflow', async () => {
    const history = started()
      .workflowTask()
      .timerStarted('1', '1 day')
      .timerFired('1')
      .workflowTask()
      .activityScheduled('1', 'sendMessage', [message])
      .activityFailed('1', { type: 'InvalidPhoneNumber', message: 'not a mobile number', nonRetryable: true })
      .workflowTask()
      .failed('Activity task failed');

    const rec = await replayer.replay(history);

    expect(rec.outcome).toMatchObject({ kind: 'failed', name: 'ActivityFailure', message: 'Activity task failed' });
  });

  it('accepts the proto JSON form of the history', async () => {
    const history = waitingForPayment().timerFired('2').workflowTask().completed();
    const rec = await replayer.replay(history.toJSON(), { workflowId: history.workflowId });
    expect(rec.timers).toHaveLength(2);
  });

  it('fails with a determinism error when the command order is wrong', async () => {
    // The workflow sleeps before it sends the message; this history claims the opposite.
    const history = started()
      .workflowTask()
      .activityScheduled('1', 'sendMessage')
      .activityCompleted('1', { messageId: 'm-1' })
      .workflowTask()
      .timerStarted('1')
      .timerFired('1')
      .workflowTask()
      .completed();

    await expect(replayer.replay(history)).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('fails with a determinism error when the workflow completes where the history expects another command', async () => {
    const history = waitingForPayment().timerFired('2').workflowTask().timerStarted('3').completed();
    await expect(replayer.replay(history)).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('fails with a determinism error on a wrong activity type, thanks to coreUsedFlags', async () => {
    const wrongType = (b: HistoryBuilder) =>
      b
        .timerStarted('1')
        .timerFired('1')
        .workflowTask()
        .activityScheduled('1', 'sendEmail')
        .activityCompleted('1', { messageId: 'm-1' })
        .workflowTask()
        .upsertSearchAttributes()
        .timerStarted('2')
        .timerFired('2')
        .workflowTask()
        .completed();

    await expect(replayer.replay(wrongType(started().workflowTask()))).rejects.toThrow(
      /Activity type of scheduled event 'sendEmail' does not match activity type of activity command 'sendMessage'/
    );

    // The reason the builder writes the flags: without them the core does not compare activity types.
    const noFlags = new HistoryBuilder({
      workflowType: 'sampleWorkflow',
      input: [args],
      startTime: START,
      sdkMetadata: { langUsedFlags: [1, 2] },
    });
    await expect(replayer.replay(wrongType(noFlags.workflowTask()))).resolves.toBeDefined();
  });

  it('checks what the core does not: declared timer durations, activity inputs and summaries', async () => {
    const history = started()
      .workflowTask()
      .timerStarted('1', '2 days', { summary: 'cooling-off' })
      .timerFired('1')
      .workflowTask()
      .activityScheduled('1', 'sendMessage', [{ ...message, template: 'final-notice' }])
      .activityCompleted('1', { messageId: 'm-1' })
      .workflowTask()
      .upsertSearchAttributes()
      .timerStarted('2')
      .timerFired('2')
      .workflowTask()
      .completed();

    // The core accepts it: durations, inputs and userMetadata summaries are not part of its checks.
    await expect(replayer.replay(history, { verify: false })).resolves.toBeDefined();

    const error: unknown = await replayer.replay(history).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ReplayExpectationError);
    expect((error as ReplayExpectationError).mismatches).toEqual([
      'timer 1: history says 172800000 ms, workflow asked for 86400000 ms',
      'timer 1: summary "cooling-off" expected, got "grace period"',
      'activity 1 (sendMessage): input[0].template: "final-notice" expected, got "reminder-1"',
    ]);
  });

  it('compares activity inputs as decoded objects: key order is nothing to the activity, a field it lacks is named', async () => {
    const unpaid = (sent: Record<string, unknown>) =>
      waitingForPayment(sent)
        .timerFired('2')
        .workflowTask()
        .completed({ status: 'unpaid', messageId: 'm-1', sentAt: '2026-11-21T15:00:00.000Z' });

    await expect(replayer.replay(unpaid({ template: 'reminder-1', accountId: 'acc-1' }))).resolves.toBeDefined();

    const error: unknown = await replayer.replay(unpaid({ ...message, channel: 'sms' })).catch((err: unknown) => err);
    expect((error as ReplayExpectationError).mismatches).toEqual([
      'activity 1 (sendMessage): input[0].channel: "sms" expected, got (absent)',
    ]);
  });

  it('refuses a history without a terminal event, which would check nothing after its last task', async () => {
    await expect(replayer.replay(waitingForPayment())).rejects.toThrow(/not a terminal event/);
    await expect(replayer.replay(waitingForPayment(), { allowOpenEnded: true })).resolves.toBeDefined();
  });

  it('builds consistent event ids and references', () => {
    const json = waitingForPayment().timerFired('2').workflowTask().completed().toJSON();
    const ids = json.events.map((e) => Number(e.eventId));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const byType = (t: string) => json.events.filter((e) => e.eventType === t);
    const completedAct = byType('EVENT_TYPE_ACTIVITY_TASK_COMPLETED')[0]?.activityTaskCompletedEventAttributes;
    expect(completedAct).toMatchObject({ scheduledEventId: '10', startedEventId: '11' });
    const fired = byType('EVENT_TYPE_TIMER_FIRED').map((e) => e.timerFiredEventAttributes);
    expect(fired).toEqual([
      { timerId: '1', startedEventId: '5' },
      { timerId: '2', startedEventId: '17' },
    ]);
    expect(byType('EVENT_TYPE_TIMER_STARTED')[1]?.timerStartedEventAttributes).toMatchObject({
      workflowTaskCompletedEventId: '15',
      startToFireTimeout: '172800s',
    });
    expect(() => started().timerStarted('1')).toThrow(/needs a workflowTask\(\) before it/);
    expect(() => started().workflowTask().timerFired('9')).toThrow(/timer 9 is not running/);
    expect(() => started().advanceTo('2026-01-01T00:00:00Z')).toThrow(/move the clock back/);
  });
});
