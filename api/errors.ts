import { ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DatabaseUnavailableError, DomainError } from '../db/errors';
import { ProblemError, problemDocument, problems } from './problem';
import { TemporalUnavailableError } from './temporal-deadline';

const GRPC_UNAVAILABLE = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */]);

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** A Temporal or database failure that a retry may cure, and which of the two it is: the API answers 503, not 500. */
export function unavailableService(err: unknown): 'temporal' | 'database' | undefined {
  if (err instanceof DatabaseUnavailableError) return 'database';
  if (err instanceof TemporalUnavailableError || err instanceof ServiceError) return 'temporal';
  const code = grpcCode(err);
  if (code !== undefined && GRPC_UNAVAILABLE.has(code)) return 'temporal';
  const name = (err as { name?: unknown })?.name;
  if (name === 'TransportError' || name === 'ConnectionError' || name === 'TimeoutError') return 'temporal';
  const errno = (err as { code?: unknown })?.code;
  if (typeof errno === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(errno))
    return 'database';
  return undefined;
}

/** Anything thrown → a ProblemError; programmer errors become 500 without leaking their message. */
export function toProblem(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof WorkflowNotFoundError)
    return problems.notFound(`no dunning workflow is running for ${err.workflowId}`, 'id');
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return problems.conflict(`workflow ${err.workflowId} is already running`, 'id');
  if (err instanceof DomainError) {
    const field = err.field ?? '(root)';
    switch (err.type) {
      case 'NotFoundError':
        return problems.notFound(err.message, field);
      case 'DuplicateError':
      case 'ConflictError':
        return problems.conflict(err.message, field);
      default:
        return new ProblemError(422, 'unprocessable-request', err.message, [{ field, message: err.message }]);
    }
  }
  // body-parser errors carry `type` and `status`.
  const bp = err as { type?: unknown; status?: unknown; expose?: unknown };
  switch (bp.type) {
    case 'entity.parse.failed':
      return new ProblemError(400, 'malformed-json', 'the body is not valid JSON', [
        { field: '(root)', message: 'malformed JSON' },
      ]);
    case 'entity.too.large':
      return new ProblemError(413, 'payload-too-large', 'the body exceeds the size limit for this route', [
        { field: '(root)', message: 'body too large' },
      ]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemError(415, 'unsupported-media-type', 'the body encoding or charset is not supported');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ProblemError(400, 'validation-error', 'the body could not be read');
  }
  const service = unavailableService(err);
  if (service === 'temporal') {
    const why = err instanceof TemporalUnavailableError ? `: it did not answer within ${err.timeoutMs} ms` : '';
    return problems.unavailable(`Temporal is unavailable${why}; retry later`, 'temporal');
  }
  if (service === 'database') return problems.unavailable('the database is unavailable; retry later', 'database');
  if (typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500 && bp.expose === true)
    return new ProblemError(bp.status, 'validation-error', String((err as Error).message));
  return new ProblemError(500, 'internal', 'an unexpected error occurred; it has been logged');
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    if (problem.status >= 500)
      logger.error(
        {
          err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack },
          route: req.path,
        },
        'request failed'
      );
    res.status(problem.status);
    for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
    res.type('application/problem+json').send(JSON.stringify(problemDocument(problem, req.originalUrl.split('?')[0]!)));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(problems.notFound(`no route for ${req.method} ${req.path}`));
