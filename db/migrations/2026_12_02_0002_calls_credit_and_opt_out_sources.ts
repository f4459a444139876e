/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Agents' calls are contacts the law counts, so an agent task carries the stretch in which the debtor may be called
 * (or why not); an opt-out may stop calls, and may arrive by letter or by phone with the person who recorded it; an
 * overpayment is kept as the account's credit instead of a negative balance.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('agent_tasks')
    .addColumn('call_opens_at', 'timestamptz')
    .addColumn('call_closes_at', 'timestamptz')
    .addColumn('call_zone', 'text')
    .addColumn('call_blocked_reason', 'text')
    .execute();
  await db.schema.alterTable('opt_outs').dropConstraint('opt_outs_channel_check').execute();
  await db.schema.alterTable('opt_outs').dropConstraint('opt_outs_source_check').execute();
  await db.schema
    .alterTable('opt_outs')
    .addCheckConstraint('opt_outs_channel_check', sql`channel in ('sms', 'whatsapp', 'email', 'call', 'all')`)
    .execute();
  await db.schema
    .alterTable('opt_outs')
    .addCheckConstraint(
      'opt_outs_source_check',
      sql`source in ('keyword', 'agent', 'link', 'provider', 'backend', 'letter', 'phone')`
    )
    .execute();
  await db.schema.alterTable('opt_outs').addColumn('actor', 'text').execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('credit_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('credit_minor').execute();
  await db.schema.alterTable('opt_outs').dropColumn('actor').execute();
  await db.schema.alterTable('opt_outs').dropConstraint('opt_outs_source_check').execute();
  await db.schema.alterTable('opt_outs').dropConstraint('opt_outs_channel_check').execute();
  await db.schema
    .alterTable('opt_outs')
    .addCheckConstraint('opt_outs_channel_check', sql`channel in ('sms', 'whatsapp', 'email', 'all')`)
    .execute();
  await db.schema
    .alterTable('opt_outs')
    .addCheckConstraint('opt_outs_source_check', sql`source in ('keyword', 'agent', 'link', 'provider', 'backend')`)
    .execute();
  await db.schema
    .alterTable('agent_tasks')
    .dropColumn('call_opens_at')
    .dropColumn('call_closes_at')
    .dropColumn('call_zone')
    .dropColumn('call_blocked_reason')
    .execute();
}
