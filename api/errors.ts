import { ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DatabaseUnavailableError, DomainError } from '../db/errors';
import { ProblemError, problemDocument, problems } from './problem';

const GRPC_UNAVAILABLE = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */]);

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** A Temporal or network failure that a retry may cure: the API answers 503 rather than 500. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const code = grpcCode(err);
  if (code !== undefined && GRPC_UNAVAILABLE.has(code)) return true;
  if (err instanceof ServiceError) return true;
  const name = (err as { name?: unknown })?.name;
  if (name === 'TransportError' || name === 'ConnectionError' || name === 'TimeoutError') return true;
  const errno = (err as { code?: unknown })?.code;
  return typeof errno === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(errno);
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
  if (isUnavailable(err)) return problems.unavailable('Temporal or the database is unreachable; retry later');
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
