import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMessagingActivities } from '../../activities/messaging/create-messaging-activities';
import { createLogEmailTransport } from '../../activities/messaging/log-transport';
import { createTwilioClient, createTwilioTransport } from '../../activities/messaging/twilio-transport';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  MESSAGING_SERVICE_SID,
  PUBLIC_BASE_URL,
  TWILIO_MESSAGES_PATH,
  activityEnv,
  anaSms,
  formFields,
  joaoSms,
  recordingLogger,
} from './fixtures';
import { providerActivities, testTwilioClient, useProviderTestBed, TWILIO_API } from './provider-test-bed';

const SMS_SID = 'SM0123456789abcdef0123456789abcdef';

/** Twilio's 201 reply to Messages.json (fields from the 2010-04-01 API's create example). */
function created(fields: Record<string, string>, status = 'queued') {
  return {
    sid: SMS_SID,
    account_sid: ACCOUNT_SID,
    api_version: '2010-04-01',
    body: fields.Body,
    to: fields.To,
    from: fields.From ?? null,
    messaging_service_sid: fields.MessagingServiceSid ?? null,
    status,
    num_segments: '1',
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    uri: `${TWILIO_MESSAGES_PATH.replace('.json', '')}/${SMS_SID}.json`,
  };
}

interface Captured {
  fields: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** Intercepts one Messages.json create and records exactly what Twilio would receive. */
function interceptCreate(reply: (fields: Record<string, string>) => [number, unknown, Record<string, string>?]) {
  const captured: Captured[] = [];
  const scope = nock(TWILIO_API)
    .post(TWILIO_MESSAGES_PATH)
    .reply(function (_uri, body) {
      const fields = formFields(body as string);
      captured.push({ fields, headers: this.req.headers });
      return reply(fields);
    });
  return { scope, captured };
}

const basicAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

describe('sendMessage over Twilio (SMS and WhatsApp)', () => {
  const bed = useProviderTestBed();
  const logger = recordingLogger();

  beforeEach(() => {
    logger.lines.length = 0;
  });

  function activities(
    sender: { messagingServiceSid: string } | { from: string } = { messagingServiceSid: MESSAGING_SERVICE_SID }
  ) {
    const client = testTwilioClient();
    return providerActivities(bed.ledger, {
      sms: createTwilioTransport({ client, channel: 'sms', sender }),
      whatsapp: createTwilioTransport({
        client,
        channel: 'whatsapp',
        sender: { from: '+14155238886' },
        whatsappContentSids: new Map([['day_1_reminder:es-MX', 'HX1a2b3c4d5e6f708192a3b4c5d6e7f809']]),
      }),
      email: createLogEmailTransport(logger),
      logger,
    });
  }

  it('posts To, MessagingServiceSid, Body and a correlated StatusCallback to Messages.json with Basic auth', async () => {
    const { scope, captured } = interceptCreate((f) => [201, created(f)]);

    const result = await activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms);

    expect(scope.isDone()).toBe(true);
    expect(captured).toHaveLength(1);
    expect(captured[0]?.headers.authorization).toBe(basicAuth);
    expect(captured[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(captured[0]?.fields).toEqual({
      To: '+5215512345678',
      MessagingServiceSid: MESSAGING_SERVICE_SID,
      Body:
        'Financiera Aurora: Hola Ana López, tu pago de $1,500.00 venció el 15/03/2026 y sigue pendiente. ' +
        'Paga aquí: https://pay.example.com/acc-mx-1001 Responde BAJA para no recibir más mensajes.',
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status?wf=dunning-acc-mx-1001&step=day-1-sms&channel=sms`,
    });
    expect(result).toEqual({
      providerMessageId: SMS_SID,
      transport: 'twilio',
      status: 'queued',
      deduplicated: false,
      sms: { encoding: 'UCS-2', segments: 3 },
    });
  });

  it('derives the StatusCallback from publicBaseUrl when no explicit callback URL is given', async () => {
    const { captured } = interceptCreate((f) => [201, created(f)]);
    const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const sms = createTwilioTransport({
      client,
      channel: 'sms',
      sender: { messagingServiceSid: MESSAGING_SERVICE_SID },
    });
    const { sendMessage } = createMessagingActivities({
      sms,
      whatsapp: sms,
      email: createLogEmailTransport(logger),
      attempts: bed.ledger.store,
      publicBaseUrl: `${PUBLIC_BASE_URL}/`,
      logger,
    });

    await activityEnv('dunning-acc-mx-1001').run(sendMessage, anaSms);

    expect(captured[0]?.fields.StatusCallback).toBe(
      `${PUBLIC_BASE_URL}/webhooks/twilio/status?wf=dunning-acc-mx-1001&step=day-1-sms&channel=sms`
    );
  });

  it('sends From the configured number when there is no Messaging Service', async () => {
    const { captured } = interceptCreate((f) => [201, created(f)]);

    await activityEnv('dunning-acc-mx-1001').run(activities({ from: '+15005550006' }).sendMessage, anaSms);

    expect(captured[0]?.fields.From).toBe('+15005550006');
    expect(captured[0]?.fields).not.toHaveProperty('MessagingServiceSid');
  });

  it('addresses WhatsApp messages with whatsapp: on both To and From, as an approved template', async () => {
    const { captured } = interceptCreate((f) => [201, created(f)]);

    const result = await activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, {
      ...anaSms,
      channel: 'whatsapp',
    });

    expect(captured[0]?.fields).toMatchObject({
      To: 'whatsapp:+5215512345678',
      From: 'whatsapp:+14155238886',
      ContentSid: 'HX1a2b3c4d5e6f708192a3b4c5d6e7f809',
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status?wf=dunning-acc-mx-1001&step=day-1-sms&channel=whatsapp`,
    });
    expect(captured[0]?.fields).not.toHaveProperty('Body');
    expect(result.sms).toBeUndefined();
  });

  it('carries the creditor name, address and CPF/CNPJ on a Brazilian SMS (CDC art. 42-A)', async () => {
    const { captured } = interceptCreate((f) => [201, created(f)]);

    await activityEnv('dunning-acc-br-2002').run(activities().sendMessage, joaoSms);

    expect(captured[0]?.fields.Body).toBe(
      'Olá João Silva, seu pagamento de R$ 1.500,00 venceu em 15/03/2026 e está em aberto. ' +
        'Pague aqui: https://pay.example.com/acc-br-2002 ' +
        'Credor: Aurora Crédito Ltda., Av. Paulista, 1000, São Paulo - SP, CPF/CNPJ 12.345.678/0001-90 ' +
        'Responda SAIR para não receber mais mensagens.'
    );
  });

  it.each([
    [400, 21211, 'invalid_address', "The 'To' number +5215512345678 is not a valid phone number."],
    [400, 21610, 'opted_out', 'Attempt to send to unsubscribed recipient'],
    [400, 21614, 'unreachable', "'To' number is not a valid mobile number"],
    [
      400,
      21408,
      'misconfigured',
      'Permission to send an SMS has not been enabled for the region indicated by the To number',
    ],
    [401, 20003, 'misconfigured', 'Authenticate'],
    [400, 21620, 'rejected', 'Invalid media URL(s)'],
  ] as const)(
    'turns HTTP %i with Twilio error %i into a non-retryable ChannelPermanentlyFailed (%s)',
    async (status, code, reason, message) => {
      interceptCreate(() => [
        status,
        { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
      ]);

      await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms)).rejects.toMatchObject({
        type: 'ChannelPermanentlyFailed',
        nonRetryable: true,
        details: [{ channel: 'sms', code: String(code), reason }],
      });
      const attempt = await bed.ledger.find('dunning-acc-mx-1001', 'day-1-sms', 'sms');
      expect(attempt).toMatchObject({
        status: 'failed',
        provider_message_id: null,
        error_code: String(code),
        permanent: true,
      });
    }
  );

  it('masks the phone number Twilio quotes in its error text before it reaches workflow history', async () => {
    interceptCreate(() => [
      400,
      { code: 21211, message: "The 'To' number +5215512345678 is not a valid phone number.", status: 400 },
    ]);

    const failure = await activityEnv('dunning-acc-mx-1001')
      .run(activities().sendMessage, anaSms)
      .then(
        () => expect.unreachable('the send must fail'),
        (e: unknown) => e as Error
      );

    expect(failure.message).toBe("Twilio 21211: The 'To' number +52155****5678 is not a valid phone number.");
    expect(failure.cause).toBeUndefined();
  });

  it('treats 429 as retryable and asks Temporal to wait as long as Retry-After says', async () => {
    interceptCreate(() => [429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'Retry-After': '30' }]);

    await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms)).rejects.toMatchObject({
      type: 'ChannelTemporarilyFailed',
      nonRetryable: false,
      nextRetryDelay: 30_000,
      details: [{ channel: 'sms', code: '20429' }],
    });
  });

  it('treats a Twilio 503 as retryable', async () => {
    interceptCreate(() => [503, { code: 20500, message: 'Service Unavailable', status: 503 }]);

    await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms)).rejects.toMatchObject({
      type: 'ChannelTemporarilyFailed',
      nonRetryable: false,
    });
  });

  it('does not retry a reset connection: Twilio may already have the message', async () => {
    nock(TWILIO_API).post(TWILIO_MESSAGES_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });

    await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms)).rejects.toMatchObject({
      type: 'SendOutcomeUnknown',
      nonRetryable: true,
      details: [{ channel: 'sms', code: 'network' }],
    });
  });

  it('retries a refused connection: the request never left', async () => {
    nock(TWILIO_API)
      .post(TWILIO_MESSAGES_PATH)
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });

    await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms)).rejects.toMatchObject({
      type: 'ChannelTemporarilyFailed',
      nonRetryable: false,
      details: [{ channel: 'sms', code: 'network' }],
    });
  });

  it('logs no phone number, name or message text', async () => {
    interceptCreate((f) => [201, created(f)]);

    await activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaSms);

    const logged = JSON.stringify(logger.lines);
    expect(logged).toContain(SMS_SID);
    expect(logged).not.toMatch(/5512345678|Ana|López|BAJA/);
  });
});
