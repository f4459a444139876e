/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Ladders as managed data. Each ladder id has numbered versions: at most one `draft` (editable), then `published`
 * versions (immutable: accounts pin the version they were placed with, and their workflows carry its definition)
 * that may later be `retired` (no new placements). The database itself refuses to change a published definition or
 * to delete a published version, so no code path can rewrite what accounts in flight were promised.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ladder_versions')
    .addColumn('ladder_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_by', 'text')
    .addColumn('published_at', 'timestamptz')
    .addColumn('retired_by', 'text')
    .addColumn('retired_at', 'timestamptz')
    .addColumn('retired_reason', 'text')
    .addPrimaryKeyConstraint('ladder_versions_pk', ['ladder_id', 'version'])
    .addCheckConstraint('ladder_versions_status_check', sql`status in ('draft', 'published', 'retired')`)
    .addCheckConstraint('ladder_versions_version_check', sql`version > 0`)
    .execute();
  await db.schema
    .createIndex('ladder_versions_one_draft_uq')
    .on('ladder_versions')
    .column('ladder_id')
    .unique()
    .where(sql<boolean>`status = 'draft'`)
    .execute();
  await sql`
    create function ladder_versions_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status <> 'draft' then
          raise exception 'ladder %@% is %: only a draft may be deleted', old.ladder_id, old.version, old.status;
        end if;
        return old;
      end if;
      if old.status <> 'draft' and new.definition is distinct from old.definition then
        raise exception 'ladder %@% is %: its definition is immutable', old.ladder_id, old.version, old.status;
      end if;
      if old.status = 'retired' and new.status <> 'retired'
         or old.status = 'published' and new.status = 'draft' then
        raise exception 'ladder %@% cannot go from % to %', old.ladder_id, old.version, old.status, new.status;
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger ladder_versions_guard before update or delete on ladder_versions
    for each row execute function ladder_versions_guard()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ladder_versions').execute();
  await sql`drop function if exists ladder_versions_guard()`.execute(db);
}
