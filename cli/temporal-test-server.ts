import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatDuration, onPath, runWithProgress, toolCacheDir, type Progress } from './tool-cache';

/**
 * Temporal's time-skipping test server (the Java SDK's `io.temporal.testserver.TestServer`), resolved from Maven
 * Central by deploy/temporal-servers/pom.xml and started by the launcher beside it, which @temporalio/testing runs
 * as an `existing-path` executable.
 */
const SERVERS_DIR = resolve(__dirname, '..', 'deploy', 'temporal-servers');
export const TEST_SERVER_POM = join(SERVERS_DIR, 'pom.xml');
export const TEST_SERVER_LAUNCHER = join(SERVERS_DIR, 'temporal-test-server');

export class TestServerUnavailableError extends Error {}

export function testServerVersion(): string {
  const pom = readFileSync(TEST_SERVER_POM, 'utf8');
  const version = /<temporal\.test-server\.version>([^<]+)<\/temporal\.test-server\.version>/.exec(pom)?.[1];
  if (!version) throw new Error(`${TEST_SERVER_POM} names no temporal.test-server.version`);
  return version;
}

export function testServerJarsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolCacheDir(env), 'temporal-test-server', testServerVersion(), 'lib');
}

/** The launcher, when the jars are already in the cache; else undefined. */
export function existingTestServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const jar = join(testServerJarsDir(env), `temporal-test-server-${testServerVersion()}.jar`);
  return existsSync(jar) ? TEST_SERVER_LAUNCHER : undefined;
}

export function canResolveTestServer(env: NodeJS.ProcessEnv = process.env): boolean {
  return onPath('mvn', env) !== undefined && onPath('java', env) !== undefined;
}

/**
 * Copies the test server and its dependencies (about 40 MB of jars) from Maven Central into the cache, about 15 s
 * cold, and returns the launcher. The directory is moved into place only once complete.
 */
export async function resolveTestServer(env: NodeJS.ProcessEnv, progress: Progress): Promise<string> {
  const mvn = onPath('mvn', env);
  if (!mvn || !onPath('java', env))
    throw new TestServerUnavailableError('`mvn` and `java` must be on PATH to resolve the Temporal test server');
  const version = testServerVersion();
  const target = testServerJarsDir(env);
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  progress(`resolving the Temporal test server ${version} from Maven Central with ${mvn}`);
  try {
    const ms = await runWithProgress(
      mvn,
      [
        '-q',
        '-B',
        '-f',
        TEST_SERVER_POM,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${staging}`,
        '-DincludeScope=runtime',
      ],
      { env, what: `resolving the Temporal test server ${version}`, progress }
    );
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    progress(`resolved the Temporal test server ${version} in ${formatDuration(ms)}: ${target}`);
    return TEST_SERVER_LAUNCHER;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
