import { addressFor, type Account, type Creditor } from './account';
import type { ContactPolicy } from './contact-policy';
import type { InputProblem } from './input-problems';
import type { Ladder } from './ladder';
import { isKnownSubdivision } from './subdivisions';
import { isKnownZone } from './zoned-time';

/**
 * What makes a well-formed account impossible to collect lawfully or sensibly, checked before it is placed (by the
 * API) or previewed: pure rules over the account, its ladder and its contact policy, with field paths relative to
 * the account (`debtor.timezone`, `creditor.taxId`).
 */

/** The legal tender of each supported country: the currency its accounts are collected in unless configured. */
export const LEGAL_TENDER: Readonly<Record<string, string>> = { MX: 'MXN', CO: 'COP', BR: 'BRL', ES: 'EUR', US: 'USD' };

export interface PlacementSettings {
  /**
   * The currencies the creditor collects in: `legal-tender`, each jurisdiction's own (a US account in USD, a
   * Mexican one in MXN); a list, those codes for every jurisdiction; absent, any ISO 4217 currency (the preview,
   * which does not know how the creditor is set up).
   */
  acceptedCurrencies?: 'legal-tender' | readonly string[];
  /** The creditor the deployment names, used for accounts that name none (as the worker uses it). */
  configuredCreditor?: Creditor;
}

let isoCurrencies: ReadonlySet<string> | undefined;

/** True for a current ISO 4217 code, as the runtime's ICU data lists them (`XYZ`, `XXX` and `VEF` are not). */
export function isIsoCurrency(code: string): boolean {
  isoCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return isoCurrencies.has(code);
}

const digitsOf = (s: string) => Array.from(s, (c) => c.charCodeAt(0) - 48);

/** A Brazilian individual's taxpayer number: 11 digits, the last two check digits (mod 11). */
export function isValidCpf(raw: string): boolean {
  const s = raw.replace(/[.\-\s]/g, '');
  if (!/^\d{11}$/.test(s) || /^(\d)\1{10}$/.test(s)) return false;
  const d = digitsOf(s);
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i]! * (n + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === d[9] && check(10) === d[10];
}

/**
 * A Brazilian company's registration number: 14 characters, the last two check digits (mod 11). Since July 2026
 * the first twelve may be letters (Receita Federal IN RFB 2.229/2024), each worth its character code minus 48.
 */
export function isValidCnpj(raw: string): boolean {
  const s = raw.replace(/[.\-/\s]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{12}\d{2}$/.test(s) || /^(\d)\1{13}$/.test(s)) return false;
  const d = digitsOf(s);
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i]! * (((n - 1 - i) % 8) + 2);
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  return check(12) === d[12] && check(13) === d[13];
}

function jurisdictionProblem(code: string): string {
  const [country, subdivision] = code.split('-');
  if (
    subdivision !== undefined &&
    country !== undefined &&
    LEGAL_TENDER[country] &&
    !isKnownSubdivision(country, subdivision)
  )
    return `unsupported jurisdiction ${code}: ${subdivision} is not a subdivision of ${country} (ISO 3166-2)`;
  return `unsupported jurisdiction ${code}`;
}

function timezoneProblem(zone: string, policy: ContactPolicy | undefined): string {
  // A zone typed with its accents (America/Bogotá) is the commonest mistake: name the zone meant.
  const plain = zone.normalize('NFD').replace(/\p{Mn}/gu, '');
  if (plain !== zone && isKnownZone(plain)) return `${zone} is not an IANA time zone; did you mean ${plain}?`;
  return `${zone} is not an IANA time zone (such as ${policy?.zones[0] ?? 'America/Mexico_City'})`;
}

function currencyProblem(account: Account, settings: PlacementSettings): string | undefined {
  const { currency } = account.balance;
  if (!isIsoCurrency(currency)) return `${currency} is not an ISO 4217 currency code`;
  const accepted = settings.acceptedCurrencies;
  if (accepted === undefined) return undefined;
  if (accepted === 'legal-tender') {
    const country = account.debtor.jurisdiction.split('-')[0]!;
    const tender = LEGAL_TENDER[country];
    if (tender === undefined || tender === currency) return undefined;
    return `${country} accounts are collected in ${tender}, its legal tender; the creditor accepts no other currency, not ${currency}`;
  }
  return accepted.includes(currency) ? undefined : `the creditor collects in ${accepted.join(', ')}, not ${currency}`;
}

const listed = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]!}`;

function contactProblem(account: Account, ladder: Ladder): string | undefined {
  const used = [...new Set(ladder.steps.filter((s) => s.kind === 'message').flatMap((s) => s.channels))];
  // A ladder of agent tasks only sends nothing, so it needs no address.
  if (used.length === 0 || used.some((c) => addressFor(account.debtor, c) !== undefined)) return undefined;
  const missing = [
    used.includes('whatsapp') ? 'phone or whatsapp number' : used.includes('sms') ? 'phone' : undefined,
    used.includes('email') ? 'email' : undefined,
  ].filter((m) => m !== undefined);
  return `no channel of the ladder can reach the debtor: its messages go by ${listed(used)}, and the debtor has no ${missing.join(' and no ')}`;
}

function creditorProblems(account: Account, policy: ContactPolicy, settings: PlacementSettings): InputProblem[] {
  const requirement = `${policy.name} (${policy.jurisdiction}) requires the creditor's name, address and CPF or CNPJ on every billing message (CDC art. 42-A)`;
  const creditor = account.creditor ?? settings.configuredCreditor;
  if (!creditor)
    return [{ field: 'creditor', message: `${requirement}: the account names no creditor and none is configured` }];
  const whose = account.creditor ? "the account's creditor" : 'the configured creditor';
  const out: InputProblem[] = [];
  if (!creditor.name.trim()) out.push({ field: 'creditor.name', message: `${requirement}: ${whose} has no name` });
  if (!creditor.address?.trim())
    out.push({ field: 'creditor.address', message: `${requirement}: ${whose} has no address` });
  const taxId = creditor.taxId?.trim();
  if (!taxId) out.push({ field: 'creditor.taxId', message: `${requirement}: ${whose} has no CPF or CNPJ` });
  else if (!isValidCpf(taxId) && !isValidCnpj(taxId))
    out.push({
      field: 'creditor.taxId',
      message: `${taxId} (${whose}) is not a valid CPF (11 digits) or CNPJ (14 characters): its check digits do not match`,
    });
  return out;
}

/**
 * Everything that keeps `account` from being collected under `ladder` and `policy` (undefined when its
 * jurisdiction has none), or an empty list. Every problem names its field; all of them are reported at once.
 */
export function placementProblems(
  account: Account,
  ladder: Ladder,
  policy: ContactPolicy | undefined,
  settings: PlacementSettings = {}
): InputProblem[] {
  const out: InputProblem[] = [];
  if (!policy) out.push({ field: 'debtor.jurisdiction', message: jurisdictionProblem(account.debtor.jurisdiction) });
  const { timezone } = account.debtor;
  if (timezone !== undefined && !isKnownZone(timezone))
    out.push({ field: 'debtor.timezone', message: timezoneProblem(timezone, policy) });
  const currency = currencyProblem(account, settings);
  if (currency) out.push({ field: 'balance.currency', message: currency });
  if (account.balance.amountMinor === 0)
    out.push({ field: 'balance.amountMinor', message: 'the balance is zero: there is nothing to collect' });
  const contact = contactProblem(account, ladder);
  if (contact) out.push({ field: 'debtor', message: contact });
  if (policy?.requiresCreditorIdentification) out.push(...creditorProblems(account, policy, settings));
  return out;
}
