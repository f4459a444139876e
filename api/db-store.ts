import { sql, type Kysely } from 'kysely';
import {
  claimAgentTask,
  completeAgentTask,
  getAgentTask,
  listAgentTasks,
  type AgentTask,
  type AgentTaskCall,
} from '../db/repositories/agent-tasks';
import { appendAuditEvent, listAuditEvents } from '../db/repositories/audit-events';
import { createContactAttemptStore } from '../db/repositories/contact-attempts';
import {
  countUndelivered,
  findPlacementsByPhone,
  getPlacement,
  listReceivedPayments,
  listUndelivered,
  listUndeliveredOptOuts,
  markDelivered,
  receiveOptOut,
  receivePayment,
  receivePlacement,
} from '../db/repositories/inbox';
import type { Database } from '../db/schema';
import { formatLocalIso } from '../workflows/engine/zoned-time';
import type { AgentTaskCallView, AgentTaskView, ApiStore } from './store';

/** The call window with its ends in the debtor's local time too: what an agent reads before dialling. */
function callView(call: AgentTaskCall | undefined): AgentTaskCallView | null {
  if (!call) return null;
  if (!call.allowed) return { allowed: false, reason: call.reason };
  return {
    allowed: true,
    opensAt: call.opensAt,
    opensAtLocal: formatLocalIso(call.zone, Date.parse(call.opensAt)),
    closesAt: call.closesAt,
    closesAtLocal: formatLocalIso(call.zone, Date.parse(call.closesAt)),
    zone: call.zone,
  };
}

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
    call: callView(t.call),
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
    receivePlacement: (placement) => receivePlacement(db(), placement),
    getPlacedAccount: (accountId) => getPlacement(db(), accountId),
    receivePayment: (accountId, payment) => receivePayment(db(), accountId, payment),
    listPayments: (accountId) => listReceivedPayments(db(), accountId),
    async findAccountIdsByPhone(phone) {
      // Ids only: the number itself never leaves this query.
      const rows = await db()
        .selectFrom('accounts')
        .select('id')
        .where((eb) => eb.or([eb('phone', '=', phone), eb('whatsapp', '=', phone)]))
        .limit(50)
        .execute();
      // Placed, but the workflow has not written the account's row yet: a STOP must reach it all the same.
      const placed = await findPlacementsByPhone(db(), phone);
      return [...new Set([...rows.map((r) => r.id), ...placed])];
    },
    receiveOptOut: (accountId, o) => receiveOptOut(db(), accountId, o),
    listUndeliveredOptOuts: (accountId) => listUndeliveredOptOuts(db(), accountId),
    listUndelivered: (options) => listUndelivered(db(), options),
    countUndelivered: () => countUndelivered(db()),
    listAuditEvents: (accountId) => listAuditEvents(db(), accountId),
    markDelivered: (accountId, events, delivery) => markDelivered(db(), accountId, events, delivery),
    async appendAuditEvent(event) {
      await appendAuditEvent(db(), event);
    },
    recordDeliveryStatus: (id, update) => createContactAttemptStore(db()).recordDeliveryStatus(id, update),
    async listAgentTasks(filter) {
      const page = await listAgentTasks(db(), filter);
      return { items: page.tasks.map(taskView), nextCursor: page.nextCursor ?? null };
    },
    async getAgentTask(id) {
      const task = await getAgentTask(db(), id);
      return task && taskView(task);
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
