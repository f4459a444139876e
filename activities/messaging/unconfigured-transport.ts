import { ChannelSendError } from './channel-send-error';
import type { SmsTransport } from './transport';

/**
 * For a channel whose sender is not configured while the provider is (e.g. Twilio credentials but no WhatsApp
 * sender): every send fails permanently as `misconfigured`, so the ladder falls back to the next channel instead of
 * the log transport quietly pretending in production.
 */
export function createUnconfiguredSmsTransport(channel: 'sms' | 'whatsapp', missing: string): SmsTransport {
  return {
    name: 'twilio',
    send() {
      return Promise.reject(
        new ChannelSendError({
          provider: 'twilio',
          code: 'sender_not_configured',
          reason: 'misconfigured',
          message: `${channel} is not configured: set ${missing}`,
          notSent: true,
        })
      );
    },
  };
}
