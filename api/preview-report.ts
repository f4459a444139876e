import { z } from 'zod';
import { formatAmount, formattingLocale, toPlainSpaces } from '../activities/messaging/templates/format-values';
import { renderMessage } from '../activities/messaging/templates/render-message';
import { resolveCatalog } from '../activities/messaging/templates/resolve-locale';
import { MessagingConfigurationError } from '../activities/messaging/messaging-configuration-error';
import type { Account } from '../workflows/engine/account';
import { contactPolicyFor } from '../workflows/engine/jurisdictions';
import { messageInputFor } from '../workflows/message-input';
import { PreviewScenarioSchema, runPreview, type PreviewAction, type PreviewResult } from '../workflows/engine/preview';

/**
 * The preview as a collections manager reads it (the CLI prints it, POST /v1/preview answers it): the engine's
 * timeline from `runPreview`, with every amount also written in the account's currency and locale and, on request,
 * each message's text as the send would render it. Formatting and rendering live here, outside workflows/, because
 * they are the messaging layer's code and the workflow sandbox must not import it.
 */

/** Each send signs its own unsubscribe link; the preview has no send, so its emails show this placeholder. */
export const PREVIEW_UNSUBSCRIBE_URL = 'https://example.invalid/unsubscribe';

const instant = z.string().describe('UTC instant, ISO 8601');
const localInstant = z.string().describe("the same instant in the debtor's zone (`account.zone`), with its offset");

const MessageText = z.union([
  z.strictObject({
    locale: z.string().describe('the catalog the text comes from'),
    body: z.string().describe('the SMS text; for WhatsApp, the text the log transport shows'),
    contentVariables: z
      .record(z.string(), z.string())
      .optional()
      .describe("WhatsApp: the approved template's numbered variables ({{1}}…{{5}})"),
  }),
  z.strictObject({
    locale: z.string(),
    subject: z.string(),
    text: z.string().describe('the plain-text part of the email'),
    unsubscribeUrl: z.literal(PREVIEW_UNSUBSCRIBE_URL).describe('a placeholder: each send signs its own link'),
  }),
  z.strictObject({
    problem: z
      .strictObject({ code: z.string(), message: z.string() })
      .describe('the message cannot be built: the send would fail as misconfigured'),
  }),
]);
export type PreviewMessageText = z.infer<typeof MessageText>;

const Action = z.strictObject({
  at: instant,
  local: localInstant,
  step: z.string(),
  kind: z.enum(['message', 'agent_task', 'end']),
  channel: z.enum(['sms', 'whatsapp', 'email']).optional(),
  to: z.string().optional(),
  template: z.string(),
  amountMinor: z.number().int(),
  amount: z.string().describe('amountMinor in the account currency and the debtor locale, e.g. "$1,500.00"'),
  referenceDate: z.string(),
  discount: z
    .strictObject({
      amountMinor: z.number().int(),
      amount: z.string(),
      validUntil: z.string().describe("the debtor's last day to pay it, in their calendar"),
    })
    .optional()
    .describe('an early-payment discount the message offers: paying `amount` by `validUntil` settles the account'),
  reason: z.string().optional(),
  outcome: z.enum(['exhausted', 'external_agency', 'agent']).optional(),
  call: z
    .discriminatedUnion('allowed', [
      z.strictObject({
        allowed: z.literal(true),
        opensAt: instant,
        opensLocal: localInstant,
        closesAt: instant,
        closesLocal: localInstant,
      }),
      z.strictObject({ allowed: z.literal(false), reason: z.string() }),
    ])
    .optional()
    .describe('agent tasks: when the agent may call the debtor under the contact rules, or why no call may be made'),
  text: MessageText.optional().describe('messages only, when asked for (`--text`, `?text=true`)'),
});

const Note = z.strictObject({
  step: z.string(),
  at: instant,
  local: localInstant,
  reason: z.string(),
  rule: z.string().optional(),
  detail: z.string().optional(),
});

const Move = z.strictObject({
  step: z.string(),
  from: instant.describe('the instant the step was planned for'),
  fromLocal: localInstant,
  to: instant.describe('the instant it runs'),
  toLocal: localInstant,
  reasons: z.array(z.string()),
  rules: z.array(z.string()).describe('the rule of each move, in the order they applied'),
  moves: z.array(
    z.strictObject({
      at: instant,
      local: localInstant,
      movedTo: instant,
      movedToLocal: localInstant,
      reason: z.string(),
      rule: z.string().optional(),
      detail: z.string().optional(),
    })
  ),
});

