import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import { inputProblems } from '../workflows/engine/input-problems';
import { requireRole, type ApiKeyAuthenticator } from './auth';
import type { Role } from './config';
import { ProblemError, problems } from './problem';

export type Auth = readonly Role[] | 'public' | 'twilio-signature' | 'sendgrid-signature';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** One operation: enough to mount it on Express and to describe it in the OpenAPI document. */
export interface RouteDef<B, Q, P> {
  method: 'get' | 'post';
  /** Express path syntax (`/v1/accounts/:id`); OpenAPI gets `{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: Auth;
  body?: B;
  /** Content types the body may come in; default application/json. */
  bodyTypes?: string[];
  /** An absent body is read as `{}` (every field optional or defaulted). */
  bodyOptional?: boolean;
  /** Byte limit for this route's body; default the config's 1 MB. */
  bodyLimit?: string;
  query?: Q;
  params?: P;
  responses: Record<number, ResponseSpec>;
  /** Middlewares that replace the default auth + body parsing (webhooks verify signatures over raw bodies). */
  pre?: RequestHandler[];
  /** Skip zod validation of the body (the handler parses it, e.g. batches validated item by item). */
  rawBody?: boolean;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
export interface RouteInput<B, Q, P> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
}
export type RouteHandler<B, Q, P> = (input: RouteInput<B, Q, P>, req: Request, res: Response) => Promise<void> | void;

export interface RouteContext {
  router: Router;
  operations: RouteDef<unknown, unknown, unknown>[];
  auth: ApiKeyAuthenticator;
  rateLimit: RequestHandler;
  bodyLimit: string;
}

/** A body arrived when it has a length or is chunked; an empty POST is not a wrong content type. */
function hasBody(req: Request): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export function requireContentType(types: string[]): RequestHandler {
  return (req, _res, next) => {
    if (hasBody(req) && !req.is(types))
      return next(
        new ProblemError(
          415,
          'unsupported-media-type',
          `Content-Type must be ${types.join(' or ')}`,
          [
            {
              field: 'Content-Type',
              message: `expected ${types.join(' or ')}, got ${req.get('content-type') ?? 'none'}`,
            },
          ],
          {},
          { 'Accept-Post': types.join(', ') }
        )
      );
    next();
  };
}

/** `value` parsed by `schema`, or a 400 naming every field that is wrong (under `prefix`). */
export function parseOrThrow(schema: z.ZodType, value: unknown, prefix: string): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errs = inputProblems(r.error).map((p) => ({
    field: prefix ? (p.field === '(root)' ? prefix : `${prefix}.${p.field}`) : p.field,
    message: p.message,
  }));
  throw problems.validation(errs);
}

export function addRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(ctx: RouteContext, def: RouteDef<B, Q, P>, handler: RouteHandler<B, Q, P>): void {
  const chain: RequestHandler[] = [];
  if (def.pre) chain.push(...def.pre);
  else {
    if (Array.isArray(def.auth)) chain.push(requireRole(ctx.auth, def.auth as readonly Role[]), ctx.rateLimit);
    if (def.body) {
      const types = def.bodyTypes ?? ['application/json'];
      const limit = def.bodyLimit ?? ctx.bodyLimit;
      chain.push(requireContentType(types));
      if (types.some((t) => t.includes('json') && !t.includes('ndjson')))
        chain.push(express.json({ limit, type: types.filter((t) => !t.includes('ndjson')) }));
      if (types.some((t) => t.includes('ndjson'))) chain.push(express.text({ limit, type: 'application/x-ndjson' }));
    }
  }
  const run: RequestHandler = async (req, res) => {
    const params = def.params ? parseOrThrow(def.params, { ...req.params }, '') : undefined;
    const query = def.query ? parseOrThrow(def.query, { ...req.query }, '') : undefined;
    let body: unknown = req.body;
    if (def.body && !def.rawBody) {
      if (body === undefined && def.bodyOptional) body = {};
      if (body === undefined) throw problems.validation([{ field: '(root)', message: 'a JSON body is required' }]);
      body = parseOrThrow(def.body, body, '');
    }
    await handler({ body, query, params } as RouteInput<B, Q, P>, req, res);
  };
  ctx.router[def.method](def.path, ...chain, run);
  ctx.operations.push(def);
}

/** Who made a request: the label of its API key (what catalogs and audit records name as the actor). */
export const actorOf = (res: Response): string =>
  (res.locals.principal as { label?: string } | undefined)?.label ?? 'unknown';
