/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreviewReportSchema, previewReport } from '../../api/preview-report';
import { bearer, cuenta, expectProblem, KEYS, makeApp, openTestDb } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const EVERY_ROUTE = [
  ['post', '/v1/accounts'],
  ['post', '/v1/accounts/batch'],
  ['get', '/v1/accounts/{id}'],
  ['post', '/v1/accounts/{id}/payments'],
  ['post', '/v1/accounts/{id}/disputes'],
  ['post', '/v1/accounts/{id}/disputes/resolve'],
  ['post', '/v1/accounts/{id}/cancel'],
  ['post', '/v1/accounts/{id}/promises'],
  ['post', '/v1/accounts/{id}/agreements'],
  ['post', '/v1/accounts/{id}/opt-outs'],
  ['get', '/v1/agent-tasks'],
  ['get', '/v1/agent-tasks/{id}'],
  ['post', '/v1/agent-tasks/{id}/claim'],
  ['post', '/v1/agent-tasks/{id}/complete'],
  ['post', '/v1/preview'],
  ['get', '/v1/ladders'],
  ['get', '/v1/ladders/{ladderId}'],
  ['get', '/v1/ladders/{ladderId}/draft'],
  ['post', '/v1/ladders/{ladderId}/draft'],
  ['post', '/v1/ladders/{ladderId}/draft/preview'],
  ['post', '/v1/ladders/{ladderId}/draft/publish'],
  ['get', '/v1/ladders/{ladderId}/versions/{version}'],
  ['post', '/v1/ladders/{ladderId}/versions/{version}/retire'],
  ['get', '/v1/segments'],
  ['get', '/v1/kpis'],
  ['get', '/v1/holds/{holdId}'],
  ['post', '/v1/holds/{holdId}'],
  ['post', '/v1/holds/{holdId}/release'],
  ['post', '/v1/segments/guard-rails/run'],
  ['post', '/v1/segments/assign'],
  ['post', '/v1/segments/{segmentId}'],
  ['post', '/v1/segments/{segmentId}/arms/{arm}/stop'],
  ['post', '/v1/segments/{segmentId}/archive'],
  ['post', '/webhooks/twilio/status'],
  ['post', '/webhooks/twilio/inbound'],
  ['post', '/webhooks/sendgrid/events'],
  ['get', '/unsubscribe'],
  ['post', '/unsubscribe'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/metrics'],
  ['get', '/openapi.json'],
  ['get', '/docs'],
] as const;

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route, and nothing else', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const listed = Object.entries(res.body.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`)
    );
    expect(listed.sort()).toEqual(EVERY_ROUTE.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('describes bodies with the same zod schemas (strict: additionalProperties false) and problem+json errors', async () => {
    const { app } = makeApp(db.db);
    const doc = (await request(app).get('/openapi.json')).body;
    const place = doc.paths['/v1/accounts'].post;
    const schema = place.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'debtor', 'balance', 'dueDate']));
    expect(schema.properties.debtor.properties.phone.pattern).toBeDefined();
    expect(place.responses['400'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(place.security).toEqual([{ bearerAuth: [] }]);
    expect(place['x-roles']).toEqual(['service', 'admin']);
    const payment = doc.paths['/v1/accounts/{id}/payments'].post;
    expect(payment.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    const list = doc.paths['/v1/agent-tasks'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual([
      'status',
      'assignee',
      'jurisdiction',
      'limit',
      'cursor',
    ]);
    expect(doc.paths['/webhooks/sendgrid/events'].post.security).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('is a self-contained HTML page naming every operation', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const [, p] of EVERY_ROUTE) expect(res.text).toContain(p);
    expect(res.text).not.toMatch(/<script|https?:\/\/cdn/);
  });
});

