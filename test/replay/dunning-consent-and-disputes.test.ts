import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TO_ANA, SMS_TO_ANA, anaAtPreDueNudge } from '../../scenarios/histories/ana-ladder';
import { DunningHistory, WORKFLOWS_PATH, inputFor, sent } from '../../scenarios/histories/dunning-history';
import { createReplayer } from '../helpers/replay-harness';
import { LOJA_EXEMPLO, ana, joao } from './scenarios/accounts';
import { changesRecordedAs, sends, timeline, timers } from './scenarios/recording-readers';

const replayer = createReplayer(WORKFLOWS_PATH);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

// Ana López (scenarios/histories/ana-ladder.ts): MXN 1,500.00 due 2026-12-01, Mexico City, steps at hh:51:01 local.

// João Silva: BRL 899.90 due 2026-12-01, São Paulo (UTC-3), steps at hh:01:53 local. Brazil's CDC art. 42-A: every
// message names the creditor with address and CNPJ, so every send carries it.
const JOAO = {
  accountId: 'acc-br-joao-001',
  locale: 'pt-BR',
  jurisdiction: 'BR',
  debtorName: 'João Silva',
  currency: 'BRL',
  amountMinor: 89_990,
  referenceDate: '2026-12-01',
  creditor: LOJA_EXEMPLO,
  requiresCreditorIdentification: true,
} as const;

function anaAfterDay1Sms(): DunningHistory {
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
    .waitUntil('2026-12-08T15:51:01.000Z', 'week-1 email: scheduled');
}

