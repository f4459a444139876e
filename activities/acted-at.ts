import { activityInfo } from '@temporalio/activity';

/**
 * The instant an acting activity records its outcome at: when the workflow scheduled it, on the Temporal Service's
 * clock, which is the clock the workflow (and so the engine) reads. The engine applies the outcome at the same
 * instant, so the audit trail and the workflow's state agree to the millisecond, and a worker whose clock drifts (or
 * the time-skipping test server, whose clock leaps) cannot put a contact where the workflow never was. It is the
 * first attempt's, so every retry records the same instant. The provider's own acceptance time is kept beside it
 * (`acceptedAt`) and in the contact-attempt ledger.
 */
export function actedAt(): string {
  return new Date(activityInfo().scheduledTimestampMs).toISOString();
}
