import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TO_ANA, SMS_TO_ANA, anaAtPreDueNudge } from '../../scenarios/histories/ana-ladder';
import { DunningHistory, WORKFLOWS_PATH, inputFor, sent } from '../../scenarios/histories/dunning-history';
import { createReplayer } from '../helpers/replay-harness';
import { ana } from './scenarios/accounts';
import { recordedChanges, sends, timeline, timers } from './scenarios/recording-readers';

// Ana López owes MXN 1,500.00 due 2026-12-01; her steps fire at 10:51:01 / 09:51:01 in Mexico City (UTC-6).
const replayer = createReplayer(WORKFLOWS_PATH);

const ANA_SMS = { ...SMS_TO_ANA, referenceDate: '2026-12-01' } as const;
const ANA_EMAIL = { ...EMAIL_TO_ANA, referenceDate: '2026-12-01' } as const;

/** Placed on 2026-11-20 09:00 local, the pre-due nudge sent on 2026-11-28, waiting for the day-1 SMS. */
function anaAfterPreDueNudge(): DunningHistory {
  return anaAtPreDueNudge()
    .send(
      { ...ANA_SMS, stepKey: 'pre-due-nudge', template: 'pre_due_nudge', amountMinor: 150_000 },
      'pre-due nudge via sms',
      sent('SM-ana-1')
    )
    .upsert()
    .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled');
}

