import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../scenarios/histories/dunning-history';

// What a worker deploy does first: bundle the workflow code for the sandbox. It must succeed for the product's
// workflows and must refuse workflow code that pulls in Node-only modules.
// Webpack's error report goes to the logger; keep it for the assertions instead of the test output.
const logged: string[] = [];
const logger = new DefaultLogger('ERROR', (entry) => logged.push(entry.message));

describe('workflow bundle', () => {
  it('bundles workflows/index.ts, exporting dunningWorkflow', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger });
    expect(bundle.code.length).toBeGreaterThan(10_000);
    expect(bundle.code).toContain('dunningWorkflow');
    // The bundle goes through the reusable-V8-context executor, which needs the module cache on globalThis.
    expect(bundle.code).toContain('globalThis.__webpack_module_cache__');
    // Nothing that does I/O slipped in through an import of the workflow's modules.
    for (const forbidden of ['node_modules/pg/', 'node_modules/twilio/', 'node_modules/kysely/']) {
      expect(bundle.code).not.toContain(forbidden);
    }
  });

  it('refuses a workflow that imports pg', async () => {
    await expect(
      bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'scenarios/fixtures/pg-workflow.ts'), logger })
    ).rejects.toThrow(/importing the following disallowed modules:[\s\S]*'net'[\s\S]*'tls'/);
  });

  it('refuses a workflow that imports node:fs', async () => {
    await expect(
      bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'scenarios/fixtures/fs-workflow.ts'), logger })
    ).rejects.toThrow(/Webpack finished with errors/);
    expect(logged.join('\n')).toMatch(/Reading from "node:fs" is not handled/);
  });
});
