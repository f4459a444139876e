/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactAttemptStore } from '../../db/repositories/contact-attempts';
import { bearer, conta, expectProblem, KEYS, makeApp, NOW, openTestDb, receivedOptOuts, testConfig } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
let privateKey: KeyObject;
let publicKeyBase64: string;
beforeAll(async () => {
  db = await openTestDb();
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  privateKey = pair.privateKey;
  // What SendGrid shows under Mail Settings: a bare base64 SPKI key.
  publicKeyBase64 = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
});
afterAll(async () => db.close());

const app = () => makeApp(db.db, { config: testConfig({ sendgridPublicKey: publicKeyBase64 }) });

/** Signs like SendGrid: ECDSA P-256 over timestamp + exact body bytes (trailing CRLF included). */
function signed(events: unknown, ts = String(Math.floor(NOW / 1000))) {
  const body = Buffer.from(JSON.stringify(events) + '\r\n');
  const signature = sign('sha256', Buffer.concat([Buffer.from(ts), body]), privateKey).toString('base64');
  return { body, signature, ts };
}

function post(built: ReturnType<typeof app>, s: { body: Buffer; signature: string; ts: string }) {
  return request(built.app)
    .post('/webhooks/sendgrid/events')
    .set('Content-Type', 'application/json')
    .set('X-Twilio-Email-Event-Webhook-Signature', s.signature)
    .set('X-Twilio-Email-Event-Webhook-Timestamp', s.ts)
    .send(s.body.toString('utf8')); // a string goes out byte for byte (superagent would JSON-encode a Buffer)
}

