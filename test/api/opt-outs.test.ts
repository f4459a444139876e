/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../db/repositories/audit-events';
import { bearer, cuenta, expectProblem, KEYS, makeApp, openTestDb, receivedOptOuts } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const svc = bearer(KEYS.service);
const agt = bearer(KEYS.agent);

/** An account placed through the API, and the app that placed it. */
async function placed() {
  const built = makeApp(db.db);
  const account = cuenta();
  await request(built.app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
  built.temporal.calls.length = 0;
  return { ...built, account };
}

describe('POST /v1/accounts/{id}/opt-outs records an opt-out or a cease request from any source', () => {
  it('records a cease request received by letter with who took it, and signals optOut of all to the workflow', async () => {
    const { app, temporal, account } = await placed();
    const letter = {
      channel: 'all',
      source: 'letter',
      actor: 'backoffice-laura-rincon',
      receivedAt: '2026-11-19T16:30:00-05:00',
      note: 'carta certificada recibida en la oficina de Bogotá',
    };
    const res = await request(app).post(`/v1/accounts/${account.id}/opt-outs`).set('Authorization', svc).send(letter);
    expect(res.status).toBe(202);
    const optOut = {
      channel: 'all',
      source: 'letter',
      actor: 'backoffice-laura-rincon',
      receivedAt: '2026-11-19T21:30:00.000Z',
    };
    expect(res.body).toEqual({
      accountId: account.id,
      workflowId: `dunning-${account.id}`,
      signal: 'optOut',
      delivered: true,
      optOut,
    });
    expect(await receivedOptOuts(db.db, account.id)).toEqual([
      { channel: 'all', source: 'letter', actor: 'backoffice-laura-rincon', receivedAt: '2026-11-19T21:30:00.000Z' },
    ]);
    expect(temporal.signals('optOut').map((s) => s.args)).toEqual([optOut]);
  });

  it('keeps the note in the audit log with the actor, and never sends it to the workflow', async () => {
    const { app, temporal, account } = await placed();
    await request(app)
      .post(`/v1/accounts/${account.id}/opt-outs`)
      .set('Authorization', agt)
      .send({ channel: 'sms', source: 'phone', actor: 'agente-lucia-perez', note: 'pidió no recibir más mensajes' })
      .expect(202);
    const event = (await listAuditEvents(db.db, account.id)).find((e) => e.action === 'opt_out_received');
    expect(event).toMatchObject({
      actor: 'agente-lucia-perez',
      action: 'opt_out_received',
      reason: 'sms by phone',
      data: { channel: 'sms', source: 'phone', note: 'pidió no recibir más mensajes' },
    });
    expect(JSON.stringify(temporal.signals('optOut'))).not.toContain('pidió');
  });

  it('stops agents’ calls with channel call, received by phone', async () => {
    const { app, temporal, account } = await placed();
    await request(app)
      .post(`/v1/accounts/${account.id}/opt-outs`)
      .set('Authorization', agt)
      .send({ channel: 'call', source: 'phone', actor: 'agente-pedro-mora' })
      .expect(202);
    expect(temporal.signals('optOut')[0]!.args).toMatchObject({ channel: 'call', source: 'phone' });
  });

  it('names the calling key as the actor of a backend opt-out that names none', async () => {
    const { app, account } = await placed();
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/opt-outs`)
      .set('Authorization', svc)
      .send({ channel: 'email', source: 'backend' });
    expect(res.status).toBe(202);
    expect(res.body.optOut).toMatchObject({ actor: 'service#1', receivedAt: '2026-11-20T15:00:00.000Z' });
  });

  it.each(['letter', 'phone'])(
    'refuses a request received by %s that does not name who took it (400 naming actor), before Temporal',
    async (source) => {
      const { app, temporal, account } = await placed();
      const res = await request(app)
        .post(`/v1/accounts/${account.id}/opt-outs`)
        .set('Authorization', svc)
        .send({ channel: 'all', source });
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'actor', message: `a request received by ${source} names who took it` },
      ]);
      expect(temporal.calls).toEqual([]);
      expect(await receivedOptOuts(db.db, account.id)).toEqual([]);
    }
  );

  it('refuses an unknown channel or source naming the field', async () => {
    const { app, account } = await placed();
    const url = `/v1/accounts/${account.id}/opt-outs`;
    const fax = expectProblem(
      await request(app).post(url).set('Authorization', svc).send({ channel: 'fax', source: 'backend' }),
      400
    );
    expect(fax.errors.map((e) => e.field)).toEqual(['channel']);
    const keyword = expectProblem(
      await request(app).post(url).set('Authorization', svc).send({ channel: 'sms', source: 'keyword' }),
      400
    );
    expect(keyword.errors.map((e) => e.field)).toEqual(['source']);
  });

  it('refuses a receivedAt in the future with 422 naming receivedAt', async () => {
    const { app, temporal, account } = await placed();
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/opt-outs`)
      .set('Authorization', svc)
      .send({ channel: 'all', source: 'letter', actor: 'backoffice-laura-rincon', receivedAt: '2026-12-01T09:00:00Z' });
    expect(expectProblem(res, 422).errors[0]!.field).toBe('receivedAt');
    expect(temporal.calls).toEqual([]);
  });

  it('answers 404 for an account never placed, without calling Temporal', async () => {
    const { app, temporal } = makeApp(db.db);
    const res = await request(app)
      .post('/v1/accounts/cta-desconocida/opt-outs')
      .set('Authorization', svc)
      .send({ channel: 'all', source: 'backend' });
    expect(expectProblem(res, 404).errors[0]!.field).toBe('id');
    expect(temporal.calls).toEqual([]);
  });

  it('is documented in the OpenAPI document, citing 12 CFR 1006.6(c) for cease requests', async () => {
    const { app } = makeApp(db.db);
    const doc = (await request(app).get('/openapi.json')).body;
    const op = doc.paths['/v1/accounts/{id}/opt-outs'].post;
    expect(op.description).toContain('12 CFR 1006.6(c)');
    expect(op['x-roles']).toEqual(['service', 'agent', 'admin']);
    const body = op.requestBody.content['application/json'].schema;
    expect(body.properties.source.enum).toEqual(['letter', 'phone', 'backend', 'agent']);
    expect(
      body.properties.channel.anyOf.flatMap((s: { enum?: string[]; const?: string }) => s.enum ?? [s.const])
    ).toEqual(['sms', 'whatsapp', 'email', 'call', 'all']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['202', '400', '404', '409', '503']));
  });
});
