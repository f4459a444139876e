import { z } from 'zod';
import { LadderIdSchema } from '../../workflows/engine/ladder';
import { PreviewScenarioSchema } from '../../workflows/engine/preview';
import type { RouteDeps } from '../deps';
import { resolveLadder } from '../ladder-catalog';
import { PreviewReportSchema, previewReport } from '../preview-report';
import { ProblemError, problems } from '../problem';
import { addRoute, parseOrThrow, type RouteContext } from '../route';

const PreviewQuery = z.strictObject({
  text: z
    .enum(['true', 'false'])
    .optional()
    .describe("`true`: each message's rendered text (SMS body, or email subject and text), as the send renders it"),
  ladderId: LadderIdSchema.optional().describe('run a catalog ladder instead of the body’s `ladder`'),
  ladderVersion: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('with ladderId: that version (retired ones too); absent: the newest published one'),
  draft: z.enum(['true', 'false']).optional().describe('with ladderId: `true` runs its open draft'),
});

export function registerPreviewRoutes(ctx: RouteContext, deps: RouteDeps): void {
  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/preview',
      operationId: 'preview',
      summary: 'Dry-run the ladder for one account over a horizon, with timed events (nothing is sent)',
      description:
        'The same report `cobranza preview` prints: planned actions with amounts in the account currency, every ' +
        'move (one entry per step, naming each rule in order), suppression, skip and rejected event, and the final ' +
        'status and balance. The ladder is the body’s own, a catalog ladder named by `ladderId` (a version, the ' +
        'newest published one, or the draft), or the built-in default.',
      tags: ['preview'],
      auth: ['service', 'agent'],
      body: PreviewScenarioSchema,
      // Parsed by the handler: with ladderId, only once the catalog's ladder is in it.
      rawBody: true,
      query: PreviewQuery,
      responses: { 200: { description: 'the plan', schema: PreviewReportSchema } },
    },
    async ({ body: raw, query }, _req, res) => {
      const options = { text: query.text === 'true' };
      if (raw === undefined) throw problems.validation([{ field: '(root)', message: 'a JSON body is required' }]);
      if (query.ladderId === undefined) {
        if (query.ladderVersion !== undefined || query.draft !== undefined)
          throw refusedQuery('ladderId', 'ladderVersion and draft need ladderId');
        res.json(previewReport(parseOrThrow(PreviewScenarioSchema, raw, ''), options));
        return;
      }
      if ((raw as { ladder?: unknown }).ladder != null)
        throw refusedQuery('ladderId', 'give either the body’s ladder or ladderId, not both');
      if (query.draft === 'true' && query.ladderVersion !== undefined)
        throw refusedQuery('draft', 'give either ladderVersion or draft=true, not both');
      const ladder = await resolveLadder(
        deps.ladders,
        {
          id: query.ladderId,
          ...(query.ladderVersion !== undefined && { version: query.ladderVersion }),
          draft: query.draft === 'true',
        },
        'ladderId',
        'preview'
      );
      // Parsed with the ladder it runs: whether the debtor can be reached depends on the ladder's channels.
      res.json(previewReport(parseOrThrow(PreviewScenarioSchema, { ...(raw as object), ladder }, ''), options));
    }
  );
}

const refusedQuery = (field: string, message: string) =>
  new ProblemError(400, 'validation-error', `${field}: ${message}`, [{ field, message }]);
