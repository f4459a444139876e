import { z } from 'zod';
import { PreviewScenarioSchema } from '../../workflows/engine/preview';
import { PreviewReportSchema, previewReport } from '../preview-report';
import { addRoute, type RouteContext } from '../route';

const PreviewQuery = z.strictObject({
  text: z
    .enum(['true', 'false'])
    .optional()
    .describe("`true`: each message's rendered text (SMS body, or email subject and text), as the send renders it"),
});

export function registerPreviewRoutes(ctx: RouteContext): void {
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
        'status and balance.',
      tags: ['preview'],
      auth: ['service', 'agent'],
      body: PreviewScenarioSchema,
      query: PreviewQuery,
      responses: { 200: { description: 'the plan', schema: PreviewReportSchema } },
    },
    ({ body, query }, _req, res) => {
      res.json(previewReport(body, { text: query.text === 'true' }));
    }
  );
}
