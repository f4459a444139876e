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

/**
 * Stands in for a provider when no credentials are configured (local dev, demos): writes one structured line with
 * what would have been sent and returns a `log-` id with `transport: 'log'`, so nothing downstream can mistake it
 * for a delivered message. This is the only place a recipient address is logged, and it is masked.
 */
const NOT_SENT = 'NOT SENT: no provider credentials';

export function createLogSmsTransport(logger: MessagingLogger, channel: 'sms' | 'whatsapp'): SmsTransport {
  return {
    name: 'log',
    send(message: SmsMessage): Promise<TransportSendResult> {
      const providerMessageId = `log-${randomUUID()}`;
      logger.info(
        {
          transport: 'log',
          channel,
          providerMessageId,
          to: maskAddress(message.to),
          workflowId: message.correlation.workflowId,
          stepKey: message.correlation.stepKey,
          body: message.body,
        },
        `${NOT_SENT}: ${channel} message`
      );
      return Promise.resolve({ providerMessageId, transport: 'log', status: 'queued' });
    },
  };
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
