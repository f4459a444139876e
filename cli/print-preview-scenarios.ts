import path from 'node:path';
import type { previewCommand as PreviewCommand } from './preview-command';
import { previewScenarioFiles } from '../scenarios/preview-scenarios';

/**
 * `npm run preview:scenarios`: for every file in scenarios/previews, in file-name order, a line
 * `== scenarios/previews/<file>` and then what `cobranza preview --text <file>` prints. Nothing here or in the
 * preview reads the clock or draws a random number, so the output is the same on every run, and the previews of
 * two versions of the code compare with diff (README, "Simulate a ladder"):
 *
 *   npx tsx cli/print-preview-scenarios.ts --code <a checkout of the earlier commit> > before.txt
 *   npm run -s preview:scenarios > after.txt
 *   diff before.txt after.txt
 *
 * `--code <dir>` runs that checkout's preview command (its cli/preview-command.ts) on this tree's files.
 */
function main(args: readonly string[]): number {
  const root = path.join(__dirname, '..');
  const at = args.indexOf('--code');
  const codeRoot = at === -1 ? root : path.resolve(args[at + 1] ?? '.');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the code to run is chosen at run time
  const { previewCommand } = require(path.join(codeRoot, 'cli/preview-command.ts')) as {
    previewCommand: typeof PreviewCommand;
  };
  let failed = 0;
  for (const file of previewScenarioFiles()) {
    process.stdout.write(`== ${path.relative(root, file)}\n`);
    try {
      previewCommand(['--text', file], { stdout: (s) => process.stdout.write(s), stdinText: () => '' });
    } catch (err) {
      failed++;
      process.stderr.write(`${path.relative(root, file)}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
