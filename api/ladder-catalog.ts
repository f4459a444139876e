import type { Kysely } from 'kysely';
import {
  getDraft,
  getVersion,
  latestPublished,
  ladderOf,
  listLadderVersions,
  publishDraft,
  retireVersion,
  saveDraft,
  type LadderVersionRecord,
} from '../db/repositories/ladder-versions';
import type { Database } from '../db/schema';
import { getHold, markReleased, recordHold, type PortfolioHold } from '../db/repositories/portfolio-holds';
import {
  recordAssignment,
  strategyOutcomes,
  type AssignmentInput,
  type StrategyOutcomes,
} from '../db/repositories/account-assignments';
import {
  archiveSegment,
  getSegment,
  listSegments,
  saveSegment,
  stopArm,
  type SegmentRecord,
} from '../db/repositories/segments';
import { defaultLadder, type Ladder } from '../workflows/engine/ladder';
import { ProblemError, problems } from './problem';

/** How a placement or a preview names a catalog ladder: a version, the newest published one, or the draft. */
export type LadderRef = { id: string; version?: number; draft?: boolean };

/** The built-in ladder keeps its id: the catalog's ladders are the creditor's own. */
export const BUILT_IN_LADDER_ID = defaultLadder.id;

/**
 * The strategy catalog the API manages: ladder versions (db/repositories/ladder-versions.ts) and the segments that
 * route accounts to them (db/repositories/segments.ts).
 */
export interface LadderCatalog {
  recordHold: (h: Parameters<typeof recordHold>[1]) => Promise<PortfolioHold>;
  getHold: (holdId: string) => Promise<PortfolioHold | undefined>;
  markHoldReleased: (holdId: string, actor: string) => Promise<void>;
  /** Records how a placed account's ladder was chosen (the first record per account wins). */
  recordAssignment: (a: AssignmentInput) => Promise<void>;
  /** Outcomes by ladder version and by segment arm: the strategy KPIs and the guard-rails read them. */
  outcomes: (filter?: Parameters<typeof strategyOutcomes>[1]) => Promise<StrategyOutcomes[]>;
  saveSegment: (input: Parameters<typeof saveSegment>[1]) => ReturnType<typeof saveSegment>;
  getSegment: (segmentId: string) => Promise<SegmentRecord | undefined>;
  listSegments: (filter?: Parameters<typeof listSegments>[1]) => Promise<SegmentRecord[]>;
  /** The active segments as a placement reads them: cached for SEGMENT_CACHE_MS, refreshed by this API's writes. */
  activeSegments: () => Promise<SegmentRecord[]>;
  stopArm: (input: Parameters<typeof stopArm>[1]) => ReturnType<typeof stopArm>;
  archiveSegment: (input: Parameters<typeof archiveSegment>[1]) => Promise<SegmentRecord>;
  saveDraft: (input: Parameters<typeof saveDraft>[1]) => ReturnType<typeof saveDraft>;
  getDraft: (ladderId: string) => Promise<LadderVersionRecord | undefined>;
  getVersion: (ladderId: string, version: number) => Promise<LadderVersionRecord | undefined>;
  latestPublished: (ladderId: string) => Promise<LadderVersionRecord | undefined>;
  list: (ladderId?: string) => Promise<LadderVersionRecord[]>;
  publish: (input: Parameters<typeof publishDraft>[1]) => Promise<LadderVersionRecord>;
  retire: (input: Parameters<typeof retireVersion>[1]) => ReturnType<typeof retireVersion>;
}

/** Over the database, or a getter of it when the database is opened lazily. */
/**
 * How long a placement may route by segments read earlier: a batch of 1,000 placements reads them once, not 1,000
 * times. Another API process's change (a stopped arm) reaches this one within this delay.
 */
export const SEGMENT_CACHE_MS = 5_000;

