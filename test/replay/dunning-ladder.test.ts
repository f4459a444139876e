import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecordChange } from '../../workflows/activity-contracts';
import { anaUnpaidUntilFinalNotice } from '../../scenarios/histories/ana-ladder';
import { DunningHistory, WORKFLOWS_PATH, inputFor, sent } from '../../scenarios/histories/dunning-history';
import { createReplayer } from '../helpers/replay-harness';
import { camila } from './scenarios/accounts';
import { recordedChanges, sends, timeline, timers } from './scenarios/recording-readers';

const replayer = createReplayer(WORKFLOWS_PATH);
const DAY = 86_400_000;

/** Why Camila's week-1 email moved twice and then waited for the weekly channel limit (Ley 2300 art. 3). */
const CAMILA_WEEK_1_MOVES: AccountRecordChange[] = [
  {
    type: 'audit',
    at: '2026-12-08T14:23:45.000Z',
    actor: 'workflow',
    action: 'week-1-email:moved',
    reason: 'public_holiday',
    data: {
      rule: 'CO:Ley 2300 de 2023 art. 3',
      movedTo: '2026-12-09T05:00:00.000Z',
      detail: 'America/Bogota 2026-12-08',
    },
  },
  {
    type: 'audit',
    at: '2026-12-09T05:00:00.000Z',
    actor: 'workflow',
    action: 'week-1-email:moved',
    reason: 'contact_window',
    data: { rule: 'CO:Ley 2300 de 2023 art. 3', movedTo: '2026-12-09T12:23:45.000Z', detail: 'America/Bogota' },
  },
  {
    type: 'audit',
    at: '2026-12-09T12:23:45.000Z',
    actor: 'workflow',
    action: 'week-1-email:moved',
    reason: 'distinct_channels',
    data: {
      rule: 'CO:Ley 2300 de 2023 art. 3',
      movedTo: '2026-12-09T15:23:45.000Z',
      detail: 'America/Bogota max 1',
    },
  },
];

