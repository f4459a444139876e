import { IntlMessageFormat } from 'intl-messageformat';
import type { Channel, Creditor } from '../../../workflows/engine/account';
import { contactPolicyFor } from '../../../workflows/engine/jurisdictions';
import { MessagingConfigurationError } from '../messaging-configuration-error';
import { formatAmount, formatLongDate, formatShortDate, formattingLocale, toPlainSpaces } from './format-values';
import { escapeHtml } from './html-escape';
import { isMessageTemplateKey, type LocaleCatalog } from './message-catalog';
import { resolveCatalog } from './resolve-locale';
import { whatsappContentVariables, type WhatsappContentVariables } from './whatsapp-content-variables';

export interface RenderInput {
  template: string;
  channel: Channel;
  locale: string;
  jurisdiction: string;
  debtorName: string;
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD. */
  referenceDate: string;
  paymentLink?: string;
  /** An early-payment discount to offer: pay `amountMinor` by `validUntil` (YYYY-MM-DD) to settle. */
  discount?: { amountMinor: number; validUntil: string };
  creditor?: Creditor;
  /** Required for email: the link every collection email must offer. */
  unsubscribeUrl?: string;
  /** From the account's policy snapshot (Brazil, CDC art. 42-A). */
  requiresCreditorIdentification?: boolean;
}

export interface RenderedText {
  kind: 'text';
  locale: string;
  body: string;
  /** WhatsApp only: the numbered variables of the approved template (see whatsapp-content-variables.ts). */
  contentVariables?: WhatsappContentVariables;
}
export interface RenderedEmail {
  kind: 'email';
  locale: string;
  subject: string;
  text: string;
  html: string;
  /** The link the body offers, for the List-Unsubscribe header. */
  unsubscribeUrl: string;
}

/**
 * Brazil, CDC (Lei 8.078/1990) art. 42-A: every billing document sent to a consumer must show the supplier's name,
 * address and CPF/CNPJ. The account's policy snapshot says so (`requiresCreditorIdentification`); an input from before
 * the flag was sent asks the jurisdiction's current policy. Decided by jurisdiction, never by the debtor's language.
 */
export function requiresFullCreditorIdentification(
  input: Pick<RenderInput, 'jurisdiction' | 'requiresCreditorIdentification'>
): boolean {
  return (
    input.requiresCreditorIdentification ??
    contactPolicyFor(input.jurisdiction)?.requiresCreditorIdentification ??
    false
  );
}

