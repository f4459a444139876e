import {
  buildTemporalCli,
  canBuildTemporalCli,
  existingTemporalCli,
  TemporalCliUnavailableError,
  TEMPORAL_CLI_VERSION,
  type TemporalCli,
} from './temporal-cli-binary';
import {
  canResolveTestServer,
  existingTestServer,
  resolveTestServer,
  testServerVersion,
  TestServerUnavailableError,
} from './temporal-test-server';
import type { Progress } from './tool-cache';
import { UsageError } from './preview-command';

export interface TemporalServers {
  cli: TemporalCli;
  /** The launcher of the time-skipping test server. */
  testServer: string;
}

/** The Temporal CLI when one is at hand or can be built here; else why not. */
export async function ensureTemporalCli(env: NodeJS.ProcessEnv, progress: Progress): Promise<TemporalCli> {
  const existing = existingTemporalCli(env);
  if (existing) return existing;
  if (!canBuildTemporalCli(env))
    throw new TemporalCliUnavailableError(
      `no Temporal CLI: TEMPORAL_CLI_PATH is unset, \`temporal\` is not on PATH, none is cached, and \`go\` is not on PATH to build ${TEMPORAL_CLI_VERSION}`
    );
  return buildTemporalCli(env, progress);
}

/** The time-skipping test server's launcher when its jars are cached or can be resolved here; else why not. */
export async function ensureTestServer(env: NodeJS.ProcessEnv, progress: Progress): Promise<string> {
  const existing = existingTestServer(env);
  if (existing) return existing;
  if (!canResolveTestServer(env))
    throw new TestServerUnavailableError(
      `no Temporal test server ${testServerVersion()}: its jars are not cached and \`mvn\`/\`java\` are not on PATH to resolve them`
    );
  return resolveTestServer(env, progress);
}

/** Both servers, obtained concurrently (the Go build is CPU-bound, the Maven resolution network-bound). */
export async function ensureTemporalServers(env: NodeJS.ProcessEnv, progress: Progress): Promise<TemporalServers> {
  const [cli, testServer] = await Promise.allSettled([
    ensureTemporalCli(env, progress),
    ensureTestServer(env, progress),
  ]);
  if (cli.status === 'rejected') throw cli.reason;
  if (testServer.status === 'rejected') throw testServer.reason;
  return { cli: cli.value, testServer: testServer.value };
}

/**
 * `cobranza temporal-servers`: build or resolve both Temporal servers into the cache (nothing when they are there)
 * and print where they are. `.ci/run` and the test suite's global setup use the same functions.
 */
export async function temporalServersCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (s: string) => void
): Promise<number> {
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0)
    throw new UsageError(`unknown option ${unknown[0]} (usage: cobranza temporal-servers [--json])`);
  const progress: Progress = (line) => process.stderr.write(`cobranza temporal-servers: ${line}\n`);
  try {
    const servers = await ensureTemporalServers(env, progress);
    if (args.includes('--json')) out(`${JSON.stringify(servers)}\n`);
    else
      out(
        `Temporal CLI          ${servers.cli.path} (${servers.cli.source})\n` +
          `Temporal test server  ${servers.testServer} (${testServerVersion()})\n`
      );
    return 0;
  } catch (err) {
    if (err instanceof TemporalCliUnavailableError || err instanceof TestServerUnavailableError) {
      process.stderr.write(`cobranza temporal-servers: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
