import { beforeAll, describe, expect, it } from 'vitest';
import { SMS_TO_ANA } from '../../scenarios/histories/ana-ladder';
import { DunningHistory, WORKFLOWS_PATH, inputFor, sent } from '../../scenarios/histories/dunning-history';
import type { EngineState } from '../../workflows/engine/state';
import { defaultLadder } from '../../workflows/engine/ladder';
import type { DunningWorkflowInput } from '../../workflows/workflow-input';
import { createReplayer, type ReplayRecording } from '../helpers/replay-harness';
import { ana } from './scenarios/accounts';
import { recordedChanges, sends, timeline, timers } from './scenarios/recording-readers';

// Ana López with the test switch continueAsNewAfterSteps: 1, so each run does one ladder step and hands its state on.
const replayer = createReplayer(WORKFLOWS_PATH);
const DAY = 86_400_000;

const ANA_SMS = { ...SMS_TO_ANA, referenceDate: '2026-12-01' } as const;

/** The arguments the run handed to continue-as-new. */
function continuedWith(rec: ReplayRecording): [DunningWorkflowInput] {
  if (rec.outcome?.kind !== 'continuedAsNew') throw new Error(`the run ended with ${rec.outcome?.kind ?? 'nothing'}`);
  return rec.outcome.args as [DunningWorkflowInput];
}

