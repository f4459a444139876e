import type { Channel } from '../../workflows/engine/account';
import type { WhatsappTemplateContent } from './whatsapp-content';

/**
 * The seams between the send activity and the providers. Transports are thin: they build the provider request,
 * send it once (retries belong to Temporal), and classify failures as {@link ChannelSendError}.
 */

/** Carried to the provider so its callbacks and events can be tied back to the workflow step. */
export interface MessageCorrelation {
  workflowId: string;
  stepKey: string;
  accountId: string;
  channel: Channel;
}

export interface TransportSendResult {
  providerMessageId: string;
  transport: 'twilio' | 'sendgrid' | 'log';
  status: 'queued' | 'sent';
}

export interface SmsMessage {
  /** E.164, without any channel prefix: the WhatsApp transport adds `whatsapp:` itself. */
  to: string;
  body: string;
  /**
   * WhatsApp: the template and numbered variables; the transport sends the approved template (ContentSid) mapped to
   * it, never `body`. The log transport shows both.
   */
  content?: WhatsappTemplateContent;
  correlation: MessageCorrelation;
  /** Delivery-status webhook, correlation already in its query string. */
  statusCallback?: string;
}

export interface EmailMessage {
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html: string;
  /** Goes into the List-Unsubscribe header; the body carries the same link. */
  unsubscribeUrl: string;
  correlation: MessageCorrelation;
}

/** Twilio SMS or WhatsApp, or the log transport standing in for them. */
export interface SmsTransport {
  readonly name: 'twilio' | 'log';
  send(message: SmsMessage): Promise<TransportSendResult>;
}

export interface EmailTransport {
  readonly name: 'sendgrid' | 'log';
  send(message: EmailMessage): Promise<TransportSendResult>;
}

/** The subset of pino's Logger the messaging code needs, so tests and the activity logger fit too. */
export interface MessagingLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}
