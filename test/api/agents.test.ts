/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentTask } from '../../db/repositories/agent-tasks';
import { bearer, expectProblem, KEYS, makeApp, openTestDb } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const agt = bearer(KEYS.agent);

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
