import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withDatabaseErrors } from '../errors';
import type { AuditEventRow, Database } from '../schema';

export interface AuditEventInput {
  accountId?: string;
  actor: string;
  action: string;
  reason: string;
  data?: Record<string, unknown>;
  at: Date | string;
  /** Same key, same event: a retried writer appends nothing. Defaults to {@link auditDedupeKey} of the event. */
  dedupeKey?: string;
}

export interface AuditEventRecord {
  id: number;
  accountId: string | null;
  actor: string;
  action: string;
  reason: string;
  data: Record<string, unknown>;
  at: Date;
  recordedAt: Date;
}

/** Key order must not change the hash: the same data built in a different order is the same event. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A deterministic idempotency key: the scope (usually the workflow id) plus a hash of everything in the event.
 * Two identical events at the same instant from the same workflow are one event.
 */
export function auditDedupeKey(scope: string, event: Omit<AuditEventInput, 'dedupeKey'>): string {
  const at = new Date(event.at).toISOString();
  const hash = createHash('sha256')
    .update(
      canonicalJson({
        accountId: event.accountId ?? null,
        actor: event.actor,
        action: event.action,
        reason: event.reason,
        data: event.data ?? {},
        at,
      })
    )
    .digest('base64url');
  return `${scope}:${at}:${event.action}:${hash}`;
}

/**
 * Append-only (a trigger rejects updates and deletes); idempotent by dedupe key. `at` is the event's instant as
 * stored: this one's, or the first writer's when the key was already there.
 */
export async function appendAuditEvent(
  db: Kysely<Database>,
  event: AuditEventInput,
  scope = 'audit'
): Promise<{ created: boolean; at: Date }> {
  const dedupeKey = event.dedupeKey ?? auditDedupeKey(scope, event);
  const inserted = await withDatabaseErrors(() =>
    db
      .insertInto('audit_events')
      .values({
        dedupe_key: dedupeKey,
        account_id: event.accountId ?? null,
        actor: event.actor,
        action: event.action,
        reason: event.reason,
        data: JSON.stringify(event.data ?? {}),
        at: event.at,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('at')
      .executeTakeFirst()
  );
  if (inserted) return { created: true, at: inserted.at };
  const first = await withDatabaseErrors(() =>
    db.selectFrom('audit_events').select('at').where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow()
  );
  return { created: false, at: first.at };
}

export async function listAuditEvents(db: Kysely<Database>, accountId: string): Promise<AuditEventRecord[]> {
  const rows = await withDatabaseErrors(() =>
    db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId).orderBy('at').orderBy('id').execute()
  );
  return rows.map(toAuditEventRecord);
}

function toAuditEventRecord(row: AuditEventRow): AuditEventRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    actor: row.actor,
    action: row.action,
    reason: row.reason,
    data: row.data,
    at: row.at,
    recordedAt: row.recorded_at,
  };
}
