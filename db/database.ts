import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { withPreparedStatements } from './prepared-statements';
import type { Database } from './schema';

export const DEFAULT_DATA_DIR = '.data/pglite';

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL (DATABASE_URL). When absent the embedded PGlite database is used. */
  url?: string;
  /** Embedded only: where PGlite keeps its files, or 'memory://' for a throwaway database. */
  dataDir?: string;
  /** Server only: pool size; the default suits one worker process. */
  maxConnections?: number;
  /** Server only: how long to wait for a connection before failing (a retryable error in activities). */
  connectionTimeoutMillis?: number;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * Money is bigint minor units; callers get JS numbers. Refusing values past 2^53 is safer than rounding them.
 * Exported for tests.
 */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`int8 value ${text} is outside the safe integer range`);
  }
  return n;
}

/** Calendar dates stay 'YYYY-MM-DD': turning them into Date would shift them by the process time zone. */
const parseDate = (text: string): string => text;

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.maxConnections ?? 10,
      connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 10_000,
      // Per-pool parsers, so other pg users in the process keep pg's defaults.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
          if (oid === INT8_OID) return parseInt8;
          if (oid === DATE_OID) return parseDate;
          return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its server must not crash the process; the next query reports the failure.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }

  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    dataDir,
    parsers: {
      [INT8_OID]: (text: string) => parseInt8(text),
      [DATE_OID]: parseDate,
    },
  });
  // The dialect's destroy() closes the PGlite instance.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'embedded', close: () => db.destroy() };
}
