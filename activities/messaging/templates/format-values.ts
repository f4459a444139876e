/**
 * Locale formatting of the values a message quotes. Money is integer minor units of ISO 4217 (the product's money
 * contract), so the exponent comes from ISO 4217, not from CLDR's display digits: CLDR shows COP with 0 decimals,
 * and reading 150000 centavos as 150.000 pesos would quote a debtor a hundred times what they owe.
 */

/** ISO 4217 currencies whose minor unit is not 2 digits. */
const ISO_4217_EXPONENT: Record<string, number> = {
  ...Object.fromEntries(
    [
      'BIF',
      'CLP',
      'DJF',
      'GNF',
      'ISK',
      'JPY',
      'KMF',
      'KRW',
      'PYG',
      'RWF',
      'UGX',
      'UYI',
      'VND',
      'VUV',
      'XAF',
      'XOF',
      'XPF',
    ].map((c) => [c, 0])
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

export function currencyFractionDigits(currency: string): number {
  return ISO_4217_EXPONENT[currency] ?? 2;
}

/** Uses the debtor's own locale for formatting when the runtime knows it (es-AR), else the catalog's. */
export function formattingLocale(requested: string, catalogLocale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([requested]).length > 0 ? requested : catalogLocale;
  } catch {
    return catalogLocale;
  }
}

export function formatAmount(amountMinor: number, currency: string, locale: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amountMinor must be an integer, got ${amountMinor}`);
  const digits = currencyFractionDigits(currency);
  const abs = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const fraction = digits === 0 ? '' : abs.slice(-digits);
  const decimal = `${amountMinor < 0 ? '-' : ''}${digits === 0 ? abs : `${abs.slice(0, -digits)}.${fraction}`}`;
  // Whole amounts use the locale's usual look ("$ 1.500" for COP); a fraction is never rounded away.
  const options: Intl.NumberFormatOptions = { style: 'currency', currency };
  if (/[1-9]/.test(fraction)) Object.assign(options, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  // A numeric string is formatted exactly (Intl.NumberFormat v3); the cast only satisfies the lib typings.
  return new Intl.NumberFormat(locale, options).format(decimal as unknown as number);
}

/** A calendar date (YYYY-MM-DD) in the locale's numeric form: 15/03/2025, 03/15/2025. */
export function formatShortDate(isoDate: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(
    calendarDate(isoDate)
  );
}

/** A calendar date in words: 15 de marzo de 2025, March 15, 2025. */
export function formatLongDate(isoDate: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(calendarDate(isoDate));
}

/** Midnight UTC of the date, formatted in UTC: a date has no time zone, so it must not shift a day. */
function calendarDate(isoDate: string): Date {
  const d = new Date(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || Number.isNaN(d.getTime())) {
    throw new RangeError(`expected a calendar date YYYY-MM-DD, got ${isoDate}`);
  }
  return d;
}

/** Non-breaking and narrow no-break spaces (which Intl puts in "R$ 1.500,00") are not GSM-7: one would make a
 * whole SMS UCS-2 and halve its segment size. */
export function toPlainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}
