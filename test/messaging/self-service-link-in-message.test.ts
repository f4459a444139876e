import { MockActivityEnvironment } from '@temporalio/testing';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { verifySelfServiceLink } from '../../activities/messaging/self-service-link';
import type { SendMessageInput, SendMessageResult } from '../../workflows/activity-contracts';
import { ACCOUNT_SID, PUBLIC_BASE_URL, TWILIO_MESSAGES_PATH, anaSms, formFields } from './fixtures';
import { providerActivities, useProviderTestBed, TWILIO_API, UNSUBSCRIBE_SECRET } from './provider-test-bed';

const SCHEDULED = Date.parse('2026-12-03T15:04:05Z');
const LINK = new RegExp(`${PUBLIC_BASE_URL}/p/acc-mx-1001/([0-9a-z]+)/([A-Za-z0-9_-]{22})`);

/** Sends Ana's day-1 SMS as scheduled at SCHEDULED (attempt `attempt`) and returns the body Twilio received. */
async function sentBody(send: (input: SendMessageInput) => Promise<SendMessageResult>, attempt = 1): Promise<string> {
  let body = '';
  nock(TWILIO_API)
    .post(TWILIO_MESSAGES_PATH)
    .reply(201, (_uri, raw) => {
      body = formFields(raw as string).Body!;
      return { sid: `SM${'0'.repeat(31)}${attempt}`, account_sid: ACCOUNT_SID, status: 'queued', num_segments: '1' };
    });
  const env = new MockActivityEnvironment({
    workflowExecution: { workflowId: `dunning-acc-mx-1001-${attempt}`, runId: '7b0a4c5e-0000-4000-8000-000000000001' },
    attempt,
    activityType: 'sendMessage',
    taskQueue: 'cobranza-messaging',
    scheduledTimestampMs: SCHEDULED,
  });
  await env.run(send, anaSms);
  return body;
}

describe("a message's link to the debtor's page", () => {
  const bed = useProviderTestBed();
  const selfService = { publicBaseUrl: PUBLIC_BASE_URL, secret: UNSUBSCRIBE_SECRET, linkDays: 30 };

  it("replaces the bare payment link with the debtor's signed page, which the API opens", async () => {
    const body = await sentBody(providerActivities(bed.ledger, { selfService }).sendMessage);

    expect(body).not.toContain('https://pay.example.com/acc-mx-1001');
    const [, expires, signature] = LINK.exec(body)!;
    expect(
      verifySelfServiceLink(
        UNSUBSCRIBE_SECRET,
        { accountId: 'acc-mx-1001', expires: expires!, signature: signature! },
        SCHEDULED
      )
    ).toMatchObject({ accountId: 'acc-mx-1001' });
  });

  it('expires at the end of the UTC day thirty days after the send was scheduled', async () => {
    const body = await sentBody(providerActivities(bed.ledger, { selfService }).sendMessage);
    const expiresAt = parseInt(LINK.exec(body)![1]!, 36);
    expect(new Date(expiresAt * 1000).toISOString()).toBe('2027-01-03T00:00:00.000Z');
  });

  it('is the same in every attempt of the same send, so a retried message reads the same', async () => {
    const activities = providerActivities(bed.ledger, { selfService });
    expect(LINK.exec(await sentBody(activities.sendMessage, 1))![0]).toBe(
      LINK.exec(await sentBody(activities.sendMessage, 2))![0]
    );
  });

  it('keeps the bare payment link when the page is not configured', async () => {
    const body = await sentBody(providerActivities(bed.ledger).sendMessage);
    expect(body).toContain('Paga aquí: https://pay.example.com/acc-mx-1001');
  });
});
