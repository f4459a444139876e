import { describe, expect, it } from 'vitest';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../activities/messaging/unsubscribe-token';

const SECRET = 'test-unsubscribe-secret-0123456789abcdef';
const params = { wf: 'dunning-acc-mx-1001', step: 'week-1-email', channel: 'email' };

describe('unsubscribe link tokens', () => {
  it('is a deterministic base64url HMAC-SHA256 of at least 128 bits that verifies', () => {
    const token = unsubscribeToken(SECRET, params);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(unsubscribeToken(SECRET, { ...params })).toBe(token);
    expect(verifyUnsubscribeToken(SECRET, params, token)).toBe(true);
  });

  it('fails for a tampered step, workflow or channel', () => {
    const token = unsubscribeToken(SECRET, params);

    expect(verifyUnsubscribeToken(SECRET, { ...params, step: 'week-2-email' }, token)).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, { ...params, wf: 'dunning-acc-mx-1002' }, token)).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, { ...params, channel: 'sms' }, token)).toBe(false);
  });

  it('cannot be shifted between fields (canonical form is unambiguous)', () => {
    const a = unsubscribeToken(SECRET, { wf: 'dunning-a', step: 'b&c', channel: 'email' });
    const b = unsubscribeToken(SECRET, { wf: 'dunning-a&b', step: 'c', channel: 'email' });

    expect(a).not.toBe(b);
  });

  it('fails under another secret', () => {
    const token = unsubscribeToken(SECRET, params);

    expect(verifyUnsubscribeToken('another-unsubscribe-secret-0123456789ab', params, token)).toBe(false);
  });

  it('fails for a tampered, truncated, padded, missing or non-string token without throwing', () => {
    const token = unsubscribeToken(SECRET, params);
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);

    for (const bad of [flipped, token.slice(0, -1), `${token}=`, `${token}A`, '', undefined, null, 42, [token]])
      expect(verifyUnsubscribeToken(SECRET, params, bad)).toBe(false);
  });
});
