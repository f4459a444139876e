/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Initial system-of-record schema. Migrations never import application types: they stay frozen in time.
 * Money is bigint minor units, instants are timestamptz, calendar dates (due dates, promised dates) are date.
 * Constraint names are stable because db/errors.ts maps them to the field a caller sent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('debtor_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('whatsapp', 'text')
    .addColumn('email', 'text')
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text')
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('balance_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('payment_link', 'text')
    .addColumn('creditor', 'jsonb')
    .addColumn('ladder_id', 'text')
    .addColumn('ladder_version', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('workflow_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('accounts_balance_minor_check', sql`balance_minor >= 0`)
    .addCheckConstraint('accounts_currency_check', sql`currency ~ '^[A-Z]{3}$'`)
    .execute();
  await db.schema.createIndex('accounts_workflow_id_idx').on('accounts').column('workflow_id').execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('external_payment_id', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('balance_after_minor', 'bigint')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payments_account_external_uq', ['account_id', 'external_payment_id'])
    .addCheckConstraint('payments_amount_minor_check', sql`amount_minor > 0`)
    .execute();

  // No foreign key to accounts: a send activity may claim its intent before the account row is written.
  await db.schema
    .createTable('contact_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('step_key', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text')
    .addColumn('transport', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('error_code', 'text')
    .addColumn('permanent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('contact_attempts_intent_uq', ['workflow_id', 'step_key', 'channel'])
    // Unique constraints treat NULLs as distinct, so many unsent attempts may share a null provider id.
    .addUniqueConstraint('contact_attempts_provider_message_id_uq', ['provider_message_id'])
    .addCheckConstraint('contact_attempts_channel_check', sql`channel in ('sms', 'whatsapp', 'email')`)
    .addCheckConstraint('contact_attempts_status_check', sql`status in ('queued', 'sent', 'delivered', 'failed')`)
    .execute();
  await db.schema.createIndex('contact_attempts_account_idx').on('contact_attempts').column('account_id').execute();

  await db.schema
    .createTable('contact_attempt_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('attempt_id', 'uuid', (c) => c.notNull().references('contact_attempts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Providers redeliver callbacks; the same status at the same instant is the same event.
    .addUniqueConstraint('contact_attempt_events_uq', ['attempt_id', 'status', 'at'])
    .addCheckConstraint('contact_attempt_events_status_check', sql`status in ('queued', 'sent', 'delivered', 'failed')`)
    .execute();

  await db.schema
    .createTable('promises')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('promise_id', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('promised_date', 'date', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('promises_account_promise_uq', ['account_id', 'promise_id'])
    .addCheckConstraint('promises_amount_minor_check', sql`amount_minor > 0`)
    .addCheckConstraint('promises_status_check', sql`status in ('open', 'kept', 'broken', 'cancelled')`)
    .execute();

  await db.schema
    .createTable('agreements')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('agreement_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('agreements_account_agreement_uq', ['account_id', 'agreement_id'])
    .addCheckConstraint('agreements_status_check', sql`status in ('active', 'completed', 'broken', 'cancelled')`)
    .execute();

  await db.schema
    .createTable('agreement_installments')
    .addColumn('agreement_pk', 'uuid', (c) => c.notNull().references('agreements.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agreement_installments_pk', ['agreement_pk', 'seq'])
    .addCheckConstraint('agreement_installments_amount_minor_check', sql`amount_minor > 0`)
    .execute();

  await db.schema
    .createTable('agent_tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Queue order and pagination cursor: creation timestamps can tie, an identity cannot.
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity().unique())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('task_key', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('balance_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('assignee', 'text')
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addUniqueConstraint('agent_tasks_workflow_task_uq', ['workflow_id', 'task_key'])
    .addCheckConstraint('agent_tasks_status_check', sql`status in ('open', 'claimed', 'done')`)
    .execute();
  // The work queue lists by status in creation order.
  await db.schema.createIndex('agent_tasks_queue_idx').on('agent_tasks').columns(['status', 'seq']).execute();

  await db.schema
    .createTable('opt_outs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // Empty when the opt-out covers every address of the channel; '' rather than NULL keeps the key unique.
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text')
    .addColumn('opted_out_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('opt_outs_account_channel_address_uq', ['account_id', 'channel', 'address'])
    .addCheckConstraint('opt_outs_channel_check', sql`channel in ('sms', 'whatsapp', 'email', 'all')`)
    .addCheckConstraint('opt_outs_source_check', sql`source in ('keyword', 'agent', 'link', 'provider', 'backend')`)
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('audit_events_dedupe_key_uq', ['dedupe_key'])
    .execute();
  await db.schema.createIndex('audit_events_account_at_idx').on('audit_events').columns(['account_id', 'at']).execute();
  // Append-only is enforced by the database, not by convention.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only' using errcode = 'P0001', constraint = 'audit_events_append_only';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_events',
    'opt_outs',
    'agent_tasks',
    'agreement_installments',
    'agreements',
    'promises',
    'contact_attempt_events',
    'contact_attempts',
    'payments',
    'accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists audit_events_append_only()`.execute(db);
}
