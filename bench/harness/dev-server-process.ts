import { connect } from 'node:net';
import { Connection } from '@temporalio/client';
import { existingTemporalCli } from '../../cli/temporal-cli-binary';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { spawnGrouped, type GroupedChild } from '../../loopback/process-group';

/**
 * The Temporal dev server (`temporal server start-dev`) as a child process this script owns, so a drill can stop
 * and restart it: with `dbFile` its state lives in SQLite and survives the restart, as a real server's would.
 * Loopback only, headless (no Web UI), the product's search attributes registered at start.
 */
export interface DevServerProcess {
  readonly address: string;
  /** SIGKILL (when `hard`) or SIGTERM, then waits for the process group to be gone. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and database file; resolves once it answers gRPC. */
  restart(): Promise<void>;
}

export async function startDevServerProcess(opts: { port: number; dbFile?: string }): Promise<DevServerProcess> {
  const cli = existingTemporalCli(process.env);
  if (!cli) throw new Error('no Temporal CLI: run `npx tsx cli/main.ts temporal-servers` (or set TEMPORAL_CLI_PATH)');
  // The CLI spells the types Keyword, Datetime, Int: the SDK's KEYWORD, DATETIME, INT.
  const typeName = (t: string) => t.charAt(0) + t.slice(1).toLowerCase();
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'error',
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${typeName(k.type)}`]),
  ];
  let child: GroupedChild;
  const address = `127.0.0.1:${opts.port}`;

  const start = async () => {
    child = spawnGrouped('temporal dev server', cli.path, args, { PATH: process.env.PATH, HOME: process.env.HOME });
    // Detached children outlive a parent that crashes: never leave a server behind.
    const running = child;
    process.once('exit', () => running.signalGroup('SIGKILL'));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exit()) throw new Error(`the Temporal dev server exited at start:\n${child.output().slice(-2000)}`);
      if (await answers(address)) break;
      if (Date.now() > deadline) throw new Error(`the Temporal dev server did not answer on ${address} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async (hard = false) => {
    child.signalGroup(hard ? 'SIGKILL' : 'SIGTERM');
    const bound = setTimeout(() => child.signalGroup('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(bound);
    for (let i = 0; i < 50 && child.groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
  };
  await start();
  return { address, stop, restart: start };
}

/** A gRPC health answer, not just an open port: the frontend listens before it serves. */
async function answers(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  const open = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(port), host, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
  if (!open) return false;
  try {
    const connection = await Connection.connect({ address, connectTimeout: '2s' });
    try {
      await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.getSystemInfo({}));
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}
