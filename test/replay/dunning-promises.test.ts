import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecordChange } from '../../workflows/activity-contracts';
import { EMAIL_TO_ANA, SMS_TO_ANA, agentTaskForAna, anaAtPreDueNudge } from '../../scenarios/histories/ana-ladder';
import type { DunningHistory } from '../../scenarios/histories/dunning-history';
import { WORKFLOWS_PATH, sent } from '../../scenarios/histories/dunning-history';
import { createReplayer } from '../helpers/replay-harness';
import { recordedChanges, sends, timeline, timers } from './scenarios/recording-readers';

// Ana López (MXN 1,500.00 due 2026-12-01, Mexico City, steps at hh:51:01 local). Agent Lucía takes a promise to pay
// on 2026-12-03 for 2026-12-10: reminder the day before at 10:51:01, follow-up two days after at 09:51:01.
const replayer = createReplayer(WORKFLOWS_PATH);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

/** Pre-due nudge and day-1 SMS sent, waiting for the week-1 email, when Ana promises to pay. */
function anaPromises(amountMinor: number): DunningHistory {
  return anaAtPreDueNudge()
    .send(
      {
        ...SMS_TO_ANA,
        stepKey: 'pre-due-nudge',
        template: 'pre_due_nudge',
        amountMinor: 150_000,
        referenceDate: '2026-12-01',
      },
      'pre-due nudge via sms',
      sent('SM-ana-1')
    )
    .upsert()
    .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
    .fire()
    .send(
      {
        ...SMS_TO_ANA,
        stepKey: 'day-1-sms',
        template: 'day_1_reminder',
        amountMinor: 150_000,
        referenceDate: '2026-12-01',
      },
      'day-1 SMS via sms',
      sent('SM-ana-2')
    )
    .upsert()
    .waitUntil('2026-12-08T15:51:01.000Z', 'week-1 email: scheduled')
    .signal('2026-12-03T18:00:00.000Z', 'promiseToPay', {
      promiseId: 'prom-ana-1',
      amountMinor,
      date: '2026-12-10',
      agentId: 'agent-lucia',
    })
    .upsert()
    .record('record decisions before waiting (promise reminder: scheduled)')
    .waitUntil('2026-12-09T16:51:01.000Z', 'promise reminder: scheduled')
    .fire()
    .send(
      {
        ...SMS_TO_ANA,
        stepKey: 'promise-reminder:prom-ana-1',
        template: 'promise_reminder',
        amountMinor,
        referenceDate: '2026-12-10',
      },
      'promise reminder via sms',
      sent('SM-ana-3')
    )
    .upsert()
    .waitUntil('2026-12-12T15:51:01.000Z', 'promise follow-up: scheduled');
}

/** What the follow-up of Ana's broken promise decided, written by the agent task's activity before the task. */
const PROMISE_BROKEN: AccountRecordChange[] = [
  {
    type: 'audit',
    at: '2026-12-12T15:51:01.000Z',
    actor: 'workflow',
    action: 'promise:prom-ana-1:recorded',
    reason: 'promise_broken',
    data: {},
  },
  // The promise held the week-1 email: recorded as a suppression when the ladder resumes.
  {
    type: 'audit',
    at: '2026-12-12T15:51:01.000Z',
    actor: 'workflow',
    action: 'week-1-email:suppressed',
    reason: 'held_by_promise',
    data: { detail: 'planned 2026-12-08T15:51:01.000Z' },
  },
  {
    type: 'promise',
    promiseId: 'prom-ana-1',
    amountMinor: 150_000,
    date: '2026-12-10',
    agentId: 'agent-lucia',
    status: 'broken',
  },
  { type: 'status', status: 'active', balanceMinor: 150_000 },
];

