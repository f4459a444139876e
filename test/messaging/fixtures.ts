import type { Logger, MetricMeter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SendMessageInput, SendMessageResult } from '../../workflows/activity-contracts';
import { startProviderSimulator, type ProviderSimulator } from '../../loopback/provider-simulator';

/** Realistic accounts: Ana López in Mexico City, João Silva in São Paulo. */
export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
export const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
export const SENDGRID_API_KEY = 'SG.test-key.0123456789';
export const TWILIO_MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
export const PUBLIC_BASE_URL = 'https://cobranza.example.com';

export const anaSms: SendMessageInput = {
  accountId: 'acc-mx-1001',
  stepKey: 'day-1-sms',
  channel: 'sms',
  template: 'day_1_reminder',
  to: '+5215512345678',
  locale: 'es-MX',
  jurisdiction: 'MX',
  debtorName: 'Ana López',
  amountMinor: 150000,
  currency: 'MXN',
  referenceDate: '2026-03-15',
  paymentLink: 'https://pay.example.com/acc-mx-1001',
  creditor: { name: 'Financiera Aurora' },
};

export const anaEmail: SendMessageInput = {
  ...anaSms,
  stepKey: 'week-1-email',
  channel: 'email',
  template: 'week_1_notice',
  to: 'ana.lopez@example.com',
};

export const joaoSms: SendMessageInput = {
  accountId: 'acc-br-2002',
  stepKey: 'day-1-sms',
  channel: 'sms',
  template: 'day_1_reminder',
  to: '+5511987654321',
  locale: 'pt-BR',
  jurisdiction: 'BR',
  debtorName: 'João Silva',
  amountMinor: 150000,
  currency: 'BRL',
  referenceDate: '2026-03-15',
  paymentLink: 'https://pay.example.com/acc-br-2002',
  creditor: {
    name: 'Aurora Crédito Ltda.',
    address: 'Av. Paulista, 1000, São Paulo - SP',
    taxId: '12.345.678/0001-90',
  },
};

/** The SDK logs every failed activity; the failures here are the point of the tests. */
const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs the send activity as attempt `attempt` of an activity scheduled by workflow `workflowId`, recording its
 * metrics on `metricMeter` when given (the SDK's no-op meter otherwise).
 */
export function activityEnv(workflowId: string, attempt = 1, metricMeter?: MetricMeter) {
  const env = new MockActivityEnvironment(
    {
      workflowExecution: { workflowId, runId: '7b0a4c5e-0000-4000-8000-000000000001' },
      attempt,
      activityType: 'sendMessage',
      taskQueue: 'cobranza-messaging',
    },
    { logger: quiet, ...(metricMeter && { metricMeter }) }
  );
  return {
    run: (sendMessage: (input: SendMessageInput) => Promise<SendMessageResult>, input: SendMessageInput) =>
      env.run<[SendMessageInput], SendMessageResult, typeof sendMessage>(sendMessage, input),
  };
}

/** A pino-shaped logger that keeps its lines for assertions. */
export function recordingLogger() {
  const lines: { level: 'info' | 'warn'; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    info: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'warn', obj, msg }),
  };
}

/** Decodes a form-encoded body the way Twilio reads it. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * The provider environment worker/main.ts reads, pointed at a provider simulator on `baseUrl` with this file's
 * credentials: real Twilio and SendGrid transports that send to loopback.
 */
export function simulatedProviderEnv(baseUrl: string): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID,
    TWILIO_API_BASE_URL: baseUrl,
    SENDGRID_API_KEY,
    SENDGRID_FROM_EMAIL: 'cobranza@aurora.example',
    SENDGRID_API_BASE_URL: baseUrl,
    PUBLIC_BASE_URL,
    UNSUBSCRIBE_SECRET: 'test-unsubscribe-secret-0123456789abcdef',
  };
}

/**
 * One provider simulator for the enclosing suite, checking this file's credentials, with its script and requests
 * cleared before each test.
 */
export function useProviderSimulator(): () => ProviderSimulator {
  let simulator: ProviderSimulator | undefined;
  beforeAll(async () => {
    simulator = await startProviderSimulator({
      twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
      sendgrid: { apiKey: SENDGRID_API_KEY },
    });
  });
  afterAll(async () => {
    await simulator?.close();
  });
  beforeEach(() => {
    simulator?.reset();
  });
  return () => {
    if (!simulator) throw new Error('the provider simulator is not running: call it inside a test');
    return simulator;
  };
}
