import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that speaks the two provider APIs the product calls, for tests that run the real clients
 * (often in other processes, where nock cannot reach):
 * - Twilio `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: Basic auth, form fields (To, From or
 *   MessagingServiceSid, Body or ContentSid), 201 with a Message resource whose sid is `SM` + 32 hex digits.
 * - SendGrid `POST /v3/mail/send`: Bearer auth, JSON body, 202 with an empty body and `X-Message-Id`.
 * Shapes follow the providers' OpenAPI documents (Twilio API 2010-04-01, SendGrid Mail Send v3). Every request is
 * recorded; the next requests of a provider can be scripted to answer late, fail, or never answer.
 */

export type Provider = 'twilio' | 'sendgrid';

/** How the simulator answers one request. Requests nothing was scripted for are accepted at once. */
export type Behaviour =
  /** Accepted: 201 Message (Twilio) or 202 (SendGrid), after `delayMs`. */
  | { kind: 'accept'; delayMs?: number }
  /** A provider error answer, e.g. 500 or 503, with the provider's error body. */
  | { kind: 'fail'; status: number }
  /** 429 with `Retry-After` in seconds. */
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  /** Read and recorded, never answered: the client must time out (or die). */
  | { kind: 'hang' }
  /** Read and recorded; accepted when the test calls `release()`. */
  | { kind: 'hold' };

export interface RecordedRequest {
  /** 1, 2, … in arrival order across both providers. */
  seq: number;
  provider: Provider | 'unknown';
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  receivedAt: Date;
  /** Twilio: the AccountSid of the path. */
  accountSid?: string;
  /** Twilio: the form fields. */
  form?: Record<string, string>;
  /** SendGrid: the parsed JSON body. */
  json?: unknown;
  /** Set once the whole answer was written. `messageId` is the SM sid or X-Message-Id of an accepted message. */
  reply?: { status: number; at: Date; messageId?: string };
  /** The client closed the connection before the answer was written (it gave up, or its process died). */
  abandoned: boolean;
}

/** One scripted answer, to wait on and, for `hold`, to release. */
export interface Scripted {
  readonly behaviour: Behaviour;
  /** The request this behaviour was used for, once it arrived. */
  readonly received: Promise<RecordedRequest>;
  /** Once the whole answer was written to the socket. */
  readonly answered: Promise<RecordedRequest>;
  /** Once the client went away before an answer. */
  readonly abandoned: Promise<RecordedRequest>;
  /** `hold`: answer now (accepted). No effect on other behaviours or once the client is gone. */
  release(): void;
}

export interface ProviderSimulator {
  /** e.g. `http://127.0.0.1:41234`: TWILIO_API_BASE_URL and SENDGRID_API_BASE_URL. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Twilio message creations (SMS and WhatsApp), whatever the answer. */
  twilioMessages(): RecordedRequest[];
  /** SendGrid mail sends, whatever the answer. */
  mailSends(): RecordedRequest[];
  /** How the next requests of `provider` are answered, one behaviour per request, in order. */
  script(provider: Provider, ...behaviours: Behaviour[]): Scripted[];
  /** Forgets the recorded requests and any behaviour not used yet (held requests are answered). */
  reset(): void;
  /** Answers nothing more, drops every open connection and stops listening. */
  close(): Promise<void>;
}

const TWILIO_MESSAGES = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;
const SENDGRID_MAIL_SEND = '/v3/mail/send';

interface Pending extends Scripted {
  use(request: RecordedRequest): void;
  /** Resolves when `release()` is called (hold only). */
  readonly released: Promise<void>;
  settleAnswered(request: RecordedRequest): void;
  settleAbandoned(request: RecordedRequest): void;
}

function pending(behaviour: Behaviour): Pending {
  let onReceived!: (r: RecordedRequest) => void;
  let onAnswered!: (r: RecordedRequest) => void;
  let onAbandoned!: (r: RecordedRequest) => void;
  let onReleased!: () => void;
  const received = new Promise<RecordedRequest>((resolve) => (onReceived = resolve));
  const answered = new Promise<RecordedRequest>((resolve) => (onAnswered = resolve));
  const abandoned = new Promise<RecordedRequest>((resolve) => (onAbandoned = resolve));
  const released = new Promise<void>((resolve) => (onReleased = resolve));
  return {
    behaviour,
    received,
    answered,
    abandoned,
    released,
    release: () => onReleased(),
    use: (r) => onReceived(r),
    settleAnswered: (r) => onAnswered(r),
    settleAbandoned: (r) => onAbandoned(r),
  };
}

/** The accounts the simulator knows; without them any credentials of the right shape are accepted. */
export interface SimulatorCredentials {
  twilio?: { accountSid: string; authToken: string };
  sendgrid?: { apiKey: string };
}

