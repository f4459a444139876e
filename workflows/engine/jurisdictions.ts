import type { CapRule, ContactPolicy, WindowRule } from './contact-policy';
import { publicHolidays } from './public-holidays';
import { isKnownSubdivision, US_SUBDIVISION_ZONES, US_ZONES } from './subdivisions';

/**
 * The contact rules of each supported jurisdiction. Hours are local to the debtor; a state inherits its country's
 * rules and adds its own (every rule must hold). Where the law gives no number, the `COBRANZA:` rules are the
 * product's conservative defaults and say so in their id.
 */

/** A policy as written here: the holiday region is resolved to dates when a snapshot is taken. */
type PolicyRules = Omit<ContactPolicy, 'holidays'> & { holidays: { country: string; state?: string } };

type Hours = [string, string] | null;
const everyDay = (h: [string, string]): Hours[] => [h, h, h, h, h, h, h];
const week = (weekdays: [string, string], saturday: Hours, sunday: Hours): Hours[] => [
  sunday,
  weekdays,
  weekdays,
  weekdays,
  weekdays,
  weekdays,
  saturday,
];

/** Product policy everywhere: one collection contact per local calendar day, whatever the channel (calls too). */
const onePerDay: CapRule = { rule: 'COBRANZA:policy one contact per local day', max: 1, per: 'localDay' };

// 12 CFR 1006.6(b)(1)(i): before 8:00 a.m. and after 9:00 p.m. local time at the consumer's location is
// presumptively inconvenient; CFPB commentary applies it to texts and emails as well as calls.
// 47 CFR 64.1200(c)(1) (TCPA) draws the same line for texts to wireless numbers.
const usFederalWindow: WindowRule = { rule: 'US:12 CFR 1006.6(b)(1)(i)', hours: everyDay(['08:00', '21:00']) };

const US: PolicyRules = {
  jurisdiction: 'US',
  name: 'United States (federal)',
  zones: [...US_ZONES],
  // Federal holidays only, in every state: the quiet days below are product policy, not state law.
  holidays: { country: 'US' },
  windows: [usFederalWindow],
  // No federal rule forbids contact on a holiday; a collection message on Thanksgiving or Christmas is what users
  // complain of, so the product keeps the federal holidays (5 U.S.C. 6103) quiet by default.
  blockedDays: [{ rule: 'COBRANZA:policy no contact on US federal holidays (5 U.S.C. 6103)', publicHolidays: true }],
  caps: [
    // 12 CFR 1006.14(b)(2)(i): more than 7 telephone calls within 7 consecutive days about a particular debt is
    // presumed harassment. The presumption is about calls; texts and emails are not calls under Reg F.
    { rule: 'US:12 CFR 1006.14(b)(2)(i)', channels: ['call'], max: 7, per: { rollingDays: 7 } },
    // 12 CFR 1006.14(b)(2)(ii): no call within 7 consecutive days after a telephone conversation about the debt.
    {
      rule: 'US:12 CFR 1006.14(b)(2)(ii)',
      channels: ['call'],
      count: 'conversations',
      max: 1,
      per: { rollingDays: 7 },
    },
    // Comment 14(a)-1: many texts or emails can still be harassment (1006.14(a)); the product caps them at the
    // number Reg F presumes for calls.
    {
      rule: 'COBRANZA:policy seven messages per 7 days (12 CFR 1006.14(a), comment 14(a)-1)',
      channels: ['sms', 'whatsapp', 'email'],
      max: 7,
      per: { rollingDays: 7 },
    },
    onePerDay,
  ],
  distinctChannels: [],
  requiresCreditorIdentification: false,
};

