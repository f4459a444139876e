/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest bodies are `any`; the assertions are what check their shape */
import { ServiceError } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentTask, getAgentTask, type AgentTaskCall } from '../../db/repositories/agent-tasks';
import { AGENT_CONTACT_OUTCOMES } from '../../workflows/engine/account-events';
import { bearer, cuenta, expectProblem, KEYS, makeApp, openTestDb } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const agt = bearer(KEYS.agent);

/** Monday 2026-11-23, 07:00–19:00 in Bogotá: the stretch Ley 2300 allows a call in. */
const MONDAY_IN_BOGOTA: AgentTaskCall = {
  allowed: true,
  opensAt: '2026-11-23T12:00:00.000Z',
  closesAt: '2026-11-24T00:00:00.000Z',
  zone: 'America/Bogota',
};

/** An account placed through the API, with the agent task its workflow would have created. */
async function accountWithTask(call?: AgentTaskCall) {
  const built = makeApp(db.db);
  const account = cuenta();
  await request(built.app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(201);
  const { taskId } = await createAgentTask(db.db, {
    workflowId: `dunning-${account.id}`,
    taskKey: 'agent-task',
    accountId: account.id,
    reason: 'unpaid after 14 days',
    template: 'agent_call_unpaid',
    jurisdiction: 'CO',
    balanceMinor: account.balance.amountMinor,
    currency: 'COP',
    ...(call && { call }),
  });
  return { ...built, account, taskId };
}

describe('completing an agent task feeds the call’s outcome back to the workflow', () => {
  it('signals agentContact with the task’s key and id, the outcome, the agent, calledAt and the note', async () => {
    const { app, temporal, account, taskId } = await accountWithTask();
    const res = await request(app).post(`/v1/agent-tasks/${taskId}/complete`).set('Authorization', agt).send({
      outcome: 'promise_made',
      agentId: 'agente-lucia-perez',
      calledAt: '2026-11-20T09:40:00-05:00',
      note: 'pagará el viernes por PSE',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: taskId, status: 'done', outcome: 'promise_made', delivered: true });
    expect(temporal.signals('agentContact')).toEqual([
      expect.objectContaining({
        workflowId: `dunning-${account.id}`,
        args: {
          taskKey: 'agent-task',
          taskId,
          outcome: 'promise_made',
          agentId: 'agente-lucia-perez',
          calledAt: '2026-11-20T09:40:00-05:00',
          note: 'pagará el viernes por PSE',
        },
      }),
    ]);
  });

  it('accepts every outcome the workflow knows, refused included', async () => {
    const { app, temporal, taskId } = await accountWithTask();
    await request(app)
      .post(`/v1/agent-tasks/${taskId}/complete`)
      .set('Authorization', agt)
      .send({ outcome: 'refused', agentId: 'agente-pedro-mora' })
      .expect(200);
    expect(temporal.signals('agentContact')[0]!.args).toMatchObject({
      outcome: 'refused',
      agentId: 'agente-pedro-mora',
    });
    const { app: other } = makeApp(db.db);
    const doc = (await request(other).get('/openapi.json')).body;
    const body = doc.paths['/v1/agent-tasks/{id}/complete'].post.requestBody.content['application/json'].schema;
    expect(body.properties.outcome.enum).toEqual([...AGENT_CONTACT_OUTCOMES]);
  });

  it('records the completion when Temporal is down (503), and a retry delivers it', async () => {
    const { app, temporal, taskId } = await accountWithTask();
    temporal.failWith = new ServiceError('Temporal unavailable', {
      cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }),
    });
    const completion = { outcome: 'wrong_number', agentId: 'agente-lucia-perez' };
    const down = await request(app)
      .post(`/v1/agent-tasks/${taskId}/complete`)
      .set('Authorization', agt)
      .send(completion);
    expect(expectProblem(down, 503).detail).toMatch(/^Temporal is unavailable/);
    expect(await getAgentTask(db.db, taskId)).toMatchObject({ status: 'done', outcome: 'wrong_number' });
    temporal.failWith = undefined;
    const retry = await request(app)
      .post(`/v1/agent-tasks/${taskId}/complete`)
      .set('Authorization', agt)
      .send(completion);
    expect(retry.body.delivered).toBe(true);
    expect(temporal.signals('agentContact').map((s) => s.args)).toEqual([
      expect.objectContaining({ outcome: 'wrong_number', taskId }),
    ]);
  });

  it('records the completion of a task whose account’s workflow is gone, answering delivered false', async () => {
    const { app, temporal, account, taskId } = await accountWithTask();
    temporal.states.delete(`dunning-${account.id}`);
    const res = await request(app)
      .post(`/v1/agent-tasks/${taskId}/complete`)
      .set('Authorization', agt)
      .send({ outcome: 'no_answer', agentId: 'agente-lucia-perez' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', outcome: 'no_answer', delivered: false });
  });

  it.each([
    ['a calledAt that is not an instant', { calledAt: 'ayer a las 9' }, 'calledAt'],
    ['a note longer than the workflow keeps (500)', { note: 'x'.repeat(501) }, 'note'],
  ])('refuses %s naming the field, before the database and Temporal', async (_what, change, field) => {
    const { app, temporal, taskId } = await accountWithTask();
    temporal.calls.length = 0;
    const res = await request(app)
      .post(`/v1/agent-tasks/${taskId}/complete`)
      .set('Authorization', agt)
      .send({ outcome: 'contacted', ...change });
    expect(expectProblem(res, 400).errors.map((e) => e.field)).toEqual([field]);
    expect(temporal.calls).toEqual([]);
    expect(await getAgentTask(db.db, taskId)).toMatchObject({ status: 'open' });
  });
});

describe('an agent task shows when the debtor may be called', () => {
  it('lists and shows the call window in UTC and in the debtor’s local time', async () => {
    const { app, taskId } = await accountWithTask(MONDAY_IN_BOGOTA);
    const call = {
      allowed: true,
      opensAt: '2026-11-23T12:00:00.000Z',
      opensAtLocal: '2026-11-23T07:00:00-05:00',
      closesAt: '2026-11-24T00:00:00.000Z',
      closesAtLocal: '2026-11-23T19:00:00-05:00',
      zone: 'America/Bogota',
    };
    const detail = await request(app).get(`/v1/agent-tasks/${taskId}`).set('Authorization', agt);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: taskId, call });
    let listed: { id: string; call: unknown } | undefined;
    for (let cursor: string | null = null, page = 0; !listed && page < 50; page++) {
      const res: request.Response = await request(app)
        .get(`/v1/agent-tasks?status=open&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', agt);
      listed = (res.body.items as { id: string; call: unknown }[]).find((t) => t.id === taskId);
      cursor = res.body.nextCursor as string | null;
      if (!cursor) break;
    }
    expect(listed?.call).toEqual(call);
  });

  it('says why no call may be made, and null for a task recorded before call windows were kept', async () => {
    const ceased = await accountWithTask({ allowed: false, reason: 'cease_communication' });
    const res = await request(ceased.app).get(`/v1/agent-tasks/${ceased.taskId}`).set('Authorization', agt);
    expect(res.body.call).toEqual({ allowed: false, reason: 'cease_communication' });
    const older = await accountWithTask();
    expect((await request(older.app).get(`/v1/agent-tasks/${older.taskId}`).set('Authorization', agt)).body.call).toBe(
      null
    );
  });

  it('answers 404 for an unknown task', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app)
      .get('/v1/agent-tasks/00000000-0000-4000-8000-000000000000')
      .set('Authorization', agt);
    expect(expectProblem(res, 404).errors[0]!.field).toBe('id');
  });

  it('documents the call window in the task’s response schema', async () => {
    const { app } = makeApp(db.db);
    const doc = (await request(app).get('/openapi.json')).body;
    const schema = doc.paths['/v1/agent-tasks/{id}'].get.responses['200'].content['application/json'].schema;
    expect(schema.required).toContain('call');
    expect(JSON.stringify(schema.properties.call)).toMatch(/"opensAtLocal".*"reason"/);
  });
});
