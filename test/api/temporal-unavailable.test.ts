/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createApp } from '../../api/app';
import { bearer, cuenta, expectProblem, inboxOf, KEYS, memoryLogger, NOW, openTestDb, testConfig } from './helpers';
import { deadPort } from '../../loopback/free-ports';

let db: Awaited<ReturnType<typeof openTestDb>>;
let connection: Connection;
let unreachable: Client;

beforeAll(async () => {
  db = await openTestDb();
  // The production shape: a lazy connection with the SDK's default retry interceptor (about 20 s of backoff).
  connection = Connection.lazy({ address: `127.0.0.1:${await deadPort()}` });
  unreachable = new Client({ connection });
});
afterAll(async () => {
  // The connection is left open on purpose: the retry interceptor's backoff timers (up to ~20 s) outlive these
  // requests, and one firing after close() throws "Channel has been shut down" out of a timer, an unhandled error
  // that fails the whole run. Open, its last retries fail quietly against the dead port.
  await db?.close();
});

const svc = bearer(KEYS.service);
/** Far above the API's 1.5 s budget and far below the SDK's ~20 s of retries: not a timing benchmark. */
const WELL_BEFORE_THE_SDK_GIVES_UP_MS = 5_000;

const appOnUnreachableTemporal = () =>
  createApp({
    temporal: unreachable,
    db: db.db,
    config: testConfig(),
    logger: memoryLogger().logger,
    registry: new Registry(),
    now: () => NOW,
  }).app;

async function timed<T>(call: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const start = performance.now();
  const res = await call();
  return { res, ms: performance.now() - start };
}

describe('the API fails fast when Temporal is down', () => {
  it('answers a placement 503 naming Temporal as unavailable, without waiting out the SDK’s retries', async () => {
    const app = appOnUnreachableTemporal();
    const { res, ms } = await timed(() => request(app).post('/v1/accounts').set('Authorization', svc).send(cuenta()));
    const problem = expectProblem(res, 503);
    expect(problem.type).toBe('https://cobranza.dev/problems/service-unavailable');
    expect(problem.detail).toMatch(/^Temporal is unavailable/);
    expect(res.body.service).toBe('temporal');
    expect(res.headers['retry-after']).toBe('5');
    expect(ms).toBeLessThan(WELL_BEFORE_THE_SDK_GIVES_UP_MS);
  });

  it('answers the status query and a signal 503 the same way', async () => {
    const app = appOnUnreachableTemporal();
    const status = await timed(() => request(app).get('/v1/accounts/cta-cualquiera').set('Authorization', svc));
    expect(expectProblem(status.res, 503).detail).toMatch(/^Temporal is unavailable/);
    expect(status.ms).toBeLessThan(WELL_BEFORE_THE_SDK_GIVES_UP_MS);
    const dispute = await timed(() =>
      request(app)
        .post('/v1/accounts/cta-cualquiera/disputes')
        .set('Authorization', svc)
        .send({ reason: 'no reconozco la deuda' })
    );
    expect(expectProblem(dispute.res, 503).detail).toMatch(/^Temporal is unavailable/);
    expect(dispute.ms).toBeLessThan(WELL_BEFORE_THE_SDK_GIVES_UP_MS);
  });

  it('records a payment for a known account before answering 503, so a retry never loses the money', async () => {
    const app = appOnUnreachableTemporal();
    const account = cuenta();
    expectProblem(await request(app).post('/v1/accounts').set('Authorization', svc).send(account), 503);
    const paid = await timed(() =>
      request(app)
        .post(`/v1/accounts/${account.id}/payments`)
        .set('Authorization', svc)
        .send({ paymentId: 'pse-caido-01', amountMinor: 20_000_00 })
    );
    expectProblem(paid.res, 503);
    expect(paid.ms).toBeLessThan(WELL_BEFORE_THE_SDK_GIVES_UP_MS);
    const payments = (await inboxOf(db.db, account.id)).filter((e) => e.kind === 'payment');
    expect(payments).toEqual([expect.objectContaining({ key: 'pse-caido-01', delivery: null })]);
  });

  it('answers a placement that fails validation 422, never reaching Temporal: validation comes first', async () => {
    const app = appOnUnreachableTemporal();
    const res = await request(app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .send({ ...cuenta(), balance: { amountMinor: 0, currency: 'COP' } });
    expect(expectProblem(res, 422).errors.map((e) => e.field)).toEqual(['balance.amountMinor']);
  });
});
