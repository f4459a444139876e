import { sql, type Kysely } from 'kysely';
import { SegmentDefinitionSchema, type Segment, type SegmentDefinition } from '../../workflows/engine/segment-rules';
import { ConflictError, NotFoundError, withDatabaseErrors } from '../errors';
import type { Database } from '../schema';
import { inTransaction } from '../transaction';

export interface SegmentRecord extends Segment {
  status: 'active' | 'archived';
  updatedBy: string;
  updatedAt: string;
}

interface Row {
  segment_id: string;
  revision: number;
  definition: unknown;
  stopped_arms: unknown;
  status: 'active' | 'archived';
  updated_by: string;
  updated_at: Date;
}

function toRecord(row: Row): SegmentRecord {
  return {
    segmentId: row.segment_id,
    revision: row.revision,
    ...SegmentDefinitionSchema.parse(row.definition),
    stoppedArms: row.stopped_arms as Segment['stoppedArms'],
    status: row.status,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Writes a segment: a new one at revision 1, or the next revision of one (its stopped arms cleared, it active). */
export function saveSegment(
  db: Kysely<Database>,
  input: { segmentId: string; definition: SegmentDefinition; actor: string }
): Promise<{ record: SegmentRecord; created: boolean }> {
  const definition = JSON.stringify(input.definition);
  return withDatabaseErrors(async () => {
    const row = await db
      .insertInto('segments')
      .values({
        segment_id: input.segmentId,
        revision: 1,
        priority: input.definition.priority,
        definition,
        updated_by: input.actor,
      })
      .onConflict((oc) =>
        oc.column('segment_id').doUpdateSet({
          revision: sql`segments.revision + 1`,
          priority: input.definition.priority,
          definition,
          stopped_arms: '[]',
          status: 'active',
          updated_by: input.actor,
          updated_at: sql`now()`,
        })
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { record: toRecord(row), created: row.revision === 1 };
  });
}

export async function getSegment(db: Kysely<Database>, segmentId: string): Promise<SegmentRecord | undefined> {
  const row = await withDatabaseErrors(() =>
    db.selectFrom('segments').selectAll().where('segment_id', '=', segmentId).executeTakeFirst()
  );
  return row && toRecord(row);
}

/** Every segment, active ones first by priority. */
export async function listSegments(
  db: Kysely<Database>,
  filter: { status?: 'active' | 'archived' } = {}
): Promise<SegmentRecord[]> {
  let q = db.selectFrom('segments').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  const rows = await withDatabaseErrors(() => q.orderBy('status').orderBy('priority').orderBy('segment_id').execute());
  return rows.map(toRecord);
}

/**
 * Stops an arm: it takes no new account from now on (accounts on it go on). Idempotent: stopping a stopped arm
 * answers the segment as it is. `revision` guards against stopping an arm of a split rewritten meanwhile.
 */
export function stopArm(
  db: Kysely<Database>,
  input: { segmentId: string; revision: number; arm: number; reason: string; actor: string; at: Date }
): Promise<{ record: SegmentRecord; changed: boolean }> {
  return withDatabaseErrors(() =>
    inTransaction(db, async (trx) => {
      const row = await trx
        .selectFrom('segments')
        .selectAll()
        .where('segment_id', '=', input.segmentId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`segment ${input.segmentId} does not exist`, 'segmentId');
      const current = toRecord(row);
      if (current.revision !== input.revision)
        throw new ConflictError(
          `segment ${input.segmentId} is at revision ${current.revision}, not ${input.revision}`,
          'revision'
        );
      if (input.arm >= current.arms.length)
        throw new NotFoundError(`segment ${input.segmentId} has ${current.arms.length} arms`, 'arm');
      if (current.stoppedArms.some((s) => s.arm === input.arm)) return { record: current, changed: false };
      const stopped = [...current.stoppedArms, { arm: input.arm, at: input.at.toISOString(), reason: input.reason }];
      const updated = await trx
        .updateTable('segments')
        .set({ stopped_arms: JSON.stringify(stopped), updated_by: input.actor, updated_at: sql`now()` })
        .where('segment_id', '=', input.segmentId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { record: toRecord(updated), changed: true };
    })
  );
}

/** Archives a segment: placements no longer consult it. Writing it again makes it active at a new revision. */
export async function archiveSegment(
  db: Kysely<Database>,
  input: { segmentId: string; actor: string }
): Promise<SegmentRecord> {
  const row = await withDatabaseErrors(() =>
    db
      .updateTable('segments')
      .set({ status: 'archived', updated_by: input.actor, updated_at: sql`now()` })
      .where('segment_id', '=', input.segmentId)
      .returningAll()
      .executeTakeFirst()
  );
  if (!row) throw new NotFoundError(`segment ${input.segmentId} does not exist`, 'segmentId');
  return toRecord(row);
}
