import { z } from 'zod';
import { ChannelSendError } from './channel-send-error';
import { MESSAGE_TEMPLATE_KEYS, isMessageTemplateKey } from './templates/message-catalog';
import { SUPPORTED_LOCALES, resolveCatalog } from './templates/resolve-locale';
import {
  WHATSAPP_CONTENT_VARIABLES,
  type WhatsappContentVariables,
  type WhatsappVariableNumber,
} from './templates/whatsapp-content-variables';

/**
 * WhatsApp Business only lets a business open a conversation (outside the 24-hour customer-service window, which is
 * where every collection reminder falls) with a template Meta approved; Twilio refuses free text there (63016). Each
 * message template and locale the product sends maps to an approved Twilio Content template (`HX…`) through
 * TWILIO_WHATSAPP_CONTENT_SIDS, a JSON object such as `{"day_1_reminder:es-MX":"HX…","day_1_reminder:es":"HX…"}`.
 */
export const WHATSAPP_CONTENT_SIDS_VARIABLE = 'TWILIO_WHATSAPP_CONTENT_SIDS';

/** `template:locale` (locale normalised to `es-MX` or `es`) → Content SID. */
export type WhatsappContentSids = ReadonlyMap<string, string>;

/** The Messages API's own pattern for ContentSid (twilio_api_v2010.yaml, CreateMessageRequest). */
const ContentSidSchema = z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'expected a Content SID: HX + 32 hex digits');
const LOCALE_SHAPE = /^[a-z]{2}(-[a-z]{2})?$/i;

/** `es-mx` and `es_MX` → `es-MX`; `ES` → `es`. */
function normalizeLocale(locale: string): string {
  const [language = '', region] = locale.replace('_', '-').split('-');
  return region === undefined ? language.toLowerCase() : `${language.toLowerCase()}-${region.toUpperCase()}`;
}

export function contentSidKey(template: string, locale: string): string {
  return `${template}:${normalizeLocale(locale)}`;
}

/**
 * Reads the variable's JSON. Every problem names the entry, so a typo in one key of twenty is found at start rather
 * than on the first debtor's message.
 */
