/**
 * A message that cannot lawfully or sensibly be built: unknown template, creditor identification missing where the
 * law requires it, no unsubscribe URL for an email. No retry can fix it; an operator must.
 */
export class MessagingConfigurationError extends Error {
  override readonly name = 'MessagingConfigurationError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
