/**
 * Node entry run by tsx: `tsx src/cli/main.ts <command> [options]`. Each command lives in
 * src/cli/commands/<name>.ts and exports `command: CliCommand`; commands are found by file name, so adding
 * one touches no other file. `npm run cli` runs the same commands from a bundle built once
 * (scripts/cli.mjs, scripts/build-cli.mjs), which lists them at build time.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './args';
import { exitWith, runCli } from './runCli';

const commandDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

exitWith(
  runCli(process.argv.slice(2), {
    names: () =>
      readdirSync(commandDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => f.slice(0, -3))
        .sort(),
    load: async (name) => ((await import(join(commandDir, `${name}.ts`))) as { command: CliCommand }).command,
  }),
);
