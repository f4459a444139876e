import { existsSync } from 'node:fs';
import path from 'node:path';
import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import type { DataConverter, LoadedDataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import type { PayloadEncryption } from './encryption-keys';

/**
 * The module the SDK loads the failure converter from, on the Node side and inside the workflow sandbox. A
 * prebuilt workflow bundle must be built with the same path (`bundleWorkflowCode({ failureConverterPath })`).
 */
export const FAILURE_CONVERTER_PATH =
  ['failure-converter.ts', 'failure-converter.js'].map((f) => path.join(__dirname, f)).find((f) => existsSync(f)) ??
  path.join(__dirname, 'failure-converter');

function codecsFor(encryption: PayloadEncryption): PayloadCodec[] {
  if (encryption?.kind === 'keyring') return [new AesGcmPayloadCodec(encryption)];
  if (encryption?.kind === 'disabled') return [];
  throw new TypeError(
    'createDataConverter needs a keyring or an explicit encryptionDisabled(reason): ' +
      'use loadPayloadEncryption(process.env)'
  );
}

/**
 * The one data converter of the API's client, the worker and the replay tests: AES-256-GCM payload encryption
 * (when keys are configured) and failure messages/stack traces moved into encrypted payloads.
 *
 *   const dataConverter = createDataConverter(loadPayloadEncryption(process.env));
 *   new Client({ connection, namespace, dataConverter });
 *   Worker.create({ …, dataConverter });
 */
export function createDataConverter(encryption: PayloadEncryption): DataConverter {
  return { payloadCodecs: codecsFor(encryption), failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The same converter already loaded (no module path to require), for code that calls
 * `@temporalio/common`'s codec helpers directly: the codec server, history tools, tests.
 */
export function createLoadedDataConverter(encryption: PayloadEncryption): LoadedDataConverter {
  return {
    payloadConverter: defaultPayloadConverter,
    failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
    payloadCodecs: codecsFor(encryption),
  };
}
