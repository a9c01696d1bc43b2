/**
 * The command dispatcher shared by the two CLI entries: src/cli/main.ts (run by tsx, finds the commands by
 * file name) and the bundle scripts/build-cli.mjs makes (the same commands, listed at build time).
 */
import { formatHelp, parseArgs, UsageError, type CliCommand } from './args';
import { LatentScanError } from '../lib/base/errors';

export interface CommandRegistry {
  /** Command names, sorted. */
  names(): string[];
  load(name: string): Promise<CliCommand>;
}

/** Runs one command line; resolves with the process exit code (0 ok, 1 input error, 2 usage). */
export async function runCli(argv: string[], registry: CommandRegistry): Promise<number> {
  const [name, ...rest] = argv;
  const names = registry.names();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const cmds = await Promise.all(names.map((n) => registry.load(n)));
    console.log('LatentScan command-line tool\n\nnpm run cli -- <command> [options]   (--help after a command for its options)\n');
    for (const c of cmds) console.log(`  ${c.name.padEnd(10)} ${c.summary}`);
    return 0;
  }
  if (!names.includes(name)) {
    console.error(`unknown command '${name}'; commands: ${names.join(', ')}`);
    return 2;
  }
  const cmd = await registry.load(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(formatHelp(cmd));
    return 0;
  }
  try {
    const args = parseArgs(rest, cmd.options, cmd.name);
    await cmd.run(args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    if (e instanceof LatentScanError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/** Exits the process with runCli's code; an unexpected error prints its stack and exits 1. */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
