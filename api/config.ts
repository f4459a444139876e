import { z } from 'zod';
import { UNSUBSCRIBE_SECRET_MIN_LENGTH } from '../activities/messaging/unsubscribe-token';
import type { Creditor } from '../workflows/engine/account';
import { isIsoCurrency } from '../workflows/engine/placement-problems';

export const ROLES = ['service', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  /** The key itself; only its SHA-256 is compared, never logged. */
  key: string;
  role: Role;
  /** A log-safe name: the role and the key's position in API_KEYS. */
  label: string;
}

export interface ApiConfig {
  apiKeys: ApiKey[];
  /** Scheme + host (+ port) Twilio calls us at; signatures cover PUBLIC_BASE_URL + originalUrl. */
  publicBaseUrl: string;
  twilioAuthToken: string | undefined;
  /** SendGrid Event Webhook verification key (SPKI, PEM or bare base64). */
  sendgridPublicKey: string | undefined;
  /** Requests per key per window; 0 disables the limit. */
  rateLimit: { max: number; windowMs: number };
  bodyLimit: string;
  batchBodyLimit: string;
  batchMaxItems: number;
  batchConcurrency: number;
  /** Webhook timestamps older than this are refused (replay window), in seconds; 0 disables. */
  sendgridMaxAgeSeconds: number;
  /** HMAC key of the emails' unsubscribe links (the worker's UNSUBSCRIBE_SECRET); without it /unsubscribe answers 503. */
  unsubscribeSecret?: string | undefined;
  /** ISO 4217 codes placements may be in (ACCEPTED_CURRENCIES); absent: each jurisdiction's legal tender. */
  acceptedCurrencies?: readonly string[] | undefined;
  /** The creditor the worker names for accounts that name none (CREDITOR_*): placement checks it where required. */
  creditor?: Creditor | undefined;
  /** How long one Temporal call may take before the API answers 503 (default 1.5 s). */
  temporalCallTimeoutMs?: number | undefined;
  /** Signs the agent console's session cookies; without it, sessions last as long as the process. */
  consoleSessionSecret?: string | undefined;
  /** How often the API sweeps its inbox for events Temporal did not take (0: never; default 30 s). */
  inboxRedeliveryIntervalMs?: number | undefined;
  /** How often the guard-rails check every split (0: never). */
  guardRailIntervalMs?: number | undefined;
}

const intFrom = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .optional()
    .transform((v) => v ?? fallback);

// An empty variable (`CREDITOR_NAME=` in a .env file) means unset, as for the worker.
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().optional()
);

const EnvSchema = z.object({
  API_KEYS: z.string().default(''),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
  API_RATE_LIMIT_PER_MINUTE: intFrom(600),
  API_BATCH_MAX_ITEMS: intFrom(5000),
  API_BATCH_CONCURRENCY: intFrom(16),
  SENDGRID_WEBHOOK_MAX_AGE_SECONDS: intFrom(0),
  INBOX_REDELIVERY_INTERVAL_MS: intFrom(30_000),
  GUARD_RAIL_INTERVAL_MS: intFrom(300_000),
  CONSOLE_SESSION_SECRET: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().min(32, 'CONSOLE_SESSION_SECRET must be at least 32 characters').optional()
  ),
  // An empty variable (`UNSUBSCRIBE_SECRET=` in a .env file) means unset, as for the worker.
  UNSUBSCRIBE_SECRET: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .min(
        UNSUBSCRIBE_SECRET_MIN_LENGTH,
        `UNSUBSCRIBE_SECRET must be at least ${UNSUBSCRIBE_SECRET_MIN_LENGTH} characters`
      )
      .optional()
  ),
  ACCEPTED_CURRENCIES: optionalText,
  CREDITOR_NAME: optionalText,
  CREDITOR_ADDRESS: optionalText,
  CREDITOR_TAX_ID: optionalText,
});

/** `MXN,USD` → the codes; throws naming an entry that is not an ISO 4217 code. */
export function parseAcceptedCurrencies(spec: string): string[] {
  const codes = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  codes.forEach((code, i) => {
    if (!isIsoCurrency(code))
      throw new Error(`ACCEPTED_CURRENCIES entry ${i + 1} (${code}) is not an ISO 4217 currency code such as MXN`);
  });
  if (codes.length === 0) throw new Error('ACCEPTED_CURRENCIES names no currency');
  return codes;
}

/** `svc_abc:service,agt_def:agent` → keys with roles. Throws naming the bad entry (never the key). */
export function parseApiKeys(spec: string): ApiKey[] {
  const keys: ApiKey[] = [];
  spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const at = entry.lastIndexOf(':');
      const key = entry.slice(0, at);
      const role = entry.slice(at + 1) as Role;
      if (at <= 0 || !ROLES.includes(role))
        throw new Error(`API_KEYS entry ${i + 1} must be KEY:ROLE with a role among ${ROLES.join(', ')}`);
      if (key.length < 8) throw new Error(`API_KEYS entry ${i + 1}: keys must be at least 8 characters`);
      keys.push({ key, role, label: `${role}#${i + 1}` });
    });
  return keys;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = EnvSchema.parse(env);
  return {
    apiKeys: parseApiKeys(e.API_KEYS),
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    sendgridPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
    rateLimit: { max: e.API_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
    bodyLimit: '1mb',
    batchBodyLimit: '10mb',
    batchMaxItems: e.API_BATCH_MAX_ITEMS,
    batchConcurrency: e.API_BATCH_CONCURRENCY,
    sendgridMaxAgeSeconds: e.SENDGRID_WEBHOOK_MAX_AGE_SECONDS,
    unsubscribeSecret: e.UNSUBSCRIBE_SECRET,
    acceptedCurrencies:
      e.ACCEPTED_CURRENCIES !== undefined ? parseAcceptedCurrencies(e.ACCEPTED_CURRENCIES) : undefined,
    creditor: creditorFrom(e),
    inboxRedeliveryIntervalMs: e.INBOX_REDELIVERY_INTERVAL_MS,
    guardRailIntervalMs: e.GUARD_RAIL_INTERVAL_MS,
    consoleSessionSecret: e.CONSOLE_SESSION_SECRET,
  };
}

/** The worker's rule: CREDITOR_NAME names the creditor; an address or tax id without a name is a mistake. */
function creditorFrom(e: z.infer<typeof EnvSchema>): Creditor | undefined {
  if (e.CREDITOR_NAME === undefined) {
    if (e.CREDITOR_ADDRESS !== undefined || e.CREDITOR_TAX_ID !== undefined)
      throw new Error('CREDITOR_ADDRESS and CREDITOR_TAX_ID need CREDITOR_NAME');
    return undefined;
  }
  return {
    name: e.CREDITOR_NAME,
    ...(e.CREDITOR_ADDRESS !== undefined && { address: e.CREDITOR_ADDRESS }),
    ...(e.CREDITOR_TAX_ID !== undefined && { taxId: e.CREDITOR_TAX_ID }),
  };
}
