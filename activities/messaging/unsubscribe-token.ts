import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an unsubscribe link names: the workflow, the ladder step whose message carried it, and the channel. */
export interface UnsubscribeParams {
  wf: string;
  step: string;
  channel: string;
}

/** The shortest secret accepted (UNSUBSCRIBE_SECRET): 32 characters. */
export const UNSUBSCRIBE_SECRET_MIN_LENGTH = 32;

/** Domain-separated and unambiguous (JSON array), so no two parameter sets share a canonical string. */
function canonical(p: UnsubscribeParams): string {
  return JSON.stringify(['cobranza-unsubscribe-v1', p.wf, p.step, p.channel]);
}

/**
 * HMAC-SHA256 over the link's parameters, base64url (43 characters, 256 bits). The token is the link's only
 * credential: without it, anyone who guesses a workflow id (`dunning-<accountId>`) could opt a debtor out.
 */
export function unsubscribeToken(secret: string, params: UnsubscribeParams): string {
  return createHmac('sha256', secret).update(canonical(params), 'utf8').digest('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Constant-time check of a token against the parameters it claims to sign; false for anything malformed. */
export function verifyUnsubscribeToken(secret: string, params: UnsubscribeParams, token: unknown): boolean {
  // Compare the canonical text, not decoded bytes: base64url decoding ignores stray characters and trailing bits.
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return false;
  const expected = Buffer.from(unsubscribeToken(secret, params), 'ascii');
  const given = Buffer.from(token, 'ascii');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
