/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * The API's inbox: what arrived for an account (its placement, payments, opt-outs), recorded as received before it
 * is handed to the account's workflow, which is the only writer of the account's state (accounts, payments,
 * opt_outs, promises, agreements). Whatever Temporal answers, nothing received is lost: a placement whose start
 * failed is started by the next event with its stored ladder; payments travel with every start; a delivery that
 * failed is recorded as not delivered.
 *
 * Existing placements and payments are copied in, as delivered, so accounts placed before the inbox keep working:
 * their next payment starts their workflow from here, or (placed before ladder snapshots were kept, `ladder` null)
 * signals it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbox_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // The event's own key: the account id for a placement, the payment id, the opt-out's channel/source/time.
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set once the workflow has it (signalled, or started with it); `delivery` says how, or why not (closed:<status>).
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('delivery', 'text')
    .addUniqueConstraint('inbox_events_account_kind_key_uq', ['account_id', 'kind', 'key'])
    .addCheckConstraint('inbox_events_kind_check', sql`kind in ('placement', 'payment', 'opt_out')`)
    .execute();
  await db.schema
    .createIndex('inbox_events_undelivered_idx')
    .on('inbox_events')
    .columns(['received_at'])
    .where(sql.ref('delivered_at'), 'is', null)
    .execute();

  await sql`
    insert into inbox_events (account_id, kind, key, payload, received_at, delivered_at, delivery)
    select a.id, 'placement', a.id,
           jsonb_build_object(
             'account', jsonb_strip_nulls(jsonb_build_object(
               'id', a.id,
               'debtor', jsonb_strip_nulls(jsonb_build_object(
                 'name', a.debtor_name, 'phone', a.phone, 'whatsapp', a.whatsapp, 'email', a.email,
                 'timezone', a.time_zone, 'jurisdiction', a.jurisdiction, 'locale', a.locale)),
               'balance', jsonb_build_object('amountMinor', a.balance_minor, 'currency', a.currency),
               'dueDate', a.due_date::text,
               'paymentLink', a.payment_link,
               'creditor', a.creditor)),
             'ladder', a.ladder),
           a.created_at, a.created_at, 'migrated'
      from accounts a
  `.execute(db);
  await sql`
    insert into inbox_events (account_id, kind, key, payload, received_at, delivered_at, delivery)
    select p.account_id, 'payment', p.external_payment_id,
           jsonb_build_object('paymentId', p.external_payment_id, 'amountMinor', p.amount_minor,
                              'currency', p.currency,
                              'paidAt', to_char(p.paid_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           p.recorded_at, p.recorded_at, 'migrated'
      from payments p
  `.execute(db);
  // The placement's ladder snapshot now lives in the inbox; the account row keeps the ladder's id and version.
  await db.schema.alterTable('accounts').dropColumn('ladder').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('ladder', 'jsonb').execute();
  await sql`
    update accounts a set ladder = i.payload -> 'ladder'
      from inbox_events i
     where i.account_id = a.id and i.kind = 'placement' and i.payload -> 'ladder' <> 'null'::jsonb
  `.execute(db);
  await db.schema.dropTable('inbox_events').execute();
}
