import { activityInfo, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Creditor } from '../../workflows/engine/account';
import {
  CHANNEL_PERMANENTLY_FAILED,
  type ChannelFailureDetails,
  type SendMessageInput,
  type SendMessageResult,
} from '../../workflows/activity-contracts';
import type { ClaimedAttempt, ContactAttemptStore } from '../../db/contact-attempt-store';
import { CONTACT_WINDOW_CLOSED, SEND_IN_FLIGHT, SEND_OUTCOME_UNKNOWN } from '../../workflows/engine/failure-types';
import { ChannelSendError } from './channel-send-error';
import { messageMetrics } from './message-metrics';
import { MessagingConfigurationError } from './messaging-configuration-error';
import { smsSegments } from './sms-segments';
import { unsubscribeToken } from './unsubscribe-token';
import { DEFAULT_SELF_SERVICE_LINK_DAYS, selfServicePath } from './self-service-link';
import { TWILIO_STATUS_CALLBACK_PATH, UNSUBSCRIBE_PATH, joinUrl } from './webhook-paths';
import { renderMessage, type RenderedEmail, type RenderedText } from './templates/render-message';
import type {
  EmailTransport,
  MessageCorrelation,
  MessagingLogger,
  SmsTransport,
  TransportSendResult,
} from './transport';

/** Failure type of a send that may succeed later (rate limit, provider outage, connection never opened). */
export const CHANNEL_TEMPORARILY_FAILED = 'ChannelTemporarilyFailed';

/**
 * How long a send lease outlives the attempt's start-to-close timeout. Temporal starts the next attempt once that
 * timeout passes, but the timed-out attempt may still be inside the provider call in its worker (both transports
 * give up after 30 s); the margin lets it record what the provider said before anyone may judge it in doubt.
 */
export const SEND_LEASE_MARGIN_MS = 15_000;
/** Lease for an activity scheduled without a start-to-close timeout (our workflow always sets one). */
const DEFAULT_SEND_LEASE_MS = 2 * 60_000;

export interface MessagingActivityDeps {
  sms: SmsTransport;
  whatsapp: SmsTransport;
  email: EmailTransport;
  attempts: ContactAttemptStore;
  /** Twilio status webhook; each message gets `?wf=…&step=…&channel=…` so callbacks find their step. */
  statusCallbackUrl?: string;
  /** Unsubscribe endpoint; each email links to it with the same correlation. Required to send email. */
  unsubscribeUrl?: string;
  /** Signs each unsubscribe link (`&token=…`, see unsubscribe-token.ts); the API verifies it. Required to send email. */
  unsubscribeSecret?: string;
  /** Shorthand: both URLs above at the API's standard paths under this base, unless given explicitly. */
  publicBaseUrl?: string;
  /**
   * The debtor's page (api/self-service): with it, every message links there (signed, expiring after `linkDays`)
   * instead of to the bare `paymentLink`, which the page's Pay button opens.
   */
  selfService?: { publicBaseUrl: string; secret: string; linkDays?: number };
  /** Creditor from configuration, used when the account carries none. */
  creditor?: Creditor;
  logger?: MessagingLogger;
}

/** Temporal's activity logger takes (message, meta); ours takes pino's (meta, message). */
const activityLogger: MessagingLogger = {
  info: (obj, msg) => {
    log.info(msg, obj);
  },
  warn: (obj, msg) => {
    log.warn(msg, obj);
  },
};

/**
 * The send activity. At most one message per (workflowId, stepKey, channel) whatever the retries: the intent is
 * claimed in the contact-attempt ledger before the provider is called, and a retry that finds a provider message id
 * returns it instead of sending again. Neither Twilio nor SendGrid offers an idempotency key, so this ledger is the
 * only guard. The claim is a lease: while one attempt holds it, another (Temporal retried after a timeout) fails
 * with the retryable SendInFlight until it ends; a lease that ended with no provider id and no failure proving
 * nothing was sent, or a failure after the request may have reached the provider, ends the step with the
 * non-retryable SendOutcomeUnknown instead of risking a second message.
 */
