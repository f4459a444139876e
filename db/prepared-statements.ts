import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { sql } from 'kysely';
import type pg from 'pg';

/**
 * Named prepared statements for the few hot statements that run once per message sent (the send-intent ledger).
 * PostgreSQL parses and plans an unnamed statement on every execution; a named one is parsed once per connection.
 * Measured on the 2-core build machine with 16 callers (`bench/db-contact-attempts.ts`): claim + markSent went from
 * about 2,700 to 5,200 pairs/s, because both sides of the loopback were CPU-bound on parsing and planning.
 *
 * Opt-in per statement, never for every query: a prepared plan of `select *` fails after a migration adds a column
 * ("cached plan must not change result type"), so only fixed-shape statements named here are prepared. The name is a
 * leading SQL comment, so the embedded database (which ignores it) and pg_stat_statements read the same text.
 */
const NAME = /^[a-z][a-z0-9_.]{0,62}$/;
const MARKER = /^\/\* prepared:([a-z][a-z0-9_.]{0,62}) \*\//;

/** Put first in a `sql` template: `sql\`${preparedAs('ledger.claim')} insert …\``. */
export function preparedAs(name: string) {
  if (!NAME.test(name)) throw new RangeError(`prepared statement name ${name} is not valid`);
  return sql.raw(`/* prepared:${name} */`);
}

/**
 * The pool as Kysely sees it: statements that carry the marker go as named prepared statements, and a connection
 * lost while checked out is reported to its query (and discarded), never thrown at the process.
 */
export function withPreparedStatements(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      // The pool listens for errors of idle clients only. A connection lost while Kysely holds the client (the
      // server restarted mid-transaction) emits 'error' with no listener, which would end the process: keep it
      // here, and hand it back on release so the pool discards the broken client instead of reusing it.
      let lost: Error | undefined;
      const onError = (err: Error) => {
        lost = err;
      };
      client.on('error', onError);
      return {
        // Kysely passes a cursor object instead of text only for streaming, which the ledger never does.
        query: ((text: unknown, values?: unknown[]) => {
          const name = typeof text === 'string' ? MARKER.exec(text)?.[1] : undefined;
          return name === undefined
            ? client.query(text as string, values)
            : client.query({ name, text: text as string, values });
        }) as unknown as PostgresPoolClient['query'],
        release: () => {
          client.removeListener('error', onError);
          client.release(lost);
        },
      };
    },
    end: () => pool.end(),
  };
}
