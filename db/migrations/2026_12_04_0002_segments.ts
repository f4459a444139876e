/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Segments: placement rules that pick a ladder (one arm) or split accounts between ladder versions (several arms,
 * fixed weights). `definition` is the segment as written (api/segment-rules.ts); `revision` counts rewrites, and the
 * assignment draw hashes it, so a rewritten split starts afresh. Arms stopped since the last rewrite, by hand or by
 * a guard-rail, are kept apart with when and why.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('segments')
    .addColumn('segment_id', 'text', (c) => c.primaryKey())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('stopped_arms', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('segments_status_check', sql`status in ('active', 'archived')`)
    .addCheckConstraint('segments_revision_check', sql`revision > 0`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('segments').execute();
}
