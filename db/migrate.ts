/**
 * `npm run migrate`: migrates the server in DATABASE_URL, or the embedded database in $DATA_DIR/pglite
 * (default .data/pglite). Logs every migration and exits non-zero when any fails.
 */
import { inspect } from 'node:util';
import { openDatabase } from './database';
import { createMigrator } from './migrator';

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL || undefined;
  const opened = await openDatabase({
    url,
    ...(process.env.DATA_DIR && { dataDir: `${process.env.DATA_DIR}/pglite` }),
    connectionTimeoutMillis: 5_000,
  });
  try {
    console.log(`migrating the ${opened.kind} database`);
    const { error, results } = await createMigrator(opened.db).migrateToLatest();
    for (const r of results ?? []) {
      console.log(
        `${r.status === 'Success' ? 'applied' : r.status === 'Error' ? 'FAILED ' : 'skipped'} ${r.migrationName}`
      );
    }
    if (error !== undefined) {
      const reason = error instanceof Error ? error.message : inspect(error);
      console.error(`migration failed: ${reason}`);
      return 1;
    }
    if ((results ?? []).length === 0) console.log('already up to date');
    return 0;
  } finally {
    await opened.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
);
