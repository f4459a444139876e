import type { Channel } from '../workflows/engine/account';

/**
 * The send-intent ledger behind "at most one message per step under retries": a send activity claims the intent
 * for (workflowId, stepKey, channel) before calling the provider, and returns the stored provider message id
 * instead of sending again when the intent already has one. Implemented over PostgreSQL in db/.
 *
 * The claim is also a lease: only the attempt holding it may call the provider. Neither Twilio nor SendGrid has an
 * idempotency key, so an attempt that finds another attempt's live lease must wait for it, and one that finds an
 * expired lease with no provider message id cannot know whether the message went out: it must not send.
 */
export interface SendIntent {
  workflowId: string;
  accountId: string;
  stepKey: string;
  channel: Channel;
  /** Address the message goes to; kept for the audit trail. */
  to: string;
  template: string;
}

/** `unknown`: an attempt may have reached the provider, but its outcome was never recorded. */
export type ContactAttemptStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'unknown';

export interface SendLease {
  /**
   * How long the claimer may take to call the provider and record the outcome: the activity's start-to-close
   * timeout plus a margin, so a timed-out attempt still running in its worker keeps the lease while it can send.
   */
  durationMs: number;
}

export interface ClaimedAttempt {
  attemptId: string;
  /** Set when an earlier attempt of the same intent already reached the provider. */
  providerMessageId: string | null;
  status: ContactAttemptStatus;
  transport: string | null;
  /**
   * What the caller may do:
   * - `acquired`: this caller holds the lease and must send, then markSent or markFailed with `sendAttempt`;
   * - `already_sent`: `providerMessageId` is set; return it, never send again;
   * - `in_flight`: another attempt holds a live lease; try again after `leaseRemainingMs`;
   * - `in_doubt`: an earlier lease ended without a provider message id or a failure proving nothing was sent; the
   *   attempt is now marked `unknown` and must not be sent.
   */
  lease: 'acquired' | 'already_sent' | 'in_flight' | 'in_doubt';
  /** Leases taken so far for this intent; for `acquired`, the caller's fencing token. */
  sendAttempt: number;
  /** For `in_flight`: milliseconds until the other attempt's lease ends (by the database clock). */
  leaseRemainingMs: number | null;
}

export interface SendFailure {
  /** Provider error code, e.g. Twilio `21211`, SendGrid `503`, or `network`. */
  code: string;
  /** Retrying can never succeed for this address. */
  permanent: boolean;
  /**
   * True when the error proves the provider did not accept the message (it answered with an error status, or the
   * connection never opened): the lease is released and a later attempt may send. False when the request may have
   * reached the provider: the attempt becomes `unknown` and its lease ends without being released, so no later
   * attempt sends it again.
   */
  notSent: boolean;
  /** The `sendAttempt` of the claim that acquired the lease: a stale attempt cannot release a newer one's lease. */
  sendAttempt: number;
}

export interface ContactAttemptStore {
  /**
   * Idempotent: the same intent always yields the same attempt row. Takes the send lease (in one statement) when the
   * intent has no provider message id and no lease; otherwise reports why the caller must not send now.
   */
  claim(intent: SendIntent, lease: SendLease): Promise<ClaimedAttempt>;
  /** Records the provider's id and ends the lease; always wins, even over `unknown` (the truth arrived late). */
  markSent(
    attemptId: string,
    sent: { providerMessageId: string; transport: string; status: 'queued' | 'sent' }
  ): Promise<void>;
  /** Records a failed send of the lease holder; releases the lease only when `notSent`. */
  markFailed(attemptId: string, failure: SendFailure): Promise<void>;
  /** Provider callbacks (Twilio status, SendGrid events); unknown ids are ignored and reported as false. */
  recordDeliveryStatus(
    providerMessageId: string,
    update: { status: ContactAttemptStatus; errorCode?: string; at: Date }
  ): Promise<boolean>;
}