export function parseWhatsappContentSids(
  raw: string
): { ok: true; sids: WhatsappContentSids } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON (${(err as Error).message})`] };
  }
  const object = z.record(z.string(), z.unknown()).safeParse(json);
  if (!object.success || Array.isArray(json)) {
    return { ok: false, problems: ['expected a JSON object such as {"day_1_reminder:es-MX":"HX…"}'] };
  }
  const problems: string[] = [];
  const sids = new Map<string, string>();
  const seenAs = new Map<string, string>();
  for (const [entry, value] of Object.entries(object.data)) {
    const at = `entry ${JSON.stringify(entry)}`;
    const separator = entry.indexOf(':');
    const template = separator < 0 ? entry : entry.slice(0, separator);
    const locale = separator < 0 ? '' : entry.slice(separator + 1);
    if (separator < 0 || locale === '') {
      problems.push(`${at}: expected "<template>:<locale>", e.g. "day_1_reminder:es-MX" or "day_1_reminder:es"`);
      continue;
    }
    if (!isMessageTemplateKey(template)) {
      problems.push(`${at}: unknown template "${template}" (expected one of ${MESSAGE_TEMPLATE_KEYS.join(', ')})`);
    }
    if (!LOCALE_SHAPE.test(locale.replace('_', '-'))) {
      problems.push(`${at}: "${locale}" is not a locale such as es-MX or a language such as es`);
    }
    const sid = ContentSidSchema.safeParse(value);
    if (!sid.success) problems.push(`${at}: ${sid.error.issues[0]?.message ?? 'invalid'}`);
    if (!isMessageTemplateKey(template) || !LOCALE_SHAPE.test(locale.replace('_', '-')) || !sid.success) continue;
    const key = contentSidKey(template, locale);
    const earlier = seenAs.get(key);
    if (earlier !== undefined) {
      problems.push(`${at}: names the same template and locale as entry ${JSON.stringify(earlier)}`);
      continue;
    }
    seenAs.set(key, entry);
    sids.set(key, sid.data);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, sids };
}

/**
 * The keys tried for a debtor's locale, in order: the exact locale, its language, then the catalog the SMS text
 * falls back to (es-AR → es-MX, fr-FR → en-US) and that catalog's language: the same fallback as the text templates,
 * with the operator's language-wide entry (`es`) preferred to another region's template.
 */
export function contentSidCandidates(template: string, locale: string): string[] {
  const exact = normalizeLocale(locale);
  const catalog = normalizeLocale(resolveCatalog(locale).locale);
  const languageOf = (l: string) => l.split('-')[0] ?? l;
  const locales = [exact, languageOf(exact), catalog, languageOf(catalog)];
  return [...new Set(locales.filter((l) => l !== '').map((l) => `${template}:${l}`))];
}

export type ContentSidLookup = { contentSid: string; key: string } | { contentSid: undefined; tried: string[] };

export function resolveContentSid(sids: WhatsappContentSids, template: string, locale: string): ContentSidLookup {
  const tried = contentSidCandidates(template, locale);
  for (const key of tried) {
    const contentSid = sids.get(key);
    if (contentSid !== undefined) return { contentSid, key };
  }
  return { contentSid: undefined, tried };
}

/** What the send activity hands a WhatsApp transport besides the text: which template, for whom, with what values. */
export interface WhatsappTemplateContent {
  template: string;
  /** The debtor's locale as placed; the lookup falls back from it. */
  locale: string;
  variables: WhatsappContentVariables;
}

export interface WhatsappTemplateRequest {
  contentSid: string;
  /** The `ContentVariables` form field: a JSON object of the numbered variables, "1" to "5". */
  contentVariables: string;
  /** The entry of TWILIO_WHATSAPP_CONTENT_SIDS that matched. */
  key: string;
}

/**
 * The ContentSid and ContentVariables of a WhatsApp send, or a permanent `misconfigured` failure that never reaches
 * Twilio: no approved template for this template and locale, or a variable the template needs that the account
 * cannot fill (Twilio would substitute the template's sample value, e.g. a sample payment link, for a missing one).
 */
export function whatsappTemplateRequest(
  sids: WhatsappContentSids,
  content: WhatsappTemplateContent | undefined
): WhatsappTemplateRequest {
  if (content === undefined) {
    throw misconfigured(
      'whatsapp_template_not_configured',
      'WhatsApp needs an approved template: free text is refused outside the 24-hour window (Twilio 63016)'
    );
  }
  const lookup = resolveContentSid(sids, content.template, content.locale);
  if (lookup.contentSid === undefined) {
    throw misconfigured(
      'whatsapp_template_not_configured',
      `no approved WhatsApp template for ${content.template} in ${content.locale}: ${WHATSAPP_CONTENT_SIDS_VARIABLE} ` +
        `has none of ${lookup.tried.join(', ')}; not sending free text (Twilio 63016)`
    );
  }
  const numbers = Object.keys(WHATSAPP_CONTENT_VARIABLES) as WhatsappVariableNumber[];
  const missing = numbers.filter((n) => !content.variables[n]?.trim());
  if (missing.length > 0) {
    const names = missing.map((n) => `{{${n}}} ${WHATSAPP_CONTENT_VARIABLES[n]}`).join(', ');
    throw misconfigured(
      'whatsapp_variable_missing',
      `WhatsApp template ${lookup.key} (${lookup.contentSid}) needs ${names}, which this account does not provide` +
        (missing.includes('5') ? ' (set CREDITOR_NAME or the account’s creditor)' : '')
    );
  }
  const variables = Object.fromEntries(numbers.map((n) => [n, content.variables[n] ?? '']));
  return { contentSid: lookup.contentSid, contentVariables: JSON.stringify(variables), key: lookup.key };
}

/** Every template and supported locale with no content SID even after fallback, for the start-up warning. */
export function uncoveredWhatsappTemplates(sids: WhatsappContentSids): string[] {
  return MESSAGE_TEMPLATE_KEYS.flatMap((template) =>
    SUPPORTED_LOCALES.filter((locale) => resolveContentSid(sids, template, locale).contentSid === undefined).map(
      (locale) => `${template}:${locale}`
    )
  );
}

function misconfigured(code: string, message: string): ChannelSendError {
  return new ChannelSendError({ provider: 'twilio', code, reason: 'misconfigured', message, notSent: true });
}
