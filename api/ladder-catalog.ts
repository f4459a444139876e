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
import { defaultLadder, type Ladder } from '../workflows/engine/ladder';
import { ProblemError, problems } from './problem';

/** How a placement or a preview names a catalog ladder: a version, the newest published one, or the draft. */
export type LadderRef = { id: string; version?: number; draft?: boolean };

/** The built-in ladder keeps its id: the catalog's ladders are the creditor's own. */
export const BUILT_IN_LADDER_ID = defaultLadder.id;

/** The ladder catalog the API manages (PostgreSQL: db/repositories/ladder-versions.ts). */
export interface LadderCatalog {
  saveDraft: (input: Parameters<typeof saveDraft>[1]) => ReturnType<typeof saveDraft>;
  getDraft: (ladderId: string) => Promise<LadderVersionRecord | undefined>;
  getVersion: (ladderId: string, version: number) => Promise<LadderVersionRecord | undefined>;
  latestPublished: (ladderId: string) => Promise<LadderVersionRecord | undefined>;
  list: () => Promise<LadderVersionRecord[]>;
  publish: (input: Parameters<typeof publishDraft>[1]) => Promise<LadderVersionRecord>;
  retire: (input: Parameters<typeof retireVersion>[1]) => ReturnType<typeof retireVersion>;
}

/** Over the database, or a getter of it when the database is opened lazily. */
export function createDbLadderCatalog(database: Kysely<Database> | (() => Kysely<Database>)): LadderCatalog {
  const db = typeof database === 'function' ? database : () => database;
  return {
    saveDraft: (input) => saveDraft(db(), input),
    getDraft: (id) => getDraft(db(), id),
    getVersion: (id, v) => getVersion(db(), id, v),
    latestPublished: (id) => latestPublished(db(), id),
    list: () => listLadderVersions(db()),
    publish: (input) => publishDraft(db(), input),
    retire: (input) => retireVersion(db(), input),
  };
}

/** For an API run without a database (a bench of the API alone): every call answers 503. */
export function unavailableLadderCatalog(why: string): LadderCatalog {
  const fail = () => Promise.reject(problems.unavailable(why, 'database'));
  return {
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
