// `npm run cli -- <command> [options]`: runs the CLI bundle (scripts/build-cli.mjs), building it first when it
// is missing or any of its sources (or the list of commands) changed since it was built. The same commands
// run unbundled with `npx tsx src/cli/main.ts` (what the tests use beside one bundle test).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, commandNames, root } from './build-cli.mjs';

const outRoot = join(root, 'dist-cli');

function current() {
  try {
    const id = readFileSync(join(outRoot, 'current'), 'utf8').trim();
    return { id, info: JSON.parse(readFileSync(join(outRoot, id, 'info.json'), 'utf8')) };
  } catch {
    return null;
  }
}

function fresh(b) {
  if (!b || b.info.commands.join() !== commandNames().join()) return false;
  for (const f of b.info.inputs) {
    try {
      if (statSync(join(root, f)).mtimeMs > b.info.builtAt) return false;
    } catch {
      return false;
    }
  }
  return true;
}

let b = current();
if (!fresh(b)) {
  process.stderr.write('cli: building the command-line bundle (dist-cli/) ... ');
  const r = await buildCli();
  process.stderr.write(`${r.seconds.toFixed(1)} s\n`);
  b = current();
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(outRoot, b.id, 'main.mjs')).href);