describe('dunningWorkflow replay: promises to pay', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('a promise kept: the ladder pauses for it and resumes 9 days later, quoting the lower balance', async () => {
    const history = anaPromises(50_000)
      .signal('2026-12-10T17:00:00.000Z', 'paymentReceived', { paymentId: 'pay-ana-1', amountMinor: 50_000 })
      .upsert()
      .record('record decisions before waiting (promise follow-up: scheduled)')
      .waitUntil('2026-12-12T15:51:01.000Z', 'promise follow-up: scheduled')
      .fire()
      .upsert()
      .record('record decisions before waiting (week-1 email: scheduled)')
      // Paused 2026-12-03, resumed 2026-12-12: the week-1 email moves from 2026-12-08 to 2026-12-17.
      .waitUntil('2026-12-17T15:51:01.000Z', 'week-1 email: scheduled')
      .fire()
      .send(
        {
          ...EMAIL_TO_ANA,
          stepKey: 'week-1-email',
          template: 'week_1_notice',
          amountMinor: 100_000,
          referenceDate: '2026-12-01',
        },
        'week-1 email via email',
        sent('em-ana-4', 'email')
      )
      .upsert()
      .waitUntil('2026-12-24T15:51:01.000Z', 'agent task: scheduled')
      .signal('2026-12-20T16:00:00.000Z', 'paymentReceived', { paymentId: 'pay-ana-2', amountMinor: 100_000 })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'week-1-email',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec).slice(9)).toEqual([
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (promise reminder: scheduled)',
      'timer until 2026-12-09T16:51:01.000Z: promise reminder: scheduled',
      'sendMessage: promise reminder via sms',
      'upsert search attributes',
      'timer until 2026-12-12T15:51:01.000Z: promise follow-up: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (promise follow-up: scheduled)',
      'timer until 2026-12-12T15:51:01.000Z: promise follow-up: scheduled',
      // The follow-up is decided by the engine alone; its outcome is recorded before the wait that follows.
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (week-1 email: scheduled)',
      'timer until 2026-12-17T15:51:01.000Z: week-1 email: scheduled',
      'sendMessage: week-1 email via email',
      'upsert search attributes',
      'timer until 2026-12-24T15:51:01.000Z: agent task: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(sends(rec).slice(2)).toEqual([
      {
        stepKey: 'promise-reminder:prom-ana-1',
        channel: 'sms',
        template: 'promise_reminder',
        amountMinor: 50_000,
        to: '+5215512345678',
        locale: 'es-MX',
        referenceDate: '2026-12-10',
      },
      {
        stepKey: 'week-1-email',
        channel: 'email',
        template: 'week_1_notice',
        amountMinor: 100_000,
        to: 'ana.lopez@example.mx',
        locale: 'es-MX',
        referenceDate: '2026-12-01',
      },
    ]);
    expect(timers(rec).slice(3, 5)).toEqual([
      ['2026-12-09T16:51:01.000Z', 5 * DAY + 22 * HOUR + 51 * MIN + 1_000, 'promise reminder: scheduled', false],
      ['2026-12-12T15:51:01.000Z', 3 * DAY - HOUR, 'promise follow-up: scheduled', true],
    ]);
    expect(rec.searchAttributeUpserts.map((u) => u.values.DunningStatus)).toEqual([
      'active',
      'active',
      'active',
      'promise_open',
      'promise_open',
      'promise_open',
      'active',
      'active',
      'paid',
    ]);
    const promiseRows = recordedChanges(rec)
      .flat()
      .filter((c) => c.type === 'promise');
    expect(promiseRows).toEqual([
      {
        type: 'promise',
        promiseId: 'prom-ana-1',
        amountMinor: 50_000,
        date: '2026-12-10',
        agentId: 'agent-lucia',
        status: 'open',
      },
      {
        type: 'promise',
        promiseId: 'prom-ana-1',
        amountMinor: 50_000,
        date: '2026-12-10',
        agentId: 'agent-lucia',
        status: 'kept',
      },
    ]);
    expect(rec.activities.filter((a) => a.type === 'createAgentTask')).toEqual([]);
  });

  it('a promise broken: the follow-up creates an agent task, then the ladder resumes where it paused', async () => {
    const history = anaPromises(150_000)
      .fire()
      .upsert()
      .agentTask(
        {
          accountId: 'acc-mx-ana-001',
          taskKey: 'promise-broken:prom-ana-1',
          reason: 'promise_broken',
          template: 'agent_call_promise_broken',
          balanceMinor: 150_000,
          currency: 'MXN',
          jurisdiction: 'MX',
          call: {
            allowed: true,
            opensAt: '2026-12-12T15:51:01.000Z',
            closesAt: '2026-12-13T04:00:00.000Z',
            zone: 'America/Mexico_City',
          },
          record: PROMISE_BROKEN,
        },
        'agent task: promise_broken',
        { taskId: 'task-1201', created: true }
      )
      .upsert()
      .waitUntil('2026-12-17T15:51:01.000Z', 'week-1 email: scheduled')
      .fire()
      .send(
        {
          ...EMAIL_TO_ANA,
          stepKey: 'week-1-email',
          template: 'week_1_notice',
          amountMinor: 150_000,
          referenceDate: '2026-12-01',
        },
        'week-1 email via email',
        sent('em-ana-4', 'email')
      )
      .upsert()
      .waitUntil('2026-12-24T15:51:01.000Z', 'agent task: scheduled')
      .fire()
      .agentTask(
        agentTaskForAna({ opensAt: '2026-12-24T15:51:01.000Z', closesAt: '2026-12-25T04:00:00.000Z' }),
        'agent task: agent task',
        { taskId: 'task-1202', created: true }
      )
      .upsert()
      .waitUntil('2027-01-09T15:51:01.000Z', 'final notice: scheduled')
      .signal('2027-01-04T17:00:00.000Z', 'paymentReceived', { paymentId: 'pay-ana-1', amountMinor: 150_000 })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'agent-task',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec).slice(15)).toEqual([
      'timer until 2026-12-12T15:51:01.000Z: promise follow-up: scheduled',
      'upsert search attributes',
      // The broken promise is recorded by the agent task's activity, before it creates the task.
      'createAgentTask: agent task: promise_broken',
      'upsert search attributes',
      'timer until 2026-12-17T15:51:01.000Z: week-1 email: scheduled',
      'sendMessage: week-1 email via email',
      'upsert search attributes',
      'timer until 2026-12-24T15:51:01.000Z: agent task: scheduled',
      'createAgentTask: agent task: agent task',
      'upsert search attributes',
      'timer until 2027-01-09T15:51:01.000Z: final notice: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(rec.activities.find((a) => a.type === 'createAgentTask')?.input).toEqual([
      expect.objectContaining({ taskKey: 'promise-broken:prom-ana-1', record: PROMISE_BROKEN }),
    ]);
    expect(sends(rec).map((m) => [m.stepKey, m.channel, m.amountMinor])).toEqual([
      ['pre-due-nudge', 'sms', 150_000],
      ['day-1-sms', 'sms', 150_000],
      ['promise-reminder:prom-ana-1', 'sms', 150_000],
      ['week-1-email', 'email', 150_000],
    ]);
    expect(timers(rec).slice(-3)).toEqual([
      ['2026-12-17T15:51:01.000Z', 5 * DAY, 'week-1 email: scheduled', false],
      ['2026-12-24T15:51:01.000Z', 7 * DAY, 'agent task: scheduled', false],
      // The payment on 2027-01-04 ends the wait for the final notice.
      ['2027-01-09T15:51:01.000Z', 16 * DAY, 'final notice: scheduled', true],
    ]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', stage: 'agent-task' } });
  });
});
