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

/** Every public holiday of the region from `fromYear` to `toYear` inclusive, as sorted local dates. */
export function publicHolidays(country: string, state: string | undefined, fromYear: number, toYear: number): string[] {
  const dates: string[] = [];
  for (let year = fromYear; year <= toYear; year++) dates.push(...holidaysOf(country, state, year));
  return dates.sort();
}