describe('health, readiness, metrics', () => {
  it('/healthz answers 200 even when Temporal and the database are down', async () => {
    const down = () => Promise.reject(new Error('down'));
    const { app } = makeApp(db.db, { readiness: { temporal: down, db: down } });
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not_ready', checks: { temporal: 'down', db: 'down' } });
  });

  it('/readyz answers 200 when both answer (database pinged for real)', async () => {
    const { app } = makeApp(db.db, { readiness: { temporal: () => Promise.resolve() } });
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready', checks: { temporal: 'up', db: 'up' } });
  });

  it('/metrics exposes latency by route template and status, workflows started, signals, accounts placed, payments', async () => {
    const { app } = makeApp(db.db);
    const account = cuenta();
    await request(app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(201);
    await request(app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', bearer(KEYS.service))
      .send({ paymentId: 'm-1', amountMinor: 100 })
      .expect(202);
    await request(app).get('/v1/accounts/x').set('Authorization', bearer(KEYS.service)).expect(404);
    const text = (await request(app).get('/metrics')).text;
    expect(text).toMatch(
      /cobranza_http_request_duration_seconds_count\{method="POST",route="\/v1\/accounts",status="201"\} 1/
    );
    expect(text).toMatch(
      /cobranza_http_request_duration_seconds_count\{method="GET",route="\/v1\/accounts\/:id",status="404"\} 1/
    );
    expect(text).toMatch(/cobranza_workflows_started_total 1/);
    expect(text).toMatch(/cobranza_signals_sent_total\{signal="paymentReceived"\} 1/);
    expect(text).toMatch(/cobranza_accounts_placed_total\{result="created"\} 1/);
    expect(text).toMatch(/cobranza_payments_applied_total\{result="signalled"\} 1/);
    expect(text).not.toContain(account.id);
  });

  it('unknown routes answer 404 problem+json', async () => {
    const { app } = makeApp(db.db);
    expectProblem(await request(app).get('/v2/nada'), 404);
  });
});

describe('POST /v1/preview', () => {
  const scenario = () => ({
    account: cuenta(),
    startAt: '2026-11-10T12:00:00Z',
    until: '2026-12-10T12:00:00Z',
    events: [{ at: '2026-11-17T15:00:00Z', type: 'payment', paymentId: 'p1', amountMinor: 150_000_00 }],
  });

  it('runs the preview over HTTP', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app).post('/v1/preview').set('Authorization', bearer(KEYS.agent)).send(scenario());
    expect(res.status).toBe(200);
    expect(res.body.final).toMatchObject({ status: 'paid', balanceMinor: 0, balance: '$ 0' });
    expect(res.body.actions.length).toBeGreaterThan(0);
  });

  it('answers the report the CLI prints, in the structure its documented response schema describes', async () => {
    const { app } = makeApp(db.db);
    const s = scenario();
    const res = await request(app).post('/v1/preview').set('Authorization', bearer(KEYS.agent)).send(s);
    expect(res.body).toEqual(previewReport(s));
    expect(PreviewReportSchema.parse(res.body)).toEqual(res.body);
    expect(Object.keys(res.body as object)).toEqual([
      'account',
      'actions',
      'moved',
      'suppressed',
      'skipped',
      'rejected',
      'final',
    ]);
  });

  it('adds each message’s rendered text with ?text=true', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app)
      .post('/v1/preview?text=true')
      .set('Authorization', bearer(KEYS.agent))
      .send(scenario());
    expect(res.status).toBe(200);
    expect(res.body.actions[0]).toMatchObject({
      kind: 'message',
      amount: '$ 150.000',
      text: { locale: 'es-CO', body: expect.stringContaining('$ 150.000') },
    });
  });

  it('names the query parameter text when it is neither true nor false', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(
      await request(app).post('/v1/preview?text=yes').set('Authorization', bearer(KEYS.agent)).send(scenario()),
      400
    );
    expect(p.errors.map((e) => e.field)).toEqual(['text']);
  });

  it('documents the moves, suppressions, skips and rejections of the response, and its query parameters', async () => {
    const { app } = makeApp(db.db);
    const op = (await request(app).get('/openapi.json')).body.paths['/v1/preview'].post;
    const schema = op.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties as object)).toEqual([
      'account',
      'actions',
      'moved',
      'suppressed',
      'skipped',
      'rejected',
      'final',
    ]);
    expect(schema.properties.moved.items.required).toEqual(expect.arrayContaining(['from', 'to', 'rules', 'reasons']));
    const parameters = op.parameters as { name: string; in: string; required: boolean }[];
    expect(parameters.map((p) => [p.name, p.in, p.required])).toEqual(
      ['text', 'ladderId', 'ladderVersion', 'draft'].map((name) => [name, 'query', false])
    );
  });

  it('names the offending field: an event before startAt, an unsupported jurisdiction', async () => {
    const { app } = makeApp(db.db);
    const s = scenario();
    s.events[0]!.at = '2026-11-01T00:00:00Z';
    const p = expectProblem(
      await request(app).post('/v1/preview').set('Authorization', bearer(KEYS.agent)).send(s),
      400
    );
    expect(p.errors[0]!.field).toBe('events[0].at');
    const s2 = scenario();
    s2.account.debtor.jurisdiction = 'PE';
    const p2 = expectProblem(
      await request(app).post('/v1/preview').set('Authorization', bearer(KEYS.agent)).send(s2),
      400
    );
    expect(p2.errors.map((e) => e.field)).toContain('account.debtor.jurisdiction');
  });
});