const US_MA: PolicyRules = {
  ...US,
  jurisdiction: 'US-MA',
  name: 'Massachusetts',
  zones: [...US_SUBDIVISION_ZONES.MA!],
  caps: [
    ...US.caps,
    // 940 CMR 7.04(1)(f): a creditor may not initiate more than two telephone, text or recorded-message
    // communications in each seven-day period to the debtor's residence or cell phone.
    { rule: 'US-MA:940 CMR 7.04(1)(f)', channels: ['sms', 'whatsapp', 'call'], max: 2, per: { rollingDays: 7 } },
  ],
};

const US_FL: PolicyRules = {
  ...US,
  jurisdiction: 'US-FL',
  name: 'Florida',
  zones: [...US_SUBDIVISION_ZONES.FL!],
  windows: [
    ...US.windows,
    // Fla. Stat. 559.72(17) (FCCPA, binds original creditors too): no communication between 9 p.m. and 8 a.m. in
    // the debtor's time zone. SB 232 (signed 2025-05-16) takes email out of this window; Reg F still governs it.
    { rule: 'US-FL:Fla. Stat. 559.72(17)', channels: ['sms', 'whatsapp', 'call'], hours: everyDay(['08:00', '21:00']) },
  ],
};

const MX: PolicyRules = {
  jurisdiction: 'MX',
  name: 'México',
  zones: [
    'America/Mexico_City',
    'America/Monterrey',
    'America/Merida',
    'America/Cancun',
    'America/Chihuahua',
    'America/Mazatlan',
    'America/Hermosillo',
    'America/Tijuana',
  ],
  holidays: { country: 'MX' },
  windows: [
    // CONDUSEF, Disposiciones de carácter general aplicables a las entidades financieras en materia de despachos
    // de cobranza (DOF 2014-10-07): contact or visits only between 07:00 and 22:00 in the debtor's time zone.
    { rule: 'MX:CONDUSEF despachos de cobranza (DOF 2014-10-07)', hours: everyDay(['07:00', '22:00']) },
  ],
  blockedDays: [],
  caps: [onePerDay, { rule: 'COBRANZA:policy three messages per 7 days', max: 3, per: { rollingDays: 7 } }],
  distinctChannels: [],
  requiresCreditorIdentification: false,
};

const CO: PolicyRules = {
  jurisdiction: 'CO',
  name: 'Colombia',
  zones: ['America/Bogota'],
  holidays: { country: 'CO' },
  windows: [
    // Ley 2300 de 2023 art. 3: Monday–Friday 7:00 a.m.–7:00 p.m., Saturday 8:00 a.m.–3:00 p.m., never on Sundays.
    { rule: 'CO:Ley 2300 de 2023 art. 3', hours: week(['07:00', '19:00'], ['08:00', '15:00'], null) },
  ],
  // Ley 2300 de 2023 art. 3: no contact on public holidays (festivos).
  blockedDays: [{ rule: 'CO:Ley 2300 de 2023 art. 3', publicHolidays: true }],
  caps: [
    // Ley 2300 de 2023 art. 3: at most one contact a day.
    { rule: 'CO:Ley 2300 de 2023 art. 3', max: 1, per: 'localDay' },
  ],
  // Ley 2300 de 2023 art. 3: not through more than one channel in the same week (read as any 7 rolling days,
  // which is never looser than a calendar week).
  distinctChannels: [{ rule: 'CO:Ley 2300 de 2023 art. 3', max: 1, rollingDays: 7 }],
  requiresCreditorIdentification: false,
};

const BR: PolicyRules = {
  jurisdiction: 'BR',
  name: 'Brasil',
  zones: [
    'America/Sao_Paulo',
    'America/Bahia',
    'America/Fortaleza',
    'America/Recife',
    'America/Belem',
    'America/Manaus',
    'America/Cuiaba',
    'America/Porto_Velho',
    'America/Boa_Vista',
    'America/Rio_Branco',
    'America/Noronha',
  ],
  holidays: { country: 'BR' },
  windows: [
    // CDC (Lei 8.078/1990) arts. 42 and 71: collection may not interfere with the consumer's work, rest or leisure.
    // The statute gives no hours; this is the product's reading: business hours, short Saturdays, no Sundays.
    { rule: 'BR:CDC art. 71 (COBRANZA policy hours)', hours: week(['08:00', '20:00'], ['08:00', '14:00'], null) },
  ],
  blockedDays: [{ rule: 'BR:CDC art. 71 (no contact on holidays)', publicHolidays: true }],
  caps: [onePerDay, { rule: 'COBRANZA:policy three messages per 7 days', max: 3, per: { rollingDays: 7 } }],
  distinctChannels: [],
  // CDC art. 42-A: every billing document names the supplier with address and CPF/CNPJ.
  requiresCreditorIdentification: true,
};

