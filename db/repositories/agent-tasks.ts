import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { ConflictError, NotFoundError, ValidationError, withDatabaseErrors } from '../errors';
import type { AgentTaskRow, AgentTaskStatus, Database } from '../schema';
import { isUuid } from '../transaction';

export interface NewAgentTask {
  workflowId: string;
  /** Unique per workflow: creating the same key again returns the existing task. */
  taskKey: string;
  accountId: string;
  reason: string;
  template: string;
  jurisdiction: string;
  balanceMinor: number;
  currency: string;
  /** When the agent may call the debtor under the contact rules, or why no call may be made. */
  call?: AgentTaskCall;
}

export type AgentTaskCall =
  { allowed: true; opensAt: string; closesAt: string; zone: string } | { allowed: false; reason: string };

export interface AgentTask extends NewAgentTask {
  taskId: string;
  status: AgentTaskStatus;
  assignee: string | null;
  outcome: string | null;
  note: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  completedAt: Date | null;
}

export interface AgentTaskFilter {
  status?: AgentTaskStatus;
  assignee?: string;
  jurisdiction?: string;
  accountId?: string;
  /** Default 50, at most 200. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AgentTaskPage {
  tasks: AgentTask[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export async function createAgentTask(
  db: Kysely<Database>,
  task: NewAgentTask
): Promise<{ taskId: string; created: boolean }> {
  return withDatabaseErrors(async () => {
    const inserted = await db
      .insertInto('agent_tasks')
      .values({
        workflow_id: task.workflowId,
        task_key: task.taskKey,
        account_id: task.accountId,
        reason: task.reason,
        template: task.template,
        jurisdiction: task.jurisdiction,
        balance_minor: task.balanceMinor,
        currency: task.currency,
        ...(task.call?.allowed === true && {
          call_opens_at: task.call.opensAt,
          call_closes_at: task.call.closesAt,
          call_zone: task.call.zone,
        }),
        ...(task.call?.allowed === false && { call_blocked_reason: task.call.reason }),
      })
      .onConflict((oc) => oc.columns(['workflow_id', 'task_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { taskId: inserted.id, created: true };
    const existing = await db
      .selectFrom('agent_tasks')
      .select('id')
      .where('workflow_id', '=', task.workflowId)
      .where('task_key', '=', task.taskKey)
      .executeTakeFirstOrThrow();
    return { taskId: existing.id, created: false };
  });
}

export async function getAgentTask(db: Kysely<Database>, taskId: string): Promise<AgentTask | undefined> {
  if (!isUuid(taskId)) return undefined;
  const row = await withDatabaseErrors(() =>
    db.selectFrom('agent_tasks').selectAll().where('id', '=', taskId).executeTakeFirst()
  );
  return row && toAgentTask(row);
}

/** Oldest first, so the queue is worked in the order it filled. Keyset pagination on the identity column. */
export async function listAgentTasks(db: Kysely<Database>, filter: AgentTaskFilter = {}): Promise<AgentTaskPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 200);
  const after = filter.cursor !== undefined ? decodeCursor(filter.cursor) : undefined;
  const rows = await withDatabaseErrors(() => {
    let q = db.selectFrom('agent_tasks').selectAll();
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.assignee !== undefined) q = q.where('assignee', '=', filter.assignee);
    if (filter.jurisdiction !== undefined) q = q.where('jurisdiction', '=', filter.jurisdiction);
    if (filter.accountId !== undefined) q = q.where('account_id', '=', filter.accountId);
    if (after !== undefined) q = q.where('seq', '>', after);
    return q
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    tasks: page.map(toAgentTask),
    ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.seq) } : {}),
  };
}

/** open -> claimed. Claiming again as the same agent is a no-op; a task held by someone else is a ConflictError. */
export async function claimAgentTask(db: Kysely<Database>, taskId: string, agentId: string): Promise<AgentTask> {
  assertTaskId(taskId);
  const row = await withDatabaseErrors(() =>
    db
      .updateTable('agent_tasks')
      .set({ status: 'claimed', assignee: agentId, claimed_at: sql<Date>`now()` })
      .where('id', '=', taskId)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst()
  );
  if (row) return toAgentTask(row);
  const current = await getAgentTask(db, taskId);
  if (!current) throw new NotFoundError(`agent task ${taskId} does not exist`, 'taskId');
  if (current.status === 'claimed' && current.assignee === agentId) return current;
  throw new ConflictError(
    current.status === 'done'
      ? `agent task ${taskId} is already done`
      : `agent task ${taskId} is claimed by ${current.assignee}`,
    'status'
  );
}

/**
 * open or claimed-by-this-agent -> done. Completing again with the same outcome is a no-op, so an API retry is safe.
 */
export async function completeAgentTask(
  db: Kysely<Database>,
  taskId: string,
  completion: { agentId: string; outcome: string; note?: string }
): Promise<AgentTask> {
  assertTaskId(taskId);
  if (completion.outcome.trim() === '') throw new ValidationError('an outcome is required', 'outcome');
  const row = await withDatabaseErrors(() =>
    db
      .updateTable('agent_tasks')
      .set({
        status: 'done',
        assignee: completion.agentId,
        outcome: completion.outcome,
        note: completion.note ?? null,
        completed_at: sql<Date>`now()`,
        claimed_at: sql<Date>`coalesce(claimed_at, now())`,
      })
      .where('id', '=', taskId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'open'),
          eb.and([eb('status', '=', 'claimed'), eb('assignee', '=', completion.agentId)]),
        ])
      )
      .returningAll()
      .executeTakeFirst()
  );
  if (row) return toAgentTask(row);
  const current = await getAgentTask(db, taskId);
  if (!current) throw new NotFoundError(`agent task ${taskId} does not exist`, 'taskId');
  if (current.status === 'done' && current.assignee === completion.agentId && current.outcome === completion.outcome) {
    return current;
  }
  throw new ConflictError(
    current.status === 'done'
      ? `agent task ${taskId} is already done`
      : `agent task ${taskId} is claimed by ${current.assignee}`,
    'status'
  );
}

function assertTaskId(taskId: string): void {
  if (!isUuid(taskId)) throw new NotFoundError(`agent task ${taskId} does not exist`, 'taskId');
}

function encodeCursor(seq: number): string {
  return Buffer.from(`t${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const digits = /^t(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1];
  if (digits === undefined) throw new ValidationError('cursor is not valid', 'cursor');
  return Number(digits);
}

function toAgentTask(row: AgentTaskRow): AgentTask {
  return {
    taskId: row.id,
    workflowId: row.workflow_id,
    taskKey: row.task_key,
    accountId: row.account_id,
    reason: row.reason,
    template: row.template,
    jurisdiction: row.jurisdiction,
    balanceMinor: row.balance_minor,
    currency: row.currency,
    status: row.status,
    assignee: row.assignee,
    outcome: row.outcome,
    note: row.note,
    createdAt: row.created_at,
    claimedAt: row.claimed_at,
    completedAt: row.completed_at,
    ...(callOf(row) && { call: callOf(row)! }),
  };
}

function callOf(row: AgentTaskRow): AgentTaskCall | undefined {
  if (row.call_blocked_reason !== null) return { allowed: false, reason: row.call_blocked_reason };
  if (row.call_opens_at && row.call_closes_at && row.call_zone)
    return {
      allowed: true,
      opensAt: row.call_opens_at.toISOString(),
      closesAt: row.call_closes_at.toISOString(),
      zone: row.call_zone,
    };
  return undefined;
}
