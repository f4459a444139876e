/* eslint-disable @typescript-eslint/no-explicit-any -- the migrator runs before (and regardless of) the app's schema types */
import { Migrator, sql } from 'kysely';
import type { Kysely, MigrationResultSet } from 'kysely';
import { staticMigrationProvider } from './migrations';

/**
 * `schema` pins the migration tables to one schema. Without it kysely looks for them in every schema, so a database
 * whose `public` is migrated makes a migrator working in another schema (each test suite's own) skip creating them.
 */
export function createMigrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({ db, provider: staticMigrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

/** Applies every pending migration; throws when one fails so the app refuses to start on a half-migrated schema. */
export async function migrateToLatest(db: Kysely<any>): Promise<NonNullable<MigrationResultSet['results']>> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const { error, results } = await createMigrator(db, rows[0]?.schema ?? undefined).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(before any migration ran)'} failed`, { cause: error });
  }
  return results ?? [];
}
