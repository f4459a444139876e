import { readFileSync } from 'node:fs';
import { devCommand } from './dev-command';
import { previewCommand, UsageError } from './preview-command';
import { temporalServersCommand } from './temporal-servers-command';

const HELP = `cobranza: collect overdue payments on time, through the right channel, within the law

usage:
  cobranza preview [--text] <scenario.json | ->
                                         print what the ladder will do to one account, as JSON (--help)
  cobranza dev [--demo]                  run the API and the worker together (see README)
  cobranza temporal-servers [--json]     build or resolve the Temporal dev and test servers into the cache
  cobranza help
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const io = { stdout: (s: string) => process.stdout.write(s), stdinText: () => readFileSync(0, 'utf8') };
  try {
    switch (command) {
      case 'preview':
        previewCommand(args, io);
        return 0;
      case 'dev':
        return await devCommand(args);
      case 'temporal-servers':
        return await temporalServersCommand(args, process.env, io.stdout);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      default:
        throw new UsageError(`unknown command ${command}\n\n${HELP}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`cobranza: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`cobranza: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  );
}
