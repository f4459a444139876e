import { describe, expect, it } from 'vitest';
import { AccountSchema } from '../../workflows/engine/account';
import { PromiseInputSchema } from '../../workflows/engine/account-events';
import { CalendarDateSchema } from '../../workflows/engine/calendar-date';
import { inputProblems } from '../../workflows/engine/input-problems';
import { ana } from './fixtures';

const problemOf = (value: string) => {
  const parsed = CalendarDateSchema.safeParse(value);
  return parsed.success ? null : parsed.error.issues[0]!.message;
};

describe('calendar dates', () => {
  it('says a well-formed date that does not exist does not exist, naming the month’s length', () => {
    expect(problemOf('2026-02-30')).toBe('2026-02-30 does not exist: February 2026 has 28 days');
    expect(problemOf('2026-04-31')).toBe('2026-04-31 does not exist: April 2026 has 30 days');
    expect(problemOf('2026-13-01')).toBe('2026-13-01 does not exist: there is no month 13');
  });

  it('accepts 29 February in a leap year only', () => {
    expect(problemOf('2028-02-29')).toBeNull();
    expect(problemOf('2026-02-29')).toBe('2026-02-29 does not exist: February 2026 has 28 days');
  });

  it('tells a malformed value apart: expected a calendar date YYYY-MM-DD', () => {
    expect(problemOf('01/12/2026')).toBe('expected a calendar date YYYY-MM-DD');
    expect(problemOf('2026-2-3')).toBe('expected a calendar date YYYY-MM-DD');
  });

  it('names the field of an impossible due date at placement and of an impossible promised date', () => {
    const account = AccountSchema.safeParse({ ...ana(), dueDate: '2026-02-30' });
    expect(account.success ? [] : inputProblems(account.error)).toEqual([
      { field: 'dueDate', message: '2026-02-30 does not exist: February 2026 has 28 days' },
    ]);
    const promise = PromiseInputSchema.safeParse({ amountMinor: 100, date: '2026-11-31', agentId: 'agente-7' });
    expect(promise.success ? [] : inputProblems(promise.error)).toEqual([
      { field: 'date', message: '2026-11-31 does not exist: November 2026 has 30 days' },
    ]);
  });
});
