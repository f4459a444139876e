/**
 * Failure types shared by activities (which throw them) and the workflow (which reacts to them). A channel that
 * can never work for an address: invalid or unreachable number, opted-out recipient, hard bounce.
 */
export const CHANNEL_PERMANENTLY_FAILED = 'ChannelPermanentlyFailed';

/**
 * Retryable: another attempt of the same send holds the lease and may be calling the provider right now. The
 * failure's `nextRetryDelay` is when that lease ends.
 */
export const SEND_IN_FLIGHT = 'SendInFlight';

/**
 * Non-retryable: an earlier attempt may have reached the provider (it timed out, crashed, or lost the connection
 * after writing the request) and nothing recorded its outcome. The message may have gone out, so it is not sent
 * again, and the step must not fall back to another channel either.
 */
export const SEND_OUTCOME_UNKNOWN = 'SendOutcomeUnknown';

/**
 * Non-retryable: the send's contact deadline (the close of the debtor's contact window, see `contactDeadline`) passed
 * before the message went out, because the attempt waited in the queue or for retries. Nothing was sent; the step is
 * planned again for the next allowed instant.
 */
export const CONTACT_WINDOW_CLOSED = 'ContactWindowClosed';

/** Reason recorded for a step whose message may or may not have gone out. */
export const SEND_OUTCOME_UNKNOWN_REASON = 'send_outcome_unknown';

/**
 * The engine's reason for a send that failed without proving the channel unusable, by the type of the last
 * failure. Retries that ran out while another attempt still held the lease are as uncertain as an unknown outcome.
 */
export function sendFailureReason(failureType: string | null | undefined): string {
  return failureType === SEND_OUTCOME_UNKNOWN || failureType === SEND_IN_FLIGHT
    ? SEND_OUTCOME_UNKNOWN_REASON
    : 'send_failed';
}
