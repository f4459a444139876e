/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, conta, cuenta, expectProblem, KEYS, makeApp, openTestDb, testConfig } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const svc = bearer(KEYS.service);

describe('POST /v1/accounts/batch', () => {
  it('places every good item and reports each bad one with its own problem (a bad item never sinks the others)', async () => {
    const { app, temporal } = makeApp(db.db);
    const ok1 = cuenta();
    const ok2 = conta();
    const sinTelefonoValido = { ...cuenta(), debtor: { ...cuenta().debtor, phone: '12' } };
    const argentina = cuenta();
    argentina.debtor.jurisdiction = 'AR';
    const res = await request(app)
      .post('/v1/accounts/batch')
      .set('Authorization', svc)
      .send([ok1, sinTelefonoValido, ok2, argentina, ok1]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 5, created: 2, existing: 1, failed: 2 });
    const r = res.body.results;
    expect(r.map((x: { status: number }) => x.status)).toEqual([201, 400, 201, 422, 200]);
    expect(r[1].problem.errors[0].field).toBe('debtor.phone');
    expect(r[1].problem.instance).toBe('/v1/accounts/batch#1');
    expect(r[3].problem.errors[0].field).toBe('debtor.jurisdiction');
    expect(r[0].result.workflowId).toBe(`dunning-${ok1.id}`);
    expect(temporal.states.size).toBe(2);
  });

  it("accepts NDJSON and reports an unparsable line as that item's problem", async () => {
    const { app } = makeApp(db.db);
    const body = [JSON.stringify(cuenta()), '{"id": roto', '', JSON.stringify(conta())].join('\n');
    const res = await request(app)
      .post('/v1/accounts/batch')
      .set('Authorization', svc)
      .set('Content-Type', 'application/x-ndjson')
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body.results.map((x: { status: number }) => x.status)).toEqual([201, 400, 201]);
    expect(res.body.results[1].problem.type).toMatch(/malformed-json$/);
  });

  it('refuses more items than the limit with 413', async () => {
    const { app } = makeApp(db.db, { config: testConfig({ batchMaxItems: 3 }) });
    const p = expectProblem(
      await request(app).post('/v1/accounts/batch').set('Authorization', svc).send([1, 2, 3, 4]),
      413
    );
    expect(p.detail).toMatch(/at most 3/);
  });

  it('refuses a JSON object (not an array) with 400 and a CSV body with 415', async () => {
    const { app } = makeApp(db.db);
    expectProblem(await request(app).post('/v1/accounts/batch').set('Authorization', svc).send({ cuentas: [] }), 400);
    expectProblem(
      await request(app)
        .post('/v1/accounts/batch')
        .set('Authorization', svc)
        .set('Content-Type', 'text/csv')
        .send('id\n1'),
      415
    );
  });

  it('accepts a body over 1 MB (the batch limit is 10 MB)', async () => {
    const { app } = makeApp(db.db);
    const items = Array.from({ length: 3000 }, () => ({
      ...cuenta(),
      creditor: { name: 'Cooperativa de Ahorro y Crédito del Valle'.repeat(3) },
    }));
    const json = JSON.stringify(items);
    expect(json.length).toBeGreaterThan(1_000_000);
    const res = await request(app)
      .post('/v1/accounts/batch')
      .set('Authorization', svc)
      .set('Content-Type', 'application/json')
      .send(json);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(3000);
  });
});
