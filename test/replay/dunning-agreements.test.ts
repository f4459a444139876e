import { beforeAll, describe, expect, it } from 'vitest';
import { DunningHistory, WORKFLOWS_PATH, inputFor, sent } from '../../scenarios/histories/dunning-history';
import { createReplayer } from '../helpers/replay-harness';
import { camila } from './scenarios/accounts';
import { changesRecordedAs, sends, timeline, timers } from './scenarios/recording-readers';

// Camila Restrepo owes COP 450,000.00 due 2026-12-01 (Bogotá, UTC-5, steps at hh:23:45 local). On 2026-12-03 agent
// Jorge agrees three monthly installments of COP 150,000.00: reminders two days before each due date at 10:23:45,
// checks three days after at 09:23:45.
const replayer = createReplayer(WORKFLOWS_PATH);
const DAY = 86_400_000;
const HOUR = 3_600_000;

const CAMILA_SMS = {
  accountId: 'acc-co-camila-001',
  channel: 'sms',
  to: '+573001234567',
  locale: 'es-CO',
  jurisdiction: 'CO',
  debtorName: 'Camila Restrepo',
  currency: 'COP',
} as const;

/** Camila's agreement with agent Jorge: three monthly installments of COP 150,000.00. */
const CAMILA_INSTALLMENTS = [
  { dueDate: '2026-12-15', amountMinor: 15_000_000 },
  { dueDate: '2027-01-15', amountMinor: 15_000_000 },
  { dueDate: '2027-02-15', amountMinor: 15_000_000 },
];