export const PreviewReportSchema = z
  .strictObject({
    account: z.strictObject({
      id: z.string(),
      name: z.string(),
      jurisdiction: z.string(),
      zone: z.string().describe('the zone every `local` time is in'),
      locale: z.string(),
      currency: z.string(),
    }),
    actions: z.array(Action),
    moved: z.array(Move).describe('each step the contact rules moved, once, from its planned to its final instant'),
    suppressed: z.array(Note).describe('steps held back by a promise, an agreement, a dispute or a cease request'),
    skipped: z.array(Note).describe('steps and channels passed over, and events that changed nothing'),
    rejected: z
      .array(Note.omit({ rule: true }))
      .describe('events the engine refused, as it would refuse the signal (`step` is the signal)'),
    final: z.strictObject({
      status: z.string(),
      stage: z.string(),
      balanceMinor: z.number().int(),
      balance: z.string().describe('balanceMinor in the account currency and the debtor locale'),
      creditMinor: z.number().int().optional().describe('paid beyond the balance, owed back to the debtor'),
      credit: z.string().optional().describe('creditMinor in the account currency and the debtor locale'),
    }),
  })
  .describe('what the ladder would do, with every move, suppression, skip and rejection explained');
export type PreviewReport = z.infer<typeof PreviewReportSchema>;

export interface PreviewReportOptions {
  /** Render each message's text with the product's renderer. */
  text?: boolean;
}

/** Throws the scenario's ZodError for invalid input, as `runPreview` does. */
export function previewReport(input: unknown, options: PreviewReportOptions = {}): PreviewReport {
  const { account } = PreviewScenarioSchema.parse(input);
  const result = runPreview(input);
  // The messages' own formatting locale: the debtor's when the runtime knows it, else the catalog's.
  const locale = formattingLocale(account.debtor.locale, resolveCatalog(account.debtor.locale).locale);
  const money = (amountMinor: number) => toPlainSpaces(formatAmount(amountMinor, account.balance.currency, locale));
  return {
    ...result,
    actions: result.actions.map(({ discount, ...a }) => ({
      ...besideMinor(a, 'amountMinor', 'amount', money(a.amountMinor)),
      ...(discount && {
        discount: {
          amountMinor: discount.amountMinor,
          amount: money(discount.amountMinor),
          validUntil: discount.validUntil,
        },
      }),
      ...(options.text &&
        a.kind === 'message' && {
          text: messageText({ ...a, ...(discount && { discount }) }, account, result.account.jurisdiction),
        }),
    })),
    final: finalWithAmounts(result.final, money),
  };
}

function finalWithAmounts(final: PreviewResult['final'], money: (amountMinor: number) => string) {
  const withBalance = besideMinor(final, 'balanceMinor', 'balance', money(final.balanceMinor));
  return final.creditMinor === undefined
    ? withBalance
    : besideMinor(withBalance, 'creditMinor', 'credit', money(final.creditMinor));
}

/** The formatted amount written right after the minor units it formats, where a reader looks for it. */
function besideMinor<T extends object, K extends string>(
  obj: T,
  after: keyof T,
  key: K,
  value: string
): T & Record<K, string> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out as T & Record<K, string>;
}

/**
 * The renderer's input exactly as the send builds it: the fields the workflow passes to `sendMessage`
 * (workflows/dunning-workflow.ts), the account's creditor, and an unsubscribe link for email. The worker's
 * CREDITOR_* fallback is deployment configuration the preview does not know; set `account.creditor` to see it.
 */
function messageText(action: PreviewAction, account: Account, jurisdiction: string): PreviewMessageText {
  const channel = action.channel!;
  try {
    const policy = contactPolicyFor(jurisdiction) ?? { jurisdiction, requiresCreditorIdentification: false };
    const rendered = renderMessage({
      ...messageInputFor(account, policy, { ...action, stepKey: action.step, channel, to: action.to ?? '' }),
      ...(channel === 'email' && { unsubscribeUrl: PREVIEW_UNSUBSCRIBE_URL }),
    });
    if (rendered.kind === 'email') {
      return {
        locale: rendered.locale,
        subject: rendered.subject,
        text: rendered.text,
        unsubscribeUrl: PREVIEW_UNSUBSCRIBE_URL,
      };
    }
    return {
      locale: rendered.locale,
      body: rendered.body,
      ...(rendered.contentVariables !== undefined && { contentVariables: rendered.contentVariables }),
    };
  } catch (err) {
    if (err instanceof MessagingConfigurationError) return { problem: { code: err.code, message: err.message } };
    throw err;
  }
}
