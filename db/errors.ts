/**
 * Domain errors raised by db/ repositories. Callers see the field they sent, never the driver's text; the driver
 * error stays reachable as `cause` for logs. Anything that is not a domain error (lost connection, refused
 * connection, serialization failure) is a {@link DatabaseUnavailableError}: retry it.
 */
export abstract class DomainError extends Error {
  abstract readonly type: string;
  constructor(
    message: string,
    readonly field?: string,
    options?: ErrorOptions
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A unique key already holds a different record. */
export class DuplicateError extends DomainError {
  readonly type = 'DuplicateError';
}

/** The record (or a record it refers to) does not exist. */
export class NotFoundError extends DomainError {
  readonly type = 'NotFoundError';
}

/** The record exists but is in a state that forbids the change (e.g. a task claimed by someone else). */
export class ConflictError extends DomainError {
  readonly type = 'ConflictError';
}

/** The input breaks a rule of the schema: a negative balance, an unknown status, a malformed value. */
export class ValidationError extends DomainError {
  readonly type = 'ValidationError';
}

/** The database could not be reached or could not finish the statement now; the same call may succeed later. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Constraint name -> the caller's field. Names come from db/migrations. */
const CONSTRAINT_FIELDS: Record<string, string> = {
  accounts_pkey: 'accountId',
  accounts_balance_minor_check: 'balanceMinor',
  accounts_currency_check: 'currency',
  payments_account_external_uq: 'paymentId',
  payments_amount_minor_check: 'amountMinor',
  payments_account_id_fkey: 'accountId',
  contact_attempts_intent_uq: 'stepKey',
  contact_attempts_provider_message_id_uq: 'providerMessageId',
  contact_attempts_channel_check: 'channel',
  contact_attempts_status_check: 'status',
  contact_attempt_events_status_check: 'status',
  promises_account_promise_uq: 'promiseId',
  promises_amount_minor_check: 'amountMinor',
  promises_status_check: 'status',
  promises_account_id_fkey: 'accountId',
  agreements_account_agreement_uq: 'agreementId',
  agreements_status_check: 'status',
  agreements_account_id_fkey: 'accountId',
  agreement_installments_amount_minor_check: 'installments',
  agent_tasks_workflow_task_uq: 'taskKey',
  agent_tasks_status_check: 'status',
  opt_outs_account_channel_address_uq: 'channel',
  opt_outs_channel_check: 'channel',
  opt_outs_source_check: 'source',
  audit_events_dedupe_key_uq: 'dedupeKey',
  audit_events_append_only: 'auditEvent',
};

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  column?: unknown;
}

function driverFields(err: unknown): { code?: string; constraint?: string; column?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const e = err as DriverError;
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
    column: typeof e.column === 'string' ? e.column : undefined,
  };
}

const snakeToCamel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Turns a driver error into a domain error or a DatabaseUnavailableError. Domain errors pass through unchanged. */
export function toDatabaseError(err: unknown): Error {
  if (err instanceof DomainError || err instanceof DatabaseUnavailableError) return err;
  const { code, constraint, column } = driverFields(err);
  const field =
    (constraint !== undefined ? CONSTRAINT_FIELDS[constraint] : undefined) ??
    (column !== undefined ? snakeToCamel(column) : undefined);
  const options = { cause: err };
  switch (code) {
    case '23505':
      return new DuplicateError(`${field ?? 'a unique key'} is already taken`, field, options);
    case '23503':
      return new NotFoundError(`${field ?? 'a referenced record'} does not exist`, field, options);
    case '23514':
    case '23502':
      return new ValidationError(`${field ?? 'a value'} is not allowed`, field, options);
    case 'P0001':
      return new ConflictError(`${field ?? 'the record'} cannot be changed`, field, options);
  }
  // Class 22: data exceptions (invalid date, number out of range, malformed text representation).
  if (code?.startsWith('22')) return new ValidationError('a value has an invalid format or range', field, options);
  if (err instanceof RangeError) return new ValidationError(err.message, field, options);
  const detail = code ?? (typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : 'error');
  return new DatabaseUnavailableError(`database unavailable (${detail})`, options);
}

/** Runs a database call and translates whatever it throws. */
export async function withDatabaseErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toDatabaseError(err);
  }
}
