import { Client, Connection } from '@temporalio/client';
import { Registry } from 'prom-client';
import request from 'supertest';
import twilio from 'twilio';
import { expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createDbStore } from '../../api/db-store';
import { redeliverInbox } from '../../api/inbox-redelivery';
import { defaultLadder } from '../../workflows/engine/ladder';
import { describeWithTemporal } from '../helpers/temporal-servers';
import { bogotaDueInFiveDays, eventually, statusOf, svc, useApiOnTemporal } from './api-on-temporal';
import { inboxOf, memoryLogger, PUBLIC_BASE_URL, testConfig, TWILIO_TOKEN } from './helpers';

/**
 * What the API received but Temporal did not take reaches the account's workflow all the same: the API process
 * stopped between its inbox write and the workflow's start (simulated by writing the inbox alone), or Temporal was
 * unreachable when the request came.
 */
describeWithTemporal('the inbox hands every received event to its workflow', (servers) => {
  const bed = useApiOnTemporal(servers);
  const store = () => createDbStore(bed.database.db);

  /** The API's own dependencies, over `temporal` (the dev server's client unless given). */
  const apiDeps = (temporal = bed.env.client) =>
    createApp({
      temporal,
      db: bed.database.db,
      config: testConfig(),
      logger: memoryLogger().logger,
      registry: new Registry(),
    }).deps;

  /** Placed, but the API stopped before the start: the placement is in the inbox and no workflow exists. */
  const placementStoppedBeforeStart = async () => {
    const account = bogotaDueInFiveDays();
    await store().receivePlacement({ account, ladder: defaultLadder });
    return account;
  };

  const redeliver = (deps = apiDeps()) => redeliverInbox(deps, { minAgeMs: 0, limit: 500 });

  it('a placement whose start never happened is started by the sweep, with the payment and STOP received since', async () => {
    const account = await placementStoppedBeforeStart();
    await store().receivePayment(account.id, {
      paymentId: 'pse-inbox-1',
      amountMinor: 50_000_00,
      paidAt: new Date().toISOString(),
      currency: 'COP',
    });
    await store().receiveOptOut(account.id, {
      channel: 'sms',
      address: account.debtor.phone!,
      source: 'keyword',
      keyword: 'STOP',
      receivedAt: new Date().toISOString(),
    });

    const round = await redeliver();

    expect(round).toMatchObject({ failed: 0 });
    const status = await statusOf(bed, account.id);
    expect(status.balance.amountMinor).toBe(100_000_00);
    expect(status.channels.sms).toBe('opted_out');
    expect((await inboxOf(bed.database.db, account.id)).map((e) => [e.kind, e.delivery])).toEqual([
      ['placement', 'started'],
      ['payment', 'started'],
      ['opt_out', 'started'],
    ]);
  });

  it('a STOP from the debtor’s phone reaches a placement whose workflow has not started, and starts it opted out', async () => {
    const account = await placementStoppedBeforeStart();
    const path = '/webhooks/twilio/inbound';
    const params = { MessageSid: `SM${Date.now()}0000000000000000000`, From: account.debtor.phone!, Body: 'STOP' };
    const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, PUBLIC_BASE_URL + path, params);

    await request(bed.app).post(path).type('form').set('X-Twilio-Signature', signature).send(params).expect(200);

    const status = await statusOf(bed, account.id);
    expect(status.channels.sms).toBe('opted_out');
    expect((await inboxOf(bed.database.db, account.id)).find((e) => e.kind === 'opt_out')?.delivery).toBe('signalled');
  });

  it('a payment Temporal did not take (503) is left in the inbox, then delivered by the sweep once it answers', async () => {
    const account = bogotaDueInFiveDays();
    await request(bed.app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    await statusOf(bed, account.id);
    // Nothing listens on port 1: every call to this client fails as an unreachable Temporal does.
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const down = createApp({
      temporal: unreachable,
      db: bed.database.db,
      config: testConfig({ temporalCallTimeoutMs: 500 }),
      logger: memoryLogger().logger,
      registry: new Registry(),
    });

    const refused = await request(down.app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send({ paymentId: 'pse-inbox-2', amountMinor: 150_000_00 });
    expect(refused.status).toBe(503);
    const whileDown = await redeliver(down.deps);
    expect(whileDown.failed).toBeGreaterThan(0);
    expect((await inboxOf(bed.database.db, account.id)).find((e) => e.kind === 'payment')?.delivery).toBeNull();

    await redeliver();

    await eventually(async () => expect((await statusOf(bed, account.id)).status).toBe('paid'));
    expect((await inboxOf(bed.database.db, account.id)).find((e) => e.kind === 'payment')?.delivery).toBe('signalled');
  });
});
