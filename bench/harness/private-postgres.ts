import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster of its own (initdb in a temporary directory, its own port, loopback only), so a drill can stop
 * the database for real without touching the machine's server or anyone's data. fsync and synchronous_commit stay
 * on. initdb refuses to run as root: as root it runs as the `postgres` user (Debian's package creates it).
 */
export interface PrivatePostgres {
  readonly url: string;
  /** `pg_ctl stop -m immediate`: every session is cut, as in a crash. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

export async function startPrivatePostgres(port: number): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries (initdb, pg_ctl): install postgresql or set PG_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'cobranza-drill-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const run = async (tool: string, args: string[]): Promise<void> => {
    await (asRoot
      ? promisify(execFile)('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args])
      : promisify(execFile)(join(bin, tool), args));
  };
  const data = join(dir, 'data');
  await run('initdb', ['-D', data, '-U', 'cobranza', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  await start();
  await run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'cobranza', 'cobranza']);
  return {
    url: `postgres://cobranza@127.0.0.1:${port}/cobranza`,
    start,
    stop,
    async destroy() {
      try {
        await stop();
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
