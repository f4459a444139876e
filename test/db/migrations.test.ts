import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NO_MIGRATIONS, sql } from 'kysely';
import { expect, it } from 'vitest';
import { openDatabase, parseInt8 } from '../../db/database';
import { migrations } from '../../db/migrations';
import { createMigrator, migrateToLatest } from '../../db/migrator';
import { getAccount, upsertAccount } from '../../db/repositories/accounts';
import { bogotaAccount } from './fixtures';
import { describeEachBackend } from './test-database';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');

describeEachBackend('migrations', (ctx) => {
  it('has applied every migration and finds nothing left to do', async () => {
    expect(await migrateToLatest(ctx.db())).toEqual([]);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(ctx.db());
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
  });

  it('migrates down to nothing and back up again', async () => {
    const migrator = createMigrator(ctx.db());
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
      where table_schema = current_schema() and table_name = 'accounts'`.execute(ctx.db());
    expect(tables.rows[0]?.n).toBe(0);
    expect((await migrateToLatest(ctx.db())).map((r) => r.status)).toEqual(
      Object.keys(migrations).map(() => 'Success')
    );
  });

  it('returns timestamps as Date instants and calendar dates as YYYY-MM-DD strings', async () => {
    await upsertAccount(ctx.db(), { account: bogotaAccount() });
    const row = await ctx
      .db()
      .selectFrom('accounts')
      .select(['due_date', 'created_at', 'balance_minor'])
      .executeTakeFirstOrThrow();
    expect(row.due_date).toBe('2026-10-31');
    expect(row.created_at).toBeInstanceOf(Date);
    expect(row.balance_minor).toBe(45_990_000);
  });
});

it('refuses int8 values that a JS number cannot hold exactly', () => {
  expect(parseInt8('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  expect(() => parseInt8('9007199254740993')).toThrow(RangeError);
});

it('keeps embedded data in its data directory across reopening', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cobranza-pglite-'));
  try {
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('embedded');
    await migrateToLatest(first.db);
    await upsertAccount(first.db, { account: bogotaAccount() });
    await first.close();
    const second = await openDatabase({ dataDir });
    expect((await getAccount(second.db, 'acc-co-1001'))?.account.debtor.name).toBe('María José Restrepo Gómez');
    await second.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('npm run migrate exits non-zero and says why when the database is unreachable', async () => {
  const err = await run(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['db/migrate.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: 'postgres://cobranza:cobranza@127.0.0.1:1/cobranza' },
  }).then(
    () => undefined,
    (e: { code?: number; stderr?: string }) => e
  );
  expect(err?.code).toBe(1);
  expect(err?.stderr).toContain('migration failed');
});
