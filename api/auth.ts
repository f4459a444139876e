import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiKey, Role } from './config';
import { ProblemError } from './problem';

export interface Principal {
  role: Role;
  /** Log-safe key name such as `agent#2`; also the rate-limit bucket. */
  label: string;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Bearer API keys. Keys are compared by their SHA-256 with timingSafeEqual, over every configured key, so the
 * time taken says nothing about which key (or which prefix) came close.
 */
export class ApiKeyAuthenticator {
  private readonly hashed: { hash: Buffer; role: Role; label: string }[];

  constructor(keys: readonly ApiKey[]) {
    this.hashed = keys.map((k) => ({ hash: sha256(k.key), role: k.role, label: k.label }));
  }

  authenticate(authorization: string | undefined): Principal | null {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return null;
    const presented = sha256(m[1]!);
    let found: Principal | null = null;
    for (const k of this.hashed) {
      if (timingSafeEqual(presented, k.hash) && !found) found = { role: k.role, label: k.label };
    }
    return found;
  }

  /**
   * A short, one-way fingerprint of the key a request presented, for a session to remember which key it came
   * from without keeping the key: a session whose key has since been removed from API_KEYS is refused.
   */
  fingerprintOf(authorization: string): string | null {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return m ? fingerprint(sha256(m[1]!)) : null;
  }

  /** The principal of a configured key with this fingerprint, or null once the key is gone. */
  byFingerprint(presented: string): Principal | null {
    const k = this.hashed.find((h) => fingerprint(h.hash) === presented);
    return k ? { role: k.role, label: k.label } : null;
  }
}

const fingerprint = (hash: Buffer): string => createHash('sha256').update(hash).digest('base64url').slice(0, 22);

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
  }
}

const unauthorized = (detail: string) =>
  new ProblemError(
    401,
    'unauthorized',
    detail,
    [{ field: 'Authorization', message: detail }],
    {},
    {
      'WWW-Authenticate': 'Bearer realm="cobranza"',
    }
  );

/** 401 without a valid key, 403 when the key's role is not among `roles`; admin may do everything. */
export function requireRole(auth: ApiKeyAuthenticator, roles: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    if (!header) return next(unauthorized('an Authorization: Bearer <api key> header is required'));
    const principal = auth.authenticate(header);
    if (!principal) return next(unauthorized('the API key is not valid'));
    if (principal.role !== 'admin' && !roles.includes(principal.role))
      return next(
        new ProblemError(403, 'forbidden', `this operation needs one of the roles ${roles.join(', ')} (or admin)`)
      );
    res.locals.principal = principal;
    next();
  };
}
