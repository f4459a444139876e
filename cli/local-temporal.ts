import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import {
  buildTemporalCli,
  canBuildTemporalCli,
  existingTemporalCli,
  TemporalCliUnavailableError,
  TEMPORAL_CLI_VERSION,
} from './temporal-cli-binary';
import type { Progress } from './tool-cache';

export interface TemporalForDev {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  address: string;
  uiUrl: string | null;
  /** Where the local dev server came from, or `TEMPORAL_ADDRESS` for a server cobranza did not start. */
  source: string;
  close(): Promise<void>;
}

export class NoTemporalServerError extends Error {}

const { IndexedValueType } = temporal.api.enums.v1;
const indexedType = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/** The operator API's `searchAttributes` for `keys`: each name with its indexed type. */
export function searchAttributeTypes(
  keys: readonly (typeof ALL_SEARCH_ATTRIBUTES)[number][] = ALL_SEARCH_ATTRIBUTES
): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(keys.map((k) => [k.name, indexedType[k.type]]));
}

export interface LocalTemporalOptions {
  dataDir: string;
  dataConverter: DataConverter;
  progress: Progress;
  uiPort: number;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
}

/**
 * The Temporal service `cobranza dev` runs against, the first of: TEMPORAL_ADDRESS; a local dev server from
 * TEMPORAL_CLI_PATH, `temporal` on PATH or the cached build; the CLI the SDK downloads; a build of the pinned Go
 * module when `go` is on PATH. The dev server keeps its state in `$DATA_DIR/temporal.sqlite` and serves the Web UI.
 */
export async function temporalForDev(env: NodeJS.ProcessEnv, opts: LocalTemporalOptions): Promise<TemporalForDev> {
  if (env.TEMPORAL_ADDRESS) return connectToExisting(env, opts.dataConverter);

  const tried: string[] = [];
  let existing;
  try {
    existing = existingTemporalCli(env);
  } catch (err) {
    if (err instanceof TemporalCliUnavailableError) throw new NoTemporalServerError(`${err.message}.`);
    throw err;
  }
  if (existing) return startDevServer({ type: 'existing-path', path: existing.path }, existing.source, opts);
  tried.push(
    'TEMPORAL_CLI_PATH is unset',
    '`temporal` is not on PATH',
    `no build of ${TEMPORAL_CLI_VERSION} is cached`
  );

  try {
    return await startDevServer({ type: 'cached-download' }, 'the SDK download', opts);
  } catch (err) {
    tried.push(`the SDK could not download the CLI (${firstClauses(err)})`);
  }

  if (!canBuildTemporalCli(env)) {
    tried.push(`\`go\` is not on PATH to build ${TEMPORAL_CLI_VERSION}`);
    throw new NoTemporalServerError(
      `no Temporal server could be had: ${tried.join('; ')}. Set TEMPORAL_ADDRESS to a running server, TEMPORAL_CLI_PATH to a \`temporal\` binary, or install Go.`
    );
  }
  opts.progress(`the SDK could not download the Temporal CLI; building it from source instead`);
  let built;
  try {
    built = await buildTemporalCli(env, opts.progress);
  } catch (err) {
    throw new NoTemporalServerError(`the Temporal CLI could not be built: ${(err as Error).message}`);
  }
  return startDevServer({ type: 'existing-path', path: built.path }, built.source, opts);
}

async function connectToExisting(env: NodeJS.ProcessEnv, dataConverter: DataConverter): Promise<TemporalForDev> {
  const { connectionOptions, namespace = 'default' } = loadClientConnectConfig();
  let connection: Connection;
  let nativeConnection: NativeConnection;
  try {
    connection = await Connection.connect({ ...connectionOptions, connectTimeout: '5s' });
    nativeConnection = await NativeConnection.connect(connectionOptions);
  } catch (err) {
    throw new NoTemporalServerError(
      `no Temporal server answers at TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} (${(err as Error).message}); start one (e.g. \`temporal server start-dev\`) or unset TEMPORAL_ADDRESS to let cobranza start a local one.`
    );
  }
  await registerSearchAttributes(connection, namespace);
  return {
    client: new Client({ connection, namespace, dataConverter }),
    nativeConnection,
    namespace,
    address: env.TEMPORAL_ADDRESS!,
    uiUrl: env.TEMPORAL_UI_URL ?? null,
    source: 'TEMPORAL_ADDRESS',
    close: async () => {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

async function startDevServer(
  executable: EphemeralServerExecutable,
  source: string,
  opts: LocalTemporalOptions
): Promise<TemporalForDev> {
  let testEnv: TestWorkflowEnvironment;
  try {
    testEnv = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: `${opts.dataDir}/temporal.sqlite`,
        ui: true,
        uiPort: opts.uiPort,
        searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
        ...(opts.codecEndpoint && { extraArgs: ['--ui-codec-endpoint', opts.codecEndpoint] }),
      },
    });
  } catch (err) {
    if (executable.type === 'existing-path')
      throw new NoTemporalServerError(
        `the Temporal CLI at ${executable.path} (${source}) did not start a dev server (${firstClauses(err)}); point TEMPORAL_CLI_PATH at a working \`temporal\` binary or set TEMPORAL_ADDRESS to a running server.`
      );
    throw err;
  }
  const namespace = testEnv.namespace ?? 'default';
  return {
    client: new Client({ connection: testEnv.connection, namespace, dataConverter: opts.dataConverter }),
    nativeConnection: testEnv.nativeConnection,
    namespace,
    address: testEnv.address,
    uiUrl: `http://localhost:${opts.uiPort}`,
    source: executable.type === 'existing-path' ? `${executable.path} (${source})` : source,
    close: () => testEnv.teardown(),
  };
}

/** The SDK's message repeats the URL and the whole cause chain; its first two clauses say what happened. */
function firstClauses(err: unknown): string {
  return ((err as Error).message.split('\n')[0] ?? '').split(': ').slice(0, 2).join(': ');
}

/** Registers the typed search attributes; already-registered ones are fine. */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(existing.customAttributes ?? {})[k.name]);
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: searchAttributeTypes(missing),
  });
}
