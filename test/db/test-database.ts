import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import type { Database } from '../../db/schema';

/**
 * Every db suite runs against embedded PGlite (in memory) always, and against the PostgreSQL server in
 * TEST_DATABASE_URL when it is set. On the server each suite gets a fresh schema, dropped afterwards, so suites
 * and parallel vitest workers never see each other's rows.
 */
export interface TestBackend {
  name: 'embedded' | 'postgres';
  open(): Promise<{ db: Kysely<Database>; close(): Promise<void> }>;
}

const serverUrl = process.env.TEST_DATABASE_URL || undefined;

const embedded: TestBackend = {
  name: 'embedded',
  open: async () => openDatabase({ dataDir: 'memory://' }),
};

const server = (url: string): TestBackend => ({
  name: 'postgres',
  async open() {
    const schema = `test_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const scoped = new URL(url);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    const opened = await openDatabase({ url: scoped.toString(), maxConnections: 8 });
    return {
      db: opened.db,
      async close() {
        await opened.close();
        const cleanup = new pg.Client({ connectionString: url });
        await cleanup.connect();
        await cleanup.query(`drop schema ${schema} cascade`);
        await cleanup.end();
      },
    };
  },
});

export const backends: TestBackend[] = serverUrl ? [embedded, server(serverUrl)] : [embedded];

const TABLES = [
  'inbox_events',
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
] as const;

export async function countRows(db: Kysely<Database>, table: (typeof TABLES)[number]): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

export interface SuiteContext {
  /** The migrated database of the current backend; emptied before each test. */
  db(): Kysely<Database>;
  backend: TestBackend['name'];
}

/** `describe` once per backend, with a migrated, emptied database before every test. */
export function describeEachBackend(title: string, body: (ctx: SuiteContext) => void): void {
  for (const backend of backends) {
    describe(`${title} [${backend.name}]`, () => {
      let opened: Awaited<ReturnType<TestBackend['open']>> | undefined;
      const ctx: SuiteContext = {
        backend: backend.name,
        db: () => {
          if (!opened) throw new Error('database not open yet');
          return opened.db;
        },
      };
      beforeAll(async () => {
        opened = await backend.open();
        await migrateToLatest(opened.db);
      });
      afterAll(async () => {
        await opened?.close();
      });
      beforeEach(async () => {
        await sql`truncate ${sql.join(TABLES.map((t) => sql.table(t)))} restart identity cascade`.execute(ctx.db());
      });
      body(ctx);
    });
  }
  if (!serverUrl) {
    describe.skip(`${title}: real PostgreSQL suite skipped: TEST_DATABASE_URL is not set`, () => {
      it('runs the same behaviours against a PostgreSQL server', () => undefined);
    });
  }
}
