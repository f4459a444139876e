// Loaded twice: bundled into the workflow sandbox (bundleWorkflowCode's failureConverterPath) and require()d by
// the SDK on the Node side (loadDataConverter). Keep it free of TypeScript-only syntax and of Node imports so both
// work, including a plain `require` of this .ts file under vitest (Node >= 20.19 loads it as ES module syntax).
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into an `encodedAttributes` payload, which the payload codec then
 * encrypts: without this, an error like "SMS to +57 300 … rejected" would sit in plaintext in Temporal.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
