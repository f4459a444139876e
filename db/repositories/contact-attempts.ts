import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type {
  ClaimedAttempt,
  ContactAttemptStatus,
  ContactAttemptStore,
  SendIntent,
  SendLease,
} from '../contact-attempt-store';
import { preparedAs } from '../prepared-statements';
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

const CLAIM_COLUMNS = ['id', 'provider_message_id', 'status', 'transport', 'send_attempts'] as const;

type ClaimRow = Pick<ContactAttemptRow, (typeof CLAIM_COLUMNS)[number]>;

function toClaimed(
  row: ClaimRow,
  lease: ClaimedAttempt['lease'],
  leaseRemainingMs: number | null = null
): ClaimedAttempt {
  return {
    attemptId: row.id,
    providerMessageId: row.provider_message_id,
    status: row.status,
    transport: row.transport,
    lease,
    sendAttempt: row.send_attempts,
    leaseRemainingMs,
  };
}

function assertAttemptId(attemptId: string): void {
  if (!isUuid(attemptId)) throw new NotFoundError(`contact attempt ${attemptId} does not exist`, 'attemptId');
}

function assertLease(lease: SendLease): void {
  if (!Number.isInteger(lease.durationMs) || lease.durationMs <= 0) {
    throw new RangeError(`send lease must be a positive whole number of milliseconds, got ${lease.durationMs}`);
  }
}

/** The send-intent ledger over PostgreSQL. Every method is one round trip on the common path. */
export function createContactAttemptStore(db: Kysely<Database>): ContactAttemptStore {
  /**
   * Insert the intent, or take the lease of an existing one that has no provider id and no lease: one statement.
   * Lease instants are the database's clock (now()), never a worker's, so skewed workers agree on who holds it.
   */
  const take = async (intent: SendIntent, lease: SendLease): Promise<ClaimRow | undefined> => {
    const { rows } = await sql<ClaimRow>`${preparedAs('ledger.claim')}
      insert into contact_attempts (workflow_id, step_key, channel, account_id, to_address, template,
        sending_since, lease_until, send_attempts)
      values (${intent.workflowId}::text, ${intent.stepKey}::text, ${intent.channel}::text, ${intent.accountId}::text,
        ${intent.to}::text, ${intent.template}::text, now(), now() + make_interval(secs => ${lease.durationMs / 1000}::float8), 1)
      on conflict (workflow_id, step_key, channel) do update set
        sending_since = now(), lease_until = excluded.lease_until,
        send_attempts = contact_attempts.send_attempts + 1, updated_at = now()
      -- Free: nothing sent yet and no lease (never taken, or released by a failure proving nothing was sent).
      where contact_attempts.provider_message_id is null and contact_attempts.lease_until is null
      returning id, provider_message_id, status, transport, send_attempts`.execute(db);
    return rows[0];
  };

  const current = (intent: SendIntent) =>
    db
      .selectFrom('contact_attempts')
      .select(CLAIM_COLUMNS)
      .select([
        'lease_until',
        sql<boolean>`lease_until > now()`.as('lease_live'),
        sql<number>`ceil(greatest(0, extract(epoch from lease_until - now()) * 1000))::float8`.as('lease_remaining_ms'),
      ])
      .where('workflow_id', '=', intent.workflowId)
      .where('step_key', '=', intent.stepKey)
      .where('channel', '=', intent.channel)
      .executeTakeFirstOrThrow();

  /** The expired lease's outcome is unknown: say so on the row and in its timeline, unless it became sent meanwhile. */
  const markInDoubt = async (attemptId: string): Promise<ClaimRow | undefined> => {
    const { rows } = await sql<ClaimRow>`
      with u as (
        update contact_attempts set status = 'unknown', error_code = 'send_outcome_unknown', updated_at = now()
        where id = ${attemptId}::uuid and provider_message_id is null and lease_until <= now()
          and status <> 'unknown'
        returning id
      ),
      e as (
        insert into contact_attempt_events (attempt_id, status, error_code, at)
        select id, 'unknown', 'send_outcome_unknown', now() from u
        on conflict do nothing
      )
      select c.id, c.provider_message_id, 'unknown' as status, c.transport, c.send_attempts
      from contact_attempts c
      where c.id = ${attemptId}::uuid and c.provider_message_id is null and c.lease_until <= now()`.execute(db);
    return rows[0];
  };

  return {
    claim: (intent: SendIntent, lease: SendLease) =>
      withDatabaseErrors(async () => {
        assertLease(lease);
        // Each pass either decides or saw the row change under it (lease released, message recorded); a few passes
        // always settle, because a released lease is taken by the next upsert.
        for (let pass = 0; ; pass++) {
          const taken = await take(intent, lease);
          if (taken) return toClaimed(taken, 'acquired');
          // Someone else's row: read it in a new statement, which sees every claim committed so far.
          const row = await current(intent);
          if (row.provider_message_id !== null) return toClaimed(row, 'already_sent');
          if (row.lease_live) return toClaimed(row, 'in_flight', row.lease_remaining_ms);
          if (row.lease_until !== null) {
            const doubtful = await markInDoubt(row.id);
            if (doubtful) return toClaimed(doubtful, 'in_doubt');
          }
          if (pass >= 3) throw new Error(`contact attempt ${row.id} kept changing while being claimed`);
        }
      }),

    async markSent(attemptId, sent) {
      assertAttemptId(attemptId);
      // One statement: lock, update, and append to the timeline only when something changed, so a retried
      // markSent neither regresses a status a callback already advanced nor duplicates the timeline entry.
      const { rows } = await withDatabaseErrors(() =>
        sql<{ old_pid: string | null; changed: boolean }>`${preparedAs('ledger.mark_sent')}
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
              lease_until = null,
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
      // Only the lease holder's failure counts: the row must be unsent and still on the holder's send attempt. A
      // failure proving nothing was sent releases the lease (status failed); any other ends it in doubt (unknown).
      const status = failure.notSent ? 'failed' : 'unknown';
      const { rows } = await withDatabaseErrors(() =>
        sql<{ found: boolean }>`
          with o as (
            select id, status as old_status, error_code as old_code
            from contact_attempts
            where id = ${attemptId}::uuid for update
          ),
          u as (
            update contact_attempts c set status = ${status}::text, error_code = ${failure.code}::text,
              permanent = ${failure.permanent}::boolean,
              lease_until = case when ${failure.notSent}::boolean then null else least(c.lease_until, now()) end,
              updated_at = now()
            from o
            where c.id = o.id and c.provider_message_id is null and c.send_attempts = ${failure.sendAttempt}::int
            returning c.id, o.old_status, o.old_code
          ),
          e as (
            insert into contact_attempt_events (attempt_id, status, error_code, at)
            select id, ${status}::text, ${failure.code}::text, now() from u
            where old_status <> ${status}::text or old_code is distinct from ${failure.code}::text
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
