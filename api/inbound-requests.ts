import { formatAmount, formatShortDate } from '../activities/messaging/templates/format-values';
import { selfServicePath } from '../activities/messaging/self-service-link';
import { joinUrl } from '../activities/messaging/webhook-paths';
import type { Account } from '../workflows/engine/account';
import type { DunningStatus } from '../workflows/messages';
import { normalizeKeywordText } from './opt-out-keywords';

/** What a debtor asks for by text: their balance (with the link to their page), or to promise a payment. */
export type InboundRequest = 'balance' | 'promise';

/** In the languages we collect in; matched like the opt-out keywords (whole message or its first words). */
export const INBOUND_REQUEST_KEYWORDS: readonly (readonly [string, InboundRequest])[] = [
  ['SALDO', 'balance'],
  ['BALANCE', 'balance'],
  ['CUANTO DEBO', 'balance'],
  ['QUANTO DEVO', 'balance'],
  ['PAGUE', 'promise'],
  ['PROMESA', 'promise'],
  ['PROMESSA', 'promise'],
  ['PROMISE', 'promise'],
];

/** The request a message makes, with the keyword it used, or null ("SALDO?", "saldo por favor", "Promesa"). */
export function inboundRequest(body: string): { keyword: string; request: InboundRequest } | null {
  const text = normalizeKeywordText(body);
  if (!text) return null;
  for (const [keyword, request] of INBOUND_REQUEST_KEYWORDS)
    if (text === keyword || text.startsWith(`${keyword} `)) return { keyword, request };
  return null;
}

const REPLIES = {
  es: {
    balance: '{creditor}: tu saldo es {amount}, con vencimiento el {date}.',
    paid: '{creditor}: tu cuenta no tiene saldo pendiente.',
    link: 'Consulta, paga o elige un plan: {link}',
    promise: '{creditor}: elige el día en que pagarás {amount}: {link}',
  },
  pt: {
    balance: '{creditor}: seu saldo é {amount}, com vencimento em {date}.',
    paid: '{creditor}: sua conta não tem saldo em aberto.',
    link: 'Consulte, pague ou parcele: {link}',
    promise: '{creditor}: escolha o dia em que vai pagar {amount}: {link}',
  },
  en: {
    balance: '{creditor}: your balance is {amount}, due {date}.',
    paid: '{creditor}: nothing is owed on your account.',
    link: 'See it, pay or choose a plan: {link}',
    promise: '{creditor}: choose the day you will pay {amount}: {link}',
  },
} as const;

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

export interface ReplyContext {
  account: Account;
  status: DunningStatus | null;
  creditorName: string;
  /** PUBLIC_BASE_URL and the link secret, when the debtor's page is configured. */
  selfService?: { publicBaseUrl: string; secret: string };
  now: number;
}

/**
 * The answer to a debtor's request, in their language: the balance from the workflow (the account as placed when it
 * cannot be asked), and a fresh signed link to their page (valid 7 days). Without the page configured, a promise
 * request is answered with the balance, since there is nowhere to choose a date.
 */
export function replyTo(request: InboundRequest, ctx: ReplyContext): string {
  const { account, status } = ctx;
  const language = (['es', 'pt', 'en'] as const).find((l) => account.debtor.locale.startsWith(l)) ?? 'es';
  const words = REPLIES[language];
  const balance = status?.balance.amountMinor ?? account.balance.amountMinor;
  const values = {
    creditor: ctx.creditorName,
    amount: formatAmount(balance, account.balance.currency, account.debtor.locale),
    date: formatShortDate(account.dueDate, account.debtor.locale),
  };
  if (balance <= 0) return fill(words.paid, values);
  const link = ctx.selfService
    ? joinUrl(
        ctx.selfService.publicBaseUrl,
        selfServicePath(ctx.selfService.secret, {
          accountId: account.id,
          expiresAt: Math.floor(ctx.now / 1000) + 7 * 86_400,
        })
      )
    : undefined;
  if (request === 'promise' && link) return fill(words.promise, { ...values, link: `${link}#promise-h` });
  return [fill(words.balance, values), ...(link ? [fill(words.link, { link })] : [])].join(' ');
}
