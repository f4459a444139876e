import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { expect, it } from 'vitest';
import type { RecordAccountChangesInput } from '../../workflows/activity-contracts';
import { createDatabaseActivities } from '../../activities/database-activities';
import { openDatabase } from '../../db/database';
import { getAccount } from '../../db/repositories/accounts';
import { getAgreement } from '../../db/repositories/agreements';
import { listPromises } from '../../db/repositories/promises';
import { RecordingMetricMeter } from '../messaging/recording-metric-meter';
import { bogotaAccount } from './fixtures';
import { countRows, describeEachBackend } from './test-database';

const info = { workflowExecution: { workflowId: 'dunning-acc-1', runId: 'r1' }, attempt: 2 };

function runActivity<R>(fn: () => Promise<R>): Promise<R> {
  return new MockActivityEnvironment(info).run(fn);
}

const placement: RecordAccountChangesInput = {
  accountId: 'acc-co-1001',
  changes: [
    { type: 'accountPlaced', account: bogotaAccount(), ladderId: 'co-standard', ladderVersion: 2 },
    { type: 'audit', at: '2026-11-23T13:00:00Z', actor: 'workflow', action: 'account.placed', reason: 'new placement' },
  ],
};

const later: RecordAccountChangesInput = {
  accountId: 'acc-co-1001',
  changes: [
    {
      type: 'payment',
      paymentId: 'pse-7781',
      amountMinor: 10_000_000,
      paidAt: '2026-11-23T15:30:00Z',
      balanceAfterMinor: 35_990_000,
    },
    {
      type: 'promise',
      promiseId: 'p-1',
      amountMinor: 20_000_000,
      date: '2026-11-28',
      agentId: 'agent-lucia-fernandez',
      status: 'open',
    },
    {
      type: 'agreement',
      agreementId: 'a-1',
      agentId: 'agent-lucia-fernandez',
      status: 'active',
      installments: [
        { dueDate: '2026-12-15', amountMinor: 17_995_000 },
        { dueDate: '2027-01-15', amountMinor: 17_995_000 },
      ],
    },
    { type: 'optOut', channel: 'whatsapp', source: 'keyword', address: '+573001234567' },
    { type: 'status', status: 'in_agreement', balanceMinor: 35_990_000 },
    {
      type: 'audit',
      at: '2026-11-23T15:31:00Z',
      actor: 'agent-lucia-fernandez',
      action: 'agreement.created',
      reason: 'acuerdo de pago en dos cuotas',
      data: { agreementId: 'a-1', installments: 2 },
    },
  ],
};

const TABLES = [
  'accounts',
  'payments',
  'promises',
  'agreements',
  'agreement_installments',
  'opt_outs',
  'audit_events',
] as const;