export function renderMessage(input: RenderInput): RenderedText | RenderedEmail {
  const { template } = input;
  if (!isMessageTemplateKey(template)) {
    throw new MessagingConfigurationError('unknown_template', `no message template "${template}"`);
  }
  const catalog = resolveCatalog(input.locale);
  const creditorLine = creditorLineFor(input, catalog);
  const locale = formattingLocale(input.locale, catalog.locale);
  const fmt = (message: string, values: Record<string, string>) =>
    new IntlMessageFormat(message, catalog.locale).format<string>(values) as string;
  const t = catalog.templates[template];

  if (input.channel !== 'email') {
    const values = {
      name: input.debtorName,
      amount: toPlainSpaces(formatAmount(input.amountMinor, input.currency, locale)),
      date: formatShortDate(input.referenceDate, locale),
    };
    const lawLine = requiresFullCreditorIdentification(input);
    // Identify the sender: the creditor's name up front, or the full legal line where the law asks for it.
    const opening = input.creditor && !lawLine ? `${input.creditor.name}: ` : '';
    const parts = [
      opening + fmt(t.sms, values),
      input.discount !== undefined
        ? fmt(catalog.discountOffer, {
            amount: toPlainSpaces(formatAmount(input.discount.amountMinor, input.currency, locale)),
            date: formatShortDate(input.discount.validUntil, locale),
          })
        : undefined,
      input.paymentLink !== undefined ? fmt(catalog.paymentLink, { link: input.paymentLink }) : undefined,
      lawLine ? creditorLine : undefined,
      catalog.optOutSms,
    ];
    const body = toPlainSpaces(parts.filter(isText).join(' '));
    if (input.channel !== 'whatsapp') return { kind: 'text', locale: catalog.locale, body };
    const contentVariables = whatsappContentVariables({
      ...values,
      paymentLink: input.paymentLink,
      creditorLine: creditorLine !== undefined ? toPlainSpaces(creditorLine) : undefined,
    });
    return { kind: 'text', locale: catalog.locale, body, contentVariables };
  }

  if (input.unsubscribeUrl === undefined) {
    throw new MessagingConfigurationError(
      'unsubscribe_url_missing',
      'email needs an unsubscribe URL (set PUBLIC_BASE_URL)'
    );
  }
  const values = {
    name: input.debtorName,
    amount: formatAmount(input.amountMinor, input.currency, locale),
    date: formatLongDate(input.referenceDate, locale),
  };
  // Links are formatted as private-use placeholders, the paragraph escaped, then the placeholder replaced by an anchor.
  const paragraphs: { text: (link: (url: string) => string) => string }[] = [
    { text: () => fmt(catalog.greeting, values) },
    { text: () => fmt(t.body, values) },
  ];
  const { paymentLink, unsubscribeUrl, discount } = input;
  if (discount !== undefined)
    paragraphs.push({
      text: () =>
        fmt(catalog.discountOffer, {
          amount: formatAmount(discount.amountMinor, input.currency, locale),
          date: formatLongDate(discount.validUntil, locale),
        }),
    });
  if (paymentLink !== undefined)
    paragraphs.push({ text: (link) => fmt(catalog.paymentLink, { link: link(paymentLink) }) });
  if (creditorLine !== undefined) paragraphs.push({ text: () => creditorLine });
  paragraphs.push({ text: (link) => fmt(catalog.optOutEmail, { url: link(unsubscribeUrl) }) });

  const text = paragraphs.map((p) => p.text((url) => url)).join('\n\n');
  const html = paragraphs.map((p) => `<p>${htmlWithLinks(p.text)}</p>`).join('\n');
  return {
    kind: 'email',
    locale: catalog.locale,
    subject: fmt(t.subject, values),
    text,
    unsubscribeUrl,
    html: `<!doctype html>\n<html lang="${escapeHtml(catalog.locale)}">\n<body>\n${html}\n</body>\n</html>\n`,
  };
}

function htmlWithLinks(render: (link: (url: string) => string) => string): string {
  const links: string[] = [];
  const raw = render((url) => `\ue000${links.push(url) - 1}\ue000`);
  return escapeHtml(raw).replace(/\ue000(\d+)\ue000/g, (_, i: string) => {
    const url = escapeHtml(links[Number(i)] ?? '');
    return `<a href="${url}">${url}</a>`;
  });
}

function creditorLineFor(input: RenderInput, catalog: LocaleCatalog): string | undefined {
  const c = input.creditor;
  if (requiresFullCreditorIdentification(input)) {
    const missing = [
      c?.name?.trim() ? undefined : 'name',
      c?.address?.trim() ? undefined : 'address',
      c?.taxId?.trim() ? undefined : 'taxId (CPF/CNPJ)',
    ].filter(isText);
    if (missing.length > 0) {
      throw new MessagingConfigurationError(
        'creditor_identification_missing',
        `Brazil (CDC art. 42-A) requires the creditor's name, address and CPF/CNPJ on every billing message; missing: ${missing.join(', ')} (set CREDITOR_NAME, CREDITOR_ADDRESS, CREDITOR_TAX_ID or the account's creditor)`
      );
    }
  }
  if (!c) return undefined;
  return new IntlMessageFormat(catalog.creditorLine, catalog.locale).format<string>({
    name: c.name,
    address: c.address ?? '',
    taxId: c.taxId ?? '',
    hasAddress: c.address?.trim() ? 'yes' : 'no',
    hasTaxId: c.taxId?.trim() ? 'yes' : 'no',
  }) as string;
}

function isText(s: string | undefined): s is string {
  return s !== undefined && s !== '';
}