describe('dunningWorkflow replay: payments', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('Ana pays in full before the first contact: no message, the account closes as paid', async () => {
    const history = new DunningHistory(inputFor(ana()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T16:51:01.000Z', 'pre-due nudge: scheduled')
      .signal('2026-11-25T18:30:00.000Z', 'paymentReceived', {
        paymentId: 'pay-ana-1',
        amountMinor: 150_000,
        paidAt: '2026-11-25T12:29:40-06:00',
      })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'not_started',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T16:51:01.000Z: pre-due nudge: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(sends(rec)).toEqual([]);
    expect(timers(rec)).toEqual([
      [
        '2026-11-28T16:51:01.000Z',
        8 * 86_400_000 + 1 * 3_600_000 + 51 * 60_000 + 1_000,
        'pre-due nudge: scheduled',
        true,
      ],
    ]);
    expect(rec.searchAttributeUpserts.map((u) => u.values)).toEqual([
      {
        DunningStage: 'not_started',
        DunningStatus: 'active',
        BalanceMinor: 150_000,
        NextActionAt: '2026-11-28T16:51:01.000Z',
        DunningOutcome: null,
      },
      {
        DunningStage: 'not_started',
        DunningStatus: 'paid',
        BalanceMinor: 0,
        NextActionAt: null,
        DunningOutcome: 'paid',
      },
    ]);
    const [placed, closed] = recordedChanges(rec);
    expect(placed).toEqual([expect.objectContaining({ type: 'accountPlaced', ladderId: 'default', ladderVersion: 1 })]);
    expect(closed).toEqual([
      expect.objectContaining({ type: 'audit', action: 'payment:recorded', reason: 'paid_in_full', actor: 'backend' }),
      expect.objectContaining({ type: 'audit', action: 'account:recorded', reason: 'paid_in_full' }),
      {
        type: 'payment',
        paymentId: 'pay-ana-1',
        amountMinor: 150_000,
        paidAt: '2026-11-25T12:29:40-06:00',
        balanceAfterMinor: 0,
      },
      { type: 'status', status: 'paid', balanceMinor: 0 },
    ]);
    expect(rec.outcome).toEqual({
      kind: 'completed',
      result: {
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'not_started',
      },
      at: '2026-11-25T18:30:00.000Z',
    });
  });

  it('a partial payment lowers the amount every later message quotes, and the rest closes the account', async () => {
    const history = anaAfterPreDueNudge()
      .signal('2026-11-30T20:00:00.000Z', 'paymentReceived', { paymentId: 'pay-ana-1', amountMinor: 60_000 })
      .upsert()
      .record('record decisions before waiting (day-1 SMS: scheduled)')
      .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
      .fire()
      .send(
        { ...ANA_SMS, stepKey: 'day-1-sms', template: 'day_1_reminder', amountMinor: 90_000 },
        'day-1 SMS via sms',
        sent('SM-ana-2')
      )
      .upsert()
      .waitUntil('2026-12-08T15:51:01.000Z', 'week-1 email: scheduled')
      .fire()
      .send(
        { ...ANA_EMAIL, stepKey: 'week-1-email', template: 'week_1_notice', amountMinor: 90_000 },
        'week-1 email via email',
        sent('em-ana-3', 'email')
      )
      .upsert()
      .waitUntil('2026-12-15T15:51:01.000Z', 'agent task: scheduled')
      .signal('2026-12-10T17:15:00.000Z', 'paymentReceived', { paymentId: 'pay-ana-2', amountMinor: 90_000 })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'week-1-email',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T16:51:01.000Z: pre-due nudge: scheduled',
      'sendMessage: pre-due nudge via sms',
      'upsert search attributes',
      'timer until 2026-12-02T16:51:01.000Z: day-1 SMS: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (day-1 SMS: scheduled)',
      'timer until 2026-12-02T16:51:01.000Z: day-1 SMS: scheduled',
      'sendMessage: day-1 SMS via sms',
      'upsert search attributes',
      'timer until 2026-12-08T15:51:01.000Z: week-1 email: scheduled',
      'sendMessage: week-1 email via email',
      'upsert search attributes',
      'timer until 2026-12-15T15:51:01.000Z: agent task: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(sends(rec)).toEqual([
      { ...pick(ANA_SMS), stepKey: 'pre-due-nudge', template: 'pre_due_nudge', amountMinor: 150_000 },
      { ...pick(ANA_SMS), stepKey: 'day-1-sms', template: 'day_1_reminder', amountMinor: 90_000 },
      { ...pick(ANA_EMAIL), stepKey: 'week-1-email', template: 'week_1_notice', amountMinor: 90_000 },
    ]);
    // The wait re-armed by the payment: 1 day 20 h 51 min 1 s from 2026-11-30 20:00 UTC to the same day-1 instant.
    expect(timers(rec)[2]).toEqual([
      '2026-12-02T16:51:01.000Z',
      86_400_000 + 20 * 3_600_000 + 51 * 60_000 + 1_000,
      'day-1 SMS: scheduled',
      false,
    ]);
    expect(rec.searchAttributeUpserts.map((u) => u.values.BalanceMinor)).toEqual([
      150_000, 150_000, 90_000, 90_000, 90_000, 0,
    ]);
    expect(recordedChanges(rec)[1]).toContainEqual({
      type: 'payment',
      paymentId: 'pay-ana-1',
      amountMinor: 60_000,
      paidAt: '2026-11-30T20:00:00.000Z',
      balanceAfterMinor: 90_000,
    });
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', paidMinor: 150_000 } });
  });

  it('a payment signal delivered twice counts once: the duplicate is only audited', async () => {
    const payment = { paymentId: 'pay-ana-1', amountMinor: 60_000, paidAt: '2026-11-30T13:59:02-06:00' };
    const history = anaAfterPreDueNudge()
      .signal('2026-11-30T20:00:00.000Z', 'paymentReceived', payment)
      .upsert()
      .record('record decisions before waiting (day-1 SMS: scheduled)')
      .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
      // The payment provider's webhook retried: same payment id, five minutes later.
      .signal('2026-11-30T20:05:00.000Z', 'paymentReceived', payment)
      .record('record decisions before waiting (day-1 SMS: scheduled)')
      .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
      .fire()
      .send(
        { ...ANA_SMS, stepKey: 'day-1-sms', template: 'day_1_reminder', amountMinor: 90_000 },
        'day-1 SMS via sms',
        sent('SM-ana-2')
      )
      .upsert()
      .waitUntil('2026-12-08T15:51:01.000Z', 'week-1 email: scheduled')
      .signal('2026-12-03T16:00:00.000Z', 'cancel', { reason: 'settled_elsewhere', note: 'paid at the branch' })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'cancelled',
        balanceMinor: 90_000,
        paidMinor: 60_000,
        stage: 'day-1-sms',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec).slice(6, 13)).toEqual([
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (day-1 SMS: scheduled)',
      'timer until 2026-12-02T16:51:01.000Z: day-1 SMS: scheduled',
      // The duplicate: no upsert (nothing visible changed), only its audit row, then the same wait again.
      'cancel timer',
      'recordAccountChanges: record decisions before waiting (day-1 SMS: scheduled)',
      'timer until 2026-12-02T16:51:01.000Z: day-1 SMS: scheduled',
    ]);
    const changes = recordedChanges(rec);
    expect(changes[2]).toEqual([
      {
        type: 'audit',
        at: '2026-11-30T20:05:00.000Z',
        actor: 'backend',
        action: 'payment:skipped',
        reason: 'duplicate_payment',
        data: { detail: 'pay-ana-1' },
      },
    ]);
    expect(changes.flat().filter((c) => c.type === 'payment')).toHaveLength(1);
    expect(sends(rec).map((s) => [s.stepKey, s.amountMinor])).toEqual([
      ['pre-due-nudge', 150_000],
      ['day-1-sms', 90_000],
    ]);
    expect(rec.outcome).toMatchObject({
      kind: 'completed',
      result: { status: 'cancelled', balanceMinor: 90_000, paidMinor: 60_000 },
    });
  });
});

function pick(base: typeof ANA_SMS | typeof ANA_EMAIL) {
  return { channel: base.channel, to: base.to, locale: base.locale, referenceDate: base.referenceDate };
}
