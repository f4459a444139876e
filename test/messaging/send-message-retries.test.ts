import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { TWILIO_MESSAGES_PATH, activityEnv, anaEmail, anaSms, recordingLogger } from './fixtures';
import { providerActivities, useProviderTestBed, SENDGRID_API, TWILIO_API } from './provider-test-bed';

const WORKFLOW_ID = 'dunning-acc-mx-1001';

describe('a retried send activity never sends the same step twice', () => {
  const bed = useProviderTestBed();
  const logger = recordingLogger();

  function activities() {
    return providerActivities(bed.ledger, { logger });
  }

  function twilioReplies(...statuses: number[]) {
    let calls = 0;
    const scope = nock(TWILIO_API)
      .post(TWILIO_MESSAGES_PATH)
      .times(statuses.length)
      .reply(() => {
        const status = statuses[calls++] ?? 500;
        return status === 201
          ? [201, { sid: `SM${String(calls).padStart(32, '0')}`, status: 'queued' }]
          : [status, { code: 20500, message: 'Service Unavailable', status }];
      });
    return { scope, calls: () => calls };
  }

  it('returns the first attempt’s message id on attempt 2 without calling Twilio again', async () => {
    const twilio = twilioReplies(201);
    const first = await activityEnv(WORKFLOW_ID, 1).run(activities().sendMessage, anaSms);

    // The worker lost the completion (crash, timeout): Temporal schedules attempt 2 of the same activity.
    const second = await activityEnv(WORKFLOW_ID, 2).run(activities().sendMessage, anaSms);

    expect(twilio.calls()).toBe(1);
    expect(twilio.scope.isDone()).toBe(true);
    expect(first.deduplicated).toBe(false);
    expect(second).toEqual({ ...first, deduplicated: true });
  });

  it('sends exactly once when the first attempt met a Twilio 503', async () => {
    const twilio = twilioReplies(503, 201);

    await expect(activityEnv(WORKFLOW_ID, 1).run(activities().sendMessage, anaSms)).rejects.toMatchObject({
      type: 'ChannelTemporarilyFailed',
    });
    const retried = await activityEnv(WORKFLOW_ID, 2).run(activities().sendMessage, anaSms);
    const third = await activityEnv(WORKFLOW_ID, 3).run(activities().sendMessage, anaSms);

    expect(twilio.calls()).toBe(2);
    expect(retried.deduplicated).toBe(false);
    expect(third).toMatchObject({ providerMessageId: retried.providerMessageId, deduplicated: true });
    const attempt = await bed.ledger.find(WORKFLOW_ID, 'day-1-sms', 'sms');
    expect(attempt).toMatchObject({
      provider_message_id: retried.providerMessageId,
      status: 'queued',
      transport: 'twilio',
    });
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['failed', 'queued']);
  });

  it('does not email twice when attempt 2 repeats a SendGrid send that was accepted', async () => {
    let calls = 0;
    nock(SENDGRID_API)
      .post('/v3/mail/send')
      .reply(() => {
        calls++;
        return [202, '', { 'X-Message-Id': 'sg-msg-1' }];
      });

    await activityEnv(WORKFLOW_ID, 1).run(activities().sendMessage, anaEmail);
    const second = await activityEnv(WORKFLOW_ID, 2).run(activities().sendMessage, anaEmail);

    expect(calls).toBe(1);
    expect(second).toEqual({
      providerMessageId: 'sg-msg-1',
      transport: 'sendgrid',
      status: 'queued',
      deduplicated: true,
    });
  });

  it('treats the same step on another channel, or in another workflow, as a separate message', async () => {
    const twilio = twilioReplies(201, 201);
    nock(SENDGRID_API).post('/v3/mail/send').reply(202, '', { 'X-Message-Id': 'sg-msg-2' });

    const sms = await activityEnv(WORKFLOW_ID).run(activities().sendMessage, anaSms);
    const email = await activityEnv(WORKFLOW_ID).run(activities().sendMessage, {
      ...anaEmail,
      stepKey: anaSms.stepKey,
    });
    const otherWorkflow = await activityEnv('dunning-acc-mx-1002').run(activities().sendMessage, anaSms);

    expect(twilio.calls()).toBe(2);
    expect([sms.deduplicated, email.deduplicated, otherWorkflow.deduplicated]).toEqual([false, false, false]);
    expect(otherWorkflow.providerMessageId).not.toBe(sms.providerMessageId);
  });

  it('does not claim or send a message whose template is unknown', async () => {
    await expect(
      activityEnv(WORKFLOW_ID).run(activities().sendMessage, { ...anaSms, template: 'agent_call_unpaid' })
    ).rejects.toMatchObject({
      type: 'ChannelPermanentlyFailed',
      nonRetryable: true,
      details: [{ channel: 'sms', code: 'unknown_template', reason: 'misconfigured' }],
    });
    expect(await bed.ledger.find(WORKFLOW_ID, 'day-1-sms', 'sms')).toBeUndefined();
  });
});
