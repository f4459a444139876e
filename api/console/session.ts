import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who is signed in to the console: the agent key's label (its audit id) and role. */
export interface ConsoleSession {
  agent: string;
  role: string;
  /** Fingerprint of the agent key signed in with (ApiKeyAuthenticator.fingerprintOf), never the key. */
  key: string;
  /** Epoch ms after which the session is refused. */
  expiresAt: number;
  /** Random per sign-in: what the CSRF token is bound to. */
  nonce: string;
}

export const SESSION_COOKIE = 'cobranza_console';
/** A working day plus slack: an agent signs in once per shift. */
export const SESSION_TTL_MS = 10 * 60 * 60 * 1000;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/**
 * Sessions as signed cookies (HMAC-SHA-256 over the payload): the server keeps no session table, the key never
 * travels again after sign-in, and a cookie altered by hand is refused. The cookie is HttpOnly and SameSite=Strict.
 */
export class ConsoleSessions {
  constructor(private readonly secret: Buffer) {}

  static withSecret(secret: string | undefined): ConsoleSessions {
    // Without a configured secret, sessions last as long as this process (a restart signs everyone out).
    return new ConsoleSessions(secret ? Buffer.from(secret, 'utf8') : randomBytes(32));
  }

  issue(agent: string, role: string, key: string, now: number): { cookie: string; session: ConsoleSession } {
    const session: ConsoleSession = {
      agent,
      role,
      key,
      expiresAt: now + SESSION_TTL_MS,
      nonce: randomBytes(12).toString('hex'),
    };
    const payload = b64(JSON.stringify(session));
    return { cookie: `${payload}.${this.sign(payload)}`, session };
  }

  /** The session a cookie carries, or null when it is missing, forged or expired. */
  verify(cookie: string | undefined, now: number): ConsoleSession | null {
    if (!cookie) return null;
    const [payload, signature] = cookie.split('.');
    if (!payload || !signature || !this.equal(signature, this.sign(payload))) return null;
    try {
      const session = JSON.parse(unb64(payload)) as ConsoleSession;
      return typeof session.expiresAt === 'number' && session.expiresAt > now && typeof session.key === 'string'
        ? session
        : null;
    } catch {
      return null;
    }
  }

  /** The token every form carries: bound to the session, so a page on another site cannot forge a post. */
  csrfToken(session: ConsoleSession): string {
    return this.sign(`csrf:${session.agent}:${session.nonce}`);
  }

  checkCsrf(session: ConsoleSession, token: unknown): boolean {
    return typeof token === 'string' && this.equal(token, this.csrfToken(session));
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  private equal(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