describe('dunningWorkflow replay: payment agreements', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('installment 1 kept, installment 2 missed: agent task, then the ladder resumes 46 days late', async () => {
    const history = new DunningHistory(inputFor(camila()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T15:23:45.000Z', 'pre-due nudge: scheduled')
      .fire()
      .send(
        {
          ...CAMILA_SMS,
          stepKey: 'pre-due-nudge',
          template: 'pre_due_nudge',
          amountMinor: 45_000_000,
          referenceDate: '2026-12-01',
        },
        'pre-due nudge via sms',
        sent('SM-camila-1')
      )
      .upsert()
      .waitUntil('2026-12-02T15:23:45.000Z', 'day-1 SMS: scheduled')
      .fire()
      .send(
        {
          ...CAMILA_SMS,
          stepKey: 'day-1-sms',
          template: 'day_1_reminder',
          amountMinor: 45_000_000,
          referenceDate: '2026-12-01',
        },
        'day-1 SMS via sms',
        sent('SM-camila-2')
      )
      .upsert()
      .waitUntil('2026-12-09T15:23:45.000Z', 'week-1 email: waiting for the weekly channel limit to release')
      .signal('2026-12-03T16:00:00.000Z', 'agreementNegotiated', {
        agreementId: 'agr-camila-1',
        agentId: 'agent-jorge',
        installments: CAMILA_INSTALLMENTS,
      })
      .upsert()
      // The reminder is due on Sunday 2026-12-13, when Ley 2300 allows no contact: Monday 07:23:45 instead.
      .record(
        'record decisions before waiting (installment 1 reminder: waiting for quiet hours to end in America/Bogota)'
      )
      .waitUntil('2026-12-14T12:23:45.000Z', 'installment 1 reminder: waiting for quiet hours to end in America/Bogota')
      .fire()
      .send(
        {
          ...CAMILA_SMS,
          stepKey: 'installment-reminder:agr-camila-1:1',
          template: 'installment_reminder',
          amountMinor: 15_000_000,
          referenceDate: '2026-12-15',
          // Why it moved, written by the send before it goes out.
          record: [
            {
              type: 'audit',
              at: '2026-12-13T15:23:45.000Z',
              actor: 'workflow',
              action: 'installment-reminder:agr-camila-1:1:moved',
              reason: 'contact_window',
              data: {
                rule: 'CO:Ley 2300 de 2023 art. 3',
                movedTo: '2026-12-14T12:23:45.000Z',
                detail: 'America/Bogota',
              },
            },
          ],
        },
        'installment 1 reminder via sms',
        sent('SM-camila-3')
      )
      .upsert()
      .waitUntil('2026-12-18T14:23:45.000Z', 'installment 1 check: scheduled')
      .signal('2026-12-14T16:00:00.000Z', 'paymentReceived', { paymentId: 'pse-camila-1', amountMinor: 15_000_000 })
      .upsert()
      .record('record decisions before waiting (installment 1 check: scheduled)')
      .waitUntil('2026-12-18T14:23:45.000Z', 'installment 1 check: scheduled')
      .fire()
      .upsert()
      .record('record decisions before waiting (installment 2 reminder: scheduled)')
      .waitUntil('2027-01-13T15:23:45.000Z', 'installment 2 reminder: scheduled')
      .fire()
      .send(
        {
          ...CAMILA_SMS,
          stepKey: 'installment-reminder:agr-camila-1:2',
          template: 'installment_reminder',
          amountMinor: 15_000_000,
          referenceDate: '2027-01-15',
        },
        'installment 2 reminder via sms',
        sent('SM-camila-4')
      )
      .upsert()
      .waitUntil('2027-01-18T14:23:45.000Z', 'installment 2 check: scheduled')
      .fire()
      .upsert()
      .agentTask(
        {
          accountId: 'acc-co-camila-001',
          taskKey: 'agreement-broken:agr-camila-1',
          reason: 'agreement_broken',
          template: 'agent_call_agreement_broken',
          balanceMinor: 30_000_000,
          currency: 'COP',
          jurisdiction: 'CO',
          call: {
            allowed: true,
            opensAt: '2027-01-20T15:23:45.000Z',
            closesAt: '2027-01-21T00:00:00.000Z',
            zone: 'America/Bogota',
          },
          // The missed installment and the broken agreement, written with the task they cause.
          record: [
            {
              type: 'audit',
              at: '2027-01-18T14:23:45.000Z',
              actor: 'workflow',
              action: 'installment-check:agr-camila-1:2:recorded',
              reason: 'installment_missed',
              data: {},
            },
            {
              type: 'audit',
              at: '2027-01-18T14:23:45.000Z',
              actor: 'workflow',
              action: 'agreement:agr-camila-1:recorded',
              reason: 'agreement_broken',
              data: {},
            },
            // What the agreement held back while it ran, recorded as the ladder resumes.
            {
              type: 'audit',
              at: '2027-01-18T14:23:45.000Z',
              actor: 'workflow',
              action: 'week-1-email:suppressed',
              reason: 'held_by_agreement',
              data: { detail: 'planned 2026-12-08T14:23:45.000Z' },
            },
            {
              type: 'audit',
              at: '2027-01-18T14:23:45.000Z',
              actor: 'workflow',
              action: 'agent-task:suppressed',
              reason: 'held_by_agreement',
              data: { detail: 'planned 2026-12-15T14:23:45.000Z' },
            },
            {
              type: 'audit',
              at: '2027-01-18T14:23:45.000Z',
              actor: 'workflow',
              action: 'final-notice:suppressed',
              reason: 'held_by_agreement',
              data: { detail: 'planned 2026-12-31T14:23:45.000Z' },
            },
            {
              type: 'audit',
              at: '2027-01-18T14:23:45.000Z',
              actor: 'workflow',
              action: 'ladder-end:suppressed',
              reason: 'held_by_agreement',
              data: { detail: 'planned 2027-01-15T14:23:45.000Z' },
            },
            {
              type: 'agreement',
              agreementId: 'agr-camila-1',
              agentId: 'agent-jorge',
              installments: CAMILA_INSTALLMENTS,
              status: 'broken',
            },
            { type: 'status', status: 'active', balanceMinor: 30_000_000 },
          ],
        },
        'agent task: agreement_broken',
        { taskId: 'task-co-77', created: true }
      )
      .upsert()
      // Paused 2026-12-03, back on the ladder 2027-01-18: 46 days, so due + 7 + 46 = Saturday 2027-01-23 09:23:45.
      .waitUntil('2027-01-23T14:23:45.000Z', 'week-1 email: scheduled')
      .signal('2027-01-21T19:30:00.000Z', 'paymentReceived', { paymentId: 'pse-camila-2', amountMinor: 30_000_000 })
      .closes({
        accountId: 'acc-co-camila-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 45_000_000,
        stage: 'agreement-broken:agr-camila-1',
      });

    const rec = await replayer.replay(history);

    expect(timeline(rec).slice(7)).toEqual([
      'upsert search attributes',
      'timer until 2026-12-09T15:23:45.000Z: week-1 email: waiting for the weekly channel limit to release',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (installment 1 reminder: waiting for quiet hours to end in America/Bogota)',
      'timer until 2026-12-14T12:23:45.000Z: installment 1 reminder: waiting for quiet hours to end in America/Bogota',
      'sendMessage: installment 1 reminder via sms',
      'upsert search attributes',
      'timer until 2026-12-18T14:23:45.000Z: installment 1 check: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (installment 1 check: scheduled)',
      'timer until 2026-12-18T14:23:45.000Z: installment 1 check: scheduled',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (installment 2 reminder: scheduled)',
      'timer until 2027-01-13T15:23:45.000Z: installment 2 reminder: scheduled',
      'sendMessage: installment 2 reminder via sms',
      'upsert search attributes',
      'timer until 2027-01-18T14:23:45.000Z: installment 2 check: scheduled',
      'upsert search attributes',
      'createAgentTask: agent task: agreement_broken',
      'upsert search attributes',
      'timer until 2027-01-23T14:23:45.000Z: week-1 email: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(sends(rec).slice(2)).toEqual([
      {
        stepKey: 'installment-reminder:agr-camila-1:1',
        channel: 'sms',
        template: 'installment_reminder',
        amountMinor: 15_000_000,
        to: '+573001234567',
        locale: 'es-CO',
        referenceDate: '2026-12-15',
      },
      {
        stepKey: 'installment-reminder:agr-camila-1:2',
        channel: 'sms',
        template: 'installment_reminder',
        amountMinor: 15_000_000,
        to: '+573001234567',
        locale: 'es-CO',
        referenceDate: '2027-01-15',
      },
    ]);
    expect(timers(rec).filter(([, , summary]) => summary?.startsWith('installment'))).toEqual([
      [
        '2026-12-14T12:23:45.000Z',
        10 * DAY + 20 * HOUR + 23 * 60_000 + 45_000,
        'installment 1 reminder: waiting for quiet hours to end in America/Bogota',
        false,
      ],
      ['2026-12-18T14:23:45.000Z', 4 * DAY + 2 * HOUR, 'installment 1 check: scheduled', true],
      ['2026-12-18T14:23:45.000Z', 3 * DAY + 22 * HOUR + 23 * 60_000 + 45_000, 'installment 1 check: scheduled', false],
      ['2027-01-13T15:23:45.000Z', 26 * DAY + HOUR, 'installment 2 reminder: scheduled', false],
      ['2027-01-18T14:23:45.000Z', 5 * DAY - HOUR, 'installment 2 check: scheduled', false],
    ]);
    // The kept installment is recorded before the wait that follows its check; the missed one rides with the task.
    expect(changesRecordedAs(rec, 'record decisions before waiting (installment 2 reminder: scheduled)')).toEqual([
      [
        expect.objectContaining({ action: 'installment-check:agr-camila-1:1:recorded', reason: 'installment_kept' }),
        expect.objectContaining({ type: 'agreement', agreementId: 'agr-camila-1', status: 'active' }),
      ],
    ]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', paidMinor: 45_000_000 } });
  });
});
