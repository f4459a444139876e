import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient';
import { ChannelSendError, neverConnected } from './channel-send-error';
import { retryAfterMs } from './retry-after';
import type { SmsMessage, SmsTransport, TransportSendResult } from './transport';
import { whatsappTemplateRequest, type WhatsappContentSids } from './whatsapp-content';
import type { ChannelFailureDetails } from '../../workflows/activity-contracts';

/**
 * Twilio Programmable Messaging (SMS and WhatsApp) over the official SDK:
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with the form fields To, From | MessagingServiceSid, Body,
 * StatusCallback. WhatsApp sends ContentSid and ContentVariables (an approved template) instead of Body: WhatsApp
 * refuses business-initiated free text (63016). The Messages API has no idempotency key; the activity's send-intent
 * ledger is what keeps a retried activity from texting the debtor twice.
 */

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

export interface TwilioClientOptions {
  keepAlive?: boolean;
  /**
   * Staging and tests only (TWILIO_API_BASE_URL): send every request to this origin instead of
   * https://api.twilio.com, e.g. to a provider simulator.
   */
  apiBaseUrl?: string;
}

/**
 * Builds the one Twilio client the worker shares. `autoRetry: false` because Temporal's retry policy owns retries
 * (two retry layers multiply sends and hide rate limits); the HTTP client keeps 429 headers that the SDK drops.
 */
export function createTwilioClient(credentials: TwilioCredentials, opts: TwilioClientOptions = {}): twilio.Twilio {
  return twilio(credentials.accountSid, credentials.authToken, {
    autoRetry: false,
    httpClient: new RateLimitAwareRequestClient(
      { keepAlive: opts.keepAlive ?? true },
      opts.apiBaseUrl !== undefined ? new URL(opts.apiBaseUrl).origin : undefined
    ),
  });
}

/**
 * The SDK's RestException keeps only the body, so a 429's Retry-After would be lost; this client turns a 429 into a
 * retryable {@link ChannelSendError} carrying the delay before the SDK sees it. With a base URL it also moves each
 * request to that origin: the SDK builds absolute api.twilio.com URIs and has no setting of its own for that.
 */
class RateLimitAwareRequestClient extends twilio.RequestClient {
  constructor(
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
    private readonly apiOrigin: string | undefined
  ) {
    super(options);
  }

  override async request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
    const response = await super.request(
      this.apiOrigin !== undefined ? { ...opts, uri: withOrigin(opts.uri, this.apiOrigin) } : opts
    );
    if (response.statusCode === 429) {
      const body = parseBody(response.body);
      throw new ChannelSendError({
        provider: 'twilio',
        code: String(body?.code ?? 429),
        message: `Twilio rate limit: ${body?.message ?? 'too many requests'}`,
        retryAfterMs: retryAfterMs(response.headers as Record<string, unknown> | undefined),
        notSent: true,
      });
    }
    return response;
  }
}

/** The same path and query at another origin. */
function withOrigin(uri: string, origin: string): string {
  const original = new URL(uri);
  return `${origin}${original.pathname}${original.search}`;
}

export type TwilioSender =
  { messagingServiceSid: string; from?: string } | { from: string; messagingServiceSid?: never };

