/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentTask } from '../../db/repositories/agent-tasks';
import { bearer, cuenta, expectProblem, KEYS, makeApp, openTestDb, type FakeTemporal } from './helpers';
import type { Account } from '../../workflows/engine/account';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const agt = bearer(KEYS.agent);

async function placed(tweak?: Parameters<FakeTemporal['seed']>[1]) {
  const built = makeApp(db.db);
  const account: Account = cuenta();
  await request(built.app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(201);
  if (tweak) built.temporal.seed(account, tweak);
  return { ...built, account };
}

// Now is 2026-11-20 10:00 in Bogotá; the default ladder's promise horizon is 45 days (2027-01-04).
describe('POST /v1/accounts/{id}/promises', () => {
  it('signals promiseToPay and answers 202 naming the promise, with a server-generated promiseId', async () => {
    const { app, temporal, account } = await placed();
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/promises`)
      .set('Authorization', agt)
      .send({ amountMinor: 50_000_00, date: '2026-11-28', agentId: 'agente-lucia' });
    expect(res.status).toBe(202);
    expect(res.body.promise).toMatchObject({ amountMinor: 50_000_00, date: '2026-11-28', agentId: 'agente-lucia' });
    expect(res.body.promise.promiseId).toMatch(/^prm_/);
    expect(temporal.signals('promiseToPay')[0]!.args).toEqual(res.body.promise);
  });

  it('keeps a promiseId the agent chose', async () => {
    const { app, account } = await placed();
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/promises`)
      .set('Authorization', agt)
      .send({ promiseId: 'promesa-7', amountMinor: 1_000_00, date: '2026-11-20', agentId: 'a' });
    expect(res.status).toBe(202);
    expect(res.body.promise.promiseId).toBe('promesa-7');
  });

  it.each([
    ['a past date', { date: '2026-11-19' }, 'date', /in the past \(today is 2026-11-20/],
    ['a date beyond the 45-day horizon', { date: '2027-01-05' }, 'date', /beyond the 45-day horizon \(2027-01-04\)/],
    ['an amount above the balance', { amountMinor: 150_000_01 }, 'amountMinor', /exceeds the balance 15000000/],
  ])('refuses %s with 422 saying why, and signals nothing', async (_what, change, field, why) => {
    const { app, temporal, account } = await placed();
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/promises`)
      .set('Authorization', agt)
      .send({ amountMinor: 1_000_00, date: '2026-11-25', agentId: 'a', ...change });
    const p = expectProblem(res, 422);
    expect(p.errors[0]!.field).toBe(field);
    expect(p.detail).toMatch(why);
    expect(temporal.signals('promiseToPay')).toHaveLength(0);
  });

  it('accepts the last day of the horizon', async () => {
    const { app, account } = await placed();
    await request(app)
      .post(`/v1/accounts/${account.id}/promises`)
      .set('Authorization', agt)
      .send({ amountMinor: 1_000_00, date: '2027-01-04', agentId: 'a' })
      .expect(202);
  });

  it('refuses while a dispute is open, and on a closed account', async () => {
    const disputed = await placed((s) => ({ ...s, dispute: { open: true, disputeId: 'd' } }));
    const body = { amountMinor: 1_000_00, date: '2026-11-25', agentId: 'a' };
    const p1 = expectProblem(
      await request(disputed.app)
        .post(`/v1/accounts/${disputed.account.id}/promises`)
        .set('Authorization', agt)
        .send(body),
      422
    );
    expect(p1.detail).toBe('a dispute is open');
    const paid = await placed((s) => ({ ...s, terminal: 'paid', balanceMinor: 0 }));
    const p2 = expectProblem(
      await request(paid.app).post(`/v1/accounts/${paid.account.id}/promises`).set('Authorization', agt).send(body),
      422
    );
    expect(p2.detail).toMatch(/closed \(paid\)/);
  });

  it('answers 404 for an account without workflow', async () => {
    const { app } = makeApp(db.db);
    expectProblem(
      await request(app)
        .post('/v1/accounts/nadie/promises')
        .set('Authorization', agt)
        .send({ amountMinor: 1, date: '2026-11-25', agentId: 'a' }),
      404
    );
  });

  it('answers 400 naming date for a date that is not a calendar date', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(
      await request(app)
        .post('/v1/accounts/x/promises')
        .set('Authorization', agt)
        .send({ amountMinor: 1, date: '25/11/2026', agentId: 'a' }),
      400
    );
    expect(p.errors[0]!.field).toBe('date');
  });
});

describe('POST /v1/accounts/{id}/agreements', () => {
  const installments = [
    { dueDate: '2026-11-30', amountMinor: 50_000_00 },
    { dueDate: '2026-12-30', amountMinor: 50_000_00 },
  ];

  it('signals agreementNegotiated and answers 202 with a generated agreementId', async () => {
    const { app, temporal, account } = await placed();
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/agreements`)
      .set('Authorization', agt)
      .send({ installments, agentId: 'agente-pedro' });
    expect(res.status).toBe(202);
    expect(res.body.agreement.agreementId).toMatch(/^agr_/);
    expect(temporal.signals('agreementNegotiated')[0]!.args).toEqual(res.body.agreement);
  });

  it('refuses a total above the balance naming installments, and a past first installment', async () => {
    const { app, account } = await placed();
    const url = `/v1/accounts/${account.id}/agreements`;
    const over = expectProblem(
      await request(app)
        .post(url)
        .set('Authorization', agt)
        .send({ installments: [{ dueDate: '2026-12-01', amountMinor: 150_000_01 }], agentId: 'a' }),
      422
    );
    expect(over.errors[0]!.field).toBe('installments');
    const past = expectProblem(
      await request(app)
        .post(url)
        .set('Authorization', agt)
        .send({ installments: [{ dueDate: '2026-11-01', amountMinor: 1 }], agentId: 'a' }),
      422
    );
    expect(past.errors[0]!.field).toBe('installments[0].dueDate');
  });

  it('refuses an agreement while another is active', async () => {
    const { app, account } = await placed((s) => ({
      ...s,
      mode: 'agreement',
      promise: null,
      agreement: {
        agreementId: 'x',
        agentId: 'a',
        madeAt: s.startedAt,
        paidAtMake: 0,
        status: 'active',
        installments: [{ dueDate: '2026-12-15', amountMinor: 1_000_00, status: 'pending' }],
      },
    }));
    const p = expectProblem(
      await request(app)
        .post(`/v1/accounts/${account.id}/agreements`)
        .set('Authorization', agt)
        .send({ installments, agentId: 'a' }),
      422
    );
    expect(p.detail).toBe('an agreement is already active');
  });

  it('refuses installments out of order naming installments', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(
      await request(app)
        .post('/v1/accounts/x/agreements')
        .set('Authorization', agt)
        .send({ installments: [...installments].reverse(), agentId: 'a' }),
      400
    );
    expect(p.errors[0]!.field).toBe('installments');
  });
});

