import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { SendMessageInput, SendMessageResult } from '../../workflows/activity-contracts';
import { createSendGridMailService, createSendGridTransport } from '../../activities/messaging/sendgrid-transport';
import { createTwilioTransport } from '../../activities/messaging/twilio-transport';
import {
  anaEmail,
  joaoSms,
  MESSAGING_SERVICE_SID,
  recordingLogger,
  SENDGRID_API_KEY,
  TWILIO_MESSAGES_PATH,
} from './fixtures';
import {
  providerActivities,
  testTwilioClient,
  useProviderTestBed,
  SENDGRID_API,
  TWILIO_API,
} from './provider-test-bed';

const WORKFLOW_ID = 'dunning-acc-br-2002';
/** The workflow's messaging start-to-close timeout. */
const START_TO_CLOSE_MS = 30_000;

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Attempt `attempt` of the send activity, with the start-to-close timeout the workflow schedules it with. */
function attemptOf(attempt: number) {
  const env = new MockActivityEnvironment(
    {
      workflowExecution: { workflowId: WORKFLOW_ID, runId: '7b0a4c5e-0000-4000-8000-000000000002' },
      attempt,
      startToCloseTimeoutMs: START_TO_CLOSE_MS,
    },
    { logger: quiet }
  );
  return (sendMessage: (input: SendMessageInput) => Promise<SendMessageResult>, input: SendMessageInput) =>
    env.run<[SendMessageInput], SendMessageResult, typeof sendMessage>(sendMessage, input);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the send lease keeps overlapping and orphaned attempts from sending a step twice', () => {
  const bed = useProviderTestBed();

  function activities() {
    // No keep-alive: a test holds Twilio's reply back and must not wait on a pooled socket.
    const sms = createTwilioTransport({
      client: testTwilioClient({ keepAlive: false }),
      channel: 'sms',
      sender: { messagingServiceSid: MESSAGING_SERVICE_SID },
    });
    return providerActivities(bed.ledger, {
      sms,
      whatsapp: sms,
      email: createSendGridTransport({
        mail: createSendGridMailService(SENDGRID_API_KEY, { baseUrl: SENDGRID_API }),
        from: { email: 'cobranca@aurora.example' },
      }),
      logger: recordingLogger(),
    });
  }

  it('sends one SMS when attempt 2 starts while attempt 1 is still waiting on Twilio', async () => {
    let calls = 0;
    nock(TWILIO_API)
      .post(TWILIO_MESSAGES_PATH)
      .delay(400)
      .reply(() => {
        calls++;
        return [201, { sid: 'SM00000000000000000000000000joao1', status: 'queued' }];
      });

    // Attempt 1 is inside the provider call (Temporal has timed it out and scheduled attempt 2).
    const first = attemptOf(1)(activities().sendMessage, joaoSms);
    await sleep(100);
    const second = await attemptOf(2)(activities().sendMessage, joaoSms).catch((e: unknown) => e);

    expect(second).toMatchObject({
      type: 'SendInFlight',
      nonRetryable: false,
      details: [{ channel: 'sms', code: 'send_in_flight' }],
    });
    // Retried when attempt 1's lease ends: its start-to-close timeout plus the margin, less what already ran.
    const delay = Number((second as { nextRetryDelay?: unknown }).nextRetryDelay);
    expect(delay).toBeGreaterThan(START_TO_CLOSE_MS);
    expect(delay).toBeLessThanOrEqual(START_TO_CLOSE_MS + 15_000 + 1_000);

    const sent = await first;
    const third = await attemptOf(3)(activities().sendMessage, joaoSms);
    expect(calls).toBe(1);
    expect(third).toEqual({ ...sent, deduplicated: true });
  });

  it('does not send when an earlier attempt’s lease ran out with no provider id, and marks the outcome unknown', async () => {
    const twilio = nock(TWILIO_API).post(TWILIO_MESSAGES_PATH).reply(201, { sid: 'SMnever', status: 'queued' });
    // Attempt 1 claimed and then its worker died (after Twilio may have accepted): nothing recorded the outcome.
    await bed.ledger.store.claim(
      {
        workflowId: WORKFLOW_ID,
        accountId: joaoSms.accountId,
        stepKey: joaoSms.stepKey,
        channel: 'sms',
        to: joaoSms.to,
        template: joaoSms.template,
      },
      { durationMs: 100 }
    );
    await sleep(200);

    await expect(attemptOf(2)(activities().sendMessage, joaoSms)).rejects.toMatchObject({
      type: 'SendOutcomeUnknown',
      nonRetryable: true,
      details: [{ channel: 'sms', code: 'send_outcome_unknown' }],
    });
    expect(twilio.isDone()).toBe(false);
    const attempt = await bed.ledger.find(WORKFLOW_ID, joaoSms.stepKey, 'sms');
    expect(attempt).toMatchObject({ status: 'unknown', error_code: 'send_outcome_unknown', provider_message_id: null });
  });

  it('emails exactly once when SendGrid answers 500 and the retry succeeds', async () => {
    const email = { ...anaEmail, accountId: 'acc-br-2002', to: 'joao.silva@example.com.br', debtorName: 'João Silva' };
    let calls = 0;
    nock(SENDGRID_API)
      .post('/v3/mail/send')
      .times(2)
      .reply(() => {
        calls++;
        return calls === 1
          ? [500, { errors: [{ message: 'internal error' }] }]
          : [202, '', { 'X-Message-Id': 'sg-joao-1' }];
      });

    await expect(attemptOf(1)(activities().sendMessage, email)).rejects.toMatchObject({
      type: 'ChannelTemporarilyFailed',
      nonRetryable: false,
    });
    const retried = await attemptOf(2)(activities().sendMessage, email);
    const again = await attemptOf(3)(activities().sendMessage, email);

    expect(calls).toBe(2);
    expect(retried).toMatchObject({ providerMessageId: 'sg-joao-1', deduplicated: false });
    expect(again).toMatchObject({ providerMessageId: 'sg-joao-1', deduplicated: true });
    const attempt = await bed.ledger.find(WORKFLOW_ID, email.stepKey, 'email');
    expect(attempt).toMatchObject({ status: 'queued', provider_message_id: 'sg-joao-1', send_attempts: 2 });
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['failed', 'queued']);
  });

  it('stops after the SendGrid connection resets mid-request without resending: the mail may have been accepted', async () => {
    const email = { ...anaEmail, accountId: 'acc-br-2002', to: 'joao.silva@example.com.br', debtorName: 'João Silva' };
    const sendgrid = nock(SENDGRID_API)
      .post('/v3/mail/send')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post('/v3/mail/send')
      .reply(202, '', { 'X-Message-Id': 'sg-never' });

    await expect(attemptOf(1)(activities().sendMessage, email)).rejects.toMatchObject({
      type: 'SendOutcomeUnknown',
      nonRetryable: true,
      details: [{ channel: 'email', code: 'network' }],
    });
    // Were the workflow to schedule it again, the ledger still refuses to send.
    await expect(attemptOf(2)(activities().sendMessage, email)).rejects.toMatchObject({ type: 'SendOutcomeUnknown' });
    expect(sendgrid.pendingMocks()).toHaveLength(1);
    expect(await bed.ledger.find(WORKFLOW_ID, email.stepKey, 'email')).toMatchObject({
      status: 'unknown',
      error_code: 'network',
    });
  });
});
