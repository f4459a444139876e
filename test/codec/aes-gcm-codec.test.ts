import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, PayloadDecryptionError } from '../../codec/aes-gcm-codec';
import { createKeyring } from '../../codec/encryption-keys';

const key2025b = randomBytes(32);
const key2026a = randomBytes(32);
const oldRing = createKeyring({ k2025b: key2025b }, 'k2025b');
const rotatedRing = createKeyring({ k2026a: key2026a, k2025b: key2025b }, 'k2026a');

const debtors = [
  { accountId: 'acc-br-joao-001', debtorName: 'João Conceição', phone: '+5511987654321', city: 'São Paulo' },
  { accountId: 'acc-es-inaki-002', debtorName: 'Iñaki Muñoz Peña', email: 'inaki.munoz@example.es', city: 'Logroño' },
  { accountId: 'acc-mx-ana-003', debtorName: 'Ana María Ibáñez', notes: 'pagará el miércoles — “promesa”' },
];

const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const meta = (p: Payload, key: string): string | undefined =>
  p.metadata?.[key] ? Buffer.from(p.metadata[key]).toString('utf8') : undefined;

describe('AES-256-GCM payload codec', () => {
  it('round-trips JSON payloads with Portuguese and Spanish names byte for byte', async () => {
    const codec = new AesGcmPayloadCodec(rotatedRing);
    const payloads = debtors.map(toPayload);
    const decoded = await codec.decode(await codec.encode(payloads));
    expect(decoded.map(fromPayload)).toEqual(debtors);
    decoded.forEach((p, i) => {
      expect(Buffer.from(p.data!).equals(Buffer.from(payloads[i]!.data!))).toBe(true);
      expect(meta(p, 'encoding')).toBe('json/plain');
    });
  });

  it('marks encrypted payloads binary/encrypted with the key id, hiding the original encoding', async () => {
    const [encrypted] = await new AesGcmPayloadCodec(rotatedRing).encode([toPayload(debtors[0])]);
    expect(Object.keys(encrypted!.metadata!).sort()).toEqual(['encoding', 'encryption-cipher', 'encryption-key-id']);
    expect(meta(encrypted!, 'encoding')).toBe('binary/encrypted');
    expect(meta(encrypted!, 'encryption-key-id')).toBe('k2026a');
    expect(meta(encrypted!, 'encryption-cipher')).toBe('AES-256-GCM');
  });

  it('ciphertext contains no plaintext PII, and the same value encrypts differently each time (random IV)', async () => {
    const codec = new AesGcmPayloadCodec(rotatedRing);
    const encrypted = await codec.encode(debtors.map(toPayload));
    const wire = Buffer.concat(encrypted.flatMap((p) => [p.data!, ...Object.values(p.metadata!)]));
    for (const needle of [
      'João',
      'Conceição',
      'Iñaki',
      'Muñoz',
      'Ibáñez',
      '+5511987654321',
      'inaki.munoz',
      'json/plain',
    ]) {
      expect(wire.includes(Buffer.from(needle, 'utf8')), needle).toBe(false);
      expect(wire.toString('latin1').includes(needle), needle).toBe(false);
    }
    const [again] = await codec.encode([toPayload(debtors[0])]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encrypted[0]!.data!))).toBe(false);
    expect(Buffer.from(again!.data!).subarray(0, 12).equals(Buffer.from(encrypted[0]!.data!).subarray(0, 12))).toBe(
      false
    );
  });

  it.each([
    ['the IV', (_len: number) => 3],
    ['the ciphertext', (len: number) => Math.floor(len / 2)],
    ['the auth tag', (len: number) => len - 1],
  ])('detects tampering: flipping a byte of %s makes decode throw', async (_part, position) => {
    const codec = new AesGcmPayloadCodec(rotatedRing);
    const [encrypted] = await codec.encode([toPayload(debtors[1])]);
    const data = Buffer.from(encrypted!.data!);
    data[position(data.length)]! ^= 0x01;
    const tampered = { ...encrypted!, data };
    await expect(codec.decode([tampered])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow(/failed authentication with key id 'k2026a'/);
  });

  it('refuses a truncated payload and an encrypted payload without a key id', async () => {
    const codec = new AesGcmPayloadCodec(rotatedRing);
    const [encrypted] = await codec.encode([toPayload('x')]);
    await expect(codec.decode([{ ...encrypted!, data: Buffer.alloc(20) }])).rejects.toThrow(/truncated: 20 bytes/);
    const { 'encryption-key-id': _dropped, ...noKeyId } = encrypted!.metadata!;
    await expect(codec.decode([{ ...encrypted!, metadata: noKeyId }])).rejects.toThrow(
      /has no 'encryption-key-id' metadata/
    );
  });

  it('key rotation: payloads encrypted with the old key decode after rotation; new encodes use the active key', async () => {
    const before = await new AesGcmPayloadCodec(oldRing).encode(debtors.map(toPayload));
    expect(before.map((p) => meta(p, 'encryption-key-id'))).toEqual(['k2025b', 'k2025b', 'k2025b']);

    const rotated = new AesGcmPayloadCodec(rotatedRing);
    expect((await rotated.decode(before)).map(fromPayload)).toEqual(debtors);
    const after = await rotated.encode([toPayload(debtors[2])]);
    expect(meta(after[0]!, 'encryption-key-id')).toBe('k2026a');
    // A mixed history (old and new key) decodes in one call.
    expect((await rotated.decode([...before, ...after])).map(fromPayload)).toEqual([...debtors, debtors[2]]);
  });

  it('a payload under an unknown key id fails with an error naming the id and the known ids', async () => {
    const [fromNewKey] = await new AesGcmPayloadCodec(rotatedRing).encode([toPayload(debtors[0])]);
    const oldOnly = new AesGcmPayloadCodec(oldRing);
    await expect(oldOnly.decode([fromNewKey!])).rejects.toThrow(
      "payload was encrypted with key id 'k2026a', which is not configured (known key ids: k2025b); add it to PAYLOAD_ENCRYPTION_KEYS"
    );
  });

  it('a key id whose key changed fails authentication instead of returning garbage', async () => {
    const [encrypted] = await new AesGcmPayloadCodec(oldRing).encode([toPayload(debtors[0])]);
    const impostor = new AesGcmPayloadCodec(createKeyring({ k2025b: randomBytes(32) }, 'k2025b'));
    await expect(impostor.decode([encrypted!])).rejects.toThrow(/failed authentication with key id 'k2025b'/);
  });

  it('passes through payloads it does not recognise (pre-encryption histories, other encodings)', async () => {
    const codec = new AesGcmPayloadCodec(rotatedRing);
    const plain = [toPayload({ accountId: 'acc-1' }), toPayload(null), toPayload(new Uint8Array([1, 2, 3])), {}];
    const decoded = await codec.decode(plain);
    expect(decoded).toHaveLength(4);
    decoded.forEach((p, i) => expect(p).toBe(plain[i]));
    expect(await codec.encode([])).toEqual([]);
  });

  it('needs a keyring', () => {
    expect(() => new AesGcmPayloadCodec(undefined as never)).toThrow(TypeError);
  });
});
