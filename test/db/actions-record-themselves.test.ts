import { MockActivityEnvironment } from '@temporalio/testing';
import { expect, it } from 'vitest';
import type { AccountRecordChange, SendMessageInput } from '../../workflows/activity-contracts';
import { createActivities } from '../../activities';
import { createTransportsFromEnv } from '../../activities/messaging/messaging-config';
import { listAuditEvents } from '../../db/repositories/audit-events';
import { bogotaAccount } from './fixtures';
import { countRows, describeEachBackend } from './test-database';

const WORKFLOW_ID = 'dunning-acc-co-1001';

/** The instant the workflow scheduled the step (the Service's clock): where the week-1 email's moves led. */
const SCHEDULED_AT = '2026-11-09T15:00:00.000Z';

function runActivity<R>(fn: () => Promise<R>, attempt = 1): Promise<R> {
  return new MockActivityEnvironment({
    workflowExecution: { workflowId: WORKFLOW_ID, runId: 'r1' },
    attempt,
    scheduledTimestampMs: Date.parse(SCHEDULED_AT),
  }).run(fn);
}

const quietLogger = { info: () => undefined, warn: () => undefined };

/** Why the week-1 email moved: what the workflow hands over with the send. */
const moved: AccountRecordChange[] = [
  {
    type: 'audit',
    at: '2026-11-07T14:23:45.000Z',
    actor: 'workflow',
    action: 'week-1-email:moved',
    reason: 'public_holiday',
    data: { rule: 'CO:Ley 2300 de 2023 art. 3', movedTo: '2026-11-08T05:00:00.000Z' },
  },
];

const week1Email: SendMessageInput = {
  accountId: 'acc-co-1001',
  stepKey: 'week-1-email',
  channel: 'email',
  template: 'week_1_notice',
  to: 'mariajose.restrepo@example.co',
  locale: 'es-CO',
  jurisdiction: 'CO',
  debtorName: 'María José Restrepo Gómez',
  amountMinor: 45_990_000,
  currency: 'COP',
  referenceDate: '2026-10-31',
  record: moved,
};

describeEachBackend('actions that record themselves', (ctx) => {
  // Log transports: nothing leaves the machine, and the send ledger and audit log are the real database.
  const activities = () =>
    createActivities({ db: ctx.db(), messaging: createTransportsFromEnv({}, quietLogger), logger: quietLogger });

  async function placed() {
    await runActivity(() =>
      activities().recordAccountChanges({
        accountId: 'acc-co-1001',
        changes: [{ type: 'accountPlaced', account: bogotaAccount(), ladderId: 'default', ladderVersion: 1 }],
      })
    );
  }

  it('sendMessage writes the handed-over changes before sending and its own outcome after, once under retries', async () => {
    await placed();

    const first = await runActivity(() => activities().sendMessage(week1Email));
    const retried = await runActivity(() => activities().sendMessage(week1Email), 2);

    // Recorded at the instant the workflow scheduled the step, which both attempts answer and the workflow applies.
    expect(first.sentAt).toBe(SCHEDULED_AT);
    expect(retried).toMatchObject({
      providerMessageId: first.providerMessageId,
      deduplicated: true,
      sentAt: SCHEDULED_AT,
    });
    const audit = await listAuditEvents(ctx.db(), 'acc-co-1001');
    expect(audit.map((e) => [e.action, e.reason])).toEqual([
      ['week-1-email:moved', 'public_holiday'],
      ['week-1-email:acted', 'message_sent'],
    ]);
    expect(audit[1]?.data).toEqual({
      detail: 'email',
      providerMessageId: first.providerMessageId,
      transport: 'log',
      acceptedAt: expect.any(String) as unknown,
    });
    expect(audit[1]?.at.toISOString()).toBe(SCHEDULED_AT);
    expect(await countRows(ctx.db(), 'contact_attempts')).toBe(1);
  });

  it('createAgentTask writes the handed-over changes, the task and its audit entry together, once under retries', async () => {
    await placed();
    const broken: AccountRecordChange[] = [
      { type: 'status', status: 'active', balanceMinor: 30_000_000 },
      {
        type: 'audit',
        at: '2026-11-09T14:23:45.000Z',
        actor: 'workflow',
        action: 'agreement:agr-1:recorded',
        reason: 'agreement_broken',
      },
    ];
    const input = {
      accountId: 'acc-co-1001',
      taskKey: 'agreement-broken:agr-1',
      reason: 'agreement_broken',
      template: 'agent_call_agreement_broken',
      balanceMinor: 30_000_000,
      currency: 'COP',
      jurisdiction: 'CO',
      record: broken,
    };

    const first = await runActivity(() => activities().createAgentTask(input));
    const retried = await runActivity(() => activities().createAgentTask(input), 2);

    // Both attempts answer the instant the workflow scheduled the step, which it applies the creation at.
    expect(retried).toEqual({ taskId: first.taskId, created: false, createdAt: SCHEDULED_AT });
    expect(await countRows(ctx.db(), 'agent_tasks')).toBe(1);
    const audit = await listAuditEvents(ctx.db(), 'acc-co-1001');
    expect(audit.map((e) => [e.action, e.reason, e.data])).toEqual([
      ['agreement:agr-1:recorded', 'agreement_broken', {}],
      ['agreement-broken:agr-1:acted', 'agent_task_created', { detail: first.taskId }],
    ]);
    expect(audit[1]!.at.toISOString()).toBe(SCHEDULED_AT);
    const account = await ctx
      .db()
      .selectFrom('accounts')
      .select(['balance_minor', 'status'])
      .where('id', '=', 'acc-co-1001')
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ balance_minor: 30_000_000, status: 'active' });
  });
});
