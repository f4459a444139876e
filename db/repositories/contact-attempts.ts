import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type {
  ClaimedAttempt,
  ContactAttemptStatus,
  ContactAttemptStore,
  SendIntent,
} from '../../activities/contact-attempt-store';
import { ConflictError, NotFoundError, withDatabaseErrors } from '../errors';
import type { ContactAttemptRow, Database } from '../schema';
import { isUuid } from '../transaction';

export interface ContactAttemptEvent {
  status: ContactAttemptStatus;
  errorCode: string | null;
  at: Date;
}

/**
 * Status order for callbacks that arrive late or twice: queued < sent < delivered | failed. delivered and failed are
 * both final, so neither replaces the other. Kept in SQL so the check and the write are one statement.
 */
const rank = (column: string) =>
  sql<number>`(case ${sql.ref(column)} when 'queued' then 0 when 'sent' then 1 else 2 end)`;
const rankOf = (status: ContactAttemptStatus): number => (status === 'queued' ? 0 : status === 'sent' ? 1 : 2);

const CLAIM_COLUMNS = ['id', 'provider_message_id', 'status', 'transport'] as const;

function toClaimed(row: Pick<ContactAttemptRow, (typeof CLAIM_COLUMNS)[number]>): ClaimedAttempt {
  return {
    attemptId: row.id,
    providerMessageId: row.provider_message_id,
    status: row.status,
    transport: row.transport,
  };
}

function assertAttemptId(attemptId: string): void {
  if (!isUuid(attemptId)) throw new NotFoundError(`contact attempt ${attemptId} does not exist`, 'attemptId');
}

/** The send-intent ledger over PostgreSQL. Every method is one round trip on the common path. */
export function createContactAttemptStore(db: Kysely<Database>): ContactAttemptStore {
  return {
    claim: (intent: SendIntent) =>
      withDatabaseErrors(async () => {
        const inserted = await db
          .insertInto('contact_attempts')
          .values({
            workflow_id: intent.workflowId,
            step_key: intent.stepKey,
            channel: intent.channel,
            account_id: intent.accountId,
            to_address: intent.to,
            template: intent.template,
          })
          .onConflict((oc) => oc.columns(['workflow_id', 'step_key', 'channel']).doNothing())
          .returning(CLAIM_COLUMNS)
          .executeTakeFirst();
        if (inserted) return toClaimed(inserted);
        // The intent exists (a retry, or a concurrent claim that has now committed): hand back the same row.
        const existing = await db
          .selectFrom('contact_attempts')
          .select(CLAIM_COLUMNS)
          .where('workflow_id', '=', intent.workflowId)
          .where('step_key', '=', intent.stepKey)
          .where('channel', '=', intent.channel)
          .executeTakeFirstOrThrow();
        return toClaimed(existing);
      }),

    async markSent(attemptId, sent) {
      assertAttemptId(attemptId);
      // One statement: lock, update, and append to the timeline only when something changed, so a retried
      // markSent neither regresses a status a callback already advanced nor duplicates the timeline entry.
      const { rows } = await withDatabaseErrors(() =>
        sql<{ old_pid: string | null; changed: boolean }>`
          with o as (
            select id, provider_message_id as old_pid, status as old_status
            from contact_attempts where id = ${attemptId}::uuid for update
          ),
          u as (
            update contact_attempts c set
              provider_message_id = ${sent.providerMessageId}::text,
              transport = ${sent.transport}::text,
              status = case when o.old_pid is null or ${rank('o.old_status')} < ${rankOf(sent.status)}
                then ${sent.status}::text else c.status end,
              error_code = case when o.old_pid is null then null else c.error_code end,
              permanent = case when o.old_pid is null then false else c.permanent end,
              updated_at = now()
            from o
            where c.id = o.id and (o.old_pid is null or o.old_pid = ${sent.providerMessageId}::text)
            returning c.id, c.status, o.old_pid, o.old_status
          ),
          e as (
            insert into contact_attempt_events (attempt_id, status, at)
            select id, status, now() from u where old_pid is null or old_status <> status
            on conflict do nothing
          )
          select o.old_pid, exists (select 1 from u) as changed from o`.execute(db)
      );
      const row = rows[0];
      if (!row) throw new NotFoundError(`contact attempt ${attemptId} does not exist`, 'attemptId');
      if (!row.changed) {
        throw new ConflictError(
          `contact attempt ${attemptId} was already sent as another provider message`,
          'providerMessageId'
        );
      }
    },

    async markFailed(attemptId, failure) {
      assertAttemptId(attemptId);
      const { rows } = await withDatabaseErrors(() =>
        sql<{ found: boolean }>`
          with o as (
            select id, status as old_status, error_code as old_code
            from contact_attempts where id = ${attemptId}::uuid for update
          ),
          u as (
            update contact_attempts c set status = 'failed', error_code = ${failure.code}::text,
              permanent = ${failure.permanent}::boolean, updated_at = now()
            from o
            where c.id = o.id and o.old_status <> 'delivered'
            returning c.id, o.old_status, o.old_code
          ),
          e as (
            insert into contact_attempt_events (attempt_id, status, error_code, at)
            select id, 'failed', ${failure.code}::text, now() from u
            where old_status <> 'failed' or old_code is distinct from ${failure.code}::text
            on conflict do nothing
          )
          select true as found from o`.execute(db)
      );
      if (rows.length === 0) throw new NotFoundError(`contact attempt ${attemptId} does not exist`, 'attemptId');
    },

    async recordDeliveryStatus(providerMessageId, update) {
      const { rows } = await withDatabaseErrors(() =>
        sql<{ found: boolean }>`
          with o as (
            select id, status as old_status
            from contact_attempts where provider_message_id = ${providerMessageId}::text for update
          ),
          e as (
            insert into contact_attempt_events (attempt_id, status, error_code, at)
            select id, ${update.status}::text, ${update.errorCode ?? null}::text, ${update.at}::timestamptz from o
            on conflict do nothing
          ),
          u as (
            update contact_attempts c set status = ${update.status}::text,
              error_code = coalesce(${update.errorCode ?? null}::text, c.error_code), updated_at = now()
            from o
            where c.id = o.id and ${rank('o.old_status')} < ${rankOf(update.status)}
          )
          select true as found from o`.execute(db)
      );
      return rows.length > 0;
    },
  };
}

/** The attempt row with its status timeline, oldest event first. */
export async function getContactAttempt(
  db: Kysely<Database>,
  attemptId: string
): Promise<(ContactAttemptRow & { timeline: ContactAttemptEvent[] }) | undefined> {
  if (!isUuid(attemptId)) return undefined;
  return withDatabaseErrors(async () => {
    const row = await db.selectFrom('contact_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
    if (!row) return undefined;
    const events = await db
      .selectFrom('contact_attempt_events')
      .select(['status', 'error_code', 'at'])
      .where('attempt_id', '=', attemptId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return { ...row, timeline: events.map((e) => ({ status: e.status, errorCode: e.error_code, at: e.at })) };
  });
}
