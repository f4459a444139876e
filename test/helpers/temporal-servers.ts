import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { describe, inject } from 'vitest';
import { searchAttributeTypes } from '../../cli/local-temporal';
import type { TemporalServers } from '../../cli/temporal-servers-command';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * Real Temporal servers for the server suites: the time-skipping test server (weeks of ladder in seconds) and the
 * dev server (visibility, the Web UI, several processes). Both come from test/global-setup.ts.
 */
export function temporalServers(): TemporalServers | undefined {
  const servers = inject('temporalServers');
  return servers.available ? servers : undefined;
}

/** The workflow bundle global setup built once for every server suite (the production bundle options). */
export function workflowBundlePath(): string {
  return inject('workflowBundlePath');
}

/**
 * `describe` when the servers are here, else `describe.skip` with the reason in the title (and .ci/run, which sets
 * COBRANZA_REQUIRE_TEMPORAL=1, fails in global setup instead of skipping).
 */
export function describeWithTemporal(title: string, body: (servers: TemporalServers) => void): void {
  const servers = inject('temporalServers');
  if (servers.available) describe(title, () => body(servers));
  else describe.skip(`${title} — skipped: ${servers.reason}`, () => body(undefined as never));
}

/** The time-skipping test server, with Cobranza's search attributes registered (the workflow upserts them). */
export async function startTimeSkippingServer(servers: TemporalServers): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: servers.testServer } },
  });
  // The test server implements AddSearchAttributes but not ListSearchAttributes: register them all at once.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: searchAttributeTypes(),
  });
  return env;
}

/** The SDK logs every worker state change at INFO; TEST_TEMPORAL_LOG_LEVEL=INFO brings them back. */
function quietRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEST_TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'WARN'),
    });
  } catch {
    // A runtime is already installed in this worker process: keep it.
  }
}

export interface DevServerOptions {
  /** Serve the Web UI on this port. */
  uiPort?: number;
  codecEndpoint?: string;
  /** Keep the server's state in this SQLite file (a restart keeps the workflows). */
  dbFilename?: string;
}

/** A `temporal server start-dev` on a free port with Cobranza's search attributes registered. */
export function startDevServer(
  servers: TemporalServers,
  opts: DevServerOptions = {}
): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: servers.cli.path },
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      ...(opts.dbFilename && { dbFilename: opts.dbFilename }),
      ...(opts.uiPort !== undefined && { ui: true, uiPort: opts.uiPort }),
      ...(opts.codecEndpoint && { extraArgs: ['--ui-codec-endpoint', opts.codecEndpoint] }),
    },
  });
}

/** A client of the environment's server with another data converter (encryption). */
export function clientWith(env: TestWorkflowEnvironment, dataConverter: DataConverter): Client {
  return new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter });
}
