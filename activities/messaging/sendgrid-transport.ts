import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { ChannelSendError, neverConnected } from './channel-send-error';
import { retryAfterMs } from './retry-after';
import type { EmailMessage, EmailTransport, TransportSendResult } from './transport';

/**
 * SendGrid Mail Send v3 (`POST /v3/mail/send`, Bearer auth) over @sendgrid/mail. The package's default export is a
 * module singleton; we build our own MailService over our own Client so credentials and base URL are injected.
 */

/** Builds the one MailService the worker shares. `baseUrl` is for tests and mocks only. */
export function createSendGridMailService(apiKey: string, opts: { baseUrl?: string } = {}): MailService {
  const client = new Client();
  client.setApiKey(apiKey);
  // setApiKey() resets baseUrl to the region host, so an override must come after it.
  if (opts.baseUrl !== undefined) client.setDefaultRequest('baseUrl', opts.baseUrl);
  const mail = new MailService();
  mail.setClient(client);
  // The client has no timeout of its own; a hung request would hold the activity until its start-to-close timeout.
  mail.setTimeout(30_000);
  return mail;
}

export function createSendGridTransport(args: {
  mail: MailService;
  from: { email: string; name?: string };
}): EmailTransport {
  const { mail, from } = args;
  return {
    name: 'sendgrid',
    async send(message: EmailMessage): Promise<TransportSendResult> {
      const { correlation } = message;
      try {
        const [response] = await mail.send({
          from,
          personalizations: [
            {
              to: [{ email: message.to, ...(message.toName !== undefined ? { name: message.toName } : {}) }],
              // Come back on every Event Webhook event, so bounces and unsubscribes find their workflow step.
              customArgs: {
                workflowId: correlation.workflowId,
                stepKey: correlation.stepKey,
                accountId: correlation.accountId,
              },
            },
          ],
          subject: message.subject,
          content: [
            { type: 'text/plain', value: message.text },
            { type: 'text/html', value: message.html },
          ],
          // RFC 2369 + RFC 8058 one-click unsubscribe; Reg F 1006.6(e) requires a simple opt-out in every email.
          headers: {
            'List-Unsubscribe': `<${message.unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
        const id = headerValue(response.headers, 'x-message-id');
        if (id === undefined) {
          // Accepted without an id: the mail is queued, but we could never tie its events back. Don't resend.
          return {
            providerMessageId: `sendgrid-unknown-${correlation.workflowId}-${correlation.stepKey}`,
            transport: 'sendgrid',
            status: 'queued',
          };
        }
        return { providerMessageId: id, transport: 'sendgrid', status: 'queued' };
      } catch (err) {
        throw classifySendGridError(err);
      }
    },
  };
}

export function classifySendGridError(err: unknown): ChannelSendError {
  const status = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const response = typeof err === 'object' && err !== null ? (err as { response?: unknown }).response : undefined;
  const headers =
    typeof response === 'object' && response !== null
      ? ((response as { headers?: Record<string, unknown> }).headers ?? undefined)
      : undefined;
  const detail = firstErrorMessage(response) ?? (err instanceof Error ? err.message : String(err));
  if (typeof status !== 'number') {
    // No HTTP status: unless the connection never opened (DNS, refused), the mail may have reached SendGrid.
    return new ChannelSendError({
      provider: 'sendgrid',
      code: 'network',
      message: `SendGrid unreachable: ${detail}`,
      notSent: neverConnected(err),
      cause: err,
    });
  }
  const code = String(status);
  if (status === 429) {
    return new ChannelSendError({
      provider: 'sendgrid',
      code,
      message: `SendGrid rate limit: ${detail}`,
      retryAfterMs: retryAfterMs(headers),
      notSent: true,
      cause: err,
    });
  }
  if (status >= 500) {
    // An error answer means SendGrid did not accept the mail; a 504 is a gateway that gave up waiting, so unknown.
    return new ChannelSendError({
      provider: 'sendgrid',
      code,
      message: `SendGrid ${code}: ${detail}`,
      notSent: status !== 504,
      cause: err,
    });
  }
  // 401/403: bad key or unverified sender; 400/413 and other 4xx: the request itself is invalid. None heal by retrying.
  const reason =
    status === 401 || status === 403
      ? 'misconfigured'
      : status === 400 && /valid (email )?address/i.test(detail)
        ? 'invalid_address'
        : 'rejected';
  return new ChannelSendError({
    provider: 'sendgrid',
    code,
    reason,
    message: `SendGrid ${code}: ${detail}`,
    notSent: true,
    cause: err,
  });
}

function firstErrorMessage(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const body = (response as { body?: unknown }).body;
  const parsed: unknown = typeof body === 'string' ? safeJson(body) : body;
  const errors = typeof parsed === 'object' && parsed !== null ? (parsed as { errors?: unknown }).errors : undefined;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const msg = typeof first === 'object' && first !== null ? (first as { message?: unknown }).message : undefined;
  return typeof msg === 'string' ? msg : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name) {
      const first: unknown = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string' && first !== '') return first;
    }
  }
  return undefined;
}
