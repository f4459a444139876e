import type { ChannelFailureDetails } from '../activity-inputs';
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

  constructor(args: {
    provider: string;
    code: string;
    message: string;
    reason?: ChannelFailureDetails['reason'];
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    // Provider text may quote the recipient; it travels into Temporal history, so it is redacted here once.
    super(redactAddresses(args.message), { cause: args.cause });
    this.provider = args.provider;
    this.code = args.code;
    this.reason = args.reason;
    this.retryAfterMs = args.retryAfterMs;
  }

  get permanent(): boolean {
    return this.reason !== undefined;
  }
}
