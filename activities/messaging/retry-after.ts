/**
 * How long a rate-limited provider asked us to wait. `Retry-After` is seconds or an HTTP date (RFC 9110 §10.2.3);
 * SendGrid's `X-RateLimit-Reset` is the Unix time (seconds) at which the window resets. Returns undefined when
 * neither is present or parseable, so Temporal's retry policy decides instead.
 */
export function retryAfterMs(
  headers: Record<string, unknown> | undefined,
  now: number = Date.now()
): number | undefined {
  if (!headers) return undefined;
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const retryAfter = headerValue(lower.get('retry-after'));
  if (retryAfter !== undefined) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headerValue(lower.get('x-ratelimit-reset'));
  if (reset !== undefined && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

function headerValue(v: unknown): string | undefined {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'number') return String(first);
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}
