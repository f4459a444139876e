import type { z } from 'zod';

/** One thing wrong with an input, named by its field path (`account.debtor.phone`, `events[2].at`). */
export interface InputProblem {
  field: string;
  message: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** zod issues as field-named problems, for the CLI (exit 2) and the API (problem+json). */
export function inputProblems(error: z.ZodError): InputProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message }));
}
