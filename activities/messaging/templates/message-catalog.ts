/**
 * The shape of one locale's message catalog. Every string is an ICU message (intl-messageformat). Arguments:
 * `name` (debtor), `amount` and `date` (already formatted for the locale), `link`, `url`, and for the creditor line
 * `name`, `address`, `taxId` with `hasAddress` and `hasTaxId` (`yes` or `no`). Catalogs hold plain text only: HTML is generated from it with
 * every value escaped, so a template can never inject markup.
 */

/** The message templates of the default ladder (agent-task templates send nothing). */
export const MESSAGE_TEMPLATE_KEYS = [
  'pre_due_nudge',
  'day_1_reminder',
  'week_1_notice',
  'final_notice',
  'promise_reminder',
  'installment_reminder',
] as const;
export type MessageTemplateKey = (typeof MESSAGE_TEMPLATE_KEYS)[number];

export function isMessageTemplateKey(key: string): key is MessageTemplateKey {
  return (MESSAGE_TEMPLATE_KEYS as readonly string[]).includes(key);
}

export interface MessageTemplate {
  /** SMS and WhatsApp text (opt-out, link and creditor line are appended by the renderer). */
  sms: string;
  subject: string;
  /** The email's main paragraph. */
  body: string;
}

export interface LocaleCatalog {
  locale: string;
  templates: Record<MessageTemplateKey, MessageTemplate>;
  /** Email salutation. */
  greeting: string;
  /** An early-payment discount: pay `{amount}` by `{date}` and the debt is settled. */
  discountOffer: string;
  /** Sentence carrying the payment link: `{link}`. */
  paymentLink: string;
  /** Who is collecting: `{name}`, `{address}`, `{taxId}` with the local tax-id label. */
  creditorLine: string;
  /** Reg F 12 CFR 1006.6(e) and the TCPA revocation rules: every text carries a simple opt-out. */
  optOutSms: string;
  /** The same for email, with the unsubscribe link: `{url}`. */
  optOutEmail: string;
}
