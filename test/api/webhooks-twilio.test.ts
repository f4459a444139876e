import request from 'supertest';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactAttemptStore } from '../../db/repositories/contact-attempts';
import { upsertAccount } from '../../db/repositories/accounts';
import { optOutKeyword } from '../../api/opt-out-keywords';
import {
  bearer,
  cuenta,
  expectProblem,
  KEYS,
  makeApp,
  NOW,
  openTestDb,
  PUBLIC_BASE_URL,
  receivedOptOuts,
  TWILIO_TOKEN,
} from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

type App = ReturnType<typeof makeApp>['app'];

/** Posts a form the way Twilio does, signed over PUBLIC_BASE_URL + path and every parameter. */
function twilioPost(app: App, path: string, params: Record<string, string>, signature?: string) {
  const sig = signature ?? twilio.getExpectedTwilioSignature(TWILIO_TOKEN, PUBLIC_BASE_URL + path, params);
  return request(app).post(path).type('form').set('X-Twilio-Signature', sig).send(params);
}

async function placedWithSms(built: ReturnType<typeof makeApp>) {
  const account = cuenta();
  await request(built.app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(201);
  // The row the account's workflow writes first (the double runs no workflow): inbound keywords find accounts by it.
  await upsertAccount(db.db, { account, ladderId: 'default', ladderVersion: 1, workflowId: `dunning-${account.id}` });
  const sid = `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`;
  const store = createContactAttemptStore(db.db);
  const claimed = await store.claim(
    {
      workflowId: `dunning-${account.id}`,
      accountId: account.id,
      stepKey: 'day-1-sms',
      channel: 'sms',
      to: account.debtor.phone!,
      template: 'day_1_reminder',
    },
    { durationMs: 45_000 }
  );
  await store.markSent(claimed.attemptId, { providerMessageId: sid, transport: 'twilio', status: 'queued' });
  return { account, sid, attemptId: claimed.attemptId };
}

const statusPath = (accountId: string, step = 'day-1-sms') =>
  `/webhooks/twilio/status?wf=dunning-${encodeURIComponent(accountId)}&step=${step}&channel=sms`;

describe('Twilio status callback', () => {
  it('verifies the signature, records the delivery in the database and signals deliveryStatus', async () => {
    const built = makeApp(db.db);
    const { account, sid, attemptId } = await placedWithSms(built);
    const res = await twilioPost(built.app, statusPath(account.id), {
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: 'AC1',
    });
    expect(res.status).toBe(204);
    expect(built.temporal.signals('deliveryStatus')[0]).toMatchObject({
      workflowId: `dunning-${account.id}`,
      args: { channel: 'sms', providerMessageId: sid, stepId: 'day-1-sms', status: 'delivered', permanent: false },
    });
    const row = await db.db
      .selectFrom('contact_attempts')
      .select('status')
      .where('id', '=', attemptId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('delivered');
  });

  it.each([
    ['30003', true],
    ['30005', true],
    ['30006', true],
    ['21211', true],
    ['21610', true],
    // WhatsApp: outside the 24-hour window without an approved template; not a WhatsApp user.
    ['63016', true],
    ['63024', true],
    ['30007', false],
  ])('undelivered with ErrorCode %s → failed, permanent %s', async (code, permanent) => {
    const built = makeApp(db.db);
    const { account, sid } = await placedWithSms(built);
    await twilioPost(built.app, statusPath(account.id), {
      MessageSid: sid,
      MessageStatus: 'undelivered',
      ErrorCode: code,
    }).expect(204);
    expect(built.temporal.signals('deliveryStatus')[0]!.args).toMatchObject({
      status: 'failed',
      permanent,
      errorCode: code,
    });
  });

  it('changes nothing twice when the same callback is delivered twice', async () => {
    const built = makeApp(db.db);
    const { account, sid, attemptId } = await placedWithSms(built);
    const params = { MessageSid: sid, MessageStatus: 'failed', ErrorCode: '30003' };
    await twilioPost(built.app, statusPath(account.id), params).expect(204);
    // A fresh app (another replica, or a restart): the database remembers.
    const other = makeApp(db.db, { temporal: built.temporal });
    await twilioPost(other.app, statusPath(account.id), params).expect(204);
    await twilioPost(built.app, statusPath(account.id), params).expect(204);
    expect(built.temporal.signals('deliveryStatus')).toHaveLength(1);
    const events = await db.db
      .selectFrom('contact_attempt_events')
      .selectAll()
      .where('attempt_id', '=', attemptId)
      .execute();
    expect(events.filter((e) => e.status === 'failed')).toHaveLength(1);
  });

  it('answers 403 and changes nothing for a missing or wrong signature, or a tampered parameter', async () => {
    const built = makeApp(db.db);
    const { account, sid } = await placedWithSms(built);
    const path = statusPath(account.id);
    const params = { MessageSid: sid, MessageStatus: 'delivered' };
    const p = expectProblem(await request(built.app).post(path).type('form').send(params), 403);
    expect(p.errors[0]!.field).toBe('X-Twilio-Signature');
    expectProblem(await twilioPost(built.app, path, params, 'bm90LWEtc2lnbmF0dXJl'), 403);
    const signed = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, PUBLIC_BASE_URL + path, params);
    expectProblem(await twilioPost(built.app, path, { ...params, MessageStatus: 'failed' }, signed), 403);
    // The query string is covered too: pointing the callback at another workflow breaks the signature.
    expectProblem(await twilioPost(built.app, statusPath('otra-cuenta'), params, signed), 403);
    expect(built.temporal.signals()).toHaveLength(0);
    const text = (await request(built.app).get('/metrics')).text;
    expect(text).toMatch(/cobranza_webhook_events_total\{provider="twilio",type="status",verdict="bad_signature"\} 4/);
  });

  it('answers 415 for a JSON body', async () => {
    const { app } = makeApp(db.db);
    expectProblem(await request(app).post('/webhooks/twilio/status?wf=x').send({ MessageSid: 'x' }), 415);
  });

  it('ignores intermediate statuses (queued, sending) and callbacks for finished workflows', async () => {
    const built = makeApp(db.db);
    const { account, sid } = await placedWithSms(built);
    await twilioPost(built.app, statusPath(account.id), { MessageSid: sid, MessageStatus: 'sending' }).expect(204);
    built.temporal.states.clear();
    await twilioPost(built.app, statusPath(account.id), { MessageSid: sid, MessageStatus: 'delivered' }).expect(204);
    expect(built.temporal.signals()).toHaveLength(0);
  });
});

describe('Twilio inbound SMS: opt-out keywords', () => {
  it.each([
    ['STOP', 'STOP'],
    ['stop', 'STOP'],
    ['Baja', 'BAJA'],
    ['  baja por favor ', 'BAJA'],
    ['No más', 'NO MAS'],
    ['NO MAS mensajes', 'NO MAS'],
    ['PARAR', 'PARAR'],
    ['sair.', 'SAIR'],
    ['Descadastrar', 'DESCADASTRAR'],
    ['cancelar', 'CANCELAR'],
    ['alto!', 'ALTO'],
    ['StopAll', 'STOPALL'],
    ['unsubscribe', 'UNSUBSCRIBE'],
    ['optout', 'OPTOUT'],
    ['revoke', 'REVOKE'],
    ['quit', 'QUIT'],
    ['end', 'END'],
  ])('recognises %j as %s', (body, keyword) => {
    expect(optOutKeyword(body)).toBe(keyword);
  });

  it.each(['Hola, ya pagué', 'mañana pago', 'nostop', 'Quiero pagar, no quiero que paren'])(
    'does not take %j for an opt-out',
    (body) => {
      expect(optOutKeyword(body)).toBeNull();
    }
  );

  it('records the opt-out (source keyword) for the account with that number and signals optOut', async () => {
    const built = makeApp(db.db);
    const { account } = await placedWithSms(built);
    const params = {
      MessageSid: 'SMin0001' + account.id,
      From: account.debtor.phone!,
      To: '+15005550006',
      Body: 'No más, por favor',
    };
    const res = await twilioPost(built.app, '/webhooks/twilio/inbound', params);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.text).toContain('<Response></Response>');
    expect(built.temporal.signals('optOut')[0]).toMatchObject({
      workflowId: `dunning-${account.id}`,
      args: { channel: 'sms', source: 'keyword', keyword: 'NO MAS' },
    });
    const optOuts = await receivedOptOuts(db.db, account.id);
    expect(optOuts).toMatchObject([{ channel: 'sms', source: 'keyword', keyword: 'NO MAS' }]);
    // Twilio retries: the same message again changes nothing.
    await twilioPost(built.app, '/webhooks/twilio/inbound', params).expect(200);
    expect(built.temporal.signals('optOut')).toHaveLength(1);
  });

  it('treats a whatsapp: sender as a WhatsApp opt-out', async () => {
    const built = makeApp(db.db);
    const { account } = await placedWithSms(built);
    const params = { MessageSid: 'SMwa' + account.id, From: `whatsapp:${account.debtor.phone!}`, Body: 'PARAR' };
    await twilioPost(built.app, '/webhooks/twilio/inbound', params).expect(200);
    expect(built.temporal.signals('optOut')[0]!.args).toEqual({
      channel: 'whatsapp',
      source: 'keyword',
      keyword: 'PARAR',
      receivedAt: new Date(NOW).toISOString(),
    });
  });

  it('does nothing for an ordinary reply, and never logs the number or the text', async () => {
    const built = makeApp(db.db);
    const { account } = await placedWithSms(built);
    await twilioPost(built.app, '/webhooks/twilio/inbound', {
      MessageSid: 'SMx',
      From: account.debtor.phone!,
      Body: 'Ya pagué ayer',
    }).expect(200);
    await twilioPost(built.app, '/webhooks/twilio/inbound', {
      MessageSid: 'SMy' + account.id,
      From: account.debtor.phone!,
      Body: 'STOP',
    }).expect(200);
    expect(built.temporal.signals('optOut')).toHaveLength(1);
    const logs = built.logLines.join('\n');
    expect(logs).not.toContain(account.debtor.phone!);
    expect(logs).not.toContain('Ya pagué');
  });

  it('answers 403 to an unsigned inbound message and records nothing', async () => {
    const built = makeApp(db.db);
    const { account } = await placedWithSms(built);
    expectProblem(
      await request(built.app)
        .post('/webhooks/twilio/inbound')
        .type('form')
        .send({ MessageSid: 'SMz', From: account.debtor.phone!, Body: 'STOP' }),
      403
    );
    expect(await receivedOptOuts(db.db, account.id)).toEqual([]);
  });
});
