import { z } from 'zod';
import type { RouteDeps } from '../deps';
import { buildOpenApi, renderDocs } from '../openapi';
import { addRoute, type RouteContext } from '../route';

export interface Readiness {
  temporal(): Promise<void>;
  db(): Promise<void>;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

const ReadyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ temporal: z.enum(['up', 'down']), db: z.enum(['up', 'down']) }),
});

export function registerOperationRoutes(
  ctx: RouteContext,
  deps: RouteDeps,
  readiness: Readiness,
  info: { title: string; version: string }
): void {
  let doc: Record<string, unknown> | undefined;
  let html: string | undefined;
  const document = () => (doc ??= buildOpenApi(ctx.operations, info));

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/healthz',
      operationId: 'healthz',
      summary: 'Liveness: the process serves HTTP (even while Temporal or the database is unreachable)',
      tags: ['operations'],
      auth: 'public',
      responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
    },
    (_i, _req, res) => {
      res.json({ status: 'ok' });
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      summary: 'Readiness: 200 when Temporal and the database both answer, 503 otherwise',
      tags: ['operations'],
      auth: 'public',
      responses: {
        200: { description: 'ready', schema: ReadyResponse },
        503: { description: 'not ready (application/json with the checks)' },
      },
    },
    async (_i, _req, res) => {
      const check = (f: () => Promise<void>) =>
        withTimeout(f(), 2000).then(
          () => 'up' as const,
          () => 'down' as const
        );
      const [temporal, db] = await Promise.all([check(() => readiness.temporal()), check(() => readiness.db())]);
      const ready = temporal === 'up' && db === 'up';
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { temporal, db } });
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (no PII: routes, statuses, signal names, verdicts)',
      tags: ['operations'],
      auth: 'public',
      responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain' } },
    },
    async (_i, _req, res) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This API as an OpenAPI 3.1 document, generated from the zod schemas the routes validate with',
      tags: ['operations'],
      auth: 'public',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
    },
    (_i, _req, res) => {
      res.json(document());
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/docs',
      operationId: 'docs',
      summary: 'Human-readable API reference (self-contained HTML rendered from /openapi.json)',
      tags: ['operations'],
      auth: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    },
    (_i, _req, res) => {
      res.type('html').send((html ??= renderDocs(document())));
    }
  );
}
