/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * The send lease on contact_attempts: at most one activity attempt may be calling the provider for an intent.
 * `lease_until` null means free to send; in the future, held by a running attempt; in the past with no provider
 * message id, in doubt (the holder may have reached the provider). `send_attempts` counts the leases taken and is
 * the fencing token that keeps a late markFailed from releasing a newer attempt's lease. `unknown` is the status
 * of an attempt whose outcome cannot be known.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('contact_attempts')
    .addColumn('sending_since', 'timestamptz')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('send_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await replaceStatusCheck(db, 'contact_attempts', ['queued', 'sent', 'delivered', 'failed', 'unknown']);
  await replaceStatusCheck(db, 'contact_attempt_events', ['queued', 'sent', 'delivered', 'failed', 'unknown']);
  // A queued row without a provider id was claimed by code that had no lease: its send may be running or may have
  // crashed after the provider accepted. Give it a lease ending a minute after its last write, so it is in doubt
  // rather than free to send again.
  await sql`
    update contact_attempts set lease_until = updated_at + interval '1 minute', sending_since = updated_at,
      send_attempts = 1
    where provider_message_id is null and status = 'queued'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update contact_attempts set status = 'failed' where status = 'unknown'`.execute(db);
  await sql`delete from contact_attempt_events where status = 'unknown'`.execute(db);
  await replaceStatusCheck(db, 'contact_attempt_events', ['queued', 'sent', 'delivered', 'failed']);
  await replaceStatusCheck(db, 'contact_attempts', ['queued', 'sent', 'delivered', 'failed']);
  await db.schema
    .alterTable('contact_attempts')
    .dropColumn('send_attempts')
    .dropColumn('lease_until')
    .dropColumn('sending_since')
    .execute();
}

async function replaceStatusCheck(db: Kysely<any>, table: string, statuses: string[]): Promise<void> {
  const name = `${table}_status_check`;
  await db.schema.alterTable(table).dropConstraint(name).execute();
  await db.schema
    .alterTable(table)
    .addCheckConstraint(name, sql`status in (${sql.join(statuses.map((s) => sql.lit(s)))})`)
    .execute();
}
