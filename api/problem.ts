import type { InputProblem } from '../workflows/engine/input-problems';

/** The `type` URIs of our problems: stable, documented in /docs, relative to the API's own base. */
export const PROBLEM_BASE = 'https://cobranza.dev/problems/';

export const PROBLEM_TITLES: Record<string, string> = {
  'validation-error': 'The request is not valid',
  'malformed-json': 'The body is not valid JSON',
  'payload-too-large': 'The body is too large',
  'unsupported-media-type': 'The content type is not supported',
  unauthorized: 'Authentication is required',
  forbidden: 'This key may not do that',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'account-closed': 'The account is closed',
  'unprocessable-request': 'The request cannot be applied to the account as it is now',
  'invalid-account': 'The account cannot be collected as placed',
  'unknown-ladder': 'The ladder named cannot be used here',
  'rate-limited': 'Too many requests',
  'service-unavailable': 'A service the API depends on is unavailable',
  'invalid-signature': 'The webhook signature is missing or invalid',
  internal: 'Internal error',
};

export type ProblemKind = keyof typeof PROBLEM_TITLES;

/** RFC 9457 problem details, with the field-named problems of a validation failure in `errors`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors: InputProblem[];
  [extension: string]: unknown;
}

/** An error the API answers as application/problem+json; thrown anywhere, rendered by the error middleware. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    detail: string,
    readonly errors: InputProblem[] = [],
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {}
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const problems = {
  validation: (errors: InputProblem[], detail?: string) =>
    new ProblemError(400, 'validation-error', detail ?? describe(errors), errors),
  unprocessable: (detail: string, field?: string) =>
    new ProblemError(422, 'unprocessable-request', detail, field ? [{ field, message: detail }] : []),
  notFound: (detail: string, field?: string) =>
    new ProblemError(404, 'not-found', detail, field ? [{ field, message: detail }] : []),
  conflict: (detail: string, field?: string) =>
    new ProblemError(409, 'conflict', detail, field ? [{ field, message: detail }] : []),
  /** `service` names what is down (`temporal`, `database`) for clients and dashboards. */
  unavailable: (detail: string, service?: 'temporal' | 'database') =>
    new ProblemError(503, 'service-unavailable', detail, [], service ? { service } : {}, { 'Retry-After': '5' }),
};

function describe(errors: InputProblem[]): string {
  const first = errors[0];
  if (!first) return 'the request is not valid';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.field}: ${first.message}${more}`;
}

export function problemDocument(err: ProblemError, instance: string): ProblemDocument {
  return {
    ...err.extensions,
    type: PROBLEM_BASE + err.kind,
    title: PROBLEM_TITLES[err.kind] ?? 'Error',
    status: err.status,
    detail: err.message,
    instance,
    errors: err.errors,
  };
}
