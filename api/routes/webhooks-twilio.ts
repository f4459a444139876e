import { WorkflowNotFoundError } from '@temporalio/client';
import express, { type RequestHandler } from 'express';
import twilio from 'twilio';
import type { WebhookDeduper } from '../dedupe';
import type { RouteDeps } from '../deps';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';
import { optOutKeyword } from '../opt-out-keywords';
import { escapeHtml } from '../../activities/messaging/templates/html-escape';
import { inboundRequest, replyTo, type InboundRequest } from '../inbound-requests';
import { queryStatus } from '../signals';
import { ProblemError, problems } from '../problem';
import { addRoute, requireContentType, type RouteContext } from '../route';
import { TwilioInboundForm, TwilioStatusForm, TwilioStatusQuery } from '../schemas';
import { signalWorkflow } from '../signals';

/**
 * Delivery failures that retire the channel: unreachable/unknown/landline/invalid number, unsubscribed, and the
 * WhatsApp ones Twilio often reports only in the status callback (no approved template, not a WhatsApp user).
 */
export const PERMANENT_TWILIO_ERRORS = new Set([
  '30003',
  '30005',
  '30006',
  '21211',
  '21610',
  '21614',
  '30004',
  '63016',
  '63003',
  '63024',
  '63032',
]);

const FORM = 'application/x-www-form-urlencoded';

/** X-Twilio-Signature over PUBLIC_BASE_URL + originalUrl and every form parameter; 403 otherwise. */
function verifyTwilio(deps: RouteDeps): RequestHandler {
  return (req, _res, next) => {
    const token = deps.config.twilioAuthToken;
    if (!token) return next(problems.unavailable('the Twilio webhook is not configured (TWILIO_AUTH_TOKEN)'));
    const signature = req.get('x-twilio-signature');
    const url = deps.config.publicBaseUrl + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(token, signature, url, params)) {
      deps.metrics.webhookEvents.inc({
        provider: 'twilio',
        type: req.path.endsWith('inbound') ? 'inbound' : 'status',
        verdict: 'bad_signature',
      });
      return next(
        new ProblemError(403, 'invalid-signature', 'the X-Twilio-Signature header is missing or does not match', [
          { field: 'X-Twilio-Signature', message: signature ? 'does not match' : 'missing' },
        ])
      );
    }
    next();
  };
}

function deliveryOf(status: string, errorCode: string | undefined) {
  switch (status) {
    case 'sent':
      return { status: 'sent' as const, permanent: false };
    case 'delivered':
    case 'read':
      return { status: 'delivered' as const, permanent: false };
    case 'failed':
    case 'undelivered':
      return {
        status: 'failed' as const,
        permanent: errorCode !== undefined && PERMANENT_TWILIO_ERRORS.has(errorCode),
      };
    default:
      return null; // queued, accepted, sending, scheduled, canceled...: nothing for the workflow
  }
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function registerTwilioWebhooks(ctx: RouteContext, deps: RouteDeps, dedupe: WebhookDeduper): void {
  const pre = [requireContentType([FORM]), express.urlencoded({ extended: false, limit: '100kb' }), verifyTwilio(deps)];
  const count = (type: string, verdict: string) =>
    deps.metrics.webhookEvents.inc({ provider: 'twilio', type, verdict });

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/webhooks/twilio/status',
      operationId: 'twilioStatusCallback',
      summary: 'Twilio message status callback → deliveryStatus signal',
      description:
        'Form-encoded. `wf`, `step` and `channel` come from the callback URL the send activity set. failed/undelivered ' +
        'with 30003, 30004, 30005, 30006, 21211, 21610 or 21614 is permanent and retires the channel.',
      tags: ['webhooks'],
      auth: 'twilio-signature',
      pre,
      query: TwilioStatusQuery,
      body: TwilioStatusForm,
      bodyTypes: [FORM],
      responses: { 204: { description: 'applied, ignored or duplicate' } },
    },
    async ({ query, body }, _req, res) => {
      const delivery = deliveryOf(body.MessageStatus, body.ErrorCode);
      if (!delivery) {
        count(body.MessageStatus, 'ignored');
        res.sendStatus(204);
        return;
      }
      const key = `twilio:${body.MessageSid}:${body.MessageStatus}`;
      if (await dedupe.seen(key)) {
        count(body.MessageStatus, 'duplicate');
        res.sendStatus(204);
        return;
      }
      const channel = query.channel ?? (body.From?.startsWith('whatsapp:') ? 'whatsapp' : 'sms');
      await deps.store.recordDeliveryStatus(body.MessageSid, {
        status: delivery.status,
        at: new Date(deps.now()),
        ...(body.ErrorCode !== undefined && { errorCode: body.ErrorCode }),
      });
      let verdict = 'applied';
      try {
        await signalWorkflow(deps, query.wf, 'deliveryStatus', {
          channel,
          providerMessageId: body.MessageSid,
          status: delivery.status,
          permanent: delivery.permanent,
          ...(query.step !== undefined && { stepId: query.step }),
          ...(body.ErrorCode !== undefined && { errorCode: body.ErrorCode }),
        });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        verdict = 'unknown_workflow';
      }
      await dedupe.mark(key, { provider: 'twilio', type: body.MessageStatus });
      count(body.MessageStatus, verdict);
      res.sendStatus(204);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/webhooks/twilio/inbound',
      operationId: 'twilioInboundMessage',
      summary:
        'Inbound SMS/WhatsApp: opt-out keywords (STOP, BAJA, NO MÁS, PARAR, SAIR...) → optOut signal; SALDO, ' +
        'BALANCE, PROMESA... → a reply with the balance and a link to the debtor’s page',
      description:
        'Keywords are matched case- and accent-insensitively as the whole message or its first word. The sender is ' +
        'found by phone number; the opt-out is recorded (source keyword) and signalled. Answers empty TwiML, or for ' +
        'a balance or promise request one <Message> per open account of that number (audited as the debtor’s).',
      tags: ['webhooks'],
      auth: 'twilio-signature',
      pre,
      body: TwilioInboundForm,
      bodyTypes: [FORM],
      responses: { 200: { description: 'TwiML: empty, or the reply to a request', contentType: 'text/xml' } },
    },
    async ({ body }, _req, res) => {
      const reply = () => res.type('text/xml').send(EMPTY_TWIML);
      const keyword = optOutKeyword(body.Body);
      if (!keyword) {
        const asked = inboundRequest(body.Body);
        if (asked) return void res.type('text/xml').send(await answerRequest(deps, body.From, asked, count));
        count('inbound', 'not_keyword');
        return void reply();
      }
      const key = `twilio-inbound:${body.MessageSid}`;
      if (await dedupe.seen(key)) {
        count('inbound', 'duplicate');
        return void reply();
      }
      const whatsapp = body.From.startsWith('whatsapp:');
      const channel = whatsapp ? ('whatsapp' as const) : ('sms' as const);
      const phone = whatsapp ? body.From.slice('whatsapp:'.length) : body.From;
      const accountIds = await deps.store.findAccountIdsByPhone(phone);
      const receivedAt = new Date(deps.now()).toISOString();
      let signalled = 0;
      for (const accountId of accountIds) {
        const delivery = await receiveAndDeliverOptOut(deps, accountId, {
          channel,
          address: phone,
          source: 'keyword',
          keyword,
          receivedAt,
        });
        if (delivery.outcome === 'signalled') signalled++;
      }
      await dedupe.mark(key, { provider: 'twilio', type: 'inbound_opt_out' });
      count('inbound', accountIds.length === 0 ? 'unknown_sender' : signalled > 0 ? 'applied' : 'unknown_workflow');
      deps.logger.info({ accounts: accountIds, keyword, channel }, 'opt-out keyword received');
      reply();
    }
  );
}

