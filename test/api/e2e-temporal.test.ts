/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { bearer, cuenta, KEYS, memoryLogger, openTestDb, testConfig } from './helpers';

const address = process.env.TEMPORAL_ADDRESS;
const title = address
  ? `e2e through a real Temporal client at ${address}`
  : 'e2e through a real Temporal client (skipped: TEMPORAL_ADDRESS is not set; no Temporal server on this machine)';

describe.skipIf(!address)(title, () => {
  let connection: Connection;
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let app: ReturnType<typeof createApp>['app'];
  beforeAll(async () => {
    db = await openTestDb();
    connection = await Connection.connect({ address: address! });
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    app = createApp({ temporal: client, db: db.db, config: testConfig(), logger: memoryLogger().logger }).app;
  });
  afterAll(async () => {
    await connection?.close();
    await db?.close();
  });

  it('places an account once (201 then 200), records a payment and cancels it', async () => {
    const account = cuenta();
    const svc = bearer(KEYS.service);
    expect((await request(app).post('/v1/accounts').set('Authorization', svc).send(account)).status).toBe(201);
    expect((await request(app).post('/v1/accounts').set('Authorization', svc).send(account)).status).toBe(200);
    const pay = await request(app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send({ paymentId: 'e2e-1', amountMinor: 100 });
    expect(pay.body.delivered).toBe(true);
    await request(app)
      .post(`/v1/accounts/${account.id}/cancel`)
      .set('Authorization', svc)
      .send({ reason: 'placed_in_error' })
      .expect(202);
    expect((await request(app).post('/v1/accounts/nunca-colocada/cancel').set('Authorization', svc)).status).toBe(404);
  });
});
