import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createLogSmsTransport } from '../../activities/messaging/log-transport';
import { createSendGridMailService, createSendGridTransport } from '../../activities/messaging/sendgrid-transport';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../activities/messaging/unsubscribe-token';
import { activityEnv, anaEmail, joaoSms, PUBLIC_BASE_URL, recordingLogger, SENDGRID_API_KEY } from './fixtures';
import { providerActivities, useProviderTestBed, SENDGRID_API, UNSUBSCRIBE_SECRET } from './provider-test-bed';

/** A local base URL, set after setApiKey (which would otherwise reset it to the region host). */
const MESSAGE_ID = 'W8nBZpwjQ5WqPLbqQ0oVVA';

interface Captured {
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

function interceptSend(reply: () => [number, unknown, Record<string, string>?]) {
  const captured: Captured[] = [];
  const scope = nock(SENDGRID_API)
    .post('/v3/mail/send')
    .reply(function (_uri, body) {
      captured.push({ body: body as Record<string, unknown>, headers: this.req.headers });
      return reply();
    });
  return { scope, captured };
}

describe('sendMessage over SendGrid email', () => {
  const bed = useProviderTestBed();
  const logger = recordingLogger();

  /** `unsubscribeSecret: ''` runs the worker without UNSUBSCRIBE_SECRET. */
  function activities({ unsubscribeSecret = UNSUBSCRIBE_SECRET }: { unsubscribeSecret?: string } = {}) {
    return providerActivities(bed.ledger, {
      sms: createLogSmsTransport(logger, 'sms'),
      whatsapp: createLogSmsTransport(logger, 'whatsapp'),
      email: createSendGridTransport({
        mail: createSendGridMailService(SENDGRID_API_KEY, { baseUrl: SENDGRID_API }),
        from: { email: 'cobranza@aurora.example', name: 'Financiera Aurora' },
      }),
      unsubscribeSecret,
      logger,
    });
  }

  it('posts personalizations, from, subject, text and html, custom_args and List-Unsubscribe with Bearer auth', async () => {
    const { scope, captured } = interceptSend(() => [202, '', { 'X-Message-Id': MESSAGE_ID }]);

    const result = await activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaEmail);

    expect(scope.isDone()).toBe(true);
    expect(captured[0]?.headers.authorization).toBe(`Bearer ${SENDGRID_API_KEY}`);
    const params = { wf: 'dunning-acc-mx-1001', step: 'week-1-email', channel: 'email' };
    const token = unsubscribeToken(UNSUBSCRIBE_SECRET, params);
    const unsubscribe = `${PUBLIC_BASE_URL}/unsubscribe?wf=dunning-acc-mx-1001&step=week-1-email&channel=email&token=${token}`;
    expect(verifyUnsubscribeToken(UNSUBSCRIBE_SECRET, params, token)).toBe(true);
    const text = [
      'Hola Ana López:',
      'Tu pago de $1,500.00 está vencido desde el 15 de marzo de 2026. Si necesitas un plan de pagos, responde a este correo y te ayudamos.',
      'Paga aquí: https://pay.example.com/acc-mx-1001',
      'Financiera Aurora',
      `Para no recibir más correos, date de baja aquí: ${unsubscribe}`,
    ].join('\n\n');
    const body = captured[0]?.body;
    expect(body).toEqual({
      from: { email: 'cobranza@aurora.example', name: 'Financiera Aurora' },
      subject: 'Aviso: tu pago de $1,500.00 está vencido desde el 15 de marzo de 2026',
      personalizations: [
        {
          to: [{ email: 'ana.lopez@example.com', name: 'Ana López' }],
          custom_args: { workflowId: 'dunning-acc-mx-1001', stepKey: 'week-1-email', accountId: 'acc-mx-1001' },
        },
      ],
      content: [
        { type: 'text/plain', value: text },
        { type: 'text/html', value: expect.stringContaining('<p>Hola Ana López:</p>') as unknown },
      ],
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const html = (body?.content as { value: string }[])[1]?.value;
    expect(html).toContain(`<a href="${unsubscribe.replace(/&/g, '&amp;')}">`);
    expect(html).toContain('<a href="https://pay.example.com/acc-mx-1001">');
    expect(result).toEqual({
      providerMessageId: MESSAGE_ID,
      transport: 'sendgrid',
      status: 'queued',
      deduplicated: false,
    });
  });

  it('escapes a debtor name that looks like markup in the html part only', async () => {
    const { captured } = interceptSend(() => [202, '', { 'X-Message-Id': MESSAGE_ID }]);

    await activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, {
      ...anaEmail,
      debtorName: 'Ana <script>alert(1)</script> & Co',
    });

    const [plain, html] = captured[0]?.body.content as { value: string }[];
    expect(plain?.value).toContain('Hola Ana <script>alert(1)</script> & Co:');
    expect(html?.value).toContain('<p>Hola Ana &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co:</p>');
    expect(html?.value).not.toContain('<script>');
  });

  it('puts the Brazilian creditor identification in every billing email (CDC art. 42-A)', async () => {
    const { captured } = interceptSend(() => [202, '', { 'X-Message-Id': MESSAGE_ID }]);

    await activityEnv('dunning-acc-br-2002').run(activities().sendMessage, {
      ...joaoSms,
      stepKey: 'week-1-email',
      channel: 'email',
      template: 'week_1_notice',
      to: 'joao.silva@example.com.br',
    });

    const [plain] = captured[0]?.body.content as { value: string }[];
    expect(plain?.value).toContain(
      'Credor: Aurora Crédito Ltda., Av. Paulista, 1000, São Paulo - SP, CPF/CNPJ 12.345.678/0001-90'
    );
    expect(plain?.value).toContain('Para não receber mais e-mails, cancele aqui: ');
  });

  it('refuses to email without UNSUBSCRIBE_SECRET: an unsigned link could not opt the debtor out', async () => {
    const { scope } = interceptSend(() => [202, '', { 'X-Message-Id': MESSAGE_ID }]);

    await expect(
      activityEnv('dunning-acc-mx-1001').run(activities({ unsubscribeSecret: '' }).sendMessage, anaEmail)
    ).rejects.toMatchObject({
      type: 'ChannelPermanentlyFailed',
      nonRetryable: true,
      details: [{ channel: 'email', code: 'unsubscribe_secret_missing', reason: 'misconfigured' }],
    });
    expect(scope.isDone()).toBe(false);
    expect(await bed.ledger.find('dunning-acc-mx-1001', 'week-1-email', 'email')).toBeUndefined();
  });

  it.each([
    [400, 'invalid_address', 'Does not contain a valid address.'],
    [401, 'misconfigured', 'The provided authorization grant is invalid, expired, or revoked'],
    [403, 'misconfigured', 'The from address does not match a verified Sender Identity.'],
    [413, 'rejected', 'Payload too large'],
  ] as const)(
    'turns SendGrid %i into a non-retryable ChannelPermanentlyFailed (%s)',
    async (status, reason, message) => {
      interceptSend(() => [status, { errors: [{ message, field: null, help: null }] }]);

      await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaEmail)).rejects.toMatchObject({
        type: 'ChannelPermanentlyFailed',
        nonRetryable: true,
        details: [{ channel: 'email', code: String(status), reason }],
      });
    }
  );

  it('treats 429 as retryable and waits until X-RateLimit-Reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 60;
    interceptSend(() => [429, { errors: [{ message: 'too many requests' }] }, { 'X-RateLimit-Reset': String(reset) }]);

    const failure = await activityEnv('dunning-acc-mx-1001')
      .run(activities().sendMessage, anaEmail)
      .catch((e: unknown) => e);

    expect(failure).toMatchObject({
      type: 'ChannelTemporarilyFailed',
      nonRetryable: false,
      details: [{ code: '429' }],
    });
    const delay = (failure as { nextRetryDelay: number }).nextRetryDelay;
    expect(delay).toBeGreaterThan(55_000);
    expect(delay).toBeLessThanOrEqual(60_000);
  });

  it('treats a SendGrid 500 as retryable', async () => {
    interceptSend(() => [500, { errors: [{ message: 'internal error' }] }]);

    await expect(activityEnv('dunning-acc-mx-1001').run(activities().sendMessage, anaEmail)).rejects.toMatchObject({
      type: 'ChannelTemporarilyFailed',
      nonRetryable: false,
      details: [{ channel: 'email', code: '500' }],
    });
  });
});
