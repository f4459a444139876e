import { randomBytes } from 'node:crypto';
import { ApplicationFailure, DefaultFailureConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import {
  decodeFromPayloadsAtIndex,
  decodeOptionalFailureToOptionalError,
  decodeUserMetadata,
  encodeErrorToFailure,
  encodeToPayloads,
  encodeUserMetadata,
} from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { FAILURE_CONVERTER_PATH, createDataConverter, createLoadedDataConverter } from '../../codec/data-converter';
import { createKeyring, encryptionDisabled } from '../../codec/encryption-keys';

const keyring = createKeyring({ k2026a: randomBytes(32) }, 'k2026a');
const encoding = (p: Payload | undefined) => Buffer.from(p?.metadata?.encoding ?? []).toString();
const placement = {
  accountId: 'acc-co-camila-001',
  debtorName: 'Camila Restrepo Peñaloza',
  contacts: [{ channel: 'sms', to: '+573001234567' }],
  balanceMinor: 45_000_000,
};

describe('the shared data converter', () => {
  // loadDataConverter is what Client and Worker call: it require()s the failure converter module by path.
  const loaded = loadDataConverter(createDataConverter(keyring));

  it('loads through @temporalio/common with the encrypting codec and the encoding failure converter', () => {
    expect(createDataConverter(keyring).failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    expect(loaded.payloadCodecs).toHaveLength(1);
    expect(loaded.payloadCodecs[0]).toBeInstanceOf(AesGcmPayloadCodec);
    expect(loaded.failureConverter).toBeInstanceOf(DefaultFailureConverter);
    expect((loaded.failureConverter as DefaultFailureConverter).options.encodeCommonAttributes).toBe(true);
  });

  it('round-trips workflow arguments: encrypted on the wire, the original value after decoding', async () => {
    const payloads = (await encodeToPayloads(loaded, placement, 'second arg'))!;
    expect(payloads.map(encoding)).toEqual(['binary/encrypted', 'binary/encrypted']);
    expect(Buffer.from(payloads[0]!.data!).includes('Peñaloza')).toBe(false);
    expect(await decodeFromPayloadsAtIndex(loaded, 0, payloads)).toEqual(placement);
    expect(await decodeFromPayloadsAtIndex(loaded, 1, payloads)).toBe('second arg');
  });

  it('encrypts failure messages and stack traces (they may name the debtor) and restores them', async () => {
    const error = ApplicationFailure.nonRetryable('SMS to +573001234567 (Camila Peñaloza) rejected', 'InvalidNumber');
    const failure = await encodeErrorToFailure(loaded, error);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(encoding(failure.encodedAttributes ?? undefined)).toBe('binary/encrypted');
    expect(JSON.stringify(failure)).not.toContain('+573001234567');

    const decoded = await decodeOptionalFailureToOptionalError(loaded, failure);
    expect(decoded).toBeInstanceOf(ApplicationFailure);
    expect(decoded?.message).toBe('SMS to +573001234567 (Camila Peñaloza) rejected');
    expect((decoded as ApplicationFailure).type).toBe('InvalidNumber');
  });

  it('encrypts the UI summary and details of a workflow (user metadata goes through the codec too)', async () => {
    const metadata = await encodeUserMetadata(loaded, 'Camila Restrepo · CO', 'Step 2/5 · SMS sent');
    expect(encoding(metadata?.summary ?? undefined)).toBe('binary/encrypted');
    expect(await decodeUserMetadata(loaded, metadata)).toEqual({
      staticSummary: 'Camila Restrepo · CO',
      staticDetails: 'Step 2/5 · SMS sent',
    });
  });

  it('the pre-loaded variant (codec server, tools) decodes what the loaded one encoded', async () => {
    const payloads = await encodeToPayloads(loaded, placement);
    expect(await decodeFromPayloadsAtIndex(createLoadedDataConverter(keyring), 0, payloads)).toEqual(placement);
  });

  it('encryption disabled is explicit: no codec, plaintext JSON, and no converter without a decision', async () => {
    const plain = loadDataConverter(createDataConverter(encryptionDisabled('unit test')));
    expect(plain.payloadCodecs).toEqual([]);
    expect(encoding((await encodeToPayloads(plain, placement))?.[0])).toBe('json/plain');
    expect(() => createDataConverter(undefined as never)).toThrow(/explicit encryptionDisabled\(reason\)/);
    expect(() => createLoadedDataConverter({} as never)).toThrow(TypeError);
  });

  it('a converter without the key cannot read encrypted payloads', async () => {
    const payloads = await encodeToPayloads(loaded, placement);
    const otherKeys = loadDataConverter(createDataConverter(createKeyring({ other: randomBytes(32) }, 'other')));
    await expect(decodeFromPayloadsAtIndex(otherKeys, 0, payloads)).rejects.toThrow(/key id 'k2026a'/);
  });
});
