import { currencyFractionDigits } from '../../activities/messaging/templates/format-values';

/**
 * An amount typed by an agent in major units ("1500", "1.500,50", "1,500.50", "1500.5") as integer minor units of
 * `currency`, or null when it is not an amount. The last `.` or `,` followed by at most the currency's fraction
 * digits is the decimal mark; other dots, commas and spaces group thousands.
 */
export function parseMajorAmount(text: string, currency: string): number | null {
  const digits = currencyFractionDigits(currency);
  const trimmed = text.trim().replace(/\s/g, '');
  if (!/^\d[\d.,]*$/.test(trimmed)) return null;
  const mark = Math.max(trimmed.lastIndexOf('.'), trimmed.lastIndexOf(','));
  const fractionText = mark >= 0 ? trimmed.slice(mark + 1) : '';
  const isDecimal = mark >= 0 && fractionText.length > 0 && fractionText.length <= digits && fractionText.length !== 3;
  const whole = (isDecimal ? trimmed.slice(0, mark) : trimmed).replace(/[.,]/g, '');
  const fraction = isDecimal ? fractionText.padEnd(digits, '0') : '0'.repeat(digits);
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return null;
  const minor = Number(whole + fraction);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units as the plain major-unit text a form field shows: 150000 COP cents → "1500.00". */
export function majorAmountText(amountMinor: number, currency: string): string {
  const digits = currencyFractionDigits(currency);
  if (digits === 0) return String(amountMinor);
  const s = String(amountMinor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * A promise's amount and date as typed in a form (the console's and the debtor's page alike), or the field that is
 * not one. The engine still checks the promise itself (horizon, balance) when the workflow receives it.
 */
export function promiseFromForm(
  body: Record<string, string | undefined>,
  currency: string
): { amountMinor: number; date: string } | { field: string; message: string } {
  const amountMinor = parseMajorAmount(body.amount ?? '', currency);
  if (amountMinor === null || amountMinor <= 0)
    return { field: 'amountMinor', message: `"${body.amount ?? ''}" is not an amount` };
  const date = body.date ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { field: 'date', message: 'choose a date' };
  return { amountMinor, date };
}
