import { describe, expect, it } from 'vitest';
import { SMS_TO_ANA, anaAtPreDueNudge } from '../../scenarios/histories/ana-ladder';
import type { DunningHistory } from '../../scenarios/histories/dunning-history';
import { WORKFLOWS_PATH, sent } from '../../scenarios/histories/dunning-history';
import { createReplayer } from '../helpers/replay-harness';
import { changesRecordedAs, timeline } from './scenarios/recording-readers';

const replayer = createReplayer(WORKFLOWS_PATH);

const NUDGE = { ...SMS_TO_ANA, stepKey: 'pre-due-nudge', template: 'pre_due_nudge', amountMinor: 150_000 };

/**
 * Ana (Mexico City, CONDUSEF hours 07:00–22:00). The pre-due nudge is decided at 10:51 local, but no messaging worker
 * takes it until 22:00:30: the activity refuses it, and the workflow plans it again for the next morning.
 */
function nudgeQueuedPastTheWindow(): DunningHistory {
  return anaAtPreDueNudge()
    .patch('contact-deadline')
    .sendAfterWindowClosed(
      { ...NUDGE, referenceDate: '2026-12-01', notAfter: '2026-11-29T04:00:00.000Z' },
      'pre-due nudge via sms',
      '2026-11-29T04:00:30.000Z'
    );
}

describe('a message that misses its contact window is planned again, never sent late', () => {
  it('the pre-due nudge refused after 22:00 in Mexico City goes out the next morning, inside the window', async () => {
    const history = nudgeQueuedPastTheWindow()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: waiting for quiet hours to end in America/Mexico_City)')
      .waitUntil('2026-11-29T13:51:01.000Z', 'pre-due nudge: waiting for quiet hours to end in America/Mexico_City')
      .fire()
      .send(
        { ...NUDGE, referenceDate: '2026-12-01', notAfter: '2026-11-30T04:00:00.000Z' },
        'pre-due nudge via sms',
        sent('SM-ana-1')
      )
      .upsert()
      .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
      .signal('2026-11-30T12:00:00.000Z', 'paymentReceived', { paymentId: 'spei-ana-1', amountMinor: 150_000 })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'pre-due-nudge',
      });

    const rec = await replayer.replay(history);

    const sendInputs = rec.activities
      .filter((a) => a.type === 'sendMessage')
      .map((a) => a.input[0] as { stepKey: string; notAfter?: string });
    // Each attempt carries the close of the window it was decided in: 22:00 in Mexico City, UTC-6.
    expect(sendInputs.map((s) => [s.stepKey, s.notAfter])).toEqual([
      ['pre-due-nudge', '2026-11-29T04:00:00.000Z'],
      ['pre-due-nudge', '2026-11-30T04:00:00.000Z'],
    ]);
    expect(timeline(rec)).toContain(
      'timer until 2026-11-29T13:51:01.000Z: pre-due nudge: waiting for quiet hours to end in America/Mexico_City'
    );
  });

  it('records why the nudge did not go out when planned, with the rule that closed the window', async () => {
    const rec = await replayer.replay(
      nudgeQueuedPastTheWindow()
        .upsert()
        .record(
          'record decisions before waiting (pre-due nudge: waiting for quiet hours to end in America/Mexico_City)'
        )
        .waitUntil('2026-11-29T13:51:01.000Z', 'pre-due nudge: waiting for quiet hours to end in America/Mexico_City')
        .signal('2026-11-29T05:00:00.000Z', 'paymentReceived', { paymentId: 'spei-ana-2', amountMinor: 150_000 })
        .closes({
          accountId: 'acc-mx-ana-001',
          status: 'paid',
          balanceMinor: 0,
          paidMinor: 150_000,
          stage: 'not_started',
        })
    );

    const waiting =
      'record decisions before waiting (pre-due nudge: waiting for quiet hours to end in America/Mexico_City)';
    const moved = changesRecordedAs(rec, waiting)[0]?.find(
      (c) => c.type === 'audit' && c.reason === 'contact_window_closed'
    );
    expect(moved).toMatchObject({
      type: 'audit',
      action: 'pre-due-nudge:moved',
      data: {
        rule: 'MX:CONDUSEF despachos de cobranza (DOF 2014-10-07)',
        detail:
          'the sms message had not gone out by 2026-11-28T22:00:00-06:00 (America/Mexico_City), when the rule stops contact',
      },
    });
  });
});
