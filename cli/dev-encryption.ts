import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACTIVE_KEY_VAR,
  DISABLED_VAR,
  KEYS_VAR,
  KEY_BYTES,
  loadPayloadEncryption,
  type PayloadEncryption,
} from '../codec/encryption-keys';

export interface DevEncryption {
  encryption: PayloadEncryption;
  /** How it was chosen, for the start-up banner. */
  origin: 'environment' | 'development key' | 'disabled';
  keyFile?: string;
}

/**
 * `cobranza dev` encrypts payloads as production does, so the Temporal UI shows what an SRE will see (decoded
 * through the codec server). Keys come from PAYLOAD_ENCRYPTION_KEYS when set; else from a development key kept in
 * `$DATA_DIR/payload-encryption.key` (created once, mode 0600), so histories in the dev server's database stay
 * readable from one run to the next. PAYLOAD_ENCRYPTION_DISABLED=true runs unencrypted.
 */
export function devPayloadEncryption(env: NodeJS.ProcessEnv, dataDir: string): DevEncryption {
  if (env[KEYS_VAR]?.trim() || env[DISABLED_VAR]?.trim()) {
    const encryption = loadPayloadEncryption(env);
    return { encryption, origin: encryption.kind === 'disabled' ? 'disabled' : 'environment' };
  }
  const keyFile = join(dataDir, 'payload-encryption.key');
  if (!existsSync(keyFile)) {
    mkdirSync(dataDir, { recursive: true });
    const line = `dev-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(KEY_BYTES).toString('base64')}\n`;
    writeFileSync(keyFile, line, { mode: 0o600, flag: 'wx' });
  }
  const entry = readFileSync(keyFile, 'utf8').trim();
  const encryption = loadPayloadEncryption({ [KEYS_VAR]: entry, [ACTIVE_KEY_VAR]: entry.slice(0, entry.indexOf(':')) });
  return { encryption, origin: 'development key', keyFile };
}
