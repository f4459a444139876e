import { z } from 'zod';
import type { LadderVersionRecord } from '../../db/repositories/ladder-versions';
import { ladderOf } from '../../db/repositories/ladder-versions';
import { PreviewScenarioSchema } from '../../workflows/engine/preview';
import { inputProblems } from '../../workflows/engine/input-problems';
import type { RouteDeps } from '../deps';
import { BUILT_IN_LADDER_ID } from '../ladder-catalog';
import { PreviewReportSchema, previewReport } from '../preview-report';
import { ProblemError, problems } from '../problem';
import { actorOf, addRoute, type RouteContext } from '../route';
import {
  DraftPreviewRequest,
  LadderDraftRequest,
  LadderIdParams,
  LadderList,
  LadderSummary,
  LadderVersionParams,
  LadderVersionResponse,
  RetireLadderRequest,
} from '../schemas';

/** Managing ladders is the collections manager's: admin keys. Reading them is anyone's with a key. */
const ADMIN = ['admin'] as const;
const READERS = ['service', 'agent'] as const;
const DAY_MS = 86_400_000;

function summaries(records: LadderVersionRecord[]): z.infer<typeof LadderSummary>[] {
  const byId = new Map<string, LadderVersionRecord[]>();
  for (const r of records) byId.set(r.ladderId, [...(byId.get(r.ladderId) ?? []), r]);
  return [...byId].map(([ladderId, versions]) => ({
    ladderId,
    latestPublished: versions.filter((v) => v.status === 'published').at(-1)?.version ?? null,
    draft: versions.find((v) => v.status === 'draft')?.version ?? null,
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      ...(v.note !== undefined && { note: v.note }),
      ...(v.publishedAt !== undefined && { publishedAt: v.publishedAt }),
      ...(v.retiredAt !== undefined && { retiredAt: v.retiredAt }),
      ...(v.retiredReason !== undefined && { retiredReason: v.retiredReason }),
    })),
  }));
}

const builtIn = (ladderId: string) =>
  ladderId === BUILT_IN_LADDER_ID
    ? problems.conflict(`${BUILT_IN_LADDER_ID} is the built-in ladder; give your ladder an id of its own`, 'ladderId')
    : undefined;

