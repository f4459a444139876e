import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SendMessageInput } from '../../workflows/activity-contracts';
import { createLogEmailTransport } from '../../activities/messaging/log-transport';
import { createTwilioTransport, type TwilioSender } from '../../activities/messaging/twilio-transport';
import {
  contentSidCandidates,
  contentSidKey,
  type WhatsappContentSids,
} from '../../activities/messaging/whatsapp-content';
import {
  ACCOUNT_SID,
  activityEnv,
  anaSms,
  AUTH_TOKEN,
  formFields,
  joaoSms,
  MESSAGING_SERVICE_SID,
  PUBLIC_BASE_URL,
  recordingLogger,
  TWILIO_MESSAGES_PATH,
} from './fixtures';
import { providerActivities, testTwilioClient, useProviderTestBed, TWILIO_API } from './provider-test-bed';

const WHATSAPP_SID = 'SM9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const WHATSAPP_FROM = '+14155238886';

/** Approved Content templates (HX…), as the Twilio console lists them. */
const DAY_1_ES_MX = 'HX1a2b3c4d5e6f708192a3b4c5d6e7f809';
const DAY_1_ES = 'HX0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const DAY_1_PT_BR = 'HXb0c1d2e3f405162738495a6b7c8d9e0f';

const contentSids: WhatsappContentSids = new Map([
  [contentSidKey('day_1_reminder', 'es-MX'), DAY_1_ES_MX],
  [contentSidKey('day_1_reminder', 'es'), DAY_1_ES],
  [contentSidKey('day_1_reminder', 'pt-BR'), DAY_1_PT_BR],
]);

const anaWhatsapp: SendMessageInput = { ...anaSms, stepKey: 'day-1-whatsapp', channel: 'whatsapp' };
const joaoWhatsapp: SendMessageInput = { ...joaoSms, stepKey: 'day-1-whatsapp', channel: 'whatsapp' };
/** A debtor in Medellín (America/Bogota): es-CO has a text catalog but no WhatsApp entry of its own. */
const carlosWhatsapp: SendMessageInput = {
  accountId: 'acc-co-3003',
  stepKey: 'day-1-whatsapp',
  channel: 'whatsapp',
  template: 'day_1_reminder',
  to: '+573001234567',
  locale: 'es-CO',
  jurisdiction: 'CO',
  debtorName: 'Carlos Restrepo',
  amountMinor: 25000000,
  currency: 'COP',
  referenceDate: '2026-03-15',
  paymentLink: 'https://pay.example.com/acc-co-3003',
  creditor: { name: 'Financiera Aurora' },
};

const basicAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