async function placedWithEmail(built: ReturnType<typeof app>) {
  const account = conta();
  account.debtor.email = `joao.${account.id}@exemplo.com.br`;
  await request(built.app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(201);
  const xMessageId = `xmsg${Math.random().toString(36).slice(2, 12)}`;
  const store = createContactAttemptStore(db.db);
  const c = await store.claim(
    {
      workflowId: `dunning-${account.id}`,
      accountId: account.id,
      stepKey: 'week-1-email',
      channel: 'email',
      to: account.debtor.email,
      template: 'week_1_notice',
    },
    { durationMs: 45_000 }
  );
  await store.markSent(c.attemptId, { providerMessageId: xMessageId, transport: 'sendgrid', status: 'queued' });
  const event = (event: string, extra: Record<string, unknown> = {}) => ({
    email: account.debtor.email,
    timestamp: Math.floor(NOW / 1000),
    event,
    sg_event_id: `ev-${event}-${Math.random().toString(36).slice(2)}`,
    sg_message_id: `${xMessageId}.filterdrecv-5645d9c87f-abcde-1-5F3A`,
    workflowId: `dunning-${account.id}`,
    stepKey: 'week-1-email',
    accountId: account.id,
    ...extra,
  });
  return { account, attemptId: c.attemptId, event, xMessageId };
}

describe('SendGrid Event Webhook', () => {
  it('verifies the ECDSA signature over the raw body and maps delivered, bounce, dropped, deferred, blocked', async () => {
    const built = app();
    const { event, attemptId, xMessageId } = await placedWithEmail(built);
    const events = [
      event('delivered'),
      event('bounce', { type: 'bounce' }),
      event('dropped', { reason: 'Bounced Address' }),
      event('deferred'),
      event('bounce', { type: 'blocked' }),
      event('open'),
    ];
    const res = await post(built, signed(events));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 6, applied: 5, ignored: 1 });
    const sent = built.temporal.signals('deliveryStatus').map((s) => s.args as Record<string, unknown>);
    expect(sent.map((a) => [a.status, a.permanent])).toEqual([
      ['delivered', false],
      ['failed', true],
      ['failed', true],
      ['failed', false],
      ['failed', false],
    ]);
    expect(sent[0]).toMatchObject({ channel: 'email', providerMessageId: xMessageId, stepId: 'week-1-email' });
    const row = await db.db
      .selectFrom('contact_attempts')
      .select('status')
      .where('id', '=', attemptId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('delivered');
  });

  it('turns unsubscribe / group_unsubscribe into an email opt-out (source link) and spamreport (source provider)', async () => {
    const built = app();
    const { account, event } = await placedWithEmail(built);
    await post(built, signed([event('unsubscribe'), event('group_unsubscribe'), event('spamreport')])).expect(200);
    const received = { receivedAt: expect.any(String) as unknown };
    expect(built.temporal.signals('optOut').map((s) => s.args)).toEqual([
      { channel: 'email', source: 'link', ...received },
      { channel: 'email', source: 'link', ...received },
      { channel: 'email', source: 'provider', ...received },
    ]);
    // On file as received, the same request (channel, source and time) once; the workflow keeps the channel's first.
    const optOuts = await receivedOptOuts(db.db, account.id);
    expect(optOuts.map((o) => o.source)).toEqual(['link', 'provider']);
  });

  it('changes nothing twice when a batch is redelivered (dedupe by sg_event_id)', async () => {
    const built = app();
    const { event } = await placedWithEmail(built);
    const batch = signed([event('delivered'), event('bounce', { type: 'bounce' })]);
    expect((await post(built, batch)).body.applied).toBe(2);
    const again = await post(built, batch);
    expect(again.body).toEqual({ received: 2, applied: 0, ignored: 2 });
    expect(built.temporal.signals('deliveryStatus')).toHaveLength(2);
  });

  it('answers 403 and changes nothing for a bad signature, a tampered body, or missing headers', async () => {
    const built = app();
    const { event } = await placedWithEmail(built);
    const good = signed([event('delivered')]);
    expectProblem(await post(built, { ...good, signature: signed([event('bounce')]).signature }), 403);
    expectProblem(
      await post(built, { ...good, body: Buffer.from(good.body.toString().replace('delivered', 'bounce')) }),
      403
    );
    expectProblem(await post(built, { ...good, ts: String(Number(good.ts) + 1) }), 403);
    expectProblem(await post(built, { ...good, signature: 'not base64 at all' }), 403);
    expectProblem(
      await request(built.app)
        .post('/webhooks/sendgrid/events')
        .set('Content-Type', 'application/json')
        .send(good.body.toString()),
      403
    );
    expect(built.temporal.signals()).toHaveLength(0);
  });

  it('refuses a stale timestamp when a replay window is configured', async () => {
    const built = makeApp(db.db, {
      config: testConfig({ sendgridPublicKey: publicKeyBase64, sendgridMaxAgeSeconds: 300 }),
    });
    const { event } = await placedWithEmail(built);
    expectProblem(await post(built, signed([event('delivered')], String(Math.floor(NOW / 1000) - 3600))), 403);
    await post(built, signed([event('delivered')])).expect(200);
  });

  it('answers 400 for a signed body that is not a JSON array of events, and 415 for a form body', async () => {
    const built = app();
    const ts = String(Math.floor(NOW / 1000));
    const body = Buffer.from('{"event": ');
    const signature = sign('sha256', Buffer.concat([Buffer.from(ts), body]), privateKey).toString('base64');
    expectProblem(await post(built, { body, signature, ts }), 400);
    expectProblem(await post(built, signed({ event: 'delivered' })), 400);
    expectProblem(await request(built.app).post('/webhooks/sendgrid/events').type('form').send({ a: 1 }), 415);
  });

  it('counts events whose workflow is gone as unknown_workflow, not as errors', async () => {
    const built = app();
    const { event } = await placedWithEmail(built);
    built.temporal.states.clear();
    const res = await post(built, signed([event('delivered')]));
    expect(res.status).toBe(200);
    const text = (await request(built.app).get('/metrics')).text;
    expect(text).toMatch(
      /cobranza_webhook_events_total\{provider="sendgrid",type="delivered",verdict="unknown_workflow"\} 1/
    );
  });
});