export function createMessagingActivities(deps: MessagingActivityDeps) {
  const logger = deps.logger ?? activityLogger;
  const base = deps.publicBaseUrl;
  const statusCallbackUrl =
    deps.statusCallbackUrl ?? (base !== undefined ? joinUrl(base, TWILIO_STATUS_CALLBACK_PATH) : undefined);
  const unsubscribeUrl = deps.unsubscribeUrl ?? (base !== undefined ? joinUrl(base, UNSUBSCRIBE_PATH) : undefined);
  const metrics = messageMetrics();

  async function sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
    const info = activityInfo();
    const workflowId = info.workflowExecution?.workflowId;
    if (workflowId === undefined) {
      // The dedupe key is the workflow's; a standalone activity run has none and could not be made safe to retry.
      throw ApplicationFailure.nonRetryable('sendMessage must be scheduled by a workflow', 'MissingWorkflowContext');
    }
    const correlation: MessageCorrelation = {
      workflowId,
      stepKey: input.stepKey,
      accountId: input.accountId,
      channel: input.channel,
    };
    const meta = {
      workflowId,
      stepKey: input.stepKey,
      channel: input.channel,
      template: input.template,
      locale: input.locale,
      attempt: info.attempt,
    };

    let rendered: RenderedText | RenderedEmail;
    try {
      const unsubscribe =
        input.channel === 'email' && unsubscribeUrl !== undefined
          ? signedUnsubscribeUrl(unsubscribeUrl, correlation, deps.unsubscribeSecret)
          : undefined;
      const selfService =
        deps.selfService !== undefined
          ? joinUrl(
              deps.selfService.publicBaseUrl,
              selfServicePath(deps.selfService.secret, {
                accountId: input.accountId,
                expiresAt: linkExpiry(info.scheduledTimestampMs, deps.selfService.linkDays),
              })
            )
          : undefined;
      rendered = renderMessage({
        ...input,
        ...(selfService !== undefined ? { paymentLink: selfService } : {}),
        ...((input.creditor ?? deps.creditor) ? { creditor: input.creditor ?? deps.creditor } : {}),
        ...(unsubscribe !== undefined ? { unsubscribeUrl: unsubscribe } : {}),
      });
    } catch (err) {
      if (err instanceof MessagingConfigurationError) {
        logger.warn({ ...meta, code: err.code }, `message not sent: ${err.message}`);
        metrics.failed(input.channel, 'misconfigured');
        throw permanentFailure(err.message, { channel: input.channel, code: err.code, reason: 'misconfigured' });
      }
      throw err;
    }
    const sms = input.channel === 'sms' && rendered.kind === 'text' ? smsInfo(rendered.body) : undefined;

    const claim = await deps.attempts.claim(
      {
        workflowId,
        accountId: input.accountId,
        stepKey: input.stepKey,
        channel: input.channel,
        to: input.to,
        template: input.template,
      },
      { durationMs: sendLeaseMs(info.startToCloseTimeoutMs) }
    );
    if (claim.lease === 'in_flight') {
      logger.info({ ...meta, leaseRemainingMs: claim.leaseRemainingMs }, 'another attempt is sending this message');
      throw ApplicationFailure.create({
        message: 'another attempt of this send holds the lease; retrying when it ends',
        type: SEND_IN_FLIGHT,
        nonRetryable: false,
        details: [{ channel: input.channel, code: 'send_in_flight' }],
        // Plus a second: by the database clock the lease ends then, and an early retry would only fail again.
        nextRetryDelay: (claim.leaseRemainingMs ?? 0) + 1_000,
      });
    }
    if (claim.lease === 'in_doubt') {
      logger.warn(meta, 'an earlier attempt may have sent this message; not sending it again');
      metrics.failed(input.channel, 'outcome_unknown');
      throw outcomeUnknown(input.channel, 'an earlier attempt may have sent this message; its outcome is unknown');
    }
    if (claim.providerMessageId !== null) {
      logger.info(
        { ...meta, providerMessageId: claim.providerMessageId },
        'message already sent by an earlier attempt'
      );
      metrics.deduplicated(input.channel);
      return {
        providerMessageId: claim.providerMessageId,
        transport: transportOf(claim, input.channel),
        status: claim.status === 'queued' ? 'queued' : 'sent',
        deduplicated: true,
        ...(sms ? { sms } : {}),
      };
    }

    // Checked after the claim, so an attempt that finds the message already sent still answers with its id.
    if (input.notAfter !== undefined && Date.now() >= Date.parse(input.notAfter)) {
      await deps.attempts.markFailed(claim.attemptId, {
        code: 'contact_window_closed',
        permanent: false,
        notSent: true,
        sendAttempt: claim.sendAttempt,
      });
      metrics.failed(input.channel, 'contact_window_closed');
      logger.warn(
        { ...meta, notAfter: input.notAfter },
        'message not sent: the contact window closed before it went out'
      );
      throw ApplicationFailure.nonRetryable(
        `the contact window closed at ${input.notAfter} before this message went out; nothing was sent`,
        CONTACT_WINDOW_CLOSED,
        { channel: input.channel, code: 'contact_window_closed' }
      );
    }

    let sent: TransportSendResult;
    try {
      sent = await send(input, rendered, correlation);
    } catch (err) {
      const failure = err instanceof ChannelSendError ? err : unclassified(err);
      metrics.failed(input.channel, failure.reason ?? (failure.notSent ? 'temporary' : 'outcome_unknown'));
      await deps.attempts.markFailed(claim.attemptId, {
        code: failure.code,
        permanent: failure.permanent,
        notSent: failure.notSent,
        sendAttempt: claim.sendAttempt,
      });
      logger.warn(
        {
          ...meta,
          provider: failure.provider,
          code: failure.code,
          reason: failure.reason,
          permanent: failure.permanent,
          notSent: failure.notSent,
          // Already redacted, and the same text the failure carries into history: says e.g. which template lacks a SID.
          error: failure.message,
        },
        'message send failed'
      );
      if (!failure.notSent) {
        // The request may have reached the provider: a retry could send the message a second time.
        throw outcomeUnknown(input.channel, failure.message, failure.code);
      }
      if (failure.reason !== undefined) {
        throw permanentFailure(failure.message, { channel: input.channel, code: failure.code, reason: failure.reason });
      }
      throw ApplicationFailure.create({
        message: failure.message,
        type: CHANNEL_TEMPORARILY_FAILED,
        nonRetryable: false,
        details: [{ channel: input.channel, code: failure.code }],
        ...(failure.retryAfterMs !== undefined ? { nextRetryDelay: failure.retryAfterMs } : {}),
        // No `cause`: the provider's raw error (request data, unredacted text) must not reach workflow history.
      });
    }

    // Counted as soon as the provider accepted it: the message is out even if the ledger write below fails.
    metrics.sent(input.channel, sent.transport);
    await withRetries(() =>
      deps.attempts.markSent(claim.attemptId, {
        providerMessageId: sent.providerMessageId,
        transport: sent.transport,
        status: sent.status,
      })
    );
    logger.info({ ...meta, transport: sent.transport, providerMessageId: sent.providerMessageId, sms }, 'message sent');
    return { ...sent, deduplicated: false, ...(sms ? { sms } : {}) };
  }

  function send(
    input: SendMessageInput,
    rendered: RenderedText | RenderedEmail,
    correlation: MessageCorrelation
  ): Promise<TransportSendResult> {
    if (rendered.kind === 'email') {
      return deps.email.send({
        to: input.to,
        toName: input.debtorName,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        unsubscribeUrl: rendered.unsubscribeUrl,
        correlation,
      });
    }
    const transport = input.channel === 'whatsapp' ? deps.whatsapp : deps.sms;
    return transport.send({
      to: input.to,
      body: rendered.body,
      ...(rendered.contentVariables !== undefined
        ? { content: { template: input.template, locale: input.locale, variables: rendered.contentVariables } }
        : {}),
      correlation,
      ...(statusCallbackUrl !== undefined ? { statusCallback: withCorrelation(statusCallbackUrl, correlation) } : {}),
    });
  }

  return { sendMessage };
}

