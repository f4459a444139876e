import { z } from 'zod';
import { SegmentDefinitionSchema, assignLadder } from '../../workflows/engine/segment-rules';
import type { RouteDeps } from '../deps';
import { resolveLadder } from '../ladder-catalog';

import { actorOf, addRoute, type RouteContext } from '../route';
import { AssignRequest, SegmentArmParams, SegmentIdParams, SegmentResponse, StopArmRequest } from '../schemas';

const ADMIN = ['admin'] as const;
const READERS = ['service', 'agent'] as const;

export function registerSegmentRoutes(ctx: RouteContext, deps: RouteDeps): void {
  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/segments',
      operationId: 'listSegments',
      summary: 'The placement segments, active first by priority, with their arms and the arms stopped',
      tags: ['ladders'],
      auth: READERS,
      responses: { 200: { description: 'the segments', schema: z.object({ segments: z.array(SegmentResponse) }) } },
    },
    async (_i, _req, res) => {
      res.json({ segments: await deps.ladders.listSegments() });
    }
  );

  // Before /v1/segments/:segmentId, which would otherwise take `assign` for a segment id.
  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/segments/assign',
      operationId: 'assignLadder',
      summary: 'Which ladder an account would be placed on, and why (nothing is placed)',
      tags: ['ladders'],
      auth: READERS,
      body: AssignRequest,
      responses: {
        200: {
          description: 'the assignment, or none (the built-in ladder)',
          schema: z.object({
            ladder: z.object({ id: z.string(), version: z.number().int() }),
            segmentId: z.string().optional(),
            revision: z.number().int().optional(),
            arm: z.number().int().optional(),
            reason: z.string(),
          }),
        },
      },
    },
    async ({ body }, _req, res) => {
      const segments = await deps.ladders.listSegments({ status: 'active' });
      const chosen = assignLadder(segments, body.account, body.segmentation ?? { tags: [] }, deps.now());
      if (!chosen) {
        res.json({ ladder: { id: 'default', version: 1 }, reason: 'no segment matched: the built-in ladder' });
        return;
      }
      res.json(chosen);
    }
  );
  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/segments/:segmentId',
      operationId: 'saveSegment',
      summary: 'Write a segment: which accounts it takes, and the ladder versions it splits them between',
      description:
        'Accounts placed without a ladder go to the first active segment (lowest priority) they match. One arm ' +
        'routes the segment to a ladder version; several split its new accounts by fixed weights (percent, summing ' +
        'to 100), each account by a draw on its id, so it keeps its arm while the split is unchanged. Rewriting a ' +
        'segment starts a new revision: a new draw, and no arm stopped.',
      tags: ['ladders'],
      auth: ADMIN,
      params: SegmentIdParams,
      body: SegmentDefinitionSchema,
      responses: {
        201: { description: 'created', schema: SegmentResponse },
        200: { description: 'rewritten at the next revision', schema: SegmentResponse },
        422: { description: 'an arm names a ladder version that is not published' },
      },
    },
    async ({ params, body }, _req, res) => {
      // Every arm must run now: a segment routing to a draft or a retired version would refuse its accounts.
      for (const [i, arm] of body.arms.entries())
        await resolveLadder(deps.ladders, { id: arm.ladderId, version: arm.version }, `arms[${i}]`, 'placement');
      const { record, created } = await deps.ladders.saveSegment({
        segmentId: params.segmentId,
        definition: body,
        actor: actorOf(res),
      });
      deps.logger.info({ segmentId: record.segmentId, revision: record.revision }, 'segment written');
      res.status(created ? 201 : 200).json(record);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/segments/:segmentId/arms/:arm/stop',
      operationId: 'stopSegmentArm',
      summary: 'Stop an arm: it takes no new account; its share goes to the arms still running',
      tags: ['ladders'],
      auth: ADMIN,
      params: SegmentArmParams,
      body: StopArmRequest,
      responses: {
        200: { description: 'the segment (an arm already stopped: as it was)', schema: SegmentResponse },
        404: { description: 'unknown segment or arm' },
        409: { description: 'the segment was rewritten since that revision' },
      },
    },
    async ({ params, body }, _req, res) => {
      const { record, changed } = await deps.ladders.stopArm({
        segmentId: params.segmentId,
        revision: body.revision,
        arm: params.arm,
        reason: body.reason,
        actor: actorOf(res),
        at: new Date(deps.now()),
      });
      if (changed)
        deps.logger.warn(
          { segmentId: record.segmentId, revision: record.revision, arm: params.arm, reason: body.reason },
          'segment arm stopped'
        );
      res.json(record);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/segments/:segmentId/archive',
      operationId: 'archiveSegment',
      summary: 'Archive a segment: placements no longer consult it (accounts placed by it go on)',
      tags: ['ladders'],
      auth: ADMIN,
      params: SegmentIdParams,
      bodyOptional: true,
      body: z.strictObject({}),
      responses: { 200: { description: 'the archived segment', schema: SegmentResponse } },
    },
    async ({ params }, _req, res) => {
      res.json(await deps.ladders.archiveSegment({ segmentId: params.segmentId, actor: actorOf(res) }));
    }
  );
}
