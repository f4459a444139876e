import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  createMessagingActivities,
  type MessagingActivityDeps,
} from '../../activities/messaging/create-messaging-activities';
import { createSendGridMailService, createSendGridTransport } from '../../activities/messaging/sendgrid-transport';
import { createTwilioClient, createTwilioTransport } from '../../activities/messaging/twilio-transport';
import { openTestLedger, type TestLedger } from './contact-attempts';
import { ACCOUNT_SID, AUTH_TOKEN, MESSAGING_SERVICE_SID, PUBLIC_BASE_URL, SENDGRID_API_KEY } from './fixtures';

/** Where the real SDK clients send their requests; nock intercepts both. */
export const TWILIO_API = 'https://api.twilio.com';
export const SENDGRID_API = 'http://sendgrid.test';
export const UNSUBSCRIBE_SECRET = 'test-unsubscribe-secret-0123456789abcdef';

export interface ProviderTestBed {
  /** The real send-intent ledger (embedded PostgreSQL), emptied before each test. */
  readonly ledger: TestLedger;
}

/**
 * The hooks every provider test needs, registered in the calling `describe`: no real network, a fresh ledger per
 * test, and no interceptor left over for the next test.
 */
export function useProviderTestBed(): ProviderTestBed {
  let ledger: TestLedger | undefined;
  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await ledger?.close();
  });
  beforeEach(async () => {
    await ledger?.reset();
  });
  afterEach(() => {
    nock.cleanAll();
  });
  return {
    get ledger() {
      if (!ledger) throw new Error('the ledger opens in beforeAll: use it inside a test');
      return ledger;
    },
  };
}

/** The official Twilio client with the test account; `keepAlive: false` where a test times a delayed reply. */
export function testTwilioClient(options?: Parameters<typeof createTwilioClient>[1]) {
  return createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, options);
}

/**
 * sendMessage over the real Twilio and SendGrid clients (SMS through a Messaging Service, WhatsApp from the Twilio
 * sandbox number, email from Financiera Aurora) and the test ledger. Each test overrides what it is about.
 */
export function providerActivities(ledger: TestLedger, overrides: Partial<MessagingActivityDeps> = {}) {
  const client = testTwilioClient();
  return createMessagingActivities({
    sms: createTwilioTransport({ client, channel: 'sms', sender: { messagingServiceSid: MESSAGING_SERVICE_SID } }),
    whatsapp: createTwilioTransport({ client, channel: 'whatsapp', sender: { from: '+14155238886' } }),
    email: createSendGridTransport({
      mail: createSendGridMailService(SENDGRID_API_KEY, { baseUrl: SENDGRID_API }),
      from: { email: 'cobranza@aurora.example' },
    }),
    attempts: ledger.store,
    statusCallbackUrl: `${PUBLIC_BASE_URL}/webhooks/twilio/status`,
    unsubscribeUrl: `${PUBLIC_BASE_URL}/unsubscribe`,
    unsubscribeSecret: UNSUBSCRIBE_SECRET,
    ...overrides,
  });
}
