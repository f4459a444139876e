import { z } from 'zod';
import { PreviewScenarioSchema, runPreview } from '../../workflows/preview';
import { addRoute, type RouteContext } from '../route';

const PreviewResponse = z
  .object({
    actions: z.array(z.object({ at: z.string(), local: z.string(), step: z.string(), kind: z.string() }).loose()),
    skipped: z.array(z.object({ step: z.string(), reason: z.string() }).loose()),
    final: z.object({ status: z.string(), balanceMinor: z.number(), stage: z.string() }),
  })
  .describe('what the ladder would do, with every skip and move explained');

export function registerPreviewRoutes(ctx: RouteContext): void {
  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/preview',
      operationId: 'preview',
      summary: 'Dry-run the ladder for one account over a horizon, with timed events (nothing is sent)',
      tags: ['preview'],
      auth: ['service', 'agent'],
      body: PreviewScenarioSchema,
      responses: { 200: { description: 'the plan', schema: PreviewResponse } },
    },
    ({ body }, _req, res) => {
      res.json(runPreview(body));
    }
  );
}
