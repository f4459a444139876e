import { describe, expect, it } from 'vitest';
import { createTransportsFromEnv } from '../../activities/messaging/messaging-config';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  MESSAGING_SERVICE_SID,
  PUBLIC_BASE_URL,
  SENDGRID_API_KEY,
  TWILIO_MESSAGES_PATH,
  recordingLogger,
  simulatedProviderEnv,
  useProviderSimulator,
} from './fixtures';

/**
 * With TWILIO_API_BASE_URL and SENDGRID_API_BASE_URL the worker's real transports (built from the environment as
 * worker/main.ts builds them) send to a provider simulator on loopback instead of api.twilio.com / api.sendgrid.com.
 */
describe('provider base URLs: the transports send to the configured origin', () => {
  const simulator = useProviderSimulator();
  const transports = () => createTransportsFromEnv(simulatedProviderEnv(simulator().baseUrl), recordingLogger());

  it('sends an SMS to TWILIO_API_BASE_URL: Messages.json of the account, with its form fields and Basic auth', async () => {
    const sent = await transports().sms.send({
      to: '+5215512345678',
      body: 'Hola Ana López, tu pago de $1,500.00 venció el 15/03/2026.',
      correlation: {
        workflowId: 'dunning-acc-mx-1001',
        stepKey: 'day-1-sms',
        accountId: 'acc-mx-1001',
        channel: 'sms',
      },
    });

    const [request] = simulator().twilioMessages();
    expect(simulator().requests).toHaveLength(1);
    expect(request?.path).toBe(TWILIO_MESSAGES_PATH);
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`
    );
    expect(request?.form).toMatchObject({
      To: '+5215512345678',
      MessagingServiceSid: MESSAGING_SERVICE_SID,
      Body: 'Hola Ana López, tu pago de $1,500.00 venció el 15/03/2026.',
    });
    expect(sent).toEqual({ providerMessageId: request?.reply?.messageId, transport: 'twilio', status: 'queued' });
    expect(sent.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('sends an email to SENDGRID_API_BASE_URL: /v3/mail/send with the Bearer key, answered 202 with its id', async () => {
    const sent = await transports().email.send({
      to: 'joao.silva@example.com.br',
      toName: 'João Silva',
      subject: 'Aviso de débito em aberto',
      text: 'Olá João Silva, seu pagamento de R$ 1.500,00 está em aberto.',
      html: '<p>Olá João Silva, seu pagamento de R$ 1.500,00 está em aberto.</p>',
      unsubscribeUrl: `${PUBLIC_BASE_URL}/unsubscribe?wf=dunning-acc-br-2002`,
      correlation: {
        workflowId: 'dunning-acc-br-2002',
        stepKey: 'week-1-email',
        accountId: 'acc-br-2002',
        channel: 'email',
      },
    });

    const [request] = simulator().mailSends();
    expect(simulator().requests).toHaveLength(1);
    expect(request?.headers.authorization).toBe(`Bearer ${SENDGRID_API_KEY}`);
    expect(request?.json).toMatchObject({
      from: { email: 'cobranza@aurora.example' },
      personalizations: [{ to: [{ email: 'joao.silva@example.com.br', name: 'João Silva' }] }],
      subject: 'Aviso de débito em aberto',
    });
    expect(sent).toEqual({ providerMessageId: request?.reply?.messageId, transport: 'sendgrid', status: 'queued' });
  });
});
