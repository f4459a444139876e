/**
 * Payload encryption keys, by id. Configuration:
 *
 *   PAYLOAD_ENCRYPTION_KEYS="k2026a:<base64 of 32 random bytes>,k2025b:<base64 …>"
 *   PAYLOAD_ENCRYPTION_ACTIVE_KEY=k2026a
 *
 * New payloads are encrypted with the active key; any listed key decrypts. Generate a key with
 * `openssl rand -base64 32`. Without keys, encryption is off only when PAYLOAD_ENCRYPTION_DISABLED=true says so
 * (development and tests): a missing variable in production must stop the process, not write plaintext PII.
 */

export const KEYS_VAR = 'PAYLOAD_ENCRYPTION_KEYS';
export const ACTIVE_KEY_VAR = 'PAYLOAD_ENCRYPTION_ACTIVE_KEY';
export const DISABLED_VAR = 'PAYLOAD_ENCRYPTION_DISABLED';

/** AES-256: 32-byte keys. */
export const KEY_BYTES = 32;
/** Key ids travel in payload metadata and in logs: short, printable, no separators of the config syntax. */
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface EncryptionKeyring {
  readonly kind: 'keyring';
  /** The key new payloads are encrypted with. */
  readonly activeKeyId: string;
  /** Every key that may decrypt, by id (the active key included). */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** An explicit decision to run without payload encryption; `reason` is logged by whoever made it. */
export interface EncryptionDisabled {
  readonly kind: 'disabled';
  readonly reason: string;
}

export type PayloadEncryption = EncryptionKeyring | EncryptionDisabled;

export class EncryptionConfigError extends Error {
  override readonly name = 'EncryptionConfigError';
}

/** Opt out of payload encryption on purpose (local development, tests). */
export function encryptionDisabled(reason: string): EncryptionDisabled {
  if (!reason.trim()) throw new EncryptionConfigError('encryptionDisabled() needs a reason');
  return Object.freeze({ kind: 'disabled', reason });
}

/** A keyring from raw keys, e.g. in tests: `createKeyring({ k1: randomBytes(32) }, 'k1')`. */
export function createKeyring(keys: Readonly<Record<string, Uint8Array>>, activeKeyId: string): EncryptionKeyring {
  const map = new Map<string, Buffer>();
  for (const [id, key] of Object.entries(keys)) {
    if (!KEY_ID.test(id)) throw new EncryptionConfigError(`invalid key id '${id}': use 1-64 of A-Z a-z 0-9 . _ -`);
    if (key.length !== KEY_BYTES) {
      throw new EncryptionConfigError(`key '${id}' is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
    }
    map.set(id, Buffer.from(key));
  }
  if (map.size === 0) throw new EncryptionConfigError('a keyring needs at least one key');
  if (!map.has(activeKeyId)) {
    throw new EncryptionConfigError(
      `active key '${activeKeyId}' is not among the keys (${[...map.keys()].join(', ')})`
    );
  }
  return Object.freeze({ kind: 'keyring', activeKeyId, keys: map });
}

/**
 * Parses the PAYLOAD_ENCRYPTION_* variables. Every message names the variable at fault and never echoes key
 * material.
 */
export function loadPayloadEncryption(env: NodeJS.ProcessEnv = process.env): PayloadEncryption {
  const rawKeys = env[KEYS_VAR]?.trim() ?? '';
  const active = env[ACTIVE_KEY_VAR]?.trim() || undefined;
  const disabledRaw = env[DISABLED_VAR]?.trim().toLowerCase() || 'false';
  if (disabledRaw !== 'true' && disabledRaw !== 'false') {
    throw new EncryptionConfigError(`${DISABLED_VAR} must be 'true' or 'false', got '${env[DISABLED_VAR]}'`);
  }
  const disabled = disabledRaw === 'true';

  if (!rawKeys) {
    if (disabled) return encryptionDisabled(`${DISABLED_VAR}=true`);
    throw new EncryptionConfigError(
      `${KEYS_VAR} is not set: set it to "<id>:<base64 32 bytes>[,…]" with ${ACTIVE_KEY_VAR}=<id>, ` +
        `or set ${DISABLED_VAR}=true to run without payload encryption (development only)`
    );
  }
  if (disabled) {
    throw new EncryptionConfigError(`${DISABLED_VAR}=true contradicts ${KEYS_VAR}: unset one of them`);
  }

  const keys: Record<string, Buffer> = {};
  const entries = rawKeys
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  entries.forEach((entry, index) => {
    const where = `${KEYS_VAR} entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new EncryptionConfigError(`${where}: expected "<id>:<base64 key>"`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      throw new EncryptionConfigError(`${where}: invalid key id '${id}' (1-64 of A-Z a-z 0-9 . _ -)`);
    }
    if (Object.hasOwn(keys, id)) throw new EncryptionConfigError(`${where}: key id '${id}' appears twice`);
    if (!BASE64.test(encoded)) throw new EncryptionConfigError(`${where} ('${id}'): the key is not standard base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new EncryptionConfigError(
        `${where} ('${id}'): the key decodes to ${key.length} bytes; AES-256 needs ${KEY_BYTES} ` +
          `(generate one with: openssl rand -base64 32)`
      );
    }
    keys[id] = key;
  });

  const ids = Object.keys(keys);
  const activeKeyId = active ?? (ids.length === 1 ? ids[0] : undefined);
  if (activeKeyId === undefined) {
    throw new EncryptionConfigError(`${ACTIVE_KEY_VAR} is not set: name which of ${ids.join(', ')} encrypts`);
  }
  if (!Object.hasOwn(keys, activeKeyId)) {
    throw new EncryptionConfigError(
      `${ACTIVE_KEY_VAR}='${activeKeyId}' is not a key id in ${KEYS_VAR} (${ids.join(', ')})`
    );
  }
  return createKeyring(keys, activeKeyId);
}

/** What a process may log about its encryption setup (ids only). */
export function describeEncryption(encryption: PayloadEncryption): Record<string, unknown> {
  return encryption.kind === 'disabled'
    ? { payloadEncryption: 'disabled', reason: encryption.reason }
    : { payloadEncryption: 'aes-256-gcm', activeKeyId: encryption.activeKeyId, keyIds: [...encryption.keys.keys()] };
}