interface Captured {
  path: string;
  fields: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** Intercepts Messages.json creates and records exactly what Twilio would receive. */
function interceptCreate(reply: (fields: Record<string, string>) => [number, unknown] = () => [201, queued()]) {
  const captured: Captured[] = [];
  const scope = nock(TWILIO_API)
    .post(TWILIO_MESSAGES_PATH)
    .reply(function (uri, body) {
      const fields = formFields(body as string);
      captured.push({ path: uri, fields, headers: this.req.headers });
      return reply(fields);
    });
  return { scope, captured };
}

function queued() {
  return { sid: WHATSAPP_SID, account_sid: ACCOUNT_SID, status: 'queued', body: null, error_code: null };
}

describe('sendMessage over WhatsApp: approved templates (ContentSid), never free text', () => {
  const bed = useProviderTestBed();
  const logger = recordingLogger();

  beforeEach(() => {
    logger.lines.length = 0;
  });

  function activities(sender: TwilioSender = { from: WHATSAPP_FROM }, sids: WhatsappContentSids = contentSids) {
    return providerActivities(bed.ledger, {
      whatsapp: createTwilioTransport({
        client: testTwilioClient(),
        channel: 'whatsapp',
        sender,
        whatsappContentSids: sids,
      }),
      email: createLogEmailTransport(logger),
      logger,
    });
  }

  it('posts ContentSid and numbered ContentVariables instead of Body, from the whatsapp: sender, with the status callback', async () => {
    const { scope, captured } = interceptCreate();

    const result = await activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaWhatsapp);

    expect(scope.isDone()).toBe(true);
    expect(captured).toHaveLength(1);
    expect(captured[0]?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(captured[0]?.headers.authorization).toBe(basicAuth);
    expect(captured[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(captured[0]?.fields).toEqual({
      To: 'whatsapp:+5215512345678',
      From: 'whatsapp:+14155238886',
      ContentSid: DAY_1_ES_MX,
      ContentVariables: JSON.stringify({
        1: 'Ana López',
        2: '$1,500.00',
        3: '15/03/2026',
        4: 'https://pay.example.com/acc-mx-1001',
        5: 'Financiera Aurora',
      }),
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status?wf=dunning-acc-mx-1001&step=day-1-whatsapp&channel=whatsapp`,
    });
    expect(result).toEqual({
      providerMessageId: WHATSAPP_SID,
      transport: 'twilio',
      status: 'queued',
      deduplicated: false,
    });
  });

  it('sends the template through the Messaging Service when WhatsApp is configured with one', async () => {
    const { captured } = interceptCreate();

    await activityEnv('dunning-acc-mx-1001').run(
      activities({ messagingServiceSid: MESSAGING_SERVICE_SID }).sendMessage,
      anaWhatsapp
    );

    expect(captured[0]?.fields).toMatchObject({ MessagingServiceSid: MESSAGING_SERVICE_SID, ContentSid: DAY_1_ES_MX });
    expect(captured[0]?.fields).not.toHaveProperty('From');
    expect(captured[0]?.fields).not.toHaveProperty('Body');
  });

  it('fills {{5}} with the creditor name, address and CPF/CNPJ for a Brazilian debtor (CDC art. 42-A)', async () => {
    const { captured } = interceptCreate();

    await activityEnv('dunning-acc-br-2002').run(activities().sendMessage, joaoWhatsapp);

    expect(captured[0]?.fields.ContentSid).toBe(DAY_1_PT_BR);
    expect(JSON.parse(captured[0]?.fields.ContentVariables ?? '{}')).toEqual({
      1: 'João Silva',
      2: 'R$ 1.500,00',
      3: '15/03/2026',
      4: 'https://pay.example.com/acc-br-2002',
      5: 'Credor: Aurora Crédito Ltda., Av. Paulista, 1000, São Paulo - SP, CPF/CNPJ 12.345.678/0001-90',
    });
  });

  it('falls back to the language entry (day_1_reminder:es) for es-CO, formatting the amount the Colombian way', async () => {
    const { captured } = interceptCreate();

    await activityEnv('dunning-acc-co-3003').run(activities().sendMessage, carlosWhatsapp);

    expect(captured[0]?.fields.ContentSid).toBe(DAY_1_ES);
    expect(JSON.parse(captured[0]?.fields.ContentVariables ?? '{}')).toMatchObject({
      1: 'Carlos Restrepo',
      2: '$ 250.000',
      3: '15/03/2026',
    });
  });

  it('falls back to the text catalog’s locale (es-AR → es-MX) when there is no language entry', async () => {
    const { captured } = interceptCreate();
    const sids = new Map([[contentSidKey('day_1_reminder', 'es-MX'), DAY_1_ES_MX]]);

    await activityEnv('dunning-acc-ar-4004').run(activities({ from: WHATSAPP_FROM }, sids).sendMessage, {
      ...carlosWhatsapp,
      accountId: 'acc-ar-4004',
      to: '+5491123456789',
      locale: 'es-AR',
      jurisdiction: 'AR',
      debtorName: 'Valentina Gómez',
      currency: 'ARS',
      amountMinor: 1250050,
    });

    expect(captured[0]?.fields.ContentSid).toBe(DAY_1_ES_MX);
    expect(JSON.parse(captured[0]?.fields.ContentVariables ?? '{}')).toMatchObject({
      1: 'Valentina Gómez',
      2: '$ 12.500,50',
    });
  });

  it('fails permanently as misconfigured, without calling Twilio, when no template is mapped for the template and locale', async () => {
    const { scope, captured } = interceptCreate();
    const onlySpanish = new Map([[contentSidKey('day_1_reminder', 'es'), DAY_1_ES]]);

    await expect(
      activityEnv('dunning-acc-br-2002').run(activities({ from: WHATSAPP_FROM }, onlySpanish).sendMessage, joaoWhatsapp)
    ).rejects.toMatchObject({
      type: 'ChannelPermanentlyFailed',
      nonRetryable: true,
      message:
        'no approved WhatsApp template for day_1_reminder in pt-BR: TWILIO_WHATSAPP_CONTENT_SIDS has none of ' +
        'day_1_reminder:pt-BR, day_1_reminder:pt; not sending free text (Twilio 63016)',
      details: [{ channel: 'whatsapp', code: 'whatsapp_template_not_configured', reason: 'misconfigured' }],
    });

    expect(captured).toHaveLength(0);
    expect(scope.isDone()).toBe(false);
    expect(await bed.ledger.find('dunning-acc-br-2002', 'day-1-whatsapp', 'whatsapp')).toMatchObject({
      status: 'failed',
      provider_message_id: null,
      error_code: 'whatsapp_template_not_configured',
      permanent: true,
    });
    const warning = logger.lines.find((l) => l.msg === 'message send failed');
    expect(warning).toMatchObject({
      level: 'warn',
      obj: {
        template: 'day_1_reminder',
        locale: 'pt-BR',
        channel: 'whatsapp',
        code: 'whatsapp_template_not_configured',
        reason: 'misconfigured',
      },
    });
    expect(warning?.obj.error).toContain('day_1_reminder:pt-BR, day_1_reminder:pt');
  });

  it('fails permanently, without calling Twilio, when the account has no payment link for {{4}}', async () => {
    const { scope } = interceptCreate();
    const { paymentLink: _none, ...noLink } = anaWhatsapp;

    await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, noLink)).rejects.toMatchObject({
      type: 'ChannelPermanentlyFailed',
      details: [{ channel: 'whatsapp', code: 'whatsapp_variable_missing', reason: 'misconfigured' }],
    });
    expect(scope.isDone()).toBe(false);
  });

  it('never sends a WhatsApp message as free text, even through a transport given no templates at all', async () => {
    const { scope } = interceptCreate();

    await expect(
      activityEnv('dunning-acc-mx-1001').run(activities({ from: WHATSAPP_FROM }, new Map()).sendMessage, anaWhatsapp)
    ).rejects.toMatchObject({ details: [{ code: 'whatsapp_template_not_configured', reason: 'misconfigured' }] });
    expect(scope.isDone()).toBe(false);
  });

  it.each([
    [63016, 'misconfigured', 'Failed to send freeform message because you are outside the allowed window.'],
    [63027, 'misconfigured', 'Template does not exist for a language and locale'],
    [63024, 'unreachable', 'Invalid message recipient'],
    [63032, 'unreachable', 'We cannot send this message to this user because of a WhatsApp limitation.'],
  ] as const)(
    'turns Twilio error %i into a non-retryable ChannelPermanentlyFailed (%s)',
    async (code, reason, text) => {
      interceptCreate(() => [400, { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}` }]);

      await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaWhatsapp)).rejects.toMatchObject(
        {
          type: 'ChannelPermanentlyFailed',
          nonRetryable: true,
          details: [{ channel: 'whatsapp', code: String(code), reason }],
        }
      );
    }
  );

  it('returns the first attempt’s message id on a retry without posting the template again', async () => {
    let posts = 0;
    nock(TWILIO_API)
      .post(TWILIO_MESSAGES_PATH)
      .times(2)
      .reply(() => {
        posts++;
        return [201, queued()];
      });

    const first = await activityEnv('dunning-acc-mx-1001', 1).run(activities().sendMessage, anaWhatsapp);
    const second = await activityEnv('dunning-acc-mx-1001', 2).run(activities().sendMessage, anaWhatsapp);

    expect(posts).toBe(1);
    expect(second).toEqual({ ...first, deduplicated: true });
  });
});

describe('which TWILIO_WHATSAPP_CONTENT_SIDS entries a debtor’s locale is looked up under', () => {
  it.each([
    ['es-MX', ['day_1_reminder:es-MX', 'day_1_reminder:es']],
    ['es-AR', ['day_1_reminder:es-AR', 'day_1_reminder:es', 'day_1_reminder:es-MX']],
    ['pt-PT', ['day_1_reminder:pt-PT', 'day_1_reminder:pt', 'day_1_reminder:pt-BR']],
    ['fr-FR', ['day_1_reminder:fr-FR', 'day_1_reminder:fr', 'day_1_reminder:en-US', 'day_1_reminder:en']],
  ])('%s: exact locale, language, then the text catalog it falls back to', (locale, expected) => {
    expect(contentSidCandidates('day_1_reminder', locale)).toEqual(expected);
  });
});
