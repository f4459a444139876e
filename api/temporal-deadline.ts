import type { Connection } from '@temporalio/client';
import type { TemporalClient } from './deps';

/** The default budget of one Temporal call: with the database work around it, a request answers within 2 s. */
export const TEMPORAL_CALL_TIMEOUT_MS = 1_500;

/** Temporal did not answer within the call's budget: the API answers 503 naming Temporal. */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
  constructor(readonly timeoutMs: number) {
    super(`Temporal did not answer within ${timeoutMs} ms`);
  }
}

/**
 * The budget of an Update (a promise, an agreement): unlike a signal, its answer waits for a worker to run the
 * workflow's validator and handler, so it gets longer than a plain call. A request that runs out of it is answered
 * 503; retried with the same commitment id (the Update id), it is applied once.
 */
export const TEMPORAL_UPDATE_TIMEOUT_MS = 10_000;

/** The handle methods the API awaits, with their budgets; `result()` and the rest pass through unbounded. */
const BOUNDED_HANDLE_METHODS = new Map<PropertyKey, 'call' | 'update'>([
  ['signal', 'call'],
  ['query', 'call'],
  ['describe', 'call'],
  ['cancel', 'call'],
  ['terminate', 'call'],
  ['executeUpdate', 'update'],
]);
const BOUNDED_CLIENT_METHODS = new Map<PropertyKey, 'call' | 'update'>([
  ['start', 'call'],
  ['signalWithStart', 'call'],
  ['execute', 'call'],
]);

type WithDeadline = <R>(deadline: number, fn: () => Promise<R>) => Promise<R>;

/**
 * The client with every call the API makes bounded by `timeoutMs`. The SDK retries an unreachable server with
 * backoff for about 20 s (and a lazy connection's first connect is part of the first call), which would hold a
 * request that long; here each call runs under a gRPC deadline (the client's `withDeadline`, so the SDK stops
 * retrying and the call ends server-side too) and is answered as TemporalUnavailableError once the budget is
 * spent, since the retry interceptor's backoff may overshoot the deadline by a second or more.
 */
export function withCallDeadlines(
  client: TemporalClient,
  timeoutMs = TEMPORAL_CALL_TIMEOUT_MS,
  updateTimeoutMs = TEMPORAL_UPDATE_TIMEOUT_MS
): TemporalClient {
  const deadlineOf = (client as { withDeadline?: WithDeadline }).withDeadline;
  const withDeadline: WithDeadline = deadlineOf ? deadlineOf.bind(client) : (_d, fn) => fn();
  const bounded = <R>(call: () => Promise<R>, budget: number): Promise<R> => {
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TemporalUnavailableError(budget)), budget);
    });
    return Promise.race([withDeadline(Date.now() + budget, call), spent]).finally(() => clearTimeout(timer));
  };
  const budgets = { call: timeoutMs, update: updateTimeoutMs };
  const wrap = <T extends object>(target: T, methods: ReadonlyMap<PropertyKey, 'call' | 'update'>) =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (prop === 'getHandle')
          return (...args: unknown[]) => wrap(fn.apply(t, args) as object, BOUNDED_HANDLE_METHODS);
        const kind = methods.get(prop);
        if (kind) return (...args: unknown[]) => bounded(() => fn.apply(t, args) as Promise<unknown>, budgets[kind]);
        return fn.bind(t);
      },
    });
  // Only `workflow`: the API reaches Temporal through nothing else.
  return { workflow: wrap(client.workflow, BOUNDED_CLIENT_METHODS) };
}

/**
 * Readiness of Temporal: one GetSystemInfo under a deadline, on every probe. Not `Connection.ensureConnected`, which
 * keeps its first outcome: a Temporal that was down when the API started would be reported down for good.
 */
export function temporalAnswers(
  connection: Pick<Connection, 'withDeadline' | 'workflowService'>,
  timeoutMs = 2_000
): Promise<void> {
  return connection.withDeadline(Date.now() + timeoutMs, async () => {
    await connection.workflowService.getSystemInfo({});
  });
}
