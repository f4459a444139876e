/** Where the API serves the webhooks outgoing messages point at; the API mounts its routes at these paths. */
export const TWILIO_STATUS_CALLBACK_PATH = '/webhooks/twilio/status';
export const UNSUBSCRIBE_PATH = '/unsubscribe';

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
