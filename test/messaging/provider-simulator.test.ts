import { describe, expect, it } from 'vitest';
import { createTransportsFromEnv } from '../../activities/messaging/messaging-config';
import type { EmailMessage, SmsMessage } from '../../activities/messaging/transport';
import {
  ACCOUNT_SID,
  MESSAGING_SERVICE_SID,
  PUBLIC_BASE_URL,
  TWILIO_MESSAGES_PATH,
  recordingLogger,
  simulatedProviderEnv,
  useProviderSimulator,
} from './fixtures';

/**
 * The provider simulator the process-level tests send to, driven through the product's real transports: what each
 * scripted behaviour looks like to them.
 */
describe('the provider simulator answers as scripted, as the real transports see it', () => {
  const simulator = useProviderSimulator();
  const transports = () => createTransportsFromEnv(simulatedProviderEnv(simulator().baseUrl), recordingLogger());

  const camilaSms: SmsMessage = {
    to: '+573001234567',
    body: 'Hola Camila Restrepo, tu pago de $ 450.000 venció el 01/12/2026.',
    correlation: { workflowId: 'dunning-acc-co-3003', stepKey: 'day-1-sms', accountId: 'acc-co-3003', channel: 'sms' },
  };

  const mailToJoao: EmailMessage = {
    to: 'joao.silva@example.com.br',
    subject: 'Aviso de débito em aberto',
    text: 'Olá João Silva, seu pagamento está em aberto.',
    html: '<p>Olá João Silva, seu pagamento está em aberto.</p>',
    unsubscribeUrl: `${PUBLIC_BASE_URL}/unsubscribe?wf=dunning-acc-br-2002`,
    correlation: {
      workflowId: 'dunning-acc-br-2002',
      stepKey: 'week-1-email',
      accountId: 'acc-br-2002',
      channel: 'email',
    },
  };

  it('accepts an SMS with a Message resource: an SM sid, the To and the Messaging Service, status accepted', async () => {
    const sent = await transports().sms.send(camilaSms);

    const [request] = simulator().twilioMessages();
    expect(request?.reply).toMatchObject({ status: 201, messageId: sent.providerMessageId });
    expect(request?.path).toBe(TWILIO_MESSAGES_PATH);
    expect(request?.accountSid).toBe(ACCOUNT_SID);
  });

  it('answers credentials it does not know with 401, which both transports read as misconfigured', async () => {
    const wrong = createTransportsFromEnv(
      {
        ...simulatedProviderEnv(simulator().baseUrl),
        TWILIO_AUTH_TOKEN: '00000000000000000000000000000000',
        SENDGRID_API_KEY: 'SG.revoked-key.9876543210',
      },
      recordingLogger()
    );

    await expect(wrong.sms.send(camilaSms)).rejects.toMatchObject({ code: '20003', reason: 'misconfigured' });
    await expect(wrong.email.send(mailToJoao)).rejects.toMatchObject({ code: '401', reason: 'misconfigured' });
  });

  it('fails the next Twilio request with a 500 (code 20500): a temporary failure that proves nothing was sent', async () => {
    simulator().script('twilio', { kind: 'fail', status: 500 });

    await expect(transports().sms.send(camilaSms)).rejects.toMatchObject({ code: '20500', notSent: true });
    // Only the scripted request fails: the next one is accepted.
    await expect(transports().sms.send(camilaSms)).resolves.toMatchObject({ transport: 'twilio' });
    expect(
      simulator()
        .twilioMessages()
        .map((r) => r.reply?.status)
    ).toEqual([500, 201]);
  });

  it('rate-limits with 429 and Retry-After, which both transports turn into a retry delay', async () => {
    simulator().script('twilio', { kind: 'rate-limit', retryAfterSeconds: 7 });
    simulator().script('sendgrid', { kind: 'rate-limit', retryAfterSeconds: 3 });

    await expect(transports().sms.send(camilaSms)).rejects.toMatchObject({ retryAfterMs: 7_000, notSent: true });
    await expect(transports().email.send(mailToJoao)).rejects.toMatchObject({ retryAfterMs: 3_000, notSent: true });
  });

  it('holds a request, recorded on arrival and unanswered, until the test releases it', async () => {
    const [held] = simulator().script('twilio', { kind: 'hold' });
    const sending = transports().sms.send(camilaSms);

    const request = await held!.received;
    expect(request.form?.To).toBe('+573001234567');
    expect(request.reply).toBeUndefined();
    held!.release();

    const sent = await sending;
    expect((await held!.answered).reply?.messageId).toBe(sent.providerMessageId);
  });

  it('answers a delayed request no earlier than the delay', async () => {
    simulator().script('sendgrid', { kind: 'accept', delayMs: 300 });

    const sent = await transports().email.send(mailToJoao);

    const [request] = simulator().mailSends();
    expect(request?.reply?.messageId).toBe(sent.providerMessageId);
    expect(request!.reply!.at.getTime() - request!.receivedAt.getTime()).toBeGreaterThanOrEqual(300);
  });

  it('never answers a hung request, and records the client giving up as abandoned', async () => {
    const [hung] = simulator().script('twilio', { kind: 'hang' });
    const giveUp = new AbortController();
    const sending = fetch(`${simulator().baseUrl}${TWILIO_MESSAGES_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+573001234567', Body: 'Hola', MessagingServiceSid: MESSAGING_SERVICE_SID }),
      signal: giveUp.signal,
    });

    await hung!.received;
    giveUp.abort();

    await expect(sending).rejects.toThrow();
    const request = await hung!.abandoned;
    expect(request.abandoned).toBe(true);
    expect(request.reply).toBeUndefined();
  });
});