describe('agent tasks', () => {
  async function seedTasks() {
    const tag = Math.random().toString(36).slice(2, 8);
    const ids: string[] = [];
    for (const [i, jurisdiction] of ['CO', 'MX', 'CO'].entries()) {
      const r = await createAgentTask(db.db, {
        workflowId: `dunning-tarea-${tag}-${i}`,
        taskKey: 'agent-task',
        accountId: `tarea-${tag}-${i}`,
        reason: 'unpaid after 14 days',
        template: 'agent_call_unpaid',
        jurisdiction,
        balanceMinor: 1_000_00,
        currency: jurisdiction === 'CO' ? 'COP' : 'MXN',
      });
      ids.push(r.taskId);
    }
    return ids;
  }

  it('lists open tasks filtered by jurisdiction, paginated with a cursor', async () => {
    const { app } = makeApp(db.db);
    await seedTasks();
    const first = await request(app)
      .get('/v1/agent-tasks?status=open&jurisdiction=CO&limit=1')
      .set('Authorization', agt);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({
      jurisdiction: 'CO',
      status: 'open',
      balance: { amountMinor: 1_000_00, currency: 'COP' },
    });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(app)
      .get(`/v1/agent-tasks?status=open&jurisdiction=CO&limit=1&cursor=${first.body.nextCursor}`)
      .set('Authorization', agt);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('claims then completes a task; another agent cannot claim it (409); filters by assignee', async () => {
    const { app } = makeApp(db.db);
    const [id] = await seedTasks();
    const claim = await request(app)
      .post(`/v1/agent-tasks/${id}/claim`)
      .set('Authorization', agt)
      .send({ agentId: 'lucia' });
    expect(claim.status).toBe(200);
    expect(claim.body).toMatchObject({ id, status: 'claimed', assignee: 'lucia' });
    expectProblem(
      await request(app).post(`/v1/agent-tasks/${id}/claim`).set('Authorization', agt).send({ agentId: 'pedro' }),
      409
    );
    const mine = await request(app).get('/v1/agent-tasks?assignee=lucia').set('Authorization', agt);
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(id);
    const done = await request(app)
      .post(`/v1/agent-tasks/${id}/complete`)
      .set('Authorization', agt)
      .send({ agentId: 'lucia', outcome: 'promise_made', note: 'pagará el viernes' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', outcome: 'promise_made', note: 'pagará el viernes' });
  });

  it('defaults the assignee to the calling key', async () => {
    const { app } = makeApp(db.db);
    const [id] = await seedTasks();
    const claim = await request(app).post(`/v1/agent-tasks/${id}/claim`).set('Authorization', agt);
    expect(claim.body.assignee).toBe('agent#2');
  });

  it('answers 404 for an unknown task, 400 for an unknown status filter or outcome', async () => {
    const { app } = makeApp(db.db);
    expectProblem(
      await request(app).post('/v1/agent-tasks/00000000-0000-4000-8000-000000000000/claim').set('Authorization', agt),
      404
    );
    expect(
      expectProblem(await request(app).get('/v1/agent-tasks?status=abierta').set('Authorization', agt), 400).errors[0]!
        .field
    ).toBe('status');
    const [id] = await seedTasks();
    const p = expectProblem(
      await request(app)
        .post(`/v1/agent-tasks/${id}/complete`)
        .set('Authorization', agt)
        .send({ outcome: 'quién sabe' }),
      400
    );
    expect(p.errors[0]!.field).toBe('outcome');
  });

  it('answers 400 naming cursor for a forged cursor', async () => {
    const { app } = makeApp(db.db);
    const p = expectProblem(await request(app).get('/v1/agent-tasks?cursor=bm9wZQ').set('Authorization', agt), 422);
    expect(p.errors[0]!.field).toBe('cursor');
  });
});
