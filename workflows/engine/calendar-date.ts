import { z } from 'zod';

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A calendar date `YYYY-MM-DD` that exists. A well-formed date that does not (2026-02-30) is told apart from a
 * malformed one, so the caller learns which of its dates is impossible rather than that it "is not a date".
 */
export const CalendarDateSchema = z
  .string()
  .superRefine((value, ctx) => {
    const m = SHAPE.exec(value);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'expected a calendar date YYYY-MM-DD' });
      return;
    }
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12) {
      ctx.addIssue({ code: 'custom', message: `${value} does not exist: there is no month ${m[2]}` });
      return;
    }
    const days = daysInMonth(year, month);
    if (day < 1 || day > days) {
      const monthName = new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en-US', {
        month: 'long',
        timeZone: 'UTC',
      });
      ctx.addIssue({ code: 'custom', message: `${value} does not exist: ${monthName} ${year} has ${days} days` });
    }
  })
  .meta({ format: 'date' });
