import { describe, expect, it } from 'vitest';
import {
  MessagingConfigError,
  createTransportsFromEnv,
  parseMessagingConfig,
} from '../../activities/messaging/messaging-config';
import { ACCOUNT_SID, AUTH_TOKEN, MESSAGING_SERVICE_SID, SENDGRID_API_KEY, recordingLogger } from './fixtures';

const complete = {
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID,
  TWILIO_WHATSAPP_FROM: '+14155238886',
  SENDGRID_API_KEY,
  SENDGRID_FROM_EMAIL: 'cobranza@aurora.example',
  PUBLIC_BASE_URL: 'https://cobranza.example.com/',
  UNSUBSCRIBE_SECRET: 'prod-like-unsubscribe-secret-0123456789',
  CREDITOR_NAME: 'Aurora Crédito Ltda.',
  CREDITOR_ADDRESS: 'Av. Paulista, 1000, São Paulo - SP',
  CREDITOR_TAX_ID: '12.345.678/0001-90',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseMessagingConfig(env);
  } catch (err) {
    if (err instanceof MessagingConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('messaging configuration from the environment', () => {
  it('uses log transports for every channel when no provider variable is set', () => {
    const logger = recordingLogger();

    const t = createTransportsFromEnv({}, logger);

    expect([t.sms.name, t.whatsapp.name, t.email.name]).toEqual(['log', 'log', 'log']);
    expect(t.unsubscribeUrl).toBe('http://localhost:3000/unsubscribe');
    expect(logger.lines[0]?.msg).toMatch(/only log what they would send/);
  });

  it('signs links with a random per-process secret when UNSUBSCRIBE_SECRET is unset without SendGrid, and says so once', () => {
    const logger = recordingLogger();

    const a = createTransportsFromEnv({}, logger);
    const b = createTransportsFromEnv({}, recordingLogger());

    expect(a.unsubscribeSecret.length).toBeGreaterThanOrEqual(32);
    expect(a.unsubscribeSecret).not.toBe(b.unsubscribeSecret);
    const warnings = logger.lines.filter((l) => /UNSUBSCRIBE_SECRET/.test(String(l.msg)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/only valid for this process/);
  });

  it('passes UNSUBSCRIBE_SECRET through and does not warn when it is set', () => {
    const logger = recordingLogger();

    const t = createTransportsFromEnv({ UNSUBSCRIBE_SECRET: complete.UNSUBSCRIBE_SECRET }, logger);

    expect(t.unsubscribeSecret).toBe(complete.UNSUBSCRIBE_SECRET);
    expect(logger.lines.some((l) => /UNSUBSCRIBE_SECRET/.test(String(l.msg)))).toBe(false);
  });

  it('requires UNSUBSCRIBE_SECRET with SendGrid, naming it', () => {
    const { UNSUBSCRIBE_SECRET: _omit, ...noSecret } = complete;

    expect(problemsOf(noSecret)).toEqual([
      'UNSUBSCRIBE_SECRET missing: SendGrid emails need it to sign their unsubscribe links (the API must share it)',
    ]);
    expect(problemsOf({ ...complete, UNSUBSCRIBE_SECRET: 'short' })).toEqual([
      'UNSUBSCRIBE_SECRET: expected at least 32 characters (e.g. openssl rand -base64 32)',
    ]);
  });

  it('treats empty variables (FOO= in a .env file) as unset', () => {
    const t = createTransportsFromEnv({ TWILIO_ACCOUNT_SID: '', SENDGRID_API_KEY: '  ' }, recordingLogger());

    expect([t.sms.name, t.email.name]).toEqual(['log', 'log']);
  });

  it('builds Twilio and SendGrid transports from complete credentials, with callback and unsubscribe URLs', () => {
    const t = createTransportsFromEnv(complete, recordingLogger());

    expect([t.sms.name, t.whatsapp.name, t.email.name]).toEqual(['twilio', 'twilio', 'sendgrid']);
    expect(t.statusCallbackUrl).toBe('https://cobranza.example.com/webhooks/twilio/status');
    expect(t.unsubscribeUrl).toBe('https://cobranza.example.com/unsubscribe');
    expect(t.creditor).toEqual({
      name: 'Aurora Crédito Ltda.',
      address: 'Av. Paulista, 1000, São Paulo - SP',
      taxId: '12.345.678/0001-90',
    });
  });

  it('names the missing token when the Twilio SID is set without it', () => {
    expect(
      problemsOf({
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_FROM_NUMBER: '+15005550006',
        PUBLIC_BASE_URL: 'https://x.example',
      })
    ).toEqual(['Twilio: TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER set but TWILIO_AUTH_TOKEN missing']);
  });

  it('requires an SMS sender: a Messaging Service SID or a from number', () => {
    const { TWILIO_MESSAGING_SERVICE_SID: _omit, ...noSender } = complete;

    expect(problemsOf(noSender)).toEqual([
      'Twilio: TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER missing (the SMS sender)',
    ]);
  });

  it('names the missing sender address when SendGrid has only a key', () => {
    expect(
      problemsOf({
        SENDGRID_API_KEY,
        PUBLIC_BASE_URL: 'https://x.example',
        UNSUBSCRIBE_SECRET: complete.UNSUBSCRIBE_SECRET,
      })
    ).toEqual(['SendGrid: SENDGRID_API_KEY set but SENDGRID_FROM_EMAIL missing']);
  });

  it('requires PUBLIC_BASE_URL once a provider is configured', () => {
    const { PUBLIC_BASE_URL: _omit, ...noUrl } = complete;

    expect(problemsOf(noUrl)).toEqual([
      'PUBLIC_BASE_URL missing: providers need it for status callbacks and unsubscribe links',
    ]);
  });

  it('reports malformed values with the variable name', () => {
    expect(problemsOf({ ...complete, TWILIO_ACCOUNT_SID: 'AC123', SENDGRID_API_KEY: 'not-a-key' })).toEqual([
      'TWILIO_ACCOUNT_SID: expected an Account SID: AC + 32 hex digits',
      'SENDGRID_API_KEY: expected a SendGrid API key (starts with "SG.")',
    ]);
  });

  it('fails at start with every problem in one message', () => {
    expect(() =>
      createTransportsFromEnv({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, SENDGRID_FROM_EMAIL: 'a@b.example' }, recordingLogger())
    ).toThrow(
      /Messaging configuration is invalid:\n- Twilio: TWILIO_AUTH_TOKEN set but TWILIO_ACCOUNT_SID missing\n- Twilio: TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER missing \(the SMS sender\)\n- SendGrid: SENDGRID_FROM_EMAIL set but SENDGRID_API_KEY missing\n- PUBLIC_BASE_URL missing/
    );
  });

  it('makes WhatsApp fail as misconfigured, not silently log, when Twilio has no WhatsApp sender', async () => {
    const { TWILIO_WHATSAPP_FROM: _omit, ...noWhatsapp } = complete;
    const t = createTransportsFromEnv(noWhatsapp, recordingLogger());

    await expect(
      t.whatsapp.send({
        to: '+5215512345678',
        body: 'x',
        correlation: { workflowId: 'w', stepKey: 's', accountId: 'a', channel: 'whatsapp' },
      })
    ).rejects.toMatchObject({ reason: 'misconfigured', code: 'sender_not_configured' });
  });
});

describe('TWILIO_WHATSAPP_CONTENT_SIDS: the approved WhatsApp template of each message template and locale', () => {
  const DAY_1_ES_MX = 'HX1a2b3c4d5e6f708192a3b4c5d6e7f809';
  const DAY_1_ES = 'HX0f1e2d3c4b5a69788796a5b4c3d2e1f0';
  const withSids = (value: unknown) => ({
    ...complete,
    TWILIO_WHATSAPP_CONTENT_SIDS: typeof value === 'string' ? value : JSON.stringify(value),
  });

  it('reads "<template>:<locale>" entries, normalising the locale’s case', () => {
    const config = parseMessagingConfig(
      withSids({ 'day_1_reminder:es-mx': DAY_1_ES_MX, 'day_1_reminder:ES': DAY_1_ES })
    );

    expect([...config.whatsappContentSids]).toEqual([
      ['day_1_reminder:es-MX', DAY_1_ES_MX],
      ['day_1_reminder:es', DAY_1_ES],
    ]);
  });

  it('is optional, and an empty value means no templates', () => {
    expect(parseMessagingConfig(complete).whatsappContentSids.size).toBe(0);
    expect(parseMessagingConfig(withSids('  ')).whatsappContentSids.size).toBe(0);
  });

  it('names every bad entry: unknown template, malformed locale, malformed SID, missing locale', () => {
    expect(
      problemsOf(
        withSids({
          'day1_reminder:es-MX': DAY_1_ES_MX,
          'week_1_notice:español': DAY_1_ES,
          'promise_reminder:pt-BR': 'HX123',
          installment_reminder: DAY_1_ES,
          'pre_due_nudge:es': 'MG0123456789abcdef0123456789abcdef',
        })
      )
    ).toEqual([
      'TWILIO_WHATSAPP_CONTENT_SIDS: entry "day1_reminder:es-MX": unknown template "day1_reminder" (expected one of pre_due_nudge, day_1_reminder, week_1_notice, final_notice, promise_reminder, installment_reminder)',
      'TWILIO_WHATSAPP_CONTENT_SIDS: entry "week_1_notice:español": "español" is not a locale such as es-MX or a language such as es',
      'TWILIO_WHATSAPP_CONTENT_SIDS: entry "promise_reminder:pt-BR": expected a Content SID: HX + 32 hex digits',
      'TWILIO_WHATSAPP_CONTENT_SIDS: entry "installment_reminder": expected "<template>:<locale>", e.g. "day_1_reminder:es-MX" or "day_1_reminder:es"',
      'TWILIO_WHATSAPP_CONTENT_SIDS: entry "pre_due_nudge:es": expected a Content SID: HX + 32 hex digits',
    ]);
  });

  it('refuses two entries for the same template and locale', () => {
    expect(problemsOf(withSids({ 'day_1_reminder:es-MX': DAY_1_ES_MX, 'day_1_reminder:es-mx': DAY_1_ES }))).toEqual([
      'TWILIO_WHATSAPP_CONTENT_SIDS: entry "day_1_reminder:es-mx": names the same template and locale as entry "day_1_reminder:es-MX"',
    ]);
  });

  it('refuses a value that is not a JSON object', () => {
    expect(problemsOf(withSids('day_1_reminder:es-MX=HX1a2b'))).toEqual([
      expect.stringMatching(/^TWILIO_WHATSAPP_CONTENT_SIDS: not valid JSON \(/),
    ]);
    expect(problemsOf(withSids([DAY_1_ES_MX]))).toEqual([
      'TWILIO_WHATSAPP_CONTENT_SIDS: expected a JSON object such as {"day_1_reminder:es-MX":"HX…"}',
    ]);
  });

  it('warns at start about each template and supported locale WhatsApp has no approved template for', () => {
    const logger = recordingLogger();

    createTransportsFromEnv(withSids({ 'day_1_reminder:es': DAY_1_ES }), logger);

    const warning = logger.lines.find((l) => /no approved WhatsApp template/.test(l.msg));
    expect(warning?.obj.uncovered).toContain('day_1_reminder:pt-BR');
    expect(warning?.obj.uncovered).toContain('pre_due_nudge:es-MX');
    expect(warning?.obj.uncovered).not.toContain('day_1_reminder:es-CO');
    expect(warning?.msg).toMatch(/fail as misconfigured and the ladder uses the step's next channel/);
  });

  it('does not warn when language entries cover every template and supported locale', () => {
    const logger = recordingLogger();
    const sids: Record<string, string> = {};
    const templates = [
      'pre_due_nudge',
      'day_1_reminder',
      'week_1_notice',
      'final_notice',
      'promise_reminder',
      'installment_reminder',
    ];
    templates.forEach((t, i) =>
      ['es', 'pt', 'en'].forEach((l, j) => (sids[`${t}:${l}`] = `HX${String(i * 3 + j).padStart(32, '0')}`))
    );

    createTransportsFromEnv(withSids(sids), logger);

    expect(logger.lines.some((l) => /no approved WhatsApp template/.test(l.msg))).toBe(false);
  });

  it('is accepted without Twilio credentials (the log transport shows the template it would use)', () => {
    const t = createTransportsFromEnv(
      { TWILIO_WHATSAPP_CONTENT_SIDS: JSON.stringify({ 'day_1_reminder:es': DAY_1_ES }) },
      recordingLogger()
    );

    expect(t.whatsapp.name).toBe('log');
  });
});

describe('TWILIO_API_BASE_URL and SENDGRID_API_BASE_URL: the providers at another origin (staging/test only)', () => {
  const simulator = { TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/', SENDGRID_API_BASE_URL: 'http://127.0.0.1:4011' };

  it('reads each as an origin for its provider', () => {
    const config = parseMessagingConfig({ ...complete, ...simulator });

    expect(config.twilio?.apiBaseUrl).toBe('http://127.0.0.1:4010');
    expect(config.sendgrid?.apiBaseUrl).toBe('http://127.0.0.1:4011');
  });

  it('leaves the providers at their own hosts when unset or empty', () => {
    const config = parseMessagingConfig({ ...complete, TWILIO_API_BASE_URL: '', SENDGRID_API_BASE_URL: ' ' });

    expect(config.twilio?.apiBaseUrl).toBeUndefined();
    expect(config.sendgrid?.apiBaseUrl).toBeUndefined();
  });

  it('warns at start, naming the variable, that provider requests go elsewhere', () => {
    const logger = recordingLogger();

    createTransportsFromEnv({ ...complete, ...simulator }, logger);

    expect(logger.lines.filter((l) => /staging\/test only/.test(l.msg)).map((l) => l.msg)).toEqual([
      'messaging: TWILIO_API_BASE_URL sends provider requests to http://127.0.0.1:4010 (staging/test only)',
      'messaging: SENDGRID_API_BASE_URL sends provider requests to http://127.0.0.1:4011 (staging/test only)',
    ]);
  });

  it('names each variable whose value is not an http(s) origin', () => {
    expect(
      problemsOf({
        ...complete,
        TWILIO_API_BASE_URL: 'ftp://127.0.0.1:4010',
        SENDGRID_API_BASE_URL: 'http://127.0.0.1:4011/v3?region=eu',
      })
    ).toEqual([
      'TWILIO_API_BASE_URL: expected an http(s) origin such as http://127.0.0.1:4010 (no path, query or fragment)',
      'SENDGRID_API_BASE_URL: expected an http(s) origin such as http://127.0.0.1:4010 (no path, query or fragment)',
    ]);
  });

  it("counts as that provider's configuration: set alone, it names the missing credentials", () => {
    expect(problemsOf({ SENDGRID_API_BASE_URL: simulator.SENDGRID_API_BASE_URL })).toEqual([
      'SendGrid: SENDGRID_API_BASE_URL set but SENDGRID_API_KEY, SENDGRID_FROM_EMAIL missing',
    ]);
    expect(problemsOf({ TWILIO_API_BASE_URL: simulator.TWILIO_API_BASE_URL })).toContain(
      'Twilio: TWILIO_API_BASE_URL set but TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN missing'
    );
  });
});
