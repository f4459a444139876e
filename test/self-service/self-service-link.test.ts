import { describe, expect, it } from 'vitest';
import { selfServicePath, verifySelfServiceLink } from '../../activities/messaging/self-service-link';

const SECRET = 'enlace-secreto-de-pruebas-0123456789abcdef';
const NOW = Date.parse('2026-12-03T15:00:00Z');
const IN_30_DAYS = NOW / 1000 + 30 * 86_400;

const partsOf = (path: string) => {
  const [, , accountId, expires, signature] = path.split('/');
  return { accountId: decodeURIComponent(accountId!), expires: expires!, signature: signature! };
};

describe("the link to a debtor's page", () => {
  it('opens the account it was made for until it expires', () => {
    const path = selfServicePath(SECRET, { accountId: 'cta-co-000123', expiresAt: IN_30_DAYS });
    expect(verifySelfServiceLink(SECRET, partsOf(path), NOW)).toEqual({
      accountId: 'cta-co-000123',
      expiresAt: IN_30_DAYS,
    });
  });

  it('is short enough for an SMS and carries only the account id, the expiry and the signature', () => {
    const path = selfServicePath(SECRET, { accountId: 'cta-co-000123', expiresAt: IN_30_DAYS });
    expect(path).toMatch(/^\/p\/cta-co-000123\/[0-9a-z]+\/[A-Za-z0-9_-]{22}$/);
    expect(path.length).toBeLessThanOrEqual(50);
  });

  it('is refused as expired the second after its expiry', () => {
    const path = selfServicePath(SECRET, { accountId: 'cta-co-000123', expiresAt: NOW / 1000 });
    expect(verifySelfServiceLink(SECRET, partsOf(path), NOW)).toBe('expired');
  });

  it('is refused as forged when its expiry is pushed back by hand', () => {
    const parts = partsOf(selfServicePath(SECRET, { accountId: 'cta-co-000123', expiresAt: NOW / 1000 - 1 }));
    const later = { ...parts, expires: (IN_30_DAYS + 86_400).toString(36) };
    expect(verifySelfServiceLink(SECRET, later, NOW)).toBe('forged');
  });

  it('is refused as forged when signed with another secret', () => {
    const path = selfServicePath('otro-secreto-de-pruebas-0123456789abcdef', {
      accountId: 'cta-co-000123',
      expiresAt: IN_30_DAYS,
    });
    expect(verifySelfServiceLink(SECRET, partsOf(path), NOW)).toBe('forged');
  });

  it('is refused as forged when the signature is not the right shape', () => {
    const parts = partsOf(selfServicePath(SECRET, { accountId: 'cta-co-000123', expiresAt: IN_30_DAYS }));
    for (const signature of ['', 'abc', `${parts.signature}=`, parts.signature.slice(0, 21) + '+'])
      expect(verifySelfServiceLink(SECRET, { ...parts, signature }, NOW)).toBe('forged');
  });

  it('keeps an account id with reserved characters intact through the URL', () => {
    const path = selfServicePath(SECRET, { accountId: 'cuenta/2026 #7', expiresAt: IN_30_DAYS });
    expect(verifySelfServiceLink(SECRET, partsOf(path), NOW)).toMatchObject({ accountId: 'cuenta/2026 #7' });
  });
});
