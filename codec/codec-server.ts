import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { ErrorRequestHandler, Express, RequestHandler, Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';

/**
 * The codec server the Temporal UI and CLI call to show encrypted payloads (Temporal's remote codec contract):
 *
 *   POST /decode | /encode   Content-Type: application/json   X-Namespace: <ns>   Authorization: Bearer <token>
 *   { "payloads": [{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }] }  →  the same shape back
 *
 * The browser calls it directly from the UI's origin, so CORS allows exactly the configured UI origins and a
 * request from any other origin is refused (403) before authentication. Requests without an Origin (the
 * `temporal` CLI with --codec-endpoint/--codec-auth, curl) skip CORS and still need a token.
 */
export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Exact origins, e.g. `http://localhost:8080`. */
  allowedOrigins: readonly string[];
  /** Static bearer tokens (CLI, scripts; a UI behind a proxy that injects one). */
  authTokens: readonly string[];
  /**
   * Accepts further tokens, e.g. the UI user's OIDC access token forwarded with TEMPORAL_CODEC_PASS_ACCESS_TOKEN
   * (verify its signature, audience and expiry here).
   */
  verifyToken?: (token: string) => boolean | Promise<boolean>;
  /** Serve without authentication. Only for a codec server bound to localhost in local development. */
  allowUnauthenticated?: boolean;
  /** Request body limit (express/bytes syntax). Default 8mb: a UI page decodes a whole history's payloads. */
  bodyLimit?: string;
}

export const PROBLEM_BASE = 'https://cobranza.dev/problems/';
const ALLOWED_HEADERS = 'X-Namespace, Content-Type, Authorization';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

interface FieldProblem {
  field: string;
  message: string;
}

class CodecProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    detail: string,
    readonly errors: FieldProblem[] = []
  ) {
    super(detail);
  }
}

interface PayloadJson {
  metadata: Record<string, string>;
  data: string;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

function sendProblem(res: Response, p: CodecProblem, instance: string): void {
  res
    .status(p.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: PROBLEM_BASE + p.kind,
        title: p.title,
        status: p.status,
        detail: p.message,
        instance,
        errors: p.errors,
      })
    );
}

const invalid = (errors: FieldProblem[]): CodecProblem =>
  new CodecProblem(
    400,
    'validation-error',
    'The request is not valid',
    errors.length === 1 ? `${errors[0]!.field}: ${errors[0]!.message}` : `${errors.length} problems in the body`,
    errors
  );

