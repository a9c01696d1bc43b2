/**
 * Node entry: `npm run cli -- <command> [options]`. Each command lives in src/cli/commands/<name>.ts and
 * exports `command: CliCommand`; commands are found by file name, so adding one touches no other file.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHelp, parseArgs, UsageError, type CliCommand } from './args';
import { LatentScanError } from '../lib/base/errors';

const here = dirname(fileURLToPath(import.meta.url));
const commandDir = join(here, 'commands');

function commandNames(): string[] {
  return readdirSync(commandDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<CliCommand> {
  const mod = (await import(join(commandDir, `${name}.ts`))) as { command: CliCommand };
  return mod.command;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = commandNames();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const cmds = await Promise.all(names.map(load));
    console.log('LatentScan command-line tool\n\nnpm run cli -- <command> [options]   (--help after a command for its options)\n');
    for (const c of cmds) console.log(`  ${c.name.padEnd(10)} ${c.summary}`);
    return 0;
  }
  if (!names.includes(name)) {
    console.error(`unknown command '${name}'; commands: ${names.join(', ')}`);
    return 2;
  }
  const cmd = await load(name);
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