export async function startProviderSimulator(credentials: SimulatorCredentials = {}): Promise<ProviderSimulator> {
  const requests: RecordedRequest[] = [];
  const queues: Record<Provider, Pending[]> = { twilio: [], sendgrid: [] };
  const unreleased = new Set<Pending>();
  let seq = 0;
  let closing = false;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { message: `simulator error: ${String(err)}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    const twilio = TWILIO_MESSAGES.exec(path);
    const provider: RecordedRequest['provider'] =
      req.method === 'POST' && twilio
        ? 'twilio'
        : req.method === 'POST' && path === SENDGRID_MAIL_SEND
          ? 'sendgrid'
          : 'unknown';
    const request: RecordedRequest = {
      seq: ++seq,
      provider,
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      receivedAt: new Date(),
      abandoned: false,
      ...(twilio && { accountSid: twilio[1], form: Object.fromEntries(new URLSearchParams(raw)) }),
      ...(provider === 'sendgrid' && { json: parseJson(raw) }),
    };
    requests.push(request);
    if (provider === 'unknown') {
      json(res, 404, { message: `the simulator serves no ${request.method} ${path}` });
      return;
    }
    const script = queues[provider].shift();
    script?.use(request);
    res.on('close', () => {
      if (!res.writableFinished) {
        request.abandoned = true;
        script?.settleAbandoned(request);
      }
    });
    res.on('finish', () => script?.settleAnswered(request));

    const behaviour = script?.behaviour ?? { kind: 'accept' };
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'hold':
        unreleased.add(script!);
        await Promise.race([script!.released, closedPromise(res)]);
        unreleased.delete(script!);
        break;
      case 'accept':
        if (behaviour.delayMs) await Promise.race([sleep(behaviour.delayMs), closedPromise(res)]);
        break;
      case 'fail':
        providerError(provider, res, behaviour.status, request);
        return;
      case 'rate-limit':
        providerError(provider, res, 429, request, { 'Retry-After': String(behaviour.retryAfterSeconds) });
        return;
    }
    if (res.destroyed || closing) return;
    if (provider === 'twilio') acceptTwilio(req, res, request, credentials.twilio);
    else acceptSendGrid(req, res, request, credentials.sendgrid);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    twilioMessages: () => requests.filter((r) => r.provider === 'twilio'),
    mailSends: () => requests.filter((r) => r.provider === 'sendgrid'),
    script(provider, ...behaviours) {
      const scripted = behaviours.map(pending);
      queues[provider].push(...scripted);
      return scripted;
    },
    reset() {
      requests.length = 0;
      queues.twilio.length = 0;
      queues.sendgrid.length = 0;
      for (const p of unreleased) p.release();
    },
    async close() {
      closing = true;
      for (const p of unreleased) p.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Twilio answers 401 (20003) to bad credentials and 400 (21604, 21602, 21603) to a message it cannot send. */
function acceptTwilio(
  req: IncomingMessage,
  res: ServerResponse,
  request: RecordedRequest,
  account: SimulatorCredentials['twilio']
): void {
  const form = request.form ?? {};
  const [user, password] = basicCredentials(req.headers.authorization);
  const known = account === undefined || (user === account.accountSid && password === account.authToken);
  if (user !== request.accountSid || !known) {
    return twilioError(res, 401, 20003, 'Authenticate', request);
  }
  if (!form.To) return twilioError(res, 400, 21604, "A 'To' phone number is required.", request);
  if (!form.Body && !form.ContentSid) return twilioError(res, 400, 21602, 'Message body is required.', request);
  if (!form.From && !form.MessagingServiceSid) {
    return twilioError(res, 400, 21603, "A 'From' phone number is required.", request);
  }
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  const uri = `/2010-04-01/Accounts/${request.accountSid}/Messages/${sid}.json`;
  request.reply = { status: 201, at: new Date(), messageId: sid };
  json(res, 201, {
    account_sid: request.accountSid,
    api_version: '2010-04-01',
    body: form.Body ?? null,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    // Through a Messaging Service the sender is chosen later: no from yet, status accepted, 0 segments.
    from: form.From ?? null,
    messaging_service_sid: form.MessagingServiceSid ?? null,
    num_media: '0',
    num_segments: form.MessagingServiceSid ? '0' : '1',
    price: null,
    price_unit: null,
    sid,
    status: form.MessagingServiceSid ? 'accepted' : 'queued',
    subresource_uris: { media: uri.replace('.json', '/Media.json') },
    to: form.To,
    uri,
  });
}

/** SendGrid answers 401 to a missing or unknown key and 400 naming the field when personalizations or from is missing. */
function acceptSendGrid(
  req: IncomingMessage,
  res: ServerResponse,
  request: RecordedRequest,
  key: SimulatorCredentials['sendgrid']
): void {
  const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!auth || (key !== undefined && auth[1] !== key.apiKey)) {
    request.reply = { status: 401, at: new Date() };
    return json(res, 401, {
      errors: [
        { message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null },
      ],
    });
  }
  const body = (request.json ?? {}) as { personalizations?: unknown; from?: { email?: unknown } };
  const missing = !Array.isArray(body.personalizations) ? 'personalizations' : !body.from?.email ? 'from.email' : null;
  if (missing) {
    request.reply = { status: 400, at: new Date() };
    return json(res, 400, { errors: [{ message: `The ${missing} field is required.`, field: missing, help: null }] });
  }
  const id = randomBytes(16).toString('base64url');
  request.reply = { status: 202, at: new Date(), messageId: id };
  res.writeHead(202, { 'X-Message-Id': id, 'Content-Length': '0' });
  res.end();
}

function providerError(
  provider: Provider,
  res: ServerResponse,
  status: number,
  request: RecordedRequest,
  headers: Record<string, string> = {}
): void {
  if (provider === 'twilio') {
    const code = status === 429 ? 20429 : 20500;
    return twilioError(
      res,
      status,
      code,
      status === 429 ? 'Too Many Requests' : 'Internal Server Error',
      request,
      headers
    );
  }
  request.reply = { status, at: new Date() };
  json(
    res,
    status,
    { errors: [{ message: status === 429 ? 'too many requests' : 'internal error', field: null, help: null }] },
    headers
  );
}

function twilioError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  request: RecordedRequest,
  headers: Record<string, string> = {}
): void {
  request.reply = { status, at: new Date() };
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function basicCredentials(header: string | undefined): [string?, string?] {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (!match) return [];
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? [decoded] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function closedPromise(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.once('close', () => resolve());
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