export function createTwilioTransport(args: {
  client: twilio.Twilio;
  channel: 'sms' | 'whatsapp';
  sender: TwilioSender;
  /** WhatsApp: the approved template of each message template and locale (TWILIO_WHATSAPP_CONTENT_SIDS). */
  whatsappContentSids?: WhatsappContentSids;
}): SmsTransport {
  const { client, channel, sender } = args;
  const contentSids = args.whatsappContentSids ?? new Map<string, string>();
  const address = (e164: string) => (channel === 'whatsapp' ? withWhatsappPrefix(e164) : e164);
  return {
    name: 'twilio',
    async send(message: SmsMessage): Promise<TransportSendResult> {
      // Before any request: a WhatsApp message without an approved template fails here, permanently, unsent.
      const template = channel === 'whatsapp' ? whatsappTemplateRequest(contentSids, message.content) : undefined;
      try {
        const created = await client.messages.create({
          to: address(message.to),
          ...(template !== undefined
            ? { contentSid: template.contentSid, contentVariables: template.contentVariables }
            : { body: message.body }),
          ...(sender.messagingServiceSid !== undefined ? { messagingServiceSid: sender.messagingServiceSid } : {}),
          ...(sender.from !== undefined ? { from: address(sender.from) } : {}),
          ...(message.statusCallback !== undefined ? { statusCallback: message.statusCallback } : {}),
        });
        return {
          providerMessageId: created.sid,
          transport: 'twilio',
          status: created.status === 'sent' ? 'sent' : 'queued',
        };
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
  };
}

function withWhatsappPrefix(address: string): string {
  return address.startsWith('whatsapp:') ? address : `whatsapp:${address}`;
}

/** Twilio error codes whose meaning is known; any other 4xx (except 429) is a permanent `rejected`. */
const PERMANENT_REASONS: Record<number, ChannelFailureDetails['reason']> = {
  21211: 'invalid_address', // invalid 'To' phone number
  21614: 'unreachable', // 'To' is not a mobile number
  21612: 'unreachable', // no route between 'From' and 'To'
  21610: 'opted_out', // recipient replied STOP: TCPA/Reg F 1006.6(e) make this binding, never retry
  21408: 'misconfigured', // account lacks geo permission for the destination region
  21606: 'misconfigured', // 'From' is not a valid message-capable Twilio number
  21601: 'misconfigured', // 'From' is not SMS-capable
  20003: 'misconfigured', // authentication failed: wrong SID or token
  // WhatsApp (Twilio's error docs and its WhatsApp error-code mapping; the OpenAPI document lists no error codes):
  63016: 'misconfigured', // free-form message outside the 24-hour window: an approved template (ContentSid) is needed
  63027: 'misconfigured', // the template does not exist for this language and locale
  63028: 'misconfigured', // the number of parameters does not match the approved template
  21656: 'misconfigured', // ContentVariables invalid (not JSON, or a variable null or empty)
  63007: 'misconfigured', // no WhatsApp channel for the 'From' address
  63003: 'unreachable', // the channel could not find the 'To' address (no WhatsApp account on that number)
  63024: 'unreachable', // invalid message recipient (WhatsApp 1002/1026: not a WhatsApp user, or cannot receive)
  63032: 'unreachable', // WhatsApp will not deliver to this user (WhatsApp 472: the user's number is in an experiment)
};

export function classifyTwilioError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  const status = numberField(err, 'status');
  const code = numberField(err, 'code');
  const message = err instanceof Error ? err.message : String(err);
  if (status === undefined) {
    // No HTTP response: unless the connection never opened (DNS, refused), the request may have reached Twilio.
    return new ChannelSendError({
      provider: 'twilio',
      code: 'network',
      message: `Twilio unreachable: ${message}`,
      notSent: neverConnected(err),
      cause: err,
    });
  }
  const codeText = String(code ?? status);
  if (status === 429 || code === 20429 || status >= 500) {
    return new ChannelSendError({
      provider: 'twilio',
      code: codeText,
      message: `Twilio ${status}: ${message}`,
      // Twilio answered with an error, so it did not accept the message; except 504, where a gateway gave up
      // waiting for a backend that may have accepted it.
      notSent: status !== 504,
      cause: err,
    });
  }
  const reason =
    (code !== undefined ? PERMANENT_REASONS[code] : undefined) ??
    (status === 401 || status === 403 ? 'misconfigured' : 'rejected');
  return new ChannelSendError({
    provider: 'twilio',
    code: codeText,
    reason,
    message: `Twilio ${codeText}: ${message}`,
    notSent: true,
    cause: err,
  });
}

function numberField(err: unknown, key: 'status' | 'code'): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function parseBody(body: unknown): { code?: number; message?: string } | undefined {
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