describe('dunningWorkflow replay: the default ladder', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('Ana never pays: pre-due nudge, day-1 SMS, week-1 email, agent task, then waits for the final notice', async () => {
    const h = anaUnpaidUntilFinalNotice()
      .signal('2026-12-20T17:00:00.000Z', 'cancel', { reason: 'write_off' })
      .upsert()
      .record('account closed: cancelled');
    const history = h.completed({
      accountId: 'acc-mx-ana-001',
      status: 'cancelled',
      balanceMinor: 150_000,
      paidMinor: 0,
      stage: 'agent-task',
    });

    const rec = await replayer.replay(history);

    expect(timeline(rec)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T16:51:01.000Z: pre-due nudge: scheduled',
      // Each step is one activity: the send records its own outcome, so nothing is left to record before waiting.
      'sendMessage: pre-due nudge via sms',
      'upsert search attributes',
      'timer until 2026-12-02T16:51:01.000Z: day-1 SMS: scheduled',
      'sendMessage: day-1 SMS via sms',
      'upsert search attributes',
      'timer until 2026-12-08T15:51:01.000Z: week-1 email: scheduled',
      'sendMessage: week-1 email via email',
      'upsert search attributes',
      'timer until 2026-12-15T15:51:01.000Z: agent task: scheduled',
      'createAgentTask: agent task: agent task',
      'upsert search attributes',
      // The final notice is two weeks away; the write-off signal ends the wait, and the account.
      'timer until 2026-12-31T15:51:01.000Z: final notice: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: cancelled',
      'complete',
    ]);
    expect(sends(rec)).toEqual([
      {
        stepKey: 'pre-due-nudge',
        channel: 'sms',
        template: 'pre_due_nudge',
        amountMinor: 150_000,
        to: '+5215512345678',
        locale: 'es-MX',
        referenceDate: '2026-12-01',
      },
      {
        stepKey: 'day-1-sms',
        channel: 'sms',
        template: 'day_1_reminder',
        amountMinor: 150_000,
        to: '+5215512345678',
        locale: 'es-MX',
        referenceDate: '2026-12-01',
      },
      {
        stepKey: 'week-1-email',
        channel: 'email',
        template: 'week_1_notice',
        amountMinor: 150_000,
        to: 'ana.lopez@example.mx',
        locale: 'es-MX',
        referenceDate: '2026-12-01',
      },
    ]);
    expect(rec.activities.find((a) => a.type === 'sendMessage')?.options).toMatchObject({
      taskQueue: 'cobranza-messaging',
      startToCloseTimeout: '30 seconds',
      retry: { maximumAttempts: 6, nonRetryableErrorTypes: ['ChannelPermanentlyFailed'] },
    });
    const HOUR = 3_600_000;
    const MIN = 60_000;
    expect(timers(rec)).toEqual([
      ['2026-11-28T16:51:01.000Z', 8 * DAY + 1 * HOUR + 51 * MIN + 1_000, 'pre-due nudge: scheduled', false],
      ['2026-12-02T16:51:01.000Z', 4 * DAY, 'day-1 SMS: scheduled', false],
      // 10:51:01 to 09:51:01 local, six days later (Mexico City keeps UTC-6 all year).
      ['2026-12-08T15:51:01.000Z', 6 * DAY - HOUR, 'week-1 email: scheduled', false],
      ['2026-12-15T15:51:01.000Z', 7 * DAY, 'agent task: scheduled', false],
      // Cancelled by the write-off five days in.
      ['2026-12-31T15:51:01.000Z', 16 * DAY, 'final notice: scheduled', true],
    ]);
    expect(
      rec.searchAttributeUpserts.map((u) => [u.values.DunningStage, u.values.DunningStatus, u.values.NextActionAt])
    ).toEqual([
      ['not_started', 'active', '2026-11-28T16:51:01.000Z'],
      ['pre-due-nudge', 'active', '2026-12-02T16:51:01.000Z'],
      ['day-1-sms', 'active', '2026-12-08T15:51:01.000Z'],
      ['week-1-email', 'active', '2026-12-15T15:51:01.000Z'],
      ['agent-task', 'active', '2026-12-31T15:51:01.000Z'],
      ['agent-task', 'cancelled', null],
    ]);
    // Placement first and the write-off last; what each step did is written by the activity that did it.
    expect(recordedChanges(rec).map((changes) => changes.map((c) => c.type))).toEqual([
      ['accountPlaced'],
      ['audit', 'status'],
    ]);
    expect(rec.outcome).toEqual({
      kind: 'completed',
      result: {
        accountId: 'acc-mx-ana-001',
        status: 'cancelled',
        balanceMinor: 150_000,
        paidMinor: 0,
        stage: 'agent-task',
      },
      at: '2026-12-20T17:00:00.000Z',
    });
  });

  it('Camila (Colombia): the week-1 email waits out a festivo and the one-channel-a-week rule, and records why before sending', async () => {
    const CAMILA = {
      accountId: 'acc-co-camila-001',
      locale: 'es-CO',
      jurisdiction: 'CO',
      debtorName: 'Camila Restrepo',
      currency: 'COP',
      referenceDate: '2026-12-01',
      amountMinor: 45_000_000,
    } as const;
    const history = new DunningHistory(inputFor(camila()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T15:23:45.000Z', 'pre-due nudge: scheduled')
      .fire()
      .send(
        { ...CAMILA, stepKey: 'pre-due-nudge', channel: 'sms', to: '+573001234567', template: 'pre_due_nudge' },
        'pre-due nudge via sms',
        sent('SM-camila-1')
      )
      .upsert()
      .waitUntil('2026-12-02T15:23:45.000Z', 'day-1 SMS: scheduled')
      .fire()
      .send(
        { ...CAMILA, stepKey: 'day-1-sms', channel: 'sms', to: '+573001234567', template: 'day_1_reminder' },
        'day-1 SMS via sms',
        sent('SM-camila-2')
      )
      .upsert()
      .waitUntil('2026-12-09T15:23:45.000Z', 'week-1 email: waiting for the weekly channel limit to release')
      .fire()
      .send(
        {
          ...CAMILA,
          stepKey: 'week-1-email',
          channel: 'email',
          to: 'camila.restrepo@example.co',
          template: 'week_1_notice',
          record: CAMILA_WEEK_1_MOVES,
        },
        'week-1 email via email',
        sent('em-camila-3', 'email')
      )
      .upsert()
      .waitUntil('2026-12-15T14:23:45.000Z', 'agent task: scheduled')
      .signal('2026-12-11T21:00:00.000Z', 'paymentReceived', { paymentId: 'pse-camila-1', amountMinor: 45_000_000 })
      .closes({
        accountId: 'acc-co-camila-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 45_000_000,
        stage: 'week-1-email',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec).slice(6, 10)).toEqual([
      'sendMessage: day-1 SMS via sms',
      'upsert search attributes',
      // Planned 2026-12-08 09:23:45 (a festivo), moved to 2026-12-09 07:23:45, then to 10:23:45: a week after the SMS.
      'timer until 2026-12-09T15:23:45.000Z: week-1 email: waiting for the weekly channel limit to release',
      'sendMessage: week-1 email via email',
    ]);
    expect(timers(rec)[2]).toEqual([
      '2026-12-09T15:23:45.000Z',
      7 * DAY,
      'week-1 email: waiting for the weekly channel limit to release',
      false,
    ]);
    expect(sends(rec).map((m) => [m.stepKey, m.channel, m.to, m.template, m.amountMinor, m.locale])).toEqual([
      ['pre-due-nudge', 'sms', '+573001234567', 'pre_due_nudge', 45_000_000, 'es-CO'],
      ['day-1-sms', 'sms', '+573001234567', 'day_1_reminder', 45_000_000, 'es-CO'],
      ['week-1-email', 'email', 'camila.restrepo@example.co', 'week_1_notice', 45_000_000, 'es-CO'],
    ]);
    // The decision record the send writes first: every move with its rule, in the order they were made.
    expect(recordedChanges(rec)[1]).toEqual(CAMILA_WEEK_1_MOVES);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', stage: 'week-1-email' } });
  });
});
