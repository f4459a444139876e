import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Creditor } from '../../workflows/engine/account';
import { createLogEmailTransport, createLogSmsTransport } from './log-transport';
import { createSendGridMailService, createSendGridTransport } from './sendgrid-transport';
import type { EmailTransport, MessagingLogger, SmsTransport } from './transport';
import { createTwilioClient, createTwilioTransport, type TwilioSender } from './twilio-transport';
import { createUnconfiguredSmsTransport } from './unconfigured-transport';
import { UNSUBSCRIBE_SECRET_MIN_LENGTH } from './unsubscribe-token';
import {
  WHATSAPP_CONTENT_SIDS_VARIABLE,
  parseWhatsappContentSids,
  uncoveredWhatsappTemplates,
  type WhatsappContentSids,
} from './whatsapp-content';

import { TWILIO_STATUS_CALLBACK_PATH, UNSUBSCRIBE_PATH, joinUrl } from './webhook-paths';

export { TWILIO_STATUS_CALLBACK_PATH, UNSUBSCRIBE_PATH } from './webhook-paths';

/** An unset variable and an empty one (`FOO=` in a .env file) mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const e164 = /^\+[1-9]\d{6,14}$/;

/** Staging/test only: a provider's API at another origin (a simulator), never needed in production. */
const providerBaseUrl = optional(
  z
    .string()
    .refine(
      (v) => /^https?:\/\/[^/?#\s]+\/?$/i.test(v) && URL.canParse(v),
      'expected an http(s) origin such as http://127.0.0.1:4010 (no path, query or fragment)'
    )
    .transform((v) => new URL(v).origin)
);

export const MessagingEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected an Account SID: AC + 32 hex digits')),
  TWILIO_AUTH_TOKEN: optional(z.string().min(16, 'expected a Twilio auth token')),
  TWILIO_MESSAGING_SERVICE_SID: optional(
    z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'expected a Messaging Service SID: MG + 32 hex digits')
  ),
  TWILIO_FROM_NUMBER: optional(
    z
      .string()
      .refine(
        (v) => e164.test(v) || /^[A-Za-z0-9 ]{1,11}$/.test(v),
        'expected an E.164 number such as +15005550006 or an alphanumeric sender ID'
      )
  ),
  TWILIO_WHATSAPP_FROM: optional(
    z.string().regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'expected an E.164 WhatsApp sender such as +14155238886')
  ),
  /** JSON `{"<template>:<locale>":"HX…"}`: the approved WhatsApp template of each message (whatsapp-content.ts). */
  TWILIO_WHATSAPP_CONTENT_SIDS: optional(
    z.string().transform((raw, ctx): WhatsappContentSids => {
      const parsed = parseWhatsappContentSids(raw);
      if (parsed.ok) return parsed.sids;
      for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
  ),
  /** Staging/test only: where the Twilio REST API is, instead of https://api.twilio.com. */
  TWILIO_API_BASE_URL: providerBaseUrl,
  SENDGRID_API_KEY: optional(z.string().startsWith('SG.', 'expected a SendGrid API key (starts with "SG.")')),
  SENDGRID_FROM_EMAIL: optional(z.email('expected the verified sender address')),
  SENDGRID_FROM_NAME: optional(z.string()),
  /** Staging/test only: where the SendGrid v3 API is, instead of https://api.sendgrid.com. */
  SENDGRID_API_BASE_URL: providerBaseUrl,
  PUBLIC_BASE_URL: optional(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' })),
  UNSUBSCRIBE_SECRET: optional(
    z
      .string()
      .min(
        UNSUBSCRIBE_SECRET_MIN_LENGTH,
        `expected at least ${UNSUBSCRIBE_SECRET_MIN_LENGTH} characters (e.g. openssl rand -base64 32)`
      )
  ),
  /** Days a message's link to the debtor's page stays valid (default 30). */
  SELF_SERVICE_LINK_DAYS: optional(z.coerce.number().int().min(1).max(180)),
  CREDITOR_NAME: optional(z.string()),
  CREDITOR_ADDRESS: optional(z.string()),
  CREDITOR_TAX_ID: optional(z.string()),
});
export type MessagingEnv = z.infer<typeof MessagingEnvSchema>;

export class MessagingConfigError extends Error {
  override readonly name = 'MessagingConfigError';
  constructor(readonly problems: string[]) {
    super(`Messaging configuration is invalid:\n- ${problems.join('\n- ')}`);
  }
}

export interface MessagingConfig {
  twilio?: { accountSid: string; authToken: string; sender: TwilioSender; whatsappFrom?: string; apiBaseUrl?: string };
  sendgrid?: { apiKey: string; from: { email: string; name?: string }; apiBaseUrl?: string };
  /** Without providers, a local default: the links only appear in log lines. */
  publicBaseUrl: string;
  /** HMAC key of the unsubscribe links; the API must share it. Absent only without SendGrid (log transport). */
  unsubscribeSecret?: string;
  creditor?: Creditor;
  selfServiceLinkDays?: number;
  /** Approved WhatsApp templates by `template:locale`; empty when TWILIO_WHATSAPP_CONTENT_SIDS is unset. */
  whatsappContentSids: WhatsappContentSids;
}

/**
 * Reads and checks the messaging variables. No provider variables at all means log transports (local dev); a
 * provider half-configured is a deployment mistake, reported at start naming every missing variable, rather than
 * discovered on the first debtor's message.
 */
export function parseMessagingConfig(env: Record<string, string | undefined>): MessagingConfig {
  const parsed = MessagingEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new MessagingConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const requireAll = (group: string, set: (keyof MessagingEnv)[], needed: (keyof MessagingEnv)[]) => {
    const present = set.filter((k) => e[k] !== undefined);
    if (present.length === 0) return false;
    const missing = needed.filter((k) => e[k] === undefined);
    if (missing.length > 0) problems.push(`${group}: ${present.join(', ')} set but ${missing.join(', ')} missing`);
    return missing.length === 0;
  };

  const twilioKeys: (keyof MessagingEnv)[] = [
    'TWILIO_ACCOUNT_SID',
    'TWILIO_AUTH_TOKEN',
    'TWILIO_MESSAGING_SERVICE_SID',
    'TWILIO_FROM_NUMBER',
    'TWILIO_WHATSAPP_FROM',
    'TWILIO_API_BASE_URL',
  ];
  const twilioOk = requireAll('Twilio', twilioKeys, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
  const twilioUsed = twilioKeys.some((k) => e[k] !== undefined);
  if (twilioUsed && e.TWILIO_MESSAGING_SERVICE_SID === undefined && e.TWILIO_FROM_NUMBER === undefined) {
    problems.push('Twilio: TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER missing (the SMS sender)');
  }
  const sendgridOk = requireAll(
    'SendGrid',
    ['SENDGRID_API_KEY', 'SENDGRID_FROM_EMAIL', 'SENDGRID_FROM_NAME', 'SENDGRID_API_BASE_URL'],
    ['SENDGRID_API_KEY', 'SENDGRID_FROM_EMAIL']
  );
  const anyProvider =
    twilioUsed || sendgridOk || e.SENDGRID_API_KEY !== undefined || e.SENDGRID_FROM_EMAIL !== undefined;
  if (anyProvider && e.PUBLIC_BASE_URL === undefined) {
    problems.push('PUBLIC_BASE_URL missing: providers need it for status callbacks and unsubscribe links');
  }
  if ((e.SENDGRID_API_KEY !== undefined || e.SENDGRID_FROM_EMAIL !== undefined) && e.UNSUBSCRIBE_SECRET === undefined) {
    problems.push(
      'UNSUBSCRIBE_SECRET missing: SendGrid emails need it to sign their unsubscribe links (the API must share it)'
    );
  }
  requireAll('Creditor', ['CREDITOR_ADDRESS', 'CREDITOR_TAX_ID'], ['CREDITOR_NAME']);
  if (problems.length > 0) throw new MessagingConfigError(problems);

  const config: MessagingConfig = {
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    whatsappContentSids: e.TWILIO_WHATSAPP_CONTENT_SIDS ?? new Map<string, string>(),
  };
  if (e.UNSUBSCRIBE_SECRET !== undefined) config.unsubscribeSecret = e.UNSUBSCRIBE_SECRET;
  if (e.SELF_SERVICE_LINK_DAYS !== undefined) config.selfServiceLinkDays = e.SELF_SERVICE_LINK_DAYS;
  if (twilioOk && e.TWILIO_ACCOUNT_SID !== undefined && e.TWILIO_AUTH_TOKEN !== undefined) {
    const sender: TwilioSender =
      e.TWILIO_MESSAGING_SERVICE_SID !== undefined
        ? {
            messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
            ...(e.TWILIO_FROM_NUMBER ? { from: e.TWILIO_FROM_NUMBER } : {}),
          }
        : { from: e.TWILIO_FROM_NUMBER ?? '' };
    config.twilio = {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      sender,
      ...(e.TWILIO_WHATSAPP_FROM !== undefined ? { whatsappFrom: e.TWILIO_WHATSAPP_FROM } : {}),
      ...(e.TWILIO_API_BASE_URL !== undefined ? { apiBaseUrl: e.TWILIO_API_BASE_URL } : {}),
    };
  }
  if (sendgridOk && e.SENDGRID_API_KEY !== undefined && e.SENDGRID_FROM_EMAIL !== undefined) {
    config.sendgrid = {
      apiKey: e.SENDGRID_API_KEY,
      from: {
        email: e.SENDGRID_FROM_EMAIL,
        ...(e.SENDGRID_FROM_NAME !== undefined ? { name: e.SENDGRID_FROM_NAME } : {}),
      },
      ...(e.SENDGRID_API_BASE_URL !== undefined ? { apiBaseUrl: e.SENDGRID_API_BASE_URL } : {}),
    };
  }
  if (e.CREDITOR_NAME !== undefined) {
    config.creditor = {
      name: e.CREDITOR_NAME,
      ...(e.CREDITOR_ADDRESS !== undefined ? { address: e.CREDITOR_ADDRESS } : {}),
      ...(e.CREDITOR_TAX_ID !== undefined ? { taxId: e.CREDITOR_TAX_ID } : {}),
    };
  }
  return config;
}

export interface MessagingTransports {
  sms: SmsTransport;
  whatsapp: SmsTransport;
  email: EmailTransport;
  statusCallbackUrl: string;
  unsubscribeUrl: string;
  /** Signs every unsubscribe link; UNSUBSCRIBE_SECRET, or a random one valid only for this process. */
  unsubscribeSecret: string;
  /**
   * The debtor's page every message links to, signed with UNSUBSCRIBE_SECRET (which the API shares): only when that
   * secret is configured, since a link signed with a per-process secret would not open.
   */
  selfService?: { publicBaseUrl: string; secret: string; linkDays?: number };
  creditor?: Creditor;
}

/**
 * Real transports where complete credentials exist, log transports where none do. Clients are built here once and
 * shared by every activity execution.
 */
export function createTransportsFromEnv(
  env: Record<string, string | undefined>,
  logger: MessagingLogger
): MessagingTransports {
  const config = parseMessagingConfig(env);
  let sms: SmsTransport = createLogSmsTransport(logger, 'sms');
  const whatsappContentSids = config.whatsappContentSids;
  let whatsapp: SmsTransport = createLogSmsTransport(logger, 'whatsapp', whatsappContentSids);
  let email: EmailTransport = createLogEmailTransport(logger);
  if (config.twilio) {
    const client = createTwilioClient(
      config.twilio,
      config.twilio.apiBaseUrl !== undefined ? { apiBaseUrl: config.twilio.apiBaseUrl } : {}
    );
    sms = createTwilioTransport({ client, channel: 'sms', sender: config.twilio.sender });
    whatsapp =
      config.twilio.whatsappFrom !== undefined
        ? createTwilioTransport({
            client,
            channel: 'whatsapp',
            sender: { from: config.twilio.whatsappFrom },
            whatsappContentSids,
          })
        : createUnconfiguredSmsTransport('whatsapp', 'TWILIO_WHATSAPP_FROM');
    const uncovered = config.twilio.whatsappFrom !== undefined ? uncoveredWhatsappTemplates(whatsappContentSids) : [];
    if (uncovered.length > 0) {
      logger.warn(
        { transport: { whatsapp: whatsapp.name }, uncovered },
        `messaging: no approved WhatsApp template (${WHATSAPP_CONTENT_SIDS_VARIABLE}) for ${uncovered.join(', ')}; ` +
          "those WhatsApp messages fail as misconfigured and the ladder uses the step's next channel"
      );
    }
  }
  if (config.sendgrid) {
    email = createSendGridTransport({
      mail: createSendGridMailService(
        config.sendgrid.apiKey,
        config.sendgrid.apiBaseUrl !== undefined ? { baseUrl: config.sendgrid.apiBaseUrl } : {}
      ),
      from: config.sendgrid.from,
    });
  }
  // Loud on purpose: in production these variables would send every message to a server that is not the provider.
  for (const [variable, url] of [
    ['TWILIO_API_BASE_URL', config.twilio?.apiBaseUrl],
    ['SENDGRID_API_BASE_URL', config.sendgrid?.apiBaseUrl],
  ] as const) {
    if (url !== undefined) {
      logger.warn({ [variable]: url }, `messaging: ${variable} sends provider requests to ${url} (staging/test only)`);
    }
  }
  logger.info(
    { transport: { sms: sms.name, whatsapp: whatsapp.name, email: email.name } },
    sms.name === 'log' || email.name === 'log'
      ? 'messaging: some channels have no provider credentials and only log what they would send'
      : 'messaging: provider transports configured'
  );
  let unsubscribeSecret = config.unsubscribeSecret;
  if (unsubscribeSecret === undefined) {
    // Only reachable without SendGrid (parseMessagingConfig requires the variable with it): emails are only logged.
    unsubscribeSecret = randomBytes(32).toString('base64url');
    logger.warn(
      { transport: { email: email.name } },
      'messaging: UNSUBSCRIBE_SECRET is not set; unsubscribe links are signed with a random secret and are only ' +
        'valid for this process (set UNSUBSCRIBE_SECRET, shared with the API, to keep them valid)'
    );
  }
  return {
    sms,
    whatsapp,
    email,
    statusCallbackUrl: joinUrl(config.publicBaseUrl, TWILIO_STATUS_CALLBACK_PATH),
    unsubscribeUrl: joinUrl(config.publicBaseUrl, UNSUBSCRIBE_PATH),
    unsubscribeSecret,
    ...(config.unsubscribeSecret !== undefined && {
      selfService: {
        publicBaseUrl: config.publicBaseUrl,
        secret: config.unsubscribeSecret,
        ...(config.selfServiceLinkDays !== undefined && { linkDays: config.selfServiceLinkDays }),
      },
    }),
    ...(config.creditor ? { creditor: config.creditor } : {}),
  };
}
