/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * The ladder each account was placed on and how it was chosen (by the placement, a segment's arm, or the default),
 * written by the API at placement, once per account (the first placement's choice is the one its workflow runs).
 * Strategy KPIs group outcomes by it: by ladder version, and by segment and arm for a split.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_assignments')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('ladder_id', 'text', (c) => c.notNull())
    .addColumn('ladder_version', 'integer', (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text')
    .addColumn('segment_revision', 'integer')
    .addColumn('arm', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('account_assignments_by_check', sql`assigned_by in ('placement', 'segment', 'default')`)
    .execute();
  await db.schema
    .createIndex('account_assignments_segment_idx')
    .on('account_assignments')
    .columns(['segment_id', 'segment_revision', 'arm'])
    .execute();
  await db.schema
    .createIndex('account_assignments_ladder_idx')
    .on('account_assignments')
    .columns(['ladder_id', 'ladder_version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_assignments').execute();
}
