import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.join(__dirname, '..');

it('counts a suite whose beforeAll fails as a failure, so the summary never says 0 failed for a failed run', async () => {
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const result = await run(
    process.execPath,
    [
      vitest,
      'run',
      'test/fixtures/reporter-probe/setup-fails.probe.ts',
      '--config',
      'test/fixtures/reporter-probe/vitest.probe.config.ts',
    ],
    { cwd: root, env: { ...process.env, CI: 'true', NO_COLOR: '1' } }
  ).then(
    () => ({ code: 0, stdout: '' }),
    (err: { code: number; stdout: string }) => err
  );

  expect(result.code).toBe(1);
  expect(result.stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed, 1 skipped');
});
