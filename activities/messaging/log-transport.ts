import { randomUUID } from 'node:crypto';
import { maskAddress } from './mask-address';
import type {
  EmailMessage,
  EmailTransport,
  MessagingLogger,
  SmsMessage,
  SmsTransport,
  TransportSendResult,
} from './transport';
import { resolveContentSid, type WhatsappContentSids, type WhatsappTemplateContent } from './whatsapp-content';

/**
 * Stands in for a provider when no credentials are configured (local dev, demos): writes one structured line with
 * what would have been sent and returns a `log-` id with `transport: 'log'`, so nothing downstream can mistake it
 * for a delivered message. This is the only place a recipient address is logged, and it is masked.
 */
const NOT_SENT = 'NOT SENT: no provider credentials';

/**
 * With `whatsappContentSids` (TWILIO_WHATSAPP_CONTENT_SIDS set), a WhatsApp line also shows the approved template
 * Twilio would have been asked for and its variables, or which entries were looked for in vain; the text is logged
 * either way, so local development works without any template.
 */
export function createLogSmsTransport(
  logger: MessagingLogger,
  channel: 'sms' | 'whatsapp',
  whatsappContentSids?: WhatsappContentSids
): SmsTransport {
  return {
    name: 'log',
    send(message: SmsMessage): Promise<TransportSendResult> {
      const providerMessageId = `log-${randomUUID()}`;
      const template =
        channel === 'whatsapp' && whatsappContentSids?.size && message.content
          ? wouldUse(whatsappContentSids, message.content)
          : {};
      logger.info(
        {
          transport: 'log',
          channel,
          providerMessageId,
          to: maskAddress(message.to),
          workflowId: message.correlation.workflowId,
          stepKey: message.correlation.stepKey,
          body: message.body,
          ...template,
        },
        `${NOT_SENT}: ${channel} message`
      );
      return Promise.resolve({ providerMessageId, transport: 'log', status: 'queued' });
    },
  };
}

function wouldUse(sids: WhatsappContentSids, content: WhatsappTemplateContent): Record<string, unknown> {
  const lookup = resolveContentSid(sids, content.template, content.locale);
  return lookup.contentSid !== undefined
    ? { contentSid: lookup.contentSid, contentSidKey: lookup.key, contentVariables: content.variables }
    : { contentSid: null, contentSidTried: lookup.tried, contentVariables: content.variables };
}

export function createLogEmailTransport(logger: MessagingLogger): EmailTransport {
  return {
    name: 'log',
    send(message: EmailMessage): Promise<TransportSendResult> {
      const providerMessageId = `log-${randomUUID()}`;
      logger.info(
        {
          transport: 'log',
          channel: 'email',
          providerMessageId,
          to: maskAddress(message.to),
          workflowId: message.correlation.workflowId,
          stepKey: message.correlation.stepKey,
          subject: message.subject,
          text: message.text,
          unsubscribeUrl: message.unsubscribeUrl,
        },
        `${NOT_SENT}: email`
      );
      return Promise.resolve({ providerMessageId, transport: 'log', status: 'queued' });
    },
  };
}
