/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import { ServiceError } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLadder } from '../../workflows/engine/ladder';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { ACCOUNT_ID, CREDITOR, DUNNING_STATUS, JURISDICTION, LADDER_VERSION } from '../../workflows/search-attributes';
import { TASK_QUEUES } from '../../workflows/workflow-input';
import { bearer, conta, cuenta, expectProblem, FakeTemporal, inboxOf, KEYS, makeApp, openTestDb } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const svc = bearer(KEYS.service);

describe('POST /v1/accounts places an account', () => {
  it('starts dunningWorkflow with id dunning-<id>, the workflows queue, FAIL on conflict, no id reuse, typed search attributes and a PII-free summary; 201', async () => {
    const { app, temporal } = makeApp(db.db);
    const account = cuenta();
    const res = await request(app).post('/v1/accounts').set('Authorization', svc).send(account);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      accountId: account.id,
      workflowId: `dunning-${account.id}`,
      created: true,
      ladder: { id: 'default', version: 1 },
      assignment: { by: 'default', reason: 'no segment matched: the built-in ladder' },
      pendingPayments: 0,
    });
    const starts = temporal.calls.filter((c) => c.method === 'start');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.name).toBe('dunningWorkflow');
    expect(starts[0]!.options).toEqual({
      workflowId: `dunning-${account.id}`,
      taskQueue: TASK_QUEUES.workflows,
      args: [{ account, ladder: defaultLadder, policy: contactPolicyFor('CO') }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: ACCOUNT_ID, value: account.id },
        { key: JURISDICTION, value: 'CO' },
        { key: DUNNING_STATUS, value: 'active' },
        { key: LADDER_VERSION, value: 'default@1' },
        { key: CREDITOR, value: 'Financiera Andina S.A.S.' },
      ],
      staticSummary: `Dunning ${account.id} · CO · ladder default@1`,
    });
    const summary = starts[0]!.options!.staticSummary as string;
    expect(summary).not.toContain(account.debtor.name);
    expect(summary).not.toContain(account.debtor.phone!);
  });

  it('answers 200 with the existing placement when the same account is placed twice (idempotent)', async () => {
    const { app, temporal } = makeApp(db.db);
    const account = conta();
    const first = await request(app).post('/v1/accounts').set('Authorization', svc).send(account);
    const second = await request(app).post('/v1/accounts').set('Authorization', svc).send(account);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ accountId: account.id, workflowId: `dunning-${account.id}`, created: false });
    expect(temporal.states.size).toBe(1);
  });

  it('receives the placement in its inbox with the ladder snapshot, and leaves the account row to the workflow', async () => {
    const { app } = makeApp(db.db);
    const account = cuenta();
    await request(app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    expect(await inboxOf(db.db, account.id)).toEqual([
      { kind: 'placement', key: account.id, payload: { account, ladder: defaultLadder }, delivery: 'started' },
    ]);
    const rows = await db.db.selectFrom('accounts').select('id').where('id', '=', account.id).execute();
    expect(rows).toEqual([]);
  });

  it('accepts its own ladder and starts the workflow with it', async () => {
    const { app, temporal } = makeApp(db.db);
    const ladder = { ...defaultLadder, id: 'suave', version: 3 };
    const account = cuenta();
    const res = await request(app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .send({ ...account, ladder });
    expect(res.status).toBe(201);
    expect(res.body.ladder).toEqual({ id: 'suave', version: 3 });
    const input = (temporal.calls[0]!.options!.args as { ladder: unknown }[])[0]!;
    expect(input.ladder).toEqual(ladder);
  });

  it('refuses an unsupported jurisdiction with 422 naming debtor.jurisdiction', async () => {
    const { app, temporal } = makeApp(db.db);
    const account = cuenta();
    account.debtor.jurisdiction = 'AR';
    const res = await request(app).post('/v1/accounts').set('Authorization', svc).send(account);
    const p = expectProblem(res, 422);
    expect(p.errors[0]!.field).toBe('debtor.jurisdiction');
    expect(temporal.calls).toHaveLength(0);
  });

  it('answers 400 problem+json naming every offending field', async () => {
    const { app } = makeApp(db.db);
    const account = cuenta();
    const bad = {
      ...account,
      debtor: { ...account.debtor, phone: '3001234567' },
      balance: { amountMinor: -5, currency: 'pesos' },
    };
    const p = expectProblem(await request(app).post('/v1/accounts').set('Authorization', svc).send(bad), 400);
    const fields = p.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['debtor.phone', 'balance.amountMinor', 'balance.currency']));
    expect(p.type).toMatch(/validation-error$/);
    expect(p.instance).toBe('/v1/accounts');
  });

  it('refuses unknown fields (strict schemas) naming them', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(
      await request(app)
        .post('/v1/accounts')
        .set('Authorization', svc)
        .send({ ...cuenta(), apodo: 'Mafe' }),
      400
    );
    expect(JSON.stringify(p.errors)).toContain('apodo');
  });

  it('answers 400 for malformed JSON, never 500', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .set('Content-Type', 'application/json')
      .send('{"id": "cta-1", "debtor": ');
    expect(expectProblem(res, 400).type).toMatch(/malformed-json$/);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .set('Content-Type', 'text/plain')
      .send('hola');
    expect(expectProblem(res, 415).errors[0]!.field).toBe('Content-Type');
  });

  it('answers 413 for a body over 1 MB', async () => {
    const { app } = makeApp(db.db);
    const huge = { ...cuenta(), creditor: { name: 'x'.repeat(1_100_000) } };
    expectProblem(await request(app).post('/v1/accounts').set('Authorization', svc).send(huge), 413);
  });

  it('answers 400 when the body is missing', async () => {
    const { app } = makeApp(db.db);
    expectProblem(await request(app).post('/v1/accounts').set('Authorization', svc), 400);
  });

  it('answers 503 problem+json with Retry-After when Temporal is unreachable', async () => {
    const temporal = new FakeTemporal();
    temporal.failWith = new ServiceError('Failed to start Workflow', {
      cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }),
    });
    const { app } = makeApp(db.db, { temporal });
    const res = await request(app).post('/v1/accounts').set('Authorization', svc).send(cuenta());
    expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('hands payments recorded while Temporal was unreachable to the workflow as pendingPayments', async () => {
    const temporal = new FakeTemporal();
    const { app } = makeApp(db.db, { temporal });
    const account = cuenta();
    temporal.failWith = new ServiceError('Temporal unavailable', {
      cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }),
    });
    // The account row is written, its workflow is not started; the payment is recorded, its signal fails.
    expectProblem(await request(app).post('/v1/accounts').set('Authorization', svc).send(account), 503);
    const pay = await request(app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send({ paymentId: 'pse-778', amountMinor: 50_000_00, paidAt: '2026-11-19T14:00:00-05:00' });
    expectProblem(pay, 503);
    temporal.failWith = undefined;
    const again = await request(app).post('/v1/accounts').set('Authorization', svc).send(account);
    expect(again.status).toBe(201);
    expect(again.body.pendingPayments).toBe(1);
    const input = (temporal.calls.at(-1)!.options!.args as { pendingPayments: unknown }[])[0]!;
    expect(input.pendingPayments).toEqual([
      { paymentId: 'pse-778', amountMinor: 50_000_00, paidAt: '2026-11-19T19:00:00.000Z' },
    ]);
  });
});