export function createDbLadderCatalog(
  database: Kysely<Database> | (() => Kysely<Database>),
  now: () => number = Date.now
): LadderCatalog {
  const db = typeof database === 'function' ? database : () => database;
  let cached: { at: number; segments: Promise<SegmentRecord[]> } | undefined;
  const changed = <T>(p: Promise<T>) => {
    cached = undefined;
    return p;
  };
  return {
    recordHold: (h) => recordHold(db(), h),
    getHold: (id) => getHold(db(), id),
    markHoldReleased: (id, actor) => markReleased(db(), id, actor),
    recordAssignment: (a) => recordAssignment(db(), a),
    outcomes: (filter) => strategyOutcomes(db(), filter),
    saveSegment: (input) => changed(saveSegment(db(), input)),
    getSegment: (id) => getSegment(db(), id),
    listSegments: (filter) => listSegments(db(), filter),
    activeSegments: () => {
      if (!cached || now() - cached.at >= SEGMENT_CACHE_MS) {
        const segments = listSegments(db(), { status: 'active' });
        // A failed read is not kept: the next placement asks again.
        segments.catch(() => (cached = undefined));
        cached = { at: now(), segments };
      }
      return cached.segments;
    },
    stopArm: (input) => changed(stopArm(db(), input)),
    archiveSegment: (input) => changed(archiveSegment(db(), input)),
    saveDraft: (input) => saveDraft(db(), input),
    getDraft: (id) => getDraft(db(), id),
    getVersion: (id, v) => getVersion(db(), id, v),
    latestPublished: (id) => latestPublished(db(), id),
    list: (ladderId) => listLadderVersions(db(), ladderId),
    publish: (input) => publishDraft(db(), input),
    retire: (input) => retireVersion(db(), input),
  };
}

/** For an API run without a database (a bench of the API alone): every call answers 503. */
export function unavailableLadderCatalog(why: string): LadderCatalog {
  const fail = () => Promise.reject(problems.unavailable(why, 'database'));
  return {
    recordHold: fail,
    getHold: fail,
    markHoldReleased: fail,
    // An API benched without a database keeps no assignment.
    recordAssignment: () => Promise.resolve(),
    outcomes: fail,
    saveSegment: fail,
    getSegment: fail,
    listSegments: fail,
    // Placement still works: with no catalog there is no segment, and unnamed accounts run the built-in ladder.
    activeSegments: () => Promise.resolve([]),
    stopArm: fail,
    archiveSegment: fail,
    saveDraft: fail,
    getDraft: fail,
    getVersion: fail,
    latestPublished: fail,
    list: fail,
    publish: fail,
    retire: fail,
  };
}

const refused = (field: string, message: string) =>
  new ProblemError(422, 'unknown-ladder', message, [{ field, message }]);

/**
 * The ladder `ref` names, or a 422 naming `field`'s part that is wrong. A placement may run a published version
 * only; a preview may also run the draft, or a retired version (to see what accounts still on it will do).
 * `default` (version 1, or no version) is the built-in ladder.
 */
export async function resolveLadder(
  catalog: LadderCatalog,
  ref: LadderRef,
  field: string,
  purpose: 'placement' | 'preview'
): Promise<Ladder> {
  if (ref.id === BUILT_IN_LADDER_ID) {
    if (ref.draft || (ref.version !== undefined && ref.version !== defaultLadder.version))
      throw refused(`${field}.version`, `the built-in ladder ${BUILT_IN_LADDER_ID} has version 1 only`);
    return defaultLadder;
  }
  if (ref.draft) {
    if (purpose === 'placement') throw refused(`${field}.draft`, 'an account cannot be placed on a draft');
    const draft = await catalog.getDraft(ref.id);
    if (!draft) throw refused(`${field}.id`, `ladder ${ref.id} has no draft`);
    return ladderOf(draft);
  }
  if (ref.version === undefined) {
    const latest = await catalog.latestPublished(ref.id);
    if (!latest) throw refused(`${field}.id`, `ladder ${ref.id} has no published version`);
    return ladderOf(latest);
  }
  const found = await catalog.getVersion(ref.id, ref.version);
  if (!found || found.status === 'draft')
    throw refused(`${field}.version`, `ladder ${ref.id} has no published version ${ref.version}`);
  if (found.status === 'retired' && purpose === 'placement')
    throw refused(
      `${field}.version`,
      `ladder ${ref.id}@${ref.version} is retired${found.retiredReason ? ` (${found.retiredReason})` : ''}`
    );
  return ladderOf(found);
}