describeEachBackend('database activities', (ctx) => {
  const activities = () => createDatabaseActivities({ db: ctx.db() });

  async function counts(): Promise<Record<string, number>> {
    const entries = await Promise.all(TABLES.map(async (t) => [t, await countRows(ctx.db(), t)] as const));
    return Object.fromEntries(entries);
  }

  it('records a placement with the workflow id from the activity context', async () => {
    await runActivity(() => activities().recordAccountChanges(placement));
    expect(await getAccount(ctx.db(), 'acc-co-1001')).toMatchObject({
      workflowId: 'dunning-acc-1',
      ladderId: 'co-standard',
      ladderVersion: 2,
      account: { debtor: { timezone: 'America/Bogota' }, balance: { amountMinor: 45_990_000, currency: 'COP' } },
    });
  });

  it('counts an account closing once as cobranza_accounts_closed{status}, however often the activity is retried', async () => {
    const meter = new RecordingMetricMeter();
    const run = <R>(fn: () => Promise<R>) => new MockActivityEnvironment(info, { metricMeter: meter }).run(fn);
    await run(() => activities().recordAccountChanges(placement));
    const exhausted: RecordAccountChangesInput = {
      accountId: 'acc-co-1001',
      changes: [{ type: 'status', status: 'exhausted', balanceMinor: 45_990_000 }],
    };
    await run(() => activities().recordAccountChanges(exhausted));
    await run(() => activities().recordAccountChanges(exhausted));
    const closed = meter.values.filter((v) => v.name === 'cobranza_accounts_closed');
    expect(closed.map((v) => [v.kind, v.value, v.tags.status])).toEqual([['counter', 1, 'exhausted']]);
  });

  it('records an overpaid account with a zero balance and the excess as its credit', async () => {
    await runActivity(() => activities().recordAccountChanges(placement));
    await runActivity(() =>
      activities().recordAccountChanges({
        accountId: 'acc-co-1001',
        changes: [{ type: 'status', status: 'overpaid', balanceMinor: 0, creditMinor: 1_000_000 }],
      })
    );
    const row = await ctx
      .db()
      .selectFrom('accounts')
      .select(['status', 'balance_minor', 'credit_minor'])
      .where('id', '=', 'acc-co-1001')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'overpaid', balance_minor: 0, credit_minor: 1_000_000 });
  });

  it('applies payment, promise, agreement, opt-out, status and audit together and changes nothing more on retry', async () => {
    await runActivity(() => activities().recordAccountChanges(placement));
    await runActivity(() => activities().recordAccountChanges(later));
    const afterFirst = await counts();
    expect(afterFirst).toEqual({
      accounts: 1,
      payments: 1,
      promises: 1,
      agreements: 1,
      agreement_installments: 2,
      opt_outs: 1,
      audit_events: 2,
    });
    // Temporal retries the activity with the same input, e.g. after a timeout that hid a successful commit.
    await runActivity(() => activities().recordAccountChanges(later));
    await runActivity(() => activities().recordAccountChanges(placement));
    expect(await counts()).toEqual(afterFirst);
    const account = await getAccount(ctx.db(), 'acc-co-1001');
    expect(account).toMatchObject({ status: 'in_agreement', account: { balance: { amountMinor: 35_990_000 } } });
    expect(await listPromises(ctx.db(), 'acc-co-1001')).toMatchObject([{ currency: 'COP', status: 'open' }]);
    expect((await getAgreement(ctx.db(), 'acc-co-1001', 'a-1'))?.installments).toHaveLength(2);
  });

  it('rolls back every change of the batch when one of them fails, as a non-retryable typed failure', async () => {
    await runActivity(() => activities().recordAccountChanges(placement));
    const before = await counts();
    const err: unknown = await runActivity(() =>
      activities().recordAccountChanges({
        accountId: 'acc-co-1001',
        changes: [
          {
            type: 'payment',
            paymentId: 'pse-1',
            amountMinor: 1_000,
            paidAt: '2026-11-23T15:30:00Z',
            balanceAfterMinor: 45_989_000,
          },
          { type: 'optOut', channel: 'sms', source: 'carrier-pigeon' },
        ],
      })
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ValidationError', nonRetryable: true, details: [{ field: 'source' }] });
    expect(await counts()).toEqual(before);
    expect((await getAccount(ctx.db(), 'acc-co-1001'))?.account.balance.amountMinor).toBe(45_990_000);
  });

  it('fails a change for an account never placed as NotFoundError, non-retryable', async () => {
    const err: unknown = await runActivity(() =>
      activities().recordAccountChanges({
        accountId: 'acc-unknown',
        changes: [{ type: 'status', status: 'paid', balanceMinor: 0 }],
      })
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'NotFoundError', nonRetryable: true });
  });

  it('creates one agent task per (workflow, task key) even when the activity is retried', async () => {
    const input = {
      accountId: 'acc-co-1001',
      taskKey: 'call-after-day-14',
      reason: 'all_channels_failed',
      template: 'agent_call_script_co',
      balanceMinor: 45_990_000,
      currency: 'COP',
      jurisdiction: 'CO',
    };
    const first = await runActivity(() => activities().createAgentTask(input));
    const retried = await runActivity(() => activities().createAgentTask(input));
    expect(first.created).toBe(true);
    expect(retried).toEqual({ taskId: first.taskId, created: false, createdAt: first.createdAt });
    expect(await countRows(ctx.db(), 'agent_tasks')).toBe(1);
  });
});

it('throws a retryable error from an activity when the database refuses connections', async () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused immediately.
  const opened = await openDatabase({
    url: 'postgres://cobranza:cobranza@127.0.0.1:1/cobranza',
    connectionTimeoutMillis: 2_000,
  });
  try {
    const activities = createDatabaseActivities({ db: opened.db });
    const err: unknown = await runActivity(() => activities.recordAccountChanges(placement)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect((err as Error).name).toBe('DatabaseUnavailableError');
    expect((err as Error).message).toContain('ECONNREFUSED');
  } finally {
    await opened.close();
  }
});
