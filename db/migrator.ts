/* eslint-disable @typescript-eslint/no-explicit-any -- the migrator runs before (and regardless of) the app's schema types */
import { Migrator } from 'kysely';
import type { Kysely, MigrationResultSet } from 'kysely';
import { staticMigrationProvider } from './migrations';

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: staticMigrationProvider });
}

/** Applies every pending migration; throws when one fails so the app refuses to start on a half-migrated schema. */
export async function migrateToLatest(db: Kysely<any>): Promise<NonNullable<MigrationResultSet['results']>> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(before any migration ran)'} failed`, { cause: error });
  }
  return results ?? [];
}