/** Reads `{ payloads: [...] }`, naming every field that is wrong. */
export function parsePayloadsBody(body: unknown): Payload[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ field: 'body', message: 'expected a JSON object { "payloads": [...] }' }]);
  }
  const list = (body as { payloads?: unknown }).payloads;
  if (!Array.isArray(list)) throw invalid([{ field: 'payloads', message: 'expected an array of payloads' }]);
  const errors: FieldProblem[] = [];
  const payloads = list.map((item: unknown, i): Payload => {
    const at = `payloads[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({ field: at, message: 'expected an object { metadata, data }' });
      return {};
    }
    const { metadata = {}, data = '' } = item as { metadata?: unknown; data?: unknown };
    const out: Payload = { metadata: {} };
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      errors.push({ field: `${at}.metadata`, message: 'expected an object of base64 strings' });
    } else {
      for (const [k, v] of Object.entries(metadata as Record<string, unknown>)) {
        if (typeof v !== 'string' || !BASE64.test(v)) {
          errors.push({ field: `${at}.metadata.${k}`, message: 'expected a base64 string' });
        } else {
          out.metadata![k] = Buffer.from(v, 'base64');
        }
      }
    }
    if (typeof data !== 'string' || !BASE64.test(data)) {
      errors.push({ field: `${at}.data`, message: 'expected a base64 string' });
    } else {
      out.data = Buffer.from(data, 'base64');
    }
    return out;
  });
  if (errors.length > 0) throw invalid(errors);
  return payloads;
}

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function payloadsToJson(payloads: Payload[]): { payloads: PayloadJson[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
      data: b64(p.data ?? new Uint8Array()),
    })),
  };
}

export function createCodecServer(options: CodecServerOptions): Express {
  const { codec } = options;
  const origins = new Set(options.allowedOrigins);
  const tokens = options.authTokens.filter((t) => t.length > 0).map(sha256);
  if (tokens.length === 0 && !options.verifyToken && !options.allowUnauthenticated) {
    throw new TypeError('createCodecServer: configure authTokens or verifyToken, or set allowUnauthenticated');
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      res.vary('Origin');
      if (!origins.has(origin)) {
        sendProblem(
          res,
          new CodecProblem(
            403,
            'forbidden-origin',
            'This origin may not call the codec server',
            `origin ${origin} is not allowed`
          ),
          req.originalUrl
        );
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };

  const authenticate: RequestHandler = (req, res, next) => {
    const unauthorized = (detail: string) => {
      res.setHeader('WWW-Authenticate', 'Bearer realm="cobranza-codec"');
      sendProblem(res, new CodecProblem(401, 'unauthorized', 'Authentication is required', detail), req.originalUrl);
    };
    if (options.allowUnauthenticated) return next();
    const m = /^Bearer ([^\s]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return unauthorized('send Authorization: Bearer <token>');
    const presented = sha256(m[1]!);
    // Compare against every token (constant time each, no early exit) so timing says nothing about which matched.
    let ok = false;
    for (const t of tokens) ok = timingSafeEqual(presented, t) || ok;
    if (ok) return next();
    if (!options.verifyToken) return unauthorized('the bearer token is not valid');
    Promise.resolve(options.verifyToken(m[1]!)).then(
      (verified) => (verified ? next() : unauthorized('the bearer token is not valid')),
      () => unauthorized('the bearer token is not valid')
    );
  };

  const json = express.json({ limit: options.bodyLimit ?? '8mb', type: 'application/json' });
  const requireJson: RequestHandler = (req, res, next) => {
    if (!req.is('application/json')) {
      sendProblem(
        res,
        new CodecProblem(
          415,
          'unsupported-media-type',
          'The content type is not supported',
          'send Content-Type: application/json'
        ),
        req.originalUrl
      );
      return;
    }
    next();
  };

  const route =
    (op: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const payloads = parsePayloadsBody(req.body);
      let converted: Payload[];
      try {
        converted = await codec[op](payloads);
      } catch (err) {
        throw new CodecProblem(
          422,
          `cannot-${op}`,
          `The payloads could not be ${op}d`,
          err instanceof Error ? err.message : String(err)
        );
      }
      res.json(payloadsToJson(converted));
    };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(cors);
  app.post('/decode', authenticate, requireJson, json, route('decode'));
  app.post('/encode', authenticate, requireJson, json, route('encode'));
  app.use((req, res) => {
    sendProblem(
      res,
      new CodecProblem(404, 'not-found', 'Not found', `${req.method} ${req.path} does not exist`),
      req.originalUrl
    );
  });

  const errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof CodecProblem) return sendProblem(res, err, req.originalUrl);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      return sendProblem(
        res,
        new CodecProblem(400, 'malformed-json', 'The body is not valid JSON', e.message ?? 'invalid JSON', [
          { field: 'body', message: 'not valid JSON' },
        ]),
        req.originalUrl
      );
    }
    if (e.type === 'entity.too.large') {
      return sendProblem(
        res,
        new CodecProblem(413, 'payload-too-large', 'The body is too large', 'send fewer payloads per request'),
        req.originalUrl
      );
    }
    sendProblem(res, new CodecProblem(500, 'internal', 'Internal error', 'the codec server failed'), req.originalUrl);
  };
  app.use(errors);
  return app;
}