describe('GET /v1/accounts/{id}', () => {
  it('answers the workflow status query', async () => {
    const { app } = makeApp(db.db);
    const account = cuenta();
    await request(app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    const res = await request(app).get(`/v1/accounts/${account.id}`).set('Authorization', bearer(KEYS.agent));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accountId: account.id,
      status: 'active',
      balance: { amountMinor: 150_000_00, currency: 'COP' },
      ladder: { id: 'default', version: 1 },
    });
  });

  it('answers 404 for an unknown account', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(await request(app).get('/v1/accounts/no-existe').set('Authorization', svc), 404);
    expect(p.errors[0]!.field).toBe('id');
  });

  it('answers 400 naming id for an id with forbidden characters', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(await request(app).get('/v1/accounts/a%20b').set('Authorization', svc), 400);
    expect(p.errors[0]!.field).toBe('id');
  });
});

describe('POST /v1/accounts/{id}/payments', () => {
  it('records the payment and signals paymentReceived; the same payment twice is recorded once', async () => {
    const { app, temporal } = makeApp(db.db);
    const account = cuenta();
    await request(app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    const payment = { paymentId: 'nequi-1001', amountMinor: 20_000_00, paidAt: '2026-11-20T09:30:00-05:00' };
    const first = await request(app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send(payment);
    const second = await request(app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send(payment);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accountId: account.id, paymentId: 'nequi-1001', duplicate: false, delivered: true });
    expect(second.status).toBe(202);
    expect(second.body.duplicate).toBe(true);
    const payments = (await inboxOf(db.db, account.id)).filter((e) => e.kind === 'payment');
    expect(payments).toEqual([
      {
        kind: 'payment',
        key: 'nequi-1001',
        payload: { ...payment, paidAt: '2026-11-20T14:30:00.000Z', currency: 'COP' },
        delivery: 'signalled',
      },
    ]);
    expect(temporal.signals('paymentReceived')[0]!.args).toEqual(payment);
  });

  it('starts a workflow that is not running with signal-with-start, from the stored account and ladder snapshot', async () => {
    const { app, temporal } = makeApp(db.db);
    const ladder = { ...defaultLadder, id: 'co-cartera-castigada', version: 2, steps: defaultLadder.steps.slice(1) };
    const account = cuenta();
    await request(app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .send({ ...account, ladder })
      .expect(201);
    temporal.states.clear(); // the placement's start never reached Temporal
    const payment = { paymentId: 'nequi-2002', amountMinor: 30_000_00, paidAt: '2026-11-20T09:30:00-05:00' };
    const res = await request(app).post(`/v1/accounts/${account.id}/payments`).set('Authorization', svc).send(payment);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ duplicate: false, delivered: true });
    const call = temporal.calls.find((c) => c.method === 'signalWithStart')!;
    expect(call).toMatchObject({ workflowId: `dunning-${account.id}`, name: 'paymentReceived', args: payment });
    expect(call.options).toMatchObject({
      type: 'dunningWorkflow',
      taskQueue: TASK_QUEUES.workflows,
      args: [{ account, ladder, policy: contactPolicyFor('CO') }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Dunning ${account.id} · CO · ladder co-cartera-castigada@2`,
    });
  });

  it('answers 409 naming paymentId when the same paymentId comes with another amount', async () => {
    const { app } = makeApp(db.db);
    const account = cuenta();
    await request(app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    const url = `/v1/accounts/${account.id}/payments`;
    await request(app).post(url).set('Authorization', svc).send({ paymentId: 'p-9', amountMinor: 100 }).expect(202);
    const p = expectProblem(
      await request(app).post(url).set('Authorization', svc).send({ paymentId: 'p-9', amountMinor: 200 }),
      409
    );
    expect(p.errors[0]!.field).toBe('paymentId');
  });

  it('answers 404 for an account never placed', async () => {
    const { app } = makeApp(db.db);
    expectProblem(
      await request(app)
        .post('/v1/accounts/desconocida/payments')
        .set('Authorization', svc)
        .send({ paymentId: 'p', amountMinor: 1 }),
      404
    );
  });

  it('refuses a zero amount naming amountMinor', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(
      await request(app)
        .post('/v1/accounts/x/payments')
        .set('Authorization', svc)
        .send({ paymentId: 'p', amountMinor: 0 }),
      400
    );
    expect(p.errors[0]!.field).toBe('amountMinor');
  });
});

describe('disputes and cancellation signal the workflow', () => {
  it('opens a dispute, resolves it and cancels: 202 with the signal name and payload', async () => {
    const { app, temporal } = makeApp(db.db);
    const account = conta();
    await request(app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    const base = `/v1/accounts/${account.id}`;
    const d = await request(app)
      .post(`${base}/disputes`)
      .set('Authorization', svc)
      .send({ disputeId: 'd-1', reason: 'não reconheço' });
    expect(d.status).toBe(202);
    expect(d.body).toEqual({ accountId: account.id, workflowId: `dunning-${account.id}`, signal: 'disputeOpened' });
    await request(app)
      .post(`${base}/disputes/resolve`)
      .set('Authorization', svc)
      .send({ outcome: 'rejected' })
      .expect(202);
    await request(app).post(`${base}/cancel`).set('Authorization', svc).expect(202);
    expect(temporal.signals().map((s) => [s.name, s.args])).toEqual([
      ['disputeOpened', { disputeId: 'd-1', reason: 'não reconheço' }],
      ['disputeResolved', { outcome: 'rejected' }],
      ['cancel', { reason: 'other' }],
    ]);
  });

  it('answers 404 when the account has no workflow', async () => {
    const { app } = makeApp(db.db);
    expectProblem(
      await request(app).post('/v1/accounts/nadie/cancel').set('Authorization', svc).send({ reason: 'write_off' }),
      404
    );
  });

  it('refuses an unknown cancel reason naming reason', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(
      await request(app).post('/v1/accounts/x/cancel').set('Authorization', svc).send({ reason: 'porque sí' }),
      400
    );
    expect(p.errors[0]!.field).toBe('reason');
  });
});
