import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export interface TemporalForDev {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  address: string;
  uiUrl: string | null;
  close(): Promise<void>;
}

export class NoTemporalServerError extends Error {}

const { IndexedValueType } = temporal.api.enums.v1;
const indexedType = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/**
 * The Temporal service `cobranza dev` runs against: TEMPORAL_ADDRESS when set, else a local dev server started
 * through @temporalio/testing (which downloads the Temporal CLI once and caches it, or runs TEMPORAL_CLI_PATH).
 */
export async function temporalForDev(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  dataConverter: DataConverter
): Promise<TemporalForDev> {
  if (env.TEMPORAL_ADDRESS) {
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
      address: env.TEMPORAL_ADDRESS,
      uiUrl: env.TEMPORAL_UI_URL ?? null,
      close: async () => {
        await nativeConnection.close();
        await connection.close();
      },
    };
  }
  const cliPath = env.TEMPORAL_CLI_PATH;
  const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
  let testEnv: TestWorkflowEnvironment;
  try {
    testEnv = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: cliPath ? { type: 'existing-path', path: cliPath } : { type: 'cached-download' },
        dbFilename: `${dataDir}/temporal.sqlite`,
        ui: true,
        uiPort,
        searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      },
    });
  } catch (err) {
    // The SDK's message repeats the URL and the whole cause chain; its first two clauses say what happened.
    const why = ((err as Error).message.split('\n')[0] ?? '').split(': ').slice(0, 2).join(': ');
    throw new NoTemporalServerError(
      cliPath
        ? `the Temporal CLI at TEMPORAL_CLI_PATH=${cliPath} did not start (${why}); point it at a working \`temporal\` binary or set TEMPORAL_ADDRESS to a running server.`
        : `no Temporal server could be had: TEMPORAL_ADDRESS is unset and downloading the Temporal CLI failed (${why}); set TEMPORAL_ADDRESS to a running server or TEMPORAL_CLI_PATH to a downloaded \`temporal\` binary.`
    );
  }
  return {
    client: new Client({ connection: testEnv.connection, namespace: testEnv.namespace ?? 'default', dataConverter }),
    nativeConnection: testEnv.nativeConnection,
    namespace: testEnv.namespace ?? 'default',
    address: testEnv.address,
    uiUrl: `http://localhost:${uiPort}`,
    close: () => testEnv.teardown(),
  };
}

/** Registers the typed search attributes; already-registered ones are fine. */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(existing.customAttributes ?? {})[k.name]);
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedType[k.type]])),
  });
}