const ES: PolicyRules = {
  jurisdiction: 'ES',
  name: 'España',
  zones: ['Europe/Madrid', 'Atlantic/Canary'],
  holidays: { country: 'ES' },
  windows: [
    // TRLGDCU (RDL 1/2007) art. 96.2: calls never before 9:00 or after 21:00, nor on holidays or weekends. It is
    // written for commercial calls; with no collection-specific hours in Spanish law we apply it to collection.
    { rule: 'ES:RDL 1/2007 art. 96.2', hours: week(['09:00', '21:00'], null, null) },
  ],
  blockedDays: [{ rule: 'ES:RDL 1/2007 art. 96.2', publicHolidays: true }],
  caps: [onePerDay, { rule: 'COBRANZA:policy three messages per 7 days', max: 3, per: { rollingDays: 7 } }],
  distinctChannels: [],
  requiresCreditorIdentification: false,
};

const policies: Record<string, PolicyRules> = { US, 'US-MA': US_MA, 'US-FL': US_FL, MX, CO, BR, ES };

export const SUPPORTED_JURISDICTIONS = Object.keys(policies);

export interface HolidayYears {
  fromYear: number;
  toYear: number;
}

/** Ten years ahead covers any ladder and the longest agreement the API accepts. */
export function defaultHolidayYears(now: Date = new Date()): HolidayYears {
  return { fromYear: 2024, toYear: now.getUTCFullYear() + 10 };
}

const snapshots = new Map<string, ContactPolicy>();

/**
 * The policy snapshot for a jurisdiction code, with its public holidays resolved for `years`. A US state or
 * territory gets the federal rules with its own zones; another country's subdivision gets the country's rules with
 * its regional holidays. An unknown country or subdivision has no policy, and the account is refused at the edge.
 */
export function contactPolicyFor(code: string, years: HolidayYears = defaultHolidayYears()): ContactPolicy | undefined {
  const key = `${code}|${years.fromYear}|${years.toYear}`;
  const cached = snapshots.get(key);
  if (cached) return cached;
  const rules = rulesFor(code);
  if (!rules) return undefined;
  const { country, state } = rules.holidays;
  const snapshot: ContactPolicy = {
    ...rules,
    holidays: { ...rules.holidays, ...years, dates: publicHolidays(country, state, years.fromYear, years.toYear) },
  };
  snapshots.set(key, snapshot);
  return snapshot;
}

function rulesFor(code: string): PolicyRules | undefined {
  const exact = policies[code];
  if (exact) return exact;
  const [country, state, ...rest] = code.split('-');
  if (!country || !state || rest.length > 0 || !isKnownSubdivision(country, state)) return undefined;
  if (country === 'US') {
    return { ...US, jurisdiction: code, name: `United States (${state})`, zones: [...US_SUBDIVISION_ZONES[state]!] };
  }
  const national = policies[country];
  if (!national) return undefined;
  return {
    ...national,
    jurisdiction: code,
    name: `${national.name} (${state})`,
    holidays: { country, ...(hasRegionalHolidays(country) && { state }) },
  };
}

/** date-holidays keeps regional holidays for these countries; elsewhere a state's calendar is the country's. */
const hasRegionalHolidays = (country: string) => country === 'BR' || country === 'ES';
