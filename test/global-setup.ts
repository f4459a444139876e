import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { ensureTemporalServers, type TemporalServers } from '../cli/temporal-servers-command';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter';
import { WORKFLOW_BUNDLER_OPTIONS } from '../worker/workflow-bundle-options';

/**
 * Before any test file runs: the Temporal dev server (CLI) and the time-skipping test server, from the cache or
 * built / resolved into it (the first run on a machine builds the CLI from Go sources, a few minutes). Suites that
 * need a server skip with the reason in their name when none can be had, unless COBRANZA_REQUIRE_TEMPORAL=1 (set
 * by .ci/run), which makes that a failure: CI must run them all.
 */
export type TemporalServersForTests = ({ available: true } & TemporalServers) | { available: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    temporalServers: TemporalServersForTests;
    /** The workflow bundle the server suites' workers load, built once with the production options. */
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const progress = (line: string) => process.stderr.write(`[temporal servers] ${line}\n`);
  let servers: TemporalServersForTests;
  try {
    servers = { available: true, ...(await ensureTemporalServers(process.env, progress)) };
  } catch (err) {
    if (process.env.COBRANZA_REQUIRE_TEMPORAL === '1') throw err;
    servers = { available: false, reason: (err as Error).message };
    progress(`server suites will be skipped: ${servers.reason}`);
  }
  project.provide('temporalServers', servers);

  const dir = mkdtempSync(join(tmpdir(), 'cobranza-test-bundle-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  if (servers.available) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '..', 'workflows', 'index.ts'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      ...WORKFLOW_BUNDLER_OPTIONS,
      logger: { trace() {}, debug() {}, info() {}, warn: progress, error: progress, log() {} },
    });
    writeFileSync(bundlePath, code);
  }
  project.provide('workflowBundlePath', bundlePath);
  return () => rmSync(dir, { recursive: true, force: true });
}
