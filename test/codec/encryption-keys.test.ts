import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EncryptionConfigError,
  createKeyring,
  describeEncryption,
  encryptionDisabled,
  loadPayloadEncryption,
} from '../../codec/encryption-keys';

const k2026a = randomBytes(32).toString('base64');
const k2025b = randomBytes(32).toString('base64');

describe('payload encryption keys from the environment', () => {
  it('reads several keys by id and the active one', () => {
    const enc = loadPayloadEncryption({
      PAYLOAD_ENCRYPTION_KEYS: `k2026a:${k2026a}, k2025b:${k2025b}`,
      PAYLOAD_ENCRYPTION_ACTIVE_KEY: 'k2026a',
    });
    expect(enc.kind).toBe('keyring');
    if (enc.kind !== 'keyring') return;
    expect(enc.activeKeyId).toBe('k2026a');
    expect([...enc.keys.keys()]).toEqual(['k2026a', 'k2025b']);
    expect(enc.keys.get('k2025b')?.toString('base64')).toBe(k2025b);
  });

  it('a single key is the active key when PAYLOAD_ENCRYPTION_ACTIVE_KEY is unset', () => {
    const enc = loadPayloadEncryption({ PAYLOAD_ENCRYPTION_KEYS: `only:${k2026a}` });
    expect(enc.kind === 'keyring' && enc.activeKeyId).toBe('only');
  });

  it('no keys and no opt-out is an error naming both variables, never a silent plaintext mode', () => {
    expect(() => loadPayloadEncryption({})).toThrow(EncryptionConfigError);
    expect(() => loadPayloadEncryption({})).toThrow(
      /PAYLOAD_ENCRYPTION_KEYS is not set.*PAYLOAD_ENCRYPTION_DISABLED=true/
    );
  });

  it('PAYLOAD_ENCRYPTION_DISABLED=true is the explicit opt-out', () => {
    expect(loadPayloadEncryption({ PAYLOAD_ENCRYPTION_DISABLED: 'true' })).toEqual({
      kind: 'disabled',
      reason: 'PAYLOAD_ENCRYPTION_DISABLED=true',
    });
    expect(() => loadPayloadEncryption({ PAYLOAD_ENCRYPTION_DISABLED: 'yes' })).toThrow(
      /PAYLOAD_ENCRYPTION_DISABLED must be 'true' or 'false'/
    );
    expect(() =>
      loadPayloadEncryption({ PAYLOAD_ENCRYPTION_DISABLED: 'true', PAYLOAD_ENCRYPTION_KEYS: `a:${k2026a}` })
    ).toThrow(/contradicts PAYLOAD_ENCRYPTION_KEYS/);
    expect(() => encryptionDisabled('  ')).toThrow(/needs a reason/);
  });

  it.each([
    ['a key of 16 bytes', `short:${randomBytes(16).toString('base64')}`, /entry 1 \('short'\).*16 bytes.*needs 32/],
    ['an entry without an id', k2026a, /entry 1: expected "<id>:<base64 key>"/],
    ['a key id with spaces', `bad id:${k2026a}`, /entry 1: invalid key id 'bad id'/],
    ['a key that is not base64', `k1:not-base64!!`, /entry 1 \('k1'\).*not standard base64/],
    ['the same id twice', `k1:${k2026a},k1:${k2025b}`, /entry 2: key id 'k1' appears twice/],
  ])('rejects %s, naming PAYLOAD_ENCRYPTION_KEYS', (_name, value, message) => {
    expect(() => loadPayloadEncryption({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(message);
    expect(() => loadPayloadEncryption({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(/PAYLOAD_ENCRYPTION_KEYS/);
  });

  it('rejects an active key that is not listed, and several keys without an active one', () => {
    expect(() =>
      loadPayloadEncryption({ PAYLOAD_ENCRYPTION_KEYS: `k1:${k2026a}`, PAYLOAD_ENCRYPTION_ACTIVE_KEY: 'k9' })
    ).toThrow(/PAYLOAD_ENCRYPTION_ACTIVE_KEY='k9' is not a key id in PAYLOAD_ENCRYPTION_KEYS \(k1\)/);
    expect(() => loadPayloadEncryption({ PAYLOAD_ENCRYPTION_KEYS: `k1:${k2026a},k2:${k2025b}` })).toThrow(
      /PAYLOAD_ENCRYPTION_ACTIVE_KEY is not set/
    );
  });

  it('error messages and the loggable description never contain key material', () => {
    const bad = `k1:${k2026a},k2:${randomBytes(31).toString('base64')}`;
    let message = '';
    try {
      loadPayloadEncryption({ PAYLOAD_ENCRYPTION_KEYS: bad });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/31 bytes/);
    expect(message).not.toContain(k2026a);
    const described = JSON.stringify(describeEncryption(createKeyring({ k1: Buffer.from(k2026a, 'base64') }, 'k1')));
    expect(described).toBe('{"payloadEncryption":"aes-256-gcm","activeKeyId":"k1","keyIds":["k1"]}');
  });
});