describe('dunningWorkflow replay: consent, disputes, channel failures and bad signals', () => {
  beforeAll(async () => {
    await replayer.bundle();
  });

  it('Ana texts BAJA after the day-1 SMS: every later message goes by email, the promise reminder too', async () => {
    const history = anaAfterDay1Sms()
      .signal('2026-12-03T01:10:00.000Z', 'optOut', { channel: 'sms', source: 'keyword', keyword: 'BAJA' })
      .record('record decisions before waiting (week-1 email: scheduled)')
      .waitUntil('2026-12-08T15:51:01.000Z', 'week-1 email: scheduled')
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
        sent('em-ana-3', 'email')
      )
      .upsert()
      .waitUntil('2026-12-15T15:51:01.000Z', 'agent task: scheduled')
      .signal('2026-12-09T18:00:00.000Z', 'promiseToPay', {
        promiseId: 'prom-ana-2',
        amountMinor: 150_000,
        date: '2026-12-14',
        agentId: 'agent-lucia',
      })
      .upsert()
      .record('record decisions before waiting (promise reminder: scheduled)')
      .waitUntil('2026-12-13T16:51:01.000Z', 'promise reminder: scheduled')
      .fire()
      // The reminder's first channel is SMS: the decision record says why it was passed over.
      .send(
        {
          ...EMAIL_TO_ANA,
          stepKey: 'promise-reminder:prom-ana-2',
          template: 'promise_reminder',
          amountMinor: 150_000,
          referenceDate: '2026-12-14',
          record: [
            {
              type: 'audit',
              at: '2026-12-13T16:51:01.000Z',
              actor: 'workflow',
              action: 'promise-reminder:prom-ana-2:skipped',
              reason: 'channel_opted_out',
              data: { detail: 'sms' },
            },
          ],
        },
        'promise reminder via email',
        sent('em-ana-4', 'email')
      )
      .upsert()
      .waitUntil('2026-12-16T15:51:01.000Z', 'promise follow-up: scheduled')
      .signal('2026-12-14T20:45:00.000Z', 'paymentReceived', { paymentId: 'spei-ana-1', amountMinor: 150_000 })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'promise-reminder:prom-ana-2',
      });

    const rec = await replayer.replay(history);
    expect(timeline(rec).slice(9, 20)).toEqual([
      // The opt-out changes nothing the list shows (no upsert), only the consent record, and the same wait resumes.
      'cancel timer',
      'recordAccountChanges: record decisions before waiting (week-1 email: scheduled)',
      'timer until 2026-12-08T15:51:01.000Z: week-1 email: scheduled',
      'sendMessage: week-1 email via email',
      'upsert search attributes',
      'timer until 2026-12-15T15:51:01.000Z: agent task: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (promise reminder: scheduled)',
      'timer until 2026-12-13T16:51:01.000Z: promise reminder: scheduled',
      'sendMessage: promise reminder via email',
    ]);
    expect(changesRecordedAs(rec, 'record decisions before waiting (week-1 email: scheduled)')[0]).toEqual([
      {
        type: 'audit',
        at: '2026-12-03T01:10:00.000Z',
        actor: 'debtor:keyword',
        action: 'consent:recorded',
        reason: 'opt_out',
        data: { detail: 'sms via keyword' },
      },
      { type: 'optOut', channel: 'sms', source: 'keyword', keyword: 'BAJA' },
    ]);
    const after = sends(rec).slice(2);
    expect(after).toEqual([
      {
        stepKey: 'week-1-email',
        channel: 'email',
        template: 'week_1_notice',
        amountMinor: 150_000,
        to: 'ana.lopez@example.mx',
        locale: 'es-MX',
        referenceDate: '2026-12-01',
      },
      {
        stepKey: 'promise-reminder:prom-ana-2',
        channel: 'email',
        template: 'promise_reminder',
        amountMinor: 150_000,
        to: 'ana.lopez@example.mx',
        locale: 'es-MX',
        referenceDate: '2026-12-14',
      },
    ]);
    expect(timers(rec)[3]).toEqual([
      '2026-12-08T15:51:01.000Z',
      5 * DAY + 14 * HOUR + 41 * MIN + 1_000,
      'week-1 email: scheduled',
      false,
    ]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid' } });
  });

  it('João disputes the debt: no contact while it is open, and the ladder resumes a week later when it is rejected', async () => {
    const history = new DunningHistory(inputFor(joao()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T13:01:53.000Z', 'pre-due nudge: scheduled')
      .fire()
      .send(
        { ...JOAO, stepKey: 'pre-due-nudge', channel: 'sms', to: '+5511912345678', template: 'pre_due_nudge' },
        'pre-due nudge via sms',
        sent('SM-joao-1')
      )
      .upsert()
      .waitUntil('2026-12-02T13:01:53.000Z', 'day-1 SMS: scheduled')
      .fire()
      .send(
        { ...JOAO, stepKey: 'day-1-sms', channel: 'sms', to: '+5511912345678', template: 'day_1_reminder' },
        'day-1 SMS via sms',
        sent('SM-joao-2')
      )
      .upsert()
      .waitUntil('2026-12-08T12:01:53.000Z', 'week-1 email: scheduled')
      .signal('2026-12-03T14:00:00.000Z', 'disputeOpened', {
        disputeId: 'disp-joao-1',
        reason: 'não reconheço a compra',
      })
      .upsert()
      // A dispute waits without a timer: only a signal can move the account on.
      .record('record decisions before waiting (no collection contact while a dispute is open)')
      .signal('2026-12-10T14:00:00.000Z', 'disputeResolved', { disputeId: 'disp-joao-1', outcome: 'rejected' })
      .upsert()
      .record('record decisions before waiting (week-1 email: scheduled)')
      .waitUntil('2026-12-15T12:01:53.000Z', 'week-1 email: scheduled')
      .fire()
      .send(
        {
          ...JOAO,
          stepKey: 'week-1-email',
          channel: 'email',
          to: 'joao.silva@example.com.br',
          template: 'week_1_notice',
        },
        'week-1 email via email',
        sent('em-joao-3', 'email')
      )
      .upsert()
      .waitUntil('2026-12-22T12:01:53.000Z', 'agent task: scheduled')
      .signal('2026-12-16T13:20:00.000Z', 'paymentReceived', { paymentId: 'pix-joao-1', amountMinor: 89_990 })
      .closes({
        accountId: 'acc-br-joao-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 89_990,
        stage: 'week-1-email',
      });

    const rec = await replayer.replay(history);
    expect(timeline(rec).slice(8)).toEqual([
      'timer until 2026-12-08T12:01:53.000Z: week-1 email: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (no collection contact while a dispute is open)',
      // Seven days with no timer and no message; the rejection resumes the ladder shifted by those seven days.
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (week-1 email: scheduled)',
      'timer until 2026-12-15T12:01:53.000Z: week-1 email: scheduled',
      'sendMessage: week-1 email via email',
      'upsert search attributes',
      'timer until 2026-12-22T12:01:53.000Z: agent task: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(timers(rec).slice(2)).toEqual([
      ['2026-12-08T12:01:53.000Z', 5 * DAY + 23 * HOUR, 'week-1 email: scheduled', true],
      ['2026-12-15T12:01:53.000Z', 4 * DAY + 22 * HOUR + MIN + 53_000, 'week-1 email: scheduled', false],
      ['2026-12-22T12:01:53.000Z', 7 * DAY, 'agent task: scheduled', true],
    ]);
    expect(rec.searchAttributeUpserts.map((u) => [u.values.DunningStatus, u.values.NextActionAt])).toEqual([
      ['active', '2026-11-28T13:01:53.000Z'],
      ['active', '2026-12-02T13:01:53.000Z'],
      ['active', '2026-12-08T12:01:53.000Z'],
      ['disputed', null],
      ['active', '2026-12-15T12:01:53.000Z'],
      ['active', '2026-12-22T12:01:53.000Z'],
      ['paid', null],
    ]);
    const joaoSends = rec.activities.filter((a) => a.type === 'sendMessage').map((a) => a.input[0]);
    expect(joaoSends).toHaveLength(3);
    expect(joaoSends[2]).toEqual({
      accountId: 'acc-br-joao-001',
      stepKey: 'week-1-email',
      channel: 'email',
      template: 'week_1_notice',
      to: 'joao.silva@example.com.br',
      locale: 'pt-BR',
      jurisdiction: 'BR',
      debtorName: 'João Silva',
      amountMinor: 89_990,
      currency: 'BRL',
      referenceDate: '2026-12-01',
      creditor: LOJA_EXEMPLO,
      requiresCreditorIdentification: true,
    });
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', stage: 'week-1-email' } });
  });

  it('a permanent SMS failure falls back to email for the same step, at once', async () => {
    const history = new DunningHistory(inputFor(joao()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T13:01:53.000Z', 'pre-due nudge: scheduled')
      .fire()
      .sendFailsPermanently(
        { ...JOAO, stepKey: 'pre-due-nudge', channel: 'sms', to: '+5511912345678', template: 'pre_due_nudge' },
        'pre-due nudge via sms',
        { channel: 'sms', code: '21614', reason: 'invalid_address' }
      )
      .send(
        {
          ...JOAO,
          stepKey: 'pre-due-nudge',
          channel: 'email',
          to: 'joao.silva@example.com.br',
          template: 'pre_due_nudge',
          record: [
            {
              type: 'audit',
              at: '2026-11-28T13:01:53.000Z',
              actor: 'workflow',
              action: 'pre-due-nudge:skipped',
              reason: 'channel_failed',
              data: { detail: 'sms 21614' },
            },
            {
              type: 'audit',
              at: '2026-11-28T13:01:53.000Z',
              actor: 'workflow',
              action: 'pre-due-nudge:skipped',
              reason: 'channel_failed',
              data: { detail: 'sms' },
            },
          ],
        },
        'pre-due nudge via email',
        sent('em-joao-1', 'email')
      )
      .upsert()
      .waitUntil('2026-12-02T13:01:53.000Z', 'day-1 SMS: scheduled')
      .signal('2026-11-30T12:00:00.000Z', 'paymentReceived', { paymentId: 'pix-joao-1', amountMinor: 89_990 })
      .closes({
        accountId: 'acc-br-joao-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 89_990,
        stage: 'pre-due-nudge',
      });

    const rec = await replayer.replay(history);
    expect(timeline(rec)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T13:01:53.000Z: pre-due nudge: scheduled',
      'sendMessage: pre-due nudge via sms',
      // Same workflow task as the failure: no timer; the email's activity records the failure and the fallback.
      'sendMessage: pre-due nudge via email',
      'upsert search attributes',
      'timer until 2026-12-02T13:01:53.000Z: day-1 SMS: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(sends(rec)).toEqual([
      {
        stepKey: 'pre-due-nudge',
        channel: 'sms',
        template: 'pre_due_nudge',
        amountMinor: 89_990,
        to: '+5511912345678',
        locale: 'pt-BR',
        referenceDate: '2026-12-01',
      },
      {
        stepKey: 'pre-due-nudge',
        channel: 'email',
        template: 'pre_due_nudge',
        amountMinor: 89_990,
        to: 'joao.silva@example.com.br',
        locale: 'pt-BR',
        referenceDate: '2026-12-01',
      },
    ]);
    const creditors = rec.activities
      .filter((a) => a.type === 'sendMessage')
      .map((a) => (a.input[0] as { creditor?: unknown }).creditor);
    expect(creditors).toEqual([LOJA_EXEMPLO, LOJA_EXEMPLO]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid', stage: 'pre-due-nudge' } });
  });

  it('an SMS whose send outcome is unknown is not retried on email: the reason is recorded and the ladder goes on', async () => {
    const history = new DunningHistory(inputFor(joao()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T13:01:53.000Z', 'pre-due nudge: scheduled')
      .fire()
      .sendOutcomeUnknown(
        { ...JOAO, stepKey: 'pre-due-nudge', channel: 'sms', to: '+5511912345678', template: 'pre_due_nudge' },
        'pre-due nudge via sms',
        { channel: 'sms', code: 'send_outcome_unknown' }
      )
      .upsert()
      .record('record decisions before waiting (day-1 SMS: scheduled)')
      .waitUntil('2026-12-02T13:01:53.000Z', 'day-1 SMS: scheduled')
      .signal('2026-11-30T12:00:00.000Z', 'paymentReceived', { paymentId: 'pix-joao-2', amountMinor: 89_990 })
      .closes({
        accountId: 'acc-br-joao-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 89_990,
        stage: 'not_started',
      });

    const rec = await replayer.replay(history);
    expect(timeline(rec)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T13:01:53.000Z: pre-due nudge: scheduled',
      'sendMessage: pre-due nudge via sms',
      // No email for the same step: the SMS may have reached João.
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (day-1 SMS: scheduled)',
      'timer until 2026-12-02T13:01:53.000Z: day-1 SMS: scheduled',
      'cancel timer',
      'upsert search attributes',
      'recordAccountChanges: account closed: paid',
      'complete',
    ]);
    expect(sends(rec).map((s) => `${s.stepKey}:${s.channel}`)).toEqual(['pre-due-nudge:sms']);
    expect(changesRecordedAs(rec, 'record decisions before waiting (day-1 SMS: scheduled)')).toEqual([
      [
        {
          type: 'audit',
          at: '2026-11-28T13:01:53.000Z',
          actor: 'workflow',
          action: 'pre-due-nudge:skipped',
          reason: 'send_outcome_unknown',
          data: { detail: 'sms' },
        },
      ],
    ]);
    expect(rec.outcome).toMatchObject({ kind: 'completed', result: { status: 'paid' } });
  });

  it('invalid signals are rejected and audited, and the workflow carries on', async () => {
    const history = new DunningHistory(inputFor(ana()), '2026-11-20T15:00:00.000Z')
      .task()
      .upsert()
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T16:51:01.000Z', 'pre-due nudge: scheduled')
      .signals(
        '2026-11-22T17:00:00.000Z',
        // A backend sent the amount as a decimal string.
        ['paymentReceived', { paymentId: 'pay-ana-x', amountMinor: '1500.00' }],
        // Well-formed, but the promised date is already past in Mexico City.
        ['promiseToPay', { amountMinor: 150_000, date: '2026-11-21', agentId: 'agent-lucia' }]
      )
      .record('record decisions before waiting (pre-due nudge: scheduled)')
      .waitUntil('2026-11-28T16:51:01.000Z', 'pre-due nudge: scheduled')
      .fire()
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
      .signal('2026-11-29T17:00:00.000Z', 'paymentReceived', { paymentId: 'pay-ana-x', amountMinor: 150_000 })
      .closes({
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'pre-due-nudge',
      });

    const rec = await replayer.replay(history);
    expect(timeline(rec).slice(0, 7)).toEqual([
      'upsert search attributes',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T16:51:01.000Z: pre-due nudge: scheduled',
      // Both signals rejected: nothing visible changed, so no upsert; the rejections are recorded; same wait.
      'cancel timer',
      'recordAccountChanges: record decisions before waiting (pre-due nudge: scheduled)',
      'timer until 2026-11-28T16:51:01.000Z: pre-due nudge: scheduled',
      'sendMessage: pre-due nudge via sms',
    ]);
    expect(changesRecordedAs(rec, 'record decisions before waiting (pre-due nudge: scheduled)')[1]).toEqual([
      {
        type: 'audit',
        at: '2026-11-22T17:00:00.000Z',
        actor: 'workflow',
        action: 'paymentReceived:rejected',
        reason: 'invalid_signal',
        data: { detail: 'amountMinor: Invalid input: expected number, received string' },
      },
      {
        type: 'audit',
        at: '2026-11-22T17:00:00.000Z',
        actor: 'agent:agent-lucia',
        action: 'promiseToPay:rejected',
        reason: 'invalid_signal',
        data: { detail: "date 2026-11-21 is in the past (today is 2026-11-22 in the debtor's zone)" },
      },
    ]);
    expect(timers(rec).slice(0, 2)).toEqual([
      ['2026-11-28T16:51:01.000Z', 8 * DAY + HOUR + 51 * MIN + 1_000, 'pre-due nudge: scheduled', true],
      ['2026-11-28T16:51:01.000Z', 5 * DAY + 23 * HOUR + 51 * MIN + 1_000, 'pre-due nudge: scheduled', false],
    ]);
    // The same payment id, well-formed this time, counts: the rejected one left no trace in the balance.
    expect(rec.outcome).toEqual({
      kind: 'completed',
      result: {
        accountId: 'acc-mx-ana-001',
        status: 'paid',
        balanceMinor: 0,
        paidMinor: 150_000,
        stage: 'pre-due-nudge',
      },
      at: '2026-11-29T17:00:00.000Z',
    });
  });
});
