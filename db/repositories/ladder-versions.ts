import { sql, type Kysely } from 'kysely';
import { LadderDefinitionSchema, type Ladder, type LadderDefinition } from '../../workflows/engine/ladder';
import { ConflictError, NotFoundError, withDatabaseErrors } from '../errors';
import type { Database, LadderVersionRow, LadderVersionStatus } from '../schema';
import { inTransaction } from '../transaction';

/** One version of a ladder, as the catalog keeps it. */
export interface LadderVersionRecord {
  ladderId: string;
  version: number;
  status: LadderVersionStatus;
  definition: LadderDefinition;
  note?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  publishedBy?: string;
  publishedAt?: string;
  retiredBy?: string;
  retiredAt?: string;
  retiredReason?: string;
}

const iso = (d: Date | null) => (d === null ? undefined : d.toISOString());

function toRecord(row: LadderVersionRow): LadderVersionRecord {
  return {
    ladderId: row.ladder_id,
    version: row.version,
    status: row.status,
    // Written through the same schema; parsed again so defaults added since apply to what is read.
    definition: LadderDefinitionSchema.parse(row.definition),
    ...(row.note !== null && { note: row.note }),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.published_by !== null && { publishedBy: row.published_by }),
    ...(row.published_at !== null && { publishedAt: iso(row.published_at) }),
    ...(row.retired_by !== null && { retiredBy: row.retired_by }),
    ...(row.retired_at !== null && { retiredAt: iso(row.retired_at) }),
    ...(row.retired_reason !== null && { retiredReason: row.retired_reason }),
  };
}

/** The ladder an account runs: the version's definition with its identity. */
export const ladderOf = (r: LadderVersionRecord): Ladder => ({ id: r.ladderId, version: r.version, ...r.definition });

/**
 * Writes the ladder's draft: replaces the open draft, or opens one numbered after the highest version. Serialized
 * per ladder id by a transaction-scoped advisory lock, so two editors never open two drafts or reuse a number.
 */
export function saveDraft(
  db: Kysely<Database>,
  input: { ladderId: string; definition: LadderDefinition; actor: string; note?: string }
): Promise<{ record: LadderVersionRecord; created: boolean }> {
  return withDatabaseErrors(() =>
    inTransaction(db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`ladder:${input.ladderId}`}))`.execute(trx);
      const definition = JSON.stringify(input.definition);
      const draft = await trx
        .updateTable('ladder_versions')
        .set({ definition, note: input.note ?? null, created_by: input.actor, updated_at: sql`now()` })
        .where('ladder_id', '=', input.ladderId)
        .where('status', '=', 'draft')
        .returningAll()
        .executeTakeFirst();
      if (draft) return { record: toRecord(draft), created: false };
      const { highest } = await trx
        .selectFrom('ladder_versions')
        .select((eb) => eb.fn.max('version').as('highest'))
        .where('ladder_id', '=', input.ladderId)
        .executeTakeFirstOrThrow();
      const row = await trx
        .insertInto('ladder_versions')
        .values({
          ladder_id: input.ladderId,
          version: (highest ?? 0) + 1,
          status: 'draft',
          definition,
          note: input.note ?? null,
          created_by: input.actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { record: toRecord(row), created: true };
    })
  );
}

export async function getDraft(db: Kysely<Database>, ladderId: string): Promise<LadderVersionRecord | undefined> {
  const row = await withDatabaseErrors(() =>
    db
      .selectFrom('ladder_versions')
      .selectAll()
      .where('ladder_id', '=', ladderId)
      .where('status', '=', 'draft')
      .executeTakeFirst()
  );
  return row && toRecord(row);
}

export async function getVersion(
  db: Kysely<Database>,
  ladderId: string,
  version: number
): Promise<LadderVersionRecord | undefined> {
  const row = await withDatabaseErrors(() =>
    db
      .selectFrom('ladder_versions')
      .selectAll()
      .where('ladder_id', '=', ladderId)
      .where('version', '=', version)
      .executeTakeFirst()
  );
  return row && toRecord(row);
}

/** The newest published (not retired) version: what a placement naming only the ladder id runs. */
export async function latestPublished(
  db: Kysely<Database>,
  ladderId: string
): Promise<LadderVersionRecord | undefined> {
  const row = await withDatabaseErrors(() =>
    db
      .selectFrom('ladder_versions')
      .selectAll()
      .where('ladder_id', '=', ladderId)
      .where('status', '=', 'published')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
  );
  return row && toRecord(row);
}

/** Every version of every ladder (or of one), drafts included, by ladder id then version. */
export async function listLadderVersions(db: Kysely<Database>, ladderId?: string): Promise<LadderVersionRecord[]> {
  let q = db.selectFrom('ladder_versions').selectAll();
  if (ladderId !== undefined) q = q.where('ladder_id', '=', ladderId);
  const rows = await withDatabaseErrors(() => q.orderBy('ladder_id').orderBy('version').execute());
  return rows.map(toRecord);
}

/** Publishes the open draft as an immutable version. NotFoundError when the ladder has no draft. */
export async function publishDraft(
  db: Kysely<Database>,
  input: { ladderId: string; actor: string }
): Promise<LadderVersionRecord> {
  const row = await withDatabaseErrors(() =>
    db
      .updateTable('ladder_versions')
      .set({ status: 'published', published_by: input.actor, published_at: sql`now()`, updated_at: sql`now()` })
      .where('ladder_id', '=', input.ladderId)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirst()
  );
  if (!row) throw new NotFoundError(`ladder ${input.ladderId} has no draft to publish`, 'ladderId');
  return toRecord(row);
}

/**
 * Retires a published version: no new placement may run it; accounts already running it go on. Retiring a retired
 * version answers it as it is (idempotent); a draft cannot be retired (ConflictError), nor can an unknown version.
 */
export async function retireVersion(
  db: Kysely<Database>,
  input: { ladderId: string; version: number; actor: string; reason: string }
): Promise<{ record: LadderVersionRecord; changed: boolean }> {
  return withDatabaseErrors(() =>
    inTransaction(db, async (trx) => {
      const row = await trx
        .updateTable('ladder_versions')
        .set({
          status: 'retired',
          retired_by: input.actor,
          retired_at: sql`now()`,
          retired_reason: input.reason,
          updated_at: sql`now()`,
        })
        .where('ladder_id', '=', input.ladderId)
        .where('version', '=', input.version)
        .where('status', '=', 'published')
        .returningAll()
        .executeTakeFirst();
      if (row) return { record: toRecord(row), changed: true };
      const current = await getVersion(trx, input.ladderId, input.version);
      if (!current) throw new NotFoundError(`ladder ${input.ladderId}@${input.version} does not exist`, 'version');
      if (current.status === 'draft')
        throw new ConflictError(
          `ladder ${input.ladderId}@${input.version} is a draft: publish it or edit it`,
          'version'
        );
      return { record: current, changed: false };
    })
  );
}
