import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionKeyring } from './encryption-keys';

export const ENCODING_KEY = 'encoding';
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_KEY = 'encryption-key-id';
/** Recorded for operators and other-language codecs; decode does not need it. */
export const CIPHER_KEY = 'encryption-cipher';
export const CIPHER = 'AES-256-GCM';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const text = (b: Uint8Array | null | undefined): string | undefined =>
  b == null ? undefined : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/**
 * AES-256-GCM over the whole serialized Payload (its metadata included, so the original `encoding` is hidden
 * too). Wire format of `data`: 12-byte random IV ‖ ciphertext ‖ 16-byte auth tag. Metadata:
 * `encoding: binary/encrypted`, `encryption-key-id: <id>`, `encryption-cipher: AES-256-GCM`.
 *
 * Encodes with the keyring's active key; decodes with whichever key the payload names, and passes through any
 * payload that is not `binary/encrypted` (histories from before encryption, search attributes, other codecs).
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: EncryptionKeyring) {
    if (keyring?.kind !== 'keyring' || !keyring.keys.has(keyring.activeKeyId)) {
      throw new TypeError('AesGcmPayloadCodec needs a keyring whose active key is among its keys');
    }
  }

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads.map((p) => this.encrypt(p)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    // Synchronous work, but a throw must surface as a rejection like any other codec's.
    try {
      return Promise.resolve(payloads.map((p) => this.decrypt(p)));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** True when `payload` carries this codec's encoding (whatever key it names). */
  static isEncrypted(payload: Payload): boolean {
    return text(payload.metadata?.[ENCODING_KEY]) === ENCRYPTED_ENCODING;
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_KEY]: utf8(keyId),
        [CIPHER_KEY]: utf8(CIPHER),
      },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    if (!AesGcmPayloadCodec.isEncrypted(payload)) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_KEY]);
    if (!keyId) throw new PayloadDecryptionError(`encrypted payload has no '${KEY_ID_KEY}' metadata`);
    const key = this.keyring.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload was encrypted with key id '${keyId}', which is not configured ` +
          `(known key ids: ${[...this.keyring.keys.keys()].join(', ')}); add it to PAYLOAD_ENCRYPTION_KEYS`
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`encrypted payload (key id '${keyId}') is truncated: ${data.length} bytes`);
    }
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload failed authentication with key id '${keyId}': it was altered, or the key under that id changed`
      );
    }
    const decoded = temporal.api.common.v1.Payload.decode(plaintext);
    // A payload serialized without data (binary/null: a void result) decodes to protobufjs's default, a plain
    // array rather than bytes; callers such as the codec server's JSON writer need a Uint8Array.
    const bytes = decoded.data instanceof Uint8Array ? decoded.data : Uint8Array.from(decoded.data ?? []);
    const original: Payload = { metadata: decoded.metadata, data: bytes };
    if (decoded.externalPayloads?.length) original.externalPayloads = decoded.externalPayloads;
    return original;
  }
}
