import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench`: every benchmark, one process each so they do not share JIT state or heaps. Each prints
 * human-readable lines and one JSON summary line per figure; this collects the JSON lines at the end.
 * `npm run bench -- engine` runs only the benchmarks whose name contains "engine".
 */
const BENCHES = ['engine-decisions', 'workflow-replay', 'db-contact-attempts', 'api-accounts', 'end-to-end'];

const filter = process.argv[2];
const summaries: unknown[] = [];
let failed = 0;
for (const name of BENCHES.filter((b) => !filter || b.includes(filter))) {
  const file = join(__dirname, `${name}.ts`);
  if (!existsSync(file)) continue;
  process.stdout.write(`\n== ${name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) failed++;
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('{"bench"')) summaries.push(JSON.parse(line));
  }
}
process.stdout.write(`\n== summary\n${summaries.map((s) => JSON.stringify(s)).join('\n')}\n`);
process.exitCode = failed ? 1 : 0;
