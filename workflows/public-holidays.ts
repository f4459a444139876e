import Holidays from 'date-holidays';

/**
 * Public holidays by country (and state), from the maintained `date-holidays` calendar rather than hand-written
 * lists: movable feasts (Carnaval, Corpus Christi, Colombia's Emiliani Monday shifts) are computed per year.
 * Only `public` holidays block contact; observances and optional days do not.
 */
const cache = new Map<string, Set<string>>();
const calendars = new Map<string, Holidays>();

function calendarFor(country: string, state?: string): Holidays {
  const key = state ? `${country}-${state}` : country;
  let cal = calendars.get(key);
  if (!cal) {
    cal = state ? new Holidays(country, state) : new Holidays(country);
    calendars.set(key, cal);
  }
  return cal;
}

function holidaysOf(country: string, state: string | undefined, year: number): Set<string> {
  const key = `${country}-${state ?? ''}-${year}`;
  let set = cache.get(key);
  if (!set) {
    set = new Set(
      calendarFor(country, state)
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10))
    );
    cache.set(key, set);
  }
  return set;
}

/** True when `date` (YYYY-MM-DD, local to the debtor) is a public holiday in the region. */
export function isPublicHoliday(country: string, state: string | undefined, date: string): boolean {
  return holidaysOf(country, state, Number(date.slice(0, 4))).has(date);
}

/** The public holiday's name, for decision records. */
export function holidayName(country: string, state: string | undefined, date: string): string | undefined {
  const found = calendarFor(country, state).isHoliday(new Date(`${date}T12:00:00Z`));
  if (!found) return undefined;
  return found.find((h) => h.type === 'public')?.name;
}
