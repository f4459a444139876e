/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import { connect, createServer, type Server } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApp } from '../../api/app';
import type { TemporalClient } from '../../api/deps';
import { createDbStore } from '../../api/db-store';
import type { ApiStore } from '../../api/store';
import type { Account } from '../../workflows/engine/account';
import { defaultLadder, type Ladder } from '../../workflows/engine/ladder';
import { statusQuery, type DunningStatus } from '../../workflows/messages';
import { DUNNING_OUTCOME, LADDER_VERSION } from '../../workflows/search-attributes';
import { workflowIdFor, type DunningWorkflowResult } from '../../workflows/workflow-input';
import { addDays, localParts } from '../../workflows/engine/zoned-time';
import { startCobranzaWorkers, type RunningWorkers } from '../helpers/cobranza-worker';
import { describeWithTemporal, startDevServer } from '../helpers/temporal-servers';
import { bearer, conta, cuenta, expectProblem, inboxOf, KEYS, memoryLogger, openTestDb, testConfig } from './helpers';
import { deadPort } from '../../loopback/free-ports';

const svc = bearer(KEYS.service);

/** Forwards TCP connections on 127.0.0.1:`port` to `target` (host:port): Temporal "coming back" at the same address. */
async function forward(port: number, target: string): Promise<Server> {
  const at = target.lastIndexOf(':');
  const host = target.slice(0, at);
  const targetPort = Number(target.slice(at + 1));
  const server = createServer((socket) => {
    const upstream = connect(targetPort, host);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/**
 * The HTTP API over a real Temporal dev server: the production workers on the real activities and an embedded
 * database, the API's client is the environment's own. Placement, payments and signals are checked against what
 * Temporal actually holds (runs, statuses, search attributes) and what the database recorded.
 */
describeWithTemporal('the HTTP API on a Temporal dev server', (servers) => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof openTestDb>>;
  let workers: RunningWorkers;
  let app: ReturnType<typeof createApp>['app'];

  const appWith = (deps: { temporal?: TemporalClient; store?: ApiStore } = {}) =>
    createApp({
      temporal: deps.temporal ?? env.client,
      db: database.db,
      ...(deps.store && { store: deps.store }),
      config: testConfig(),
      logger: memoryLogger().logger,
    }).app;

  beforeAll(async () => {
    env = await startDevServer(servers);
    database = await openTestDb();
    workers = await startCobranzaWorkers({ env, db: database.db });
    app = appWith();
  });

  afterAll(async () => {
    await workers?.stop();
    await env?.teardown();
    await database?.close();
  });

  const eventually = <T>(probe: () => Promise<T>, timeout = 30_000) => vi.waitFor(probe, { timeout, interval: 250 });
  const handleOf = (accountId: string) => env.client.workflow.getHandle(workflowIdFor(accountId));
  /** The workflow's status query; polled, since a query waits for the workflow's first task. */
  const statusOf = (accountId: string) => eventually(() => handleOf(accountId).query(statusQuery));
  const dueInFiveDays = (zone: string) => addDays(localParts(zone, Date.now()).date, 5);
  const bogota = (): Account => cuenta({ dueDate: dueInFiveDays('America/Bogota') });
  const saoPaulo = (): Account => conta({ dueDate: dueInFiveDays('America/Sao_Paulo') });

  const place = (body: object) => request(app).post('/v1/accounts').set('Authorization', svc).send(body);
  const pay = (accountId: string, payment: object, via = app) =>
    request(via).post(`/v1/accounts/${accountId}/payments`).set('Authorization', svc).send(payment);
  const paymentRows = (accountId: string) =>
    database.db
      .selectFrom('payments')
      .select(['external_payment_id', 'amount_minor'])
      .where('account_id', '=', accountId)
      .orderBy('recorded_at')
      .execute();

  /** An account placed and paid in full through the API; resolves once its workflow has closed. */
  const paidAccount = async (): Promise<Account> => {
    const account = bogota();
    expect((await place(account)).status).toBe(201);
    const paid = await pay(account.id, { paymentId: `pse-${account.id}`, amountMinor: account.balance.amountMinor });
    expect(paid.status).toBe(202);
    const result = (await handleOf(account.id).result()) as DunningWorkflowResult;
    expect(result.status).toBe('paid');
    return account;
  };

  it('placing an account answers 201, placing it again answers 200 with the same workflow run', async () => {
    const account = bogota();
    const first = await place(account);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ accountId: account.id, workflowId: workflowIdFor(account.id), created: true });
    const run = await handleOf(account.id).describe();
    const second = await place(account);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ accountId: account.id, workflowId: workflowIdFor(account.id), created: false });
    const after = await handleOf(account.id).describe();
    expect(after.runId).toBe(run.runId);
    expect(after.status.name).toBe('RUNNING');
  });

  it('a payment recorded before the workflow starts is applied by it', async () => {
    const account = saoPaulo();
    const payment = { paymentId: 'pix-e2e-0001', amountMinor: 1_000_00, paidAt: new Date().toISOString() };
    // The real store, with the payment arriving in the placement's window: after the placement read the recorded
    // payments (none) and before it starts the workflow.
    const real = createDbStore(database.db);
    let paymentResponse: request.Response | undefined;
    let raced = false;
    const racing: ApiStore = {
      ...real,
      async listPayments(accountId) {
        const seen = await real.listPayments(accountId);
        // Once only: the payment route reads the recorded payments too.
        if (accountId === account.id && !raced) {
          raced = true;
          paymentResponse = await pay(account.id, payment, racingApp);
        }
        return seen;
      },
    };
    const racingApp = appWith({ store: racing });
    const placed = await request(racingApp).post('/v1/accounts').set('Authorization', svc).send(account);
    expect(paymentResponse?.status).toBe(202);
    expect(paymentResponse?.body).toMatchObject({ paymentId: payment.paymentId, duplicate: false, delivered: true });
    // The payment's signal-with-start started the workflow; the placement finds it running.
    expect(placed.status).toBe(200);
    expect(placed.body.created).toBe(false);
    const status: DunningStatus = await statusOf(account.id);
    expect(status.paidMinor).toBe(1_000_00);
    expect(status.balance.amountMinor).toBe(account.balance.amountMinor - 1_000_00);
  });

  it('a placement whose workflow never started is started by the next payment, with its custom ladder', async () => {
    const account = bogota();
    const ladder: Ladder = {
      ...defaultLadder,
      id: 'co-cartera-temprana',
      version: 4,
      steps: defaultLadder.steps.slice(1),
    };
    // Temporal unreachable during placement: the account row (and its ladder) is written, the start fails.
    const unreachable = new Client({
      connection: Connection.lazy({ address: `127.0.0.1:${await deadPort()}`, interceptors: [] }),
    });
    const crashed = await request(appWith({ temporal: unreachable }))
      .post('/v1/accounts')
      .set('Authorization', svc)
      .send({ ...account, ladder });
    expectProblem(crashed, 503);
    await expect(handleOf(account.id).describe()).rejects.toThrow(/not found/i);

    const paid = await pay(account.id, { paymentId: 'nequi-e2e-0002', amountMinor: 20_000_00 });
    expect(paid.status).toBe(202);
    expect(paid.body.delivered).toBe(true);
    const status = await statusOf(account.id);
    expect(status.ladder).toEqual({ id: 'co-cartera-temprana', version: 4 });
    expect(status.paidMinor).toBe(20_000_00);
    const description = await handleOf(account.id).describe();
    expect(description.typedSearchAttributes.get(LADDER_VERSION)).toBe('co-cartera-temprana@4');
  });

  it('a payment to a closed account is recorded and answered 409 account-closed naming its status', async () => {
    const account = await paidAccount();
    const late = await pay(account.id, { paymentId: 'pse-late-0003', amountMinor: 5_000_00 });
    const problem = expectProblem(late, 409);
    expect(problem.type).toBe('https://cobranza.dev/problems/account-closed');
    expect(late.body).toMatchObject({ accountStatus: 'paid', paymentId: 'pse-late-0003', paymentRecorded: true });
    // On file in the inbox, with why the workflow never got it; the account's payments are the workflow's alone.
    expect(await inboxOf(database.db, account.id)).toContainEqual(
      expect.objectContaining({ kind: 'payment', key: 'pse-late-0003', delivery: 'closed:paid' })
    );
    expect(await paymentRows(account.id)).toEqual([
      { external_payment_id: `pse-${account.id}`, amount_minor: account.balance.amountMinor },
    ]);
    // Signal-with-start did not resurrect it.
    expect((await handleOf(account.id).describe()).status.name).toBe('COMPLETED');
  });

  it.each([
    ['a dispute', 'disputes', { disputeId: 'disp-0004', reason: 'no reconozco la deuda' }],
    ['a cancellation', 'cancel', { reason: 'placed_in_error' }],
    ['an opt-out', 'opt-outs', { channel: 'all', source: 'letter', actor: 'backoffice-laura-rincon' }],
  ])('%s sent to a closed account answers 409 account-closed naming its status', async (_what, path, body) => {
    const account = await paidAccount();
    const res = await request(app).post(`/v1/accounts/${account.id}/${path}`).set('Authorization', svc).send(body);
    const problem = expectProblem(res, 409);
    expect(problem.type).toBe('https://cobranza.dev/problems/account-closed');
    expect(problem.detail).toContain('(paid)');
    expect(res.body.accountStatus).toBe('paid');
  });

  it('placing a closed account again answers 409 account-closed naming the status it closed with', async () => {
    const account = bogota();
    expect((await place(account)).status).toBe(201);
    await request(app)
      .post(`/v1/accounts/${account.id}/cancel`)
      .set('Authorization', svc)
      .send({ reason: 'placed_in_error' })
      .expect(202);
    const closed = (await handleOf(account.id).result()) as DunningWorkflowResult;
    expect(closed.status).toBe('cancelled');
    const closedRun = await handleOf(account.id).describe();

    const again = await place(account);
    const problem = expectProblem(again, 409);
    expect(problem.type).toBe('https://cobranza.dev/problems/account-closed');
    expect(again.body.accountStatus).toBe('cancelled');
    expect(problem.errors).toEqual([{ field: 'id', message: 'the account is closed (cancelled)' }]);
    const after = await handleOf(account.id).describe();
    expect(after.runId).toBe(closedRun.runId);
    expect(after.typedSearchAttributes.get(DUNNING_OUTCOME)).toBe('cancelled');
  });
  it('a cease request received by letter stops the running workflow: status ceased, the letter on record', async () => {
    const account = bogota();
    expect((await place(account)).status).toBe(201);
    const res = await request(app)
      .post(`/v1/accounts/${account.id}/opt-outs`)
      .set('Authorization', svc)
      .send({ channel: 'all', source: 'letter', actor: 'backoffice-laura-rincon', note: 'carta certificada' });
    expect(res.status).toBe(202);
    expect(res.body.delivered).toBe(true);
    const status = await eventually(async () => {
      const s = await handleOf(account.id).query(statusQuery);
      expect(s.status).toBe('ceased');
      return s;
    });
    expect(status.recentDecisions).toContainEqual(
      expect.objectContaining({ reason: 'cease_communication', detail: 'all via letter' })
    );
  });

  it('an account placed on a catalog ladder keeps its version after the next is published; new accounts run the next', async () => {
    const admin = bearer(KEYS.admin);
    const ladderId = `cartera-temprana-${process.pid}-${Date.now().toString(36)}`;
    const { id: _id, version: _v, ...definition } = defaultLadder;
    const publish = async (def: typeof definition) => {
      await request(app).post(`/v1/ladders/${ladderId}/draft`).set('Authorization', admin).send({ definition: def });
      return request(app).post(`/v1/ladders/${ladderId}/draft/publish`).set('Authorization', admin).send();
    };
    expect((await publish(definition)).body.version).toBe(1);
    const first = bogota();
    expect((await place({ ...first, ladderRef: { id: ladderId } })).body.ladder).toEqual({ id: ladderId, version: 1 });
    await statusOf(first.id);

    const later = definition.steps.map((st) =>
      st.id === 'day-1-sms' ? { ...st, trigger: { ...st.trigger, offsetDays: 3 } } : st
    );
    expect((await publish({ ...definition, steps: later })).body.version).toBe(2);
    const second = bogota();
    expect((await place({ ...second, ladderRef: { id: ladderId } })).body.ladder).toEqual({ id: ladderId, version: 2 });

    expect((await statusOf(first.id)).ladder).toEqual({ id: ladderId, version: 1 });
    expect((await statusOf(second.id)).ladder).toEqual({ id: ladderId, version: 2 });
    const described = await handleOf(first.id).describe();
    expect(described.typedSearchAttributes.get(LADDER_VERSION)).toBe(`${ladderId}@1`);
  });

  it('a portfolio hold pauses, in one call, every running account of a segment; its release resumes them', async () => {
    const admin = bearer(KEYS.admin);
    const suffix = `${process.pid}-${Date.now().toString(36)}`;
    const [ladderId, segmentId, holdId] = [`inundaciones-${suffix}`, `zona-inundada-${suffix}`, `moratoria-${suffix}`];
    const { id: _id, version: _v, ...definition } = defaultLadder;
    await request(app).post(`/v1/ladders/${ladderId}/draft`).set('Authorization', admin).send({ definition });
    await request(app).post(`/v1/ladders/${ladderId}/draft/publish`).set('Authorization', admin).send();
    // Only accounts the backend tags as in the flooded area: no other spec's account lands in this segment.
    const segment = { name: 'La Mojana', priority: 0, criteria: { anyTag: ['la-mojana'] } };
    const arms = [{ ladderId, version: 1, weight: 100 }];
    await request(app)
      .post(`/v1/segments/${segmentId}`)
      .set('Authorization', admin)
      .send({ ...segment, arms })
      .expect(201);
    try {
      const [ana, beto, joao] = [bogota(), bogota(), bogota()];
      for (const a of [ana, beto]) {
        const res = await place({ ...a, segmentation: { tags: ['la-mojana'] } });
        expect(res.body.assignment).toMatchObject({ by: 'segment', segmentId });
      }
      expect((await place(joao)).status).toBe(201);
      // Batch operations select by visibility, which lags the start a little: wait until the server lists them.
      const inSegment = `Segment = '${segmentId}' AND ExecutionStatus = 'Running'`;
      await eventually(async () => expect((await env.client.workflow.count(inSegment)).count).toBe(2));

      const placed = await request(app)
        .post(`/v1/holds/${holdId}`)
        .set('Authorization', admin)
        .send({ reason: 'moratoria por inundaciones en La Mojana', filter: { segments: [segmentId] } });
      expect(placed.status).toBe(202);
      for (const id of [ana.id, beto.id]) {
        const status = await eventually(async () => {
          const s = await handleOf(id).query(statusQuery);
          expect(s.holds).toEqual([
            { holdId, reason: 'moratoria por inundaciones en La Mojana', at: expect.any(String) as string },
          ]);
          return s;
        });
        expect(status.waitReason).toMatchObject({
          code: 'held',
          detail: `${holdId}: moratoria por inundaciones en La Mojana`,
        });
      }
      expect((await handleOf(joao.id).query(statusQuery)).holds).toEqual([]);
      const progress = await eventually(async () => {
        const res = await request(app).get(`/v1/holds/${holdId}`).set('Authorization', admin);
        expect(res.body.hold).toMatchObject({ state: 'COMPLETED', total: 2, done: 2, failed: 0 });
        return res.body as { query: string; release: unknown };
      });
      expect(progress.release).toBeNull();

      const released = await request(app).post(`/v1/holds/${holdId}/release`).set('Authorization', admin).send();
      expect(released.status).toBe(202);
      for (const id of [ana.id, beto.id])
        await eventually(async () => {
          const s = await handleOf(id).query(statusQuery);
          expect(s.holds).toEqual([]);
          expect(s.waitReason?.code).not.toBe('held');
        });
    } finally {
      await request(app).post(`/v1/segments/${segmentId}/archive`).set('Authorization', admin).send();
    }
  });

  /**
   * A ladder whose one step is an agent task on the due date. The account fell due yesterday, so the task is
   * created at once at any hour: a step's hour carries the account's spread of up to an hour, so a task due today
   * at 00:00 would wait until as late as 01:00.
   */
  const callNow: Ladder = {
    ...defaultLadder,
    id: 'llamada-inmediata',
    version: 1,
    steps: [
      {
        id: 'agent-task',
        name: 'agent task',
        kind: 'agent_task',
        trigger: { from: 'dueDate', offsetDays: 0 },
        localTime: '00:00',
        channels: [],
        template: 'agent_call_unpaid',
      },
    ],
  };
  /** An account placed with that ladder, and the id of the task its workflow created (read from the database). */
  const accountWithAgentTask = async () => {
    const account = cuenta({ dueDate: addDays(localParts('America/Bogota', Date.now()).date, -1) });
    expect((await place({ ...account, ladder: callNow })).status).toBe(201);
    const taskId = await eventually(async () => {
      const row = await database.db
        .selectFrom('agent_tasks')
        .select('id')
        .where('account_id', '=', account.id)
        .executeTakeFirst();
      expect(row).toBeDefined();
      return row!.id;
    });
    return { account, taskId };
  };
  const complete = (taskId: string, body: object) =>
    request(app).post(`/v1/agent-tasks/${taskId}/complete`).set('Authorization', bearer(KEYS.agent)).send(body);

  it('a task the workflow created shows when the debtor may be called, in the debtor’s zone', async () => {
    const { taskId } = await accountWithAgentTask();
    const res = await request(app).get(`/v1/agent-tasks/${taskId}`).set('Authorization', bearer(KEYS.agent));
    expect(res.status).toBe(200);
    expect(res.body.call).toMatchObject({ allowed: true, zone: 'America/Bogota' });
    const call = res.body.call as { opensAt: string; closesAt: string };
    expect(Date.parse(call.closesAt)).toBeGreaterThan(Date.parse(call.opensAt));
  });

  it('a task completed with wrong_number retires the phone: the status shows sms and call failed', async () => {
    const { account, taskId } = await accountWithAgentTask();
    const res = await complete(taskId, { outcome: 'wrong_number', agentId: 'agente-lucia-perez' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', outcome: 'wrong_number', delivered: true });
    const status = await eventually(async () => {
      const s = await handleOf(account.id).query(statusQuery);
      expect(s.channels).toMatchObject({ sms: 'failed', call: 'failed' });
      return s;
    });
    expect(status.contacts).toContainEqual(expect.objectContaining({ step: 'agent-task', channel: 'call' }));
  });

  it('a task completed with disputed opens a dispute on the account', async () => {
    const { account, taskId } = await accountWithAgentTask();
    const res = await complete(taskId, { outcome: 'disputed', agentId: 'agente-pedro-mora', note: 'dice que ya pagó' });
    expect(res.body.delivered).toBe(true);
    const status = await eventually(async () => {
      const s = await handleOf(account.id).query(statusQuery);
      expect(s.dispute.open).toBe(true);
      return s;
    });
    expect(status.recentDecisions).toContainEqual(
      expect.objectContaining({ reason: 'dispute_opened', detail: 'on a call with agente-pedro-mora' })
    );
  });

  it('/readyz reports Temporal down while it is unreachable, and up again once it answers at the same address', async () => {
    const port = await deadPort();
    // No retry interceptor: its backoff timers outlive the probe's deadline, and one firing after close() below
    // throws "Channel has been shut down" out of a timer (an unhandled error that fails the run). /readyz is polled.
    const connection = Connection.lazy({ address: `127.0.0.1:${port}`, connectTimeout: 1_000, interceptors: [] });
    const probed = appWith({ temporal: new Client({ connection }) });
    let proxy: Server | undefined;
    try {
      const down = await request(probed).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body.checks.temporal).toBe('down');
      // The SDK's first connect has failed, and Connection.ensureConnected keeps that failure for good.
      await expect(connection.ensureConnected()).rejects.toThrow();
      proxy = await forward(port, env.address);
      await eventually(async () => {
        const up = await request(probed).get('/readyz');
        expect(up.body.checks.temporal).toBe('up');
      });
    } finally {
      proxy?.close();
      await connection.close();
    }
  });
});