export function registerLadderRoutes(ctx: RouteContext, deps: RouteDeps): void {
  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/ladders',
      operationId: 'listLadders',
      summary: 'Every catalog ladder with its versions: published, retired and the open draft',
      tags: ['ladders'],
      auth: READERS,
      responses: { 200: { description: 'the catalog', schema: LadderList } },
    },
    async (_i, _req, res) => {
      res.json({ ladders: summaries(await deps.ladders.list()) });
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/ladders/:ladderId',
      operationId: 'getLadder',
      summary: 'One ladder: its versions and its draft',
      tags: ['ladders'],
      auth: READERS,
      params: LadderIdParams,
      responses: { 200: { description: 'the ladder', schema: LadderSummary }, 404: { description: 'unknown ladder' } },
    },
    async ({ params }, _req, res) => {
      const [summary] = summaries(await deps.ladders.list(params.ladderId));
      if (!summary) throw problems.notFound(`ladder ${params.ladderId} does not exist`, 'ladderId');
      res.json(summary);
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/ladders/:ladderId/versions/:version',
      operationId: 'getLadderVersion',
      summary: 'One version, with its definition',
      tags: ['ladders'],
      auth: READERS,
      params: LadderVersionParams,
      responses: {
        200: { description: 'the version', schema: LadderVersionResponse },
        404: { description: 'unknown version' },
      },
    },
    async ({ params }, _req, res) => {
      const found = await deps.ladders.getVersion(params.ladderId, params.version);
      if (!found) throw problems.notFound(`ladder ${params.ladderId}@${params.version} does not exist`, 'version');
      res.json(found);
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/ladders/:ladderId/draft',
      operationId: 'getLadderDraft',
      summary: 'The open draft of a ladder',
      tags: ['ladders'],
      auth: READERS,
      params: LadderIdParams,
      responses: { 200: { description: 'the draft', schema: LadderVersionResponse }, 404: { description: 'no draft' } },
    },
    async ({ params }, _req, res) => {
      const draft = await deps.ladders.getDraft(params.ladderId);
      if (!draft) throw problems.notFound(`ladder ${params.ladderId} has no draft`, 'ladderId');
      res.json(draft);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/ladders/:ladderId/draft',
      operationId: 'saveLadderDraft',
      summary: 'Write the draft of a ladder (a new ladder, or the next version of one): validated, never yet run',
      description:
        'The definition is validated as the engine will run it (every problem named by its field). The draft is ' +
        'numbered after the highest version and may be rewritten until it is published.',
      tags: ['ladders'],
      auth: ADMIN,
      params: LadderIdParams,
      body: LadderDraftRequest,
      responses: {
        201: { description: 'a draft opened', schema: LadderVersionResponse },
        200: { description: 'the open draft rewritten', schema: LadderVersionResponse },
        409: { description: 'the id of the built-in ladder' },
      },
    },
    async ({ params, body }, _req, res) => {
      const refused = builtIn(params.ladderId);
      if (refused) throw refused;
      const { record, created } = await deps.ladders.saveDraft({
        ladderId: params.ladderId,
        definition: body.definition,
        actor: actorOf(res),
        ...(body.note !== undefined && { note: body.note }),
      });
      res.status(created ? 201 : 200).json(record);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/ladders/:ladderId/draft/preview',
      operationId: 'previewLadderDraft',
      summary: 'Dry-run the draft against sample accounts: what it would send each of them, and when',
      tags: ['ladders', 'preview'],
      auth: ADMIN,
      params: LadderIdParams,
      body: DraftPreviewRequest,
      responses: {
        200: {
          description: 'one preview report per sample account',
          schema: z.object({
            ladder: z.object({ id: z.string(), version: z.number().int() }),
            reports: z.array(PreviewReportSchema),
          }),
        },
        404: { description: 'no draft' },
      },
    },
    async ({ params, body }, _req, res) => {
      const draft = await deps.ladders.getDraft(params.ladderId);
      if (!draft) throw problems.notFound(`ladder ${params.ladderId} has no draft`, 'ladderId');
      const ladder = ladderOf(draft);
      const startAt = body.startAt ?? new Date(deps.now()).toISOString();
      const until = new Date(Date.parse(startAt) + body.horizonDays * DAY_MS).toISOString();
      const scenarios = body.accounts.map((account) => ({ account, startAt, until, ladder, events: [] }));
      // Every sample is checked before any is run, and each problem names its account.
      const found = scenarios.flatMap((s, i) => {
        const parsed = PreviewScenarioSchema.safeParse(s);
        return parsed.success
          ? []
          : inputProblems(parsed.error).map((p) => ({
              ...p,
              field: `accounts[${i}].${p.field.replace(/^account\./, '')}`,
            }));
      });
      if (found.length > 0)
        throw new ProblemError(422, 'invalid-account', 'a sample account cannot be collected on this ladder', found);
      res.json({ ladder: { id: ladder.id, version: ladder.version }, reports: scenarios.map((s) => previewReport(s)) });
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/ladders/:ladderId/draft/publish',
      operationId: 'publishLadderDraft',
      summary: 'Publish the draft as an immutable version; accounts placed from now on may run it',
      description:
        'Accounts already placed keep the version they were placed with: their workflows carry its definition.',
      tags: ['ladders'],
      auth: ADMIN,
      params: LadderIdParams,
      bodyOptional: true,
      body: z.strictObject({}),
      responses: {
        201: { description: 'the published version', schema: LadderVersionResponse },
        404: { description: 'no draft to publish' },
      },
    },
    async ({ params }, _req, res) => {
      const published = await deps.ladders.publish({ ladderId: params.ladderId, actor: actorOf(res) });
      deps.logger.info(
        { ladderId: published.ladderId, version: published.version, actor: published.publishedBy },
        'ladder version published'
      );
      res.status(201).json(published);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/ladders/:ladderId/versions/:version/retire',
      operationId: 'retireLadderVersion',
      summary: 'Retire a published version: no new account may be placed on it; accounts running it go on',
      tags: ['ladders'],
      auth: ADMIN,
      params: LadderVersionParams,
      body: RetireLadderRequest,
      responses: {
        200: { description: 'the retired version (already retired: as it was)', schema: LadderVersionResponse },
        404: { description: 'unknown version' },
        409: { description: 'a draft, which is not yet published' },
      },
    },
    async ({ params, body }, _req, res) => {
      const { record, changed } = await deps.ladders.retire({
        ladderId: params.ladderId,
        version: params.version,
        actor: actorOf(res),
        reason: body.reason,
      });
      if (changed) deps.logger.info({ ladderId: record.ladderId, version: record.version }, 'ladder version retired');
      res.json(record);
    }
  );
}
