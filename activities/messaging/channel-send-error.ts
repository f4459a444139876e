import type { ChannelFailureDetails } from '../../workflows/activity-contracts';
import { redactAddresses } from './mask-address';

/**
 * What a transport throws when a provider refuses a message. Transports only classify; the activity turns this into
 * the Temporal failure (non-retryable ChannelPermanentlyFailed, or retryable with an optional delay).
 */
export class ChannelSendError extends Error {
  override readonly name = 'ChannelSendError';
  readonly provider: string;
  /** Provider error code (Twilio `21211`, SendGrid HTTP status `400`), or `network`. */
  readonly code: string;
  /** Set for permanent failures: retrying can never succeed for this address. */
  readonly reason: ChannelFailureDetails['reason'] | undefined;
  /** Delay the provider asked for (Retry-After, X-RateLimit-Reset), for rate-limit failures. */
  readonly retryAfterMs: number | undefined;
  /**
   * True only when the error proves the provider did not accept the message: it answered with an error status, or
   * the connection never opened. Anything else (timeout, reset after the request was written, an unrecognised
   * error) may have reached the provider, and resending could text or email the debtor twice.
   */
  readonly notSent: boolean;

  constructor(args: {
    provider: string;
    code: string;
    message: string;
    reason?: ChannelFailureDetails['reason'];
    retryAfterMs?: number;
    notSent?: boolean;
    cause?: unknown;
  }) {
    // Provider text may quote the recipient; it travels into Temporal history, so it is redacted here once.
    super(redactAddresses(args.message), { cause: args.cause });
    this.provider = args.provider;
    this.code = args.code;
    this.reason = args.reason;
    this.retryAfterMs = args.retryAfterMs;
    this.notSent = args.notSent ?? false;
  }

  get permanent(): boolean {
    return this.reason !== undefined;
  }
}

/**
 * Socket errors raised before a request could be written: the name did not resolve, or no connection was made.
 * ECONNRESET, EPIPE, ETIMEDOUT and aborts are absent on purpose: they also happen after the body went out (a
 * reused keep-alive socket, a provider slow to answer), so they prove nothing.
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** True when `err` (or an error in its cause chain) says the connection to the provider never opened. */
export function neverConnected(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
