import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../api/auth';
import { ConsoleSessions, SESSION_TTL_MS } from '../../api/console/session';

const NOW = Date.parse('2026-12-03T14:00:00Z');
const sessions = new ConsoleSessions(Buffer.from('a-secret-of-at-least-thirty-two-characters'));

describe('agent console sessions', () => {
  it('accepts the cookie it issued until the shift is over', () => {
    const { cookie } = sessions.issue('agent#2', 'agent', 'fp', NOW);
    expect(sessions.verify(cookie, NOW + SESSION_TTL_MS - 1)?.agent).toBe('agent#2');
    expect(sessions.verify(cookie, NOW + SESSION_TTL_MS)).toBeNull();
  });

  it('refuses a cookie whose payload was edited to claim another agent', () => {
    const { cookie } = sessions.issue('agent#2', 'agent', 'fp', NOW);
    const [payload, signature] = cookie.split('.');
    const edited = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    edited.agent = 'admin#1';
    const forged = `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`;
    expect(sessions.verify(forged, NOW)).toBeNull();
  });

  it('refuses a cookie signed with another secret, as after a restart without CONSOLE_SESSION_SECRET', () => {
    const { cookie } = new ConsoleSessions(Buffer.from('another-secret-of-thirty-two-characters')).issue(
      'agent#2',
      'agent',
      'fp',
      NOW
    );
    expect(sessions.verify(cookie, NOW)).toBeNull();
  });

  it("accepts a form's CSRF token only for the sign-in it was issued to", () => {
    const first = sessions.issue('agent#2', 'agent', 'fp', NOW).session;
    const second = sessions.issue('agent#2', 'agent', 'fp', NOW).session;
    expect(sessions.checkCsrf(first, sessions.csrfToken(first))).toBe(true);
    expect(sessions.checkCsrf(second, sessions.csrfToken(first))).toBe(false);
    expect(sessions.checkCsrf(first, undefined)).toBe(false);
  });
});

describe('the key a session came from', () => {
  const key = 'agt_lucia_0123456789abcdef';

  it('is found again by its fingerprint while it is configured', () => {
    const auth = new ApiKeyAuthenticator([{ key, role: 'agent', label: 'agent#1' }]);
    const fingerprint = auth.fingerprintOf(`Bearer ${key}`)!;
    expect(fingerprint).not.toContain(key);
    expect(auth.byFingerprint(fingerprint)).toEqual({ role: 'agent', label: 'agent#1' });
  });

  it('is gone once the key is removed from API_KEYS, even if another key now has its label', () => {
    const before = new ApiKeyAuthenticator([{ key, role: 'agent', label: 'agent#1' }]);
    const after = new ApiKeyAuthenticator([{ key: 'agt_rafael_fedcba9876543210', role: 'agent', label: 'agent#1' }]);
    expect(after.byFingerprint(before.fingerprintOf(`Bearer ${key}`)!)).toBeNull();
  });
});
