import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { preparedAs } from '../../db/prepared-statements';
import { createContactAttemptStore } from '../../db/repositories/contact-attempts';
import type { Database } from '../../db/schema';
import { smsIntent } from './fixtures';
import { backends, describeEachBackend } from './test-database';

const preparedNames = async (db: Kysely<Database>) =>
  (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(db)).rows.map((r) => r.name);

describeEachBackend('named prepared statements', (ctx) => {
  /** Runs `work` and lists the statements then prepared on the one connection a transaction holds. */
  const preparedAfter = (work: (db: Kysely<Database>) => Promise<unknown>) =>
    ctx
      .db()
      .transaction()
      .execute(async (trx) => {
        await work(trx);
        return preparedNames(trx);
      });

  it('answers a marked statement like an unmarked one', async () => {
    const { rows } = await sql<{ n: number }>`${preparedAs('test.answer')} select ${41}::int + 1 as n`.execute(
      ctx.db()
    );
    expect(rows).toEqual([{ n: 42 }]);
  });

  it('prepares a marked statement under its name on the server, and runs it plainly when embedded', async () => {
    const names = await preparedAfter(async (db) => {
      for (const n of [1, 2, 3]) await sql`${preparedAs('test.repeat')} select ${n}::int`.execute(db);
    });
    if (ctx.backend === 'postgres') expect(names).toContain('test.repeat');
    else expect(names).not.toContain('test.repeat');
  });

  it('never prepares an unmarked statement', async () => {
    await ctx
      .db()
      .transaction()
      .execute(async (trx) => {
        const before = await preparedNames(trx);
        await sql`select ${'Conceição'}::text as name`.execute(trx);
        expect(await preparedNames(trx)).toEqual(before);
      });
  });

  it('prepares the ledger claim and markSent that run for every message sent', async () => {
    const names = await preparedAfter(async (db) => {
      const store = createContactAttemptStore(db);
      const claimed = await store.claim(smsIntent(), { durationMs: 45_000 });
      await store.markSent(claimed.attemptId, {
        providerMessageId: 'SM-fernanda-1',
        transport: 'log',
        status: 'queued',
      });
    });
    if (ctx.backend === 'postgres') expect(names).toEqual(expect.arrayContaining(['ledger.claim', 'ledger.mark_sent']));
    else expect(names).toEqual([]);
  });
});

it('refuses a statement name that could break out of the SQL comment', () => {
  expect(() => preparedAs('ledger */ drop table accounts; /*')).toThrow(/not valid/);
});

// Only a server has sessions to lose; the embedded database runs in this process.
const server = backends.find((b) => b.name === 'postgres');
const LOST_TITLE = 'a connection lost while checked out [postgres]';
(server ? describe : describe.skip)(
  server ? LOST_TITLE : `${LOST_TITLE}: skipped: TEST_DATABASE_URL is not set (only a server has sessions to lose)`,
  () => {
    it('fails only the transaction that held it, never the process, and the next statement gets a new one', async () => {
      const opened = await server!.open();
      try {
        // The server ends this session mid-transaction, as a PostgreSQL restart would. Before the pool wrapper kept an
        // error listener on checked-out clients, this was an unhandled 'error' event: the worker or API process died.
        const lost = opened.db
          .transaction()
          .execute((trx) => sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx));
        await expect(lost).rejects.toThrow(/terminat/i);
        const { rows } = await sql<{ n: number }>`select 1 as n`.execute(opened.db);
        expect(rows).toEqual([{ n: 1 }]);
      } finally {
        await opened.close();
      }
    });
  }
);
