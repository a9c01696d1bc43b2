// Builds the command-line tool once into dist-cli/<build>/ with esbuild, so `npm run cli` starts in a fraction
// of tsx's transpile-at-every-call time (scripts/cli.mjs runs the bundle and rebuilds it when a source is newer).
// One ESM bundle with code splitting: the entry lists the commands of src/cli/commands at build time and loads
// each lazily (as src/cli/main.ts does by file name); the worker_threads modules are entry points of their own
// (src/platform/node/nodeRpcWorker.ts workerModule). npm packages stay external (resolved from node_modules).
// A finished build is published by renaming dist-cli/current, so concurrent runs never see half a build.
// Run directly: node scripts/build-cli.mjs [--out-root DIR] (also part of `npm run build`).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKERS = ['nodeKernelWorker', 'nodeSelectWorker', 'nodeLocoWorker', 'nodePcaWorker', 'nodeTrainWorker'];
const KEEP_OLD_BUILDS_MS = 3600_000;

export function commandNames(base = root) {
  return readdirSync(join(base, 'src/cli/commands'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function entrySource(commands) {
  const loaders = commands.map((c) => `  ${JSON.stringify(c)}: () => import('./src/cli/commands/${c}.ts'),`).join('\n');
  return [
    "import { exitWith, runCli } from './src/cli/runCli.ts';",
    `const loaders = {\n${loaders}\n};`,
    'exitWith(runCli(process.argv.slice(2), { names: () => Object.keys(loaders), load: async (n) => (await loaders[n]()).command }));',
  ].join('\n');
}

/** Builds into OUTROOT/<id>/ and points OUTROOT/current at it; returns the build's folder and seconds. */
export async function buildCli({ base = root, outRoot = join(base, 'dist-cli') } = {}) {
  const t0 = Date.now();
  const commands = commandNames(base);
  const id = `${t0}-${process.pid}`;
  const outdir = join(outRoot, id);
  const result = await build({
    absWorkingDir: base,
    entryPoints: [
      { in: 'latentscan-cli-main', out: 'main' },
      ...WORKERS.map((w) => ({ in: `src/platform/node/${w}.ts`, out: w })),
    ],
    plugins: [{
      name: 'cli-entry',
      setup(b) {
        b.onResolve({ filter: /^latentscan-cli-main$/ }, () => ({ path: 'main', namespace: 'cli-entry' }));
        b.onLoad({ filter: /.*/, namespace: 'cli-entry' }, () => ({ contents: entrySource(commands), loader: 'js', resolveDir: base }));
      },
    }],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('cli-entry:')).map((f) => relative(base, join(base, f)));
  writeFileSync(join(outdir, 'info.json'), JSON.stringify({ builtAt: t0, commands, inputs }));
  mkdirSync(outRoot, { recursive: true });
  const tmp = join(outRoot, `current.${id}`);
  writeFileSync(tmp, id);
  renameSync(tmp, join(outRoot, 'current'));
  for (const d of readdirSync(outRoot)) {
    const at = Number(d.split('-')[0]);
    if (d !== id && /^\d+-\d+$/.test(d) && t0 - at > KEEP_OLD_BUILDS_MS) rmSync(join(outRoot, d), { recursive: true, force: true });
  }
  return { outdir, id, seconds: (Date.now() - t0) / 1000 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // --out-root DIR: build under DIR instead of dist-cli/ (tests; DIR must be inside the repository, where the
  // bundle finds package.json and public/ by walking up)
  const i = process.argv.indexOf('--out-root');
  const r = await buildCli(i > 0 ? { outRoot: process.argv[i + 1] } : {});
  console.log(`CLI bundle: ${relative(root, r.outdir)} (${r.seconds.toFixed(1)} s)`);
}
