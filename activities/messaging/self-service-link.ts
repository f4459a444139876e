import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The link in every message to the debtor's own page: `/p/<accountId>/<expires>/<signature>`. It names the account
 * (an opaque backend id, never a name, phone, email or amount) and when it expires (Unix seconds, base 36), signed
 * with HMAC-SHA256 (truncated to 128 bits, base64url, so an SMS stays short). The signature is the link's only
 * credential: whoever holds the link may see the balance and promise to pay, as whoever holds the letter may.
 */
export const SELF_SERVICE_PATH = '/p';

/** How long a link in a message stays valid unless SELF_SERVICE_LINK_DAYS says otherwise. */
export const DEFAULT_SELF_SERVICE_LINK_DAYS = 30;

export interface SelfServiceLink {
  accountId: string;
  /** Epoch seconds after which the link is refused. */
  expiresAt: number;
}

const SIGNATURE_SHAPE = /^[A-Za-z0-9_-]{22}$/;
const EXPIRES_SHAPE = /^[0-9a-z]{1,10}$/;

/** Domain-separated from the unsubscribe token signed with the same secret, and unambiguous (a JSON array). */
function signature(secret: string, link: SelfServiceLink): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify(['cobranza-self-service-v1', link.accountId, link.expiresAt]), 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The link's path, signed: what a message carries after PUBLIC_BASE_URL. */
export function selfServicePath(secret: string, link: SelfServiceLink): string {
  return `${SELF_SERVICE_PATH}/${encodeURIComponent(link.accountId)}/${link.expiresAt.toString(36)}/${signature(secret, link)}`;
}

/** Why a link is refused: altered or made up (`forged`), or valid but past its date (`expired`). */
export type SelfServiceLinkProblem = 'forged' | 'expired';

/**
 * The account a link opens, or why it is refused. The signature is checked before the expiry, in constant time,
 * so an altered link learns nothing; an expired one is told so, to ask for a new message.
 */
export function verifySelfServiceLink(
  secret: string,
  parts: { accountId: string; expires: string; signature: string },
  nowMs: number
): SelfServiceLink | SelfServiceLinkProblem {
  if (!EXPIRES_SHAPE.test(parts.expires) || !SIGNATURE_SHAPE.test(parts.signature)) return 'forged';
  const link = { accountId: parts.accountId, expiresAt: parseInt(parts.expires, 36) };
  const expected = Buffer.from(signature(secret, link), 'ascii');
  const given = Buffer.from(parts.signature, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  return link.expiresAt * 1000 > nowMs ? link : 'expired';
}