/**
 * Answers SALDO / PROMESA and their siblings in the webhook's own TwiML, to the number that wrote, one message per
 * open account of that number (at most three). A reply is the debtor's own conversation, not a contact we start, so
 * it goes out at once and outside the ledger and its caps: Reg F's call-frequency presumptions count the calls a
 * collector places (12 CFR 1006.14(b)(2)), and Colombia's limits are on the contacts the entity initiates (Ley 2300
 * de 2023 art. 3). An unknown number gets no answer, so nothing is told to a stranger.
 */
async function answerRequest(
  deps: RouteDeps,
  from: string,
  asked: { keyword: string; request: InboundRequest },
  count: (type: string, verdict: string) => void
): Promise<string> {
  const whatsapp = from.startsWith('whatsapp:');
  const phone = whatsapp ? from.slice('whatsapp:'.length) : from;
  const accountIds = (await deps.store.findAccountIdsByPhone(phone)).slice(0, 3);
  const secret = deps.config.unsubscribeSecret;
  const replies: string[] = [];
  for (const accountId of accountIds) {
    const placed = await deps.store.getPlacedAccount(accountId);
    if (!placed) continue;
    const status = await queryStatus(deps, accountId).catch(() => null);
    if (status?.commitments.closed) continue;
    replies.push(
      replyTo(asked.request, {
        account: placed.account,
        status,
        creditorName: placed.account.creditor?.name ?? deps.config.creditor?.name ?? 'Cobranza',
        ...(secret && { selfService: { publicBaseUrl: deps.config.publicBaseUrl, secret } }),
        now: deps.now(),
      })
    );
    await deps.store.appendAuditEvent({
      accountId,
      actor: 'debtor',
      action: asked.request === 'balance' ? 'balance_requested' : 'promise_requested',
      reason: `${asked.keyword} by ${whatsapp ? 'whatsapp' : 'sms'}; answered in the conversation`,
      data: { keyword: asked.keyword, channel: whatsapp ? 'whatsapp' : 'sms' },
      at: new Date(deps.now()),
    });
  }
  count('inbound', replies.length > 0 ? `${asked.request}_answered` : 'unknown_sender');
  deps.logger.info({ accounts: accountIds, keyword: asked.keyword }, 'inbound request answered');
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${replies
    .map((r) => `<Message>${escapeHtml(r)}</Message>`)
    .join('')}</Response>`;
}
