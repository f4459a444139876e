import { sql, type Kysely } from 'kysely';
import { getAccount, upsertAccount } from '../db/repositories/accounts';
import { claimAgentTask, completeAgentTask, listAgentTasks, type AgentTask } from '../db/repositories/agent-tasks';
import { appendAuditEvent } from '../db/repositories/audit-events';
import { createContactAttemptStore } from '../db/repositories/contact-attempts';
import { recordOptOut } from '../db/repositories/opt-outs';
import { listPayments, recordPayment } from '../db/repositories/payments';
import type { Database } from '../db/schema';
import type { AgentTaskView, ApiStore } from './store';

function taskView(t: AgentTask): AgentTaskView {
  return {
    id: t.taskId,
    accountId: t.accountId,
    workflowId: t.workflowId,
    taskKey: t.taskKey,
    reason: t.reason,
    template: t.template,
    jurisdiction: t.jurisdiction,
    balance: { amountMinor: t.balanceMinor, currency: t.currency },
    status: t.status,
    assignee: t.assignee,
    outcome: t.outcome,
    note: t.note,
    createdAt: t.createdAt.toISOString(),
    claimedAt: t.claimedAt?.toISOString() ?? null,
    completedAt: t.completedAt?.toISOString() ?? null,
  };
}

const webhookKey = (key: string) => `webhook:${key}`;

/** The API's store over db/repositories (one source of truth for SQL); `db` may be resolved lazily. */
export function createDbStore(dbOrGetter: Kysely<Database> | (() => Kysely<Database>)): ApiStore {
  const db = typeof dbOrGetter === 'function' ? dbOrGetter : () => dbOrGetter;
  return {
    async ping() {
      await sql`select 1`.execute(db());
    },
    upsertAccount: (i) => upsertAccount(db(), i),
    async getAccount(id) {
      return (await getAccount(db(), id))?.account;
    },
    async getPlacedAccount(id) {
      const record = await getAccount(db(), id);
      return record && { account: record.account, ladder: record.ladder ?? undefined };
    },
    async recordPayment(accountId, p) {
      const r = await recordPayment(db(), { accountId, ...p });
      return { duplicate: !r.created };
    },
    async listPayments(accountId) {
      return (await listPayments(db(), accountId)).map((p) => ({
        paymentId: p.paymentId,
        amountMinor: p.amountMinor,
        paidAt: p.paidAt.toISOString(),
      }));
    },
    async findAccountIdsByPhone(phone) {
      // Ids only: the number itself never leaves this query.
      const rows = await db()
        .selectFrom('accounts')
        .select('id')
        .where((eb) => eb.or([eb('phone', '=', phone), eb('whatsapp', '=', phone)]))
        .limit(50)
        .execute();
      return rows.map((r) => r.id);
    },
    async recordOptOut(o) {
      await recordOptOut(db(), o);
    },
    recordDeliveryStatus: (id, update) => createContactAttemptStore(db()).recordDeliveryStatus(id, update),
    async listAgentTasks(filter) {
      const page = await listAgentTasks(db(), filter);
      return { items: page.tasks.map(taskView), nextCursor: page.nextCursor ?? null };
    },
    claimAgentTask: async (id, assignee) => taskView(await claimAgentTask(db(), id, assignee)),
    completeAgentTask: async (id, d) =>
      taskView(
        await completeAgentTask(db(), id, {
          agentId: d.by,
          outcome: d.outcome,
          ...(d.note !== undefined && { note: d.note }),
        })
      ),
    async webhookAlreadyProcessed(key) {
      const row = await db()
        .selectFrom('audit_events')
        .select('id')
        .where('dedupe_key', '=', webhookKey(key))
        .executeTakeFirst();
      return row !== undefined;
    },
    async markWebhookProcessed(key, data) {
      const r = await appendAuditEvent(db(), {
        dedupeKey: webhookKey(key),
        ...(data.accountId !== undefined && { accountId: data.accountId }),
        actor: data.provider,
        action: 'webhook_processed',
        reason: data.type,
        at: new Date(),
      });
      return r.created;
    },
  };
}