describe('dunningWorkflow replay: continue-as-new', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('carries the state across runs: the second run neither re-places the account nor repeats the first step', async () => {
    // Run 1: placed, partial payment, pre-due nudge sent, then continue-as-new instead of the day-1 wait.
    const run1 = new DunningHistory(
      inputFor(ana(), {
        continueAsNewAfterSteps: 1,
        pendingPayments: [{ paymentId: 'pay-ana-0', amountMinor: 20_000, paidAt: '2026-11-19T12:00:00-06:00' }],
      }),
      '2026-11-20T15:00:00.000Z'
    )
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T16:51:01.000Z', 'pre-due nudge: scheduled')
      .fire()
      .send(
        { ...ANA_SMS, stepKey: 'pre-due-nudge', template: 'pre_due_nudge', amountMinor: 130_000 },
        'pre-due nudge via sms',
        sent('SM-ana-1')
      )
      .upsert();
    const rec1 = await replayer.replay(run1.builder.continuedAsNew());

    expect(timeline(rec1)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T16:51:01.000Z: pre-due nudge: scheduled',
      'sendMessage: pre-due nudge via sms',
      'upsert search attributes',
      'continue as new',
    ]);
    expect(recordedChanges(rec1)[0]).toEqual([
      expect.objectContaining({ type: 'accountPlaced', ladderId: 'default', ladderVersion: 1 }),
      expect.objectContaining({ type: 'audit', action: 'payment:recorded', reason: 'partial_payment' }),
      {
        type: 'payment',
        paymentId: 'pay-ana-0',
        amountMinor: 20_000,
        paidAt: '2026-11-19T12:00:00-06:00',
        balanceAfterMinor: 130_000,
      },
      { type: 'status', status: 'active', balanceMinor: 130_000 },
    ]);
    expect(rec1.outcome?.kind).toBe('continuedAsNew');
    const [next] = continuedWith(rec1);
    // The new run's input: the same snapshots and switch, no pendingPayments (already applied), and the state.
    expect(Object.keys(next).sort()).toEqual(['account', 'continueAsNewAfterSteps', 'ladder', 'policy', 'state']);
    expect(next.account).toEqual(ana());
    expect(next.ladder).toEqual(defaultLadder);
    const state = next.state as EngineState;
    expect(state).toMatchObject({
      balanceMinor: 130_000,
      paidMinor: 20_000,
      paymentIds: ['pay-ana-0'],
      lastStep: 'pre-due-nudge',
      startedAt: Date.parse('2026-11-20T15:00:00.000Z'),
      steps: { 'pre-due-nudge': { outcome: 'sent', channel: 'sms', at: Date.parse('2026-11-28T16:51:01.000Z') } },
      contacts: [
        {
          at: Date.parse('2026-11-28T16:51:01.000Z'),
          stepKey: 'pre-due-nudge',
          channel: 'sms',
          status: 'sent',
          providerMessageId: 'SM-ana-1',
        },
      ],
    });

    // Run 2 starts from that input at the instant run 1 ended.
    const run2 = new DunningHistory(next, '2026-11-28T16:51:01.000Z', {
      runId: '00000000-0000-4000-8000-000000000002',
    })
      .task()
      // A fresh run publishes its search attributes again, but has nothing unrecorded: straight to the timer.
      .upsert()
      .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
      .fire()
      .send(
        { ...ANA_SMS, stepKey: 'day-1-sms', template: 'day_1_reminder', amountMinor: 130_000 },
        'day-1 SMS via sms',
        sent('SM-ana-2')
      )
      .upsert();
    const rec2 = await replayer.replay(run2.builder.continuedAsNew());

    expect(timeline(rec2)).toEqual([
      'upsert search attributes',
      'timer until 2026-12-02T16:51:01.000Z: day-1 SMS: scheduled',
      'sendMessage: day-1 SMS via sms',
      'upsert search attributes',
      'continue as new',
    ]);
    expect(timers(rec2)).toEqual([['2026-12-02T16:51:01.000Z', 4 * DAY, 'day-1 SMS: scheduled', false]]);
    expect(sends(rec2)).toEqual([
      {
        stepKey: 'day-1-sms',
        channel: 'sms',
        template: 'day_1_reminder',
        amountMinor: 130_000,
        to: '+5215512345678',
        locale: 'es-MX',
        referenceDate: '2026-12-01',
      },
    ]);
    expect(
      recordedChanges(rec2)
        .flat()
        .filter((c) => c.type === 'accountPlaced')
    ).toEqual([]);
    expect(rec2.searchAttributeUpserts[0]?.values).toEqual({
      DunningStage: 'pre-due-nudge',
      DunningStatus: 'active',
      BalanceMinor: 130_000,
      NextActionAt: '2026-12-02T16:51:01.000Z',
      DunningOutcome: null,
    });
    const state2 = continuedWith(rec2)[0].state as EngineState;
    expect(state2.contacts.map((c) => [c.stepKey, c.providerMessageId])).toEqual([
      ['pre-due-nudge', 'SM-ana-1'],
      ['day-1-sms', 'SM-ana-2'],
    ]);
    expect(state2.lastStep).toBe('day-1-sms');
  });

  it('does not continue as new while a signal is unprocessed: the payment is applied and recorded first', async () => {
    const run = new DunningHistory(inputFor(ana(), { continueAsNewAfterSteps: 1 }), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T16:51:01.000Z', 'pre-due nudge: scheduled')
      .fire()
      // Ana pays part of the balance while the nudge is being sent...
      .sendWhileSignaled(
        { ...ANA_SMS, stepKey: 'pre-due-nudge', template: 'pre_due_nudge', amountMinor: 150_000 },
        'pre-due nudge via sms',
        sent('SM-ana-1'),
        {
          at: '2026-11-28T16:51:02.000Z',
          name: 'paymentReceived',
          payload: { paymentId: 'pay-ana-1', amountMinor: 50_000 },
        }
      )
      .upsert()
      // ...and the rest while that payment is being recorded, just before the hand-over.
      .recordWhileSignaled(
        'record decisions before waiting (day-1 SMS: scheduled)',
        '2026-11-28T16:51:03.000Z',
        'paymentReceived',
        { paymentId: 'pay-ana-2', amountMinor: 30_000 }
      )
      .upsert()
      .record('record decisions before waiting (day-1 SMS: scheduled)');
    const rec = await replayer.replay(run.builder.continuedAsNew());

    expect(timeline(rec).slice(3)).toEqual([
      'sendMessage: pre-due nudge via sms',
      // The first payment arrived during the send: it is applied and recorded before any hand-over.
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (day-1 SMS: scheduled)',
      // The second arrived during that record: the loop goes round once more instead of handing over.
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (day-1 SMS: scheduled)',
      'continue as new',
    ]);
    expect(
      recordedChanges(rec)
        .slice(1)
        .map((changes) => changes.filter((c) => c.type === 'payment'))
    ).toEqual([
      [
        {
          type: 'payment',
          paymentId: 'pay-ana-1',
          amountMinor: 50_000,
          paidAt: '2026-11-28T16:51:02.000Z',
          balanceAfterMinor: 100_000,
        },
      ],
      [
        {
          type: 'payment',
          paymentId: 'pay-ana-2',
          amountMinor: 30_000,
          paidAt: '2026-11-28T16:51:03.000Z',
          balanceAfterMinor: 70_000,
        },
      ],
    ]);
    const state = continuedWith(rec)[0].state as EngineState;
    expect(state).toMatchObject({ balanceMinor: 70_000, paidMinor: 80_000, paymentIds: ['pay-ana-1', 'pay-ana-2'] });
    expect(rec.outcome?.at).toBe('2026-11-28T16:51:03.000Z');
  });
});
