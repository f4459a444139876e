import type { RequestHandler } from 'express';
import { ProblemError } from './problem';

/**
 * A fixed-window limit per API key (in memory, per process). Good enough for one API replica; behind several
 * replicas each gets its own budget. 429 carries Retry-After and RateLimit-* headers.
 */
export function rateLimitPerKey(opts: { max: number; windowMs: number; now?: () => number }): RequestHandler {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    if (opts.max <= 0) return next();
    const bucket = res.locals.principal?.label ?? `ip:${req.ip}`;
    const t = now();
    let w = windows.get(bucket);
    if (!w || t - w.start >= opts.windowMs) {
      w = { start: t, count: 0 };
      windows.set(bucket, w);
      if (windows.size > 10_000) for (const [k, v] of windows) if (t - v.start >= opts.windowMs) windows.delete(k);
    }
    w.count++;
    const resetSeconds = Math.max(1, Math.ceil((w.start + opts.windowMs - t) / 1000));
    res.setHeader('RateLimit-Limit', String(opts.max));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, opts.max - w.count)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (w.count > opts.max)
      return next(
        new ProblemError(
          429,
          'rate-limited',
          `at most ${opts.max} requests per ${opts.windowMs / 1000} s per API key; retry in ${resetSeconds} s`,
          [],
          {},
          { 'Retry-After': String(resetSeconds) }
        )
      );
    next();
  };
}
