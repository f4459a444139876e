import { z } from 'zod';
import type { RouteDeps } from '../deps';
import { runGuardRails } from '../guard-rails';
import { addRoute, type RouteContext } from '../route';
import { kpisOf } from '../strategy-kpis';

const KpiQuery = z.strictObject({
  ladderId: z.string().min(1).optional(),
  segmentId: z.string().min(1).optional(),
  revision: z.coerce.number().int().positive().optional(),
});

const Rate = z.number().nullable();
const KpiGroup = z.object({
  ladderId: z.string(),
  ladderVersion: z.number().int(),
  segmentId: z.string().nullable(),
  revision: z.number().int().nullable(),
  arm: z.number().int().nullable(),
  placed: z.number().int(),
  recovered: z.number().int(),
  recoveryRate: Rate,
  recoveredAmount: z.array(z.object({ currency: z.string(), amountMinor: z.number().int() })),
  promisesKept: z.number().int(),
  promisesBroken: z.number().int(),
  promiseKeptRate: Rate,
  contactsToRecovered: z.number().int(),
  contactsPerRecovered: Rate,
  optedOut: z.number().int(),
  optOutRate: Rate,
  complaints: z.number().int(),
  complaintRate: Rate,
});

export function registerKpiRoutes(ctx: RouteContext, deps: RouteDeps): void {
  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/kpis',
      operationId: 'strategyKpis',
      summary: 'Strategy KPIs by ladder version, and by segment revision and arm for a split',
      description:
        'Recovery rate and amount recovered (per currency), promise-kept rate, contacts per recovered account, ' +
        'opt-out and complaint (provider spam report) rates, over the accounts placed on each version or arm, as ' +
        'their workflows recorded them. The same counts are the `cobranza_strategy_*` Prometheus series.',
      tags: ['ladders'],
      auth: ['service', 'agent'],
      query: KpiQuery,
      responses: { 200: { description: 'the KPIs', schema: z.object({ groups: z.array(KpiGroup) }) } },
    },
    async ({ query }, _req, res) => {
      const outcomes = await deps.ladders.outcomes({
        ...(query.ladderId !== undefined && { ladderId: query.ladderId }),
        ...(query.segmentId !== undefined && { segmentId: query.segmentId }),
        ...(query.revision !== undefined && { revision: query.revision }),
      });
      res.json({ groups: outcomes.map(kpisOf) });
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/segments/guard-rails/run',
      operationId: 'runGuardRails',
      summary: 'Run the guard-rails now (they also run every GUARD_RAIL_INTERVAL_MS): the arms stopped, and why',
      tags: ['ladders'],
      auth: ['admin'],
      bodyOptional: true,
      body: z.strictObject({}),
      responses: {
        200: {
          description: 'the arms this round stopped',
          schema: z.object({
            stopped: z.array(
              z.object({
                segmentId: z.string(),
                revision: z.number().int(),
                arm: z.number().int(),
                against: z.number().int(),
                metric: z.string(),
                likelihoodRatio: z.number(),
                threshold: z.number(),
                reason: z.string(),
              })
            ),
          }),
        },
      },
    },
    async (_i, _req, res) => {
      res.json({ stopped: await runGuardRails(deps) });
    }
  );
}