function smsInfo(body: string): SendMessageResult['sms'] {
  const { encoding, segments } = smsSegments(body);
  return { encoding, segments };
}

function withCorrelation(base: string, c: MessageCorrelation): string {
  const url = new URL(base);
  url.searchParams.set('wf', c.workflowId);
  url.searchParams.set('step', c.stepKey);
  url.searchParams.set('channel', c.channel);
  return url.toString();
}

/** The correlated unsubscribe link plus its HMAC token: the body link and the List-Unsubscribe header alike. */
function signedUnsubscribeUrl(base: string, c: MessageCorrelation, secret: string | undefined): string {
  if (secret === undefined || secret === '') {
    throw new MessagingConfigurationError(
      'unsubscribe_secret_missing',
      'email needs a secret to sign its unsubscribe link (set UNSUBSCRIBE_SECRET)'
    );
  }
  const url = new URL(withCorrelation(base, c));
  url.searchParams.set('token', unsubscribeToken(secret, { wf: c.workflowId, step: c.stepKey, channel: c.channel }));
  return url.toString();
}

function permanentFailure(message: string, details: ChannelFailureDetails): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, CHANNEL_PERMANENTLY_FAILED, details);
}

function outcomeUnknown(channel: SendMessageInput['channel'], message: string, code = 'send_outcome_unknown') {
  return ApplicationFailure.nonRetryable(message, SEND_OUTCOME_UNKNOWN, { channel, code });
}

function sendLeaseMs(startToCloseTimeoutMs: number | undefined): number {
  const timeout = startToCloseTimeoutMs !== undefined && startToCloseTimeoutMs > 0 ? startToCloseTimeoutMs : undefined;
  return Math.ceil(timeout ?? DEFAULT_SEND_LEASE_MS) + SEND_LEASE_MARGIN_MS;
}

function unclassified(err: unknown): ChannelSendError {
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelSendError({ provider: 'unknown', code: 'unknown', message: `send failed: ${message}`, cause: err });
}

function transportOf(claim: ClaimedAttempt, channel: SendMessageInput['channel']): SendMessageResult['transport'] {
  const t = claim.transport;
  if (t === 'twilio' || t === 'sendgrid' || t === 'log') return t;
  return channel === 'email' ? 'sendgrid' : 'twilio';
}

/** The message is out; losing its id now would make the next attempt send it again, so try the write harder. */
async function withRetries(write: () => Promise<void>, delays: readonly number[] = [100, 500, 2000]): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await write();
    } catch (err) {
      const delay = delays[i];
      if (delay === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * When a message's link expires: `days` after the send was scheduled, at the end of that UTC day. Every retry of
 * the send is scheduled at the same instant, so each renders the same text.
 */
function linkExpiry(scheduledMs: number, days = DEFAULT_SELF_SERVICE_LINK_DAYS): number {
  const dayS = 86_400;
  return (Math.floor(scheduledMs / 1000 / dayS) + days + 1) * dayS;
}
