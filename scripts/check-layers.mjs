// The layering rule of docs/ARCHITECTURE.md, checked over the TypeScript import graph (run by `npm test`):
// every relative import (static, dynamic, `import type`, and `new URL('./x.ts', import.meta.url)` worker
// entries) of a file under src/ or workers/ must point to a layer the importing layer may use.
//
//   src/lib/base                   errors, progress, cancel, generator drivers: imports nothing of ours
//   src/lib/<domain>               the pure core, ranked: a domain imports only domains of a lower rank
//   src/lib/pipeline               the study's steps and defaults, over the whole core
//   src/platform/node|browser      adapters (worker_threads pools, files, Dawn; tfjs set-up in a worker)
//   src/app, src/cli, workers      the two shells: the browser's worker session, the command line
//   src/ui, src/App.svelte, main   the page
//
// `node scripts/check-layers.mjs` prints every offending import with the rule it breaks and exits 1;
// `--self-test` also checks that an upward import is caught (a file in memory, nothing written).
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Rank of each core folder of src/lib: an import must go to a strictly lower rank (or stay in its folder). */
export const CORE_RANK = {
  base: 0,
  math: 1,
  io: 2,
  compute: 2,
  pheno: 3,
  annotate: 3,
  assoc: 3,
  sim: 3,
  relate: 3,
  ae: 4,
  report: 4,
  select: 4,
  validate: 5,
  pipeline: 6,
};

/** What each outer layer may import (besides itself). 'core' = every src/lib folder. */
const OUTER_ALLOWED = {
  'platform/node': ['core'],
  'platform/browser': ['core'],
  app: ['core', 'platform/browser'],
  cli: ['core', 'platform/node'],
  workers: ['app'],
  ui: ['core', 'app', 'platform/browser', 'workers'],
};

/** The layer of a repository-relative path ('lib/io', 'app', 'ui', ...), or null outside src/ and workers/. */
export function layerOf(path) {
  const p = path.split(sep).join('/');
  if (p.startsWith('workers/')) return 'workers';
  const m = p.match(/^src\/(lib\/[^/]+|platform\/[^/]+|app|cli|ui)\//);
  if (m) return m[1];
  if (/^src\/(App\.svelte|main\.ts|sw\.ts)$/.test(p)) return 'ui';
  return null;
}

/** Why `from` may not import `to` (layers), or null when it may. */
export function violation(from, to) {
  if (from === to || to === null || from === null) return null;
  const fromCore = from.startsWith('lib/');
  const toCore = to.startsWith('lib/');
  if (fromCore) {
    if (!toCore) return `the core (src/${from}) imports src/${to}: the core never imports an adapter or a shell`;
    const a = CORE_RANK[from.slice(4)];
    const b = CORE_RANK[to.slice(4)];
    if (a === undefined) return `src/${from} has no rank in CORE_RANK (scripts/check-layers.mjs): give it one`;
    if (b === undefined) return `src/${to} has no rank in CORE_RANK (scripts/check-layers.mjs): give it one`;
    if (b >= a) return `src/${from} (rank ${a}) imports src/${to} (rank ${b}): core imports go to a lower rank only`;
    return null;
  }
  const allowed = OUTER_ALLOWED[from];
  if (!allowed) return `${from} is not a known layer`;
  if (toCore ? allowed.includes('core') : allowed.includes(to)) return null;
  return `${from} imports ${to.startsWith('lib/') || to.startsWith('platform/') ? 'src/' : ''}${to}: ${from} may import ${allowed.join(', ')} only`;
}

/** Relative imports of one source text: { spec, line }. */
export function importsOf(text, fileName) {
  const out = [];
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lineOf = (n) => sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const visit = (n) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push({ spec: n.moduleSpecifier.text, line: lineOf(n) });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      out.push({ spec: n.arguments[0].text, line: lineOf(n) });
    } else if (ts.isNewExpression(n) && n.expression.getText(sf) === 'URL' && n.arguments?.length === 2 && ts.isStringLiteralLike(n.arguments[0]) && /import\.meta\.url/.test(n.arguments[1].getText(sf))) {
      out.push({ spec: n.arguments[0].text, line: lineOf(n) });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ spec: n.argument.literal.text, line: lineOf(n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.filter((i) => i.spec.startsWith('.'));
}

/** Script part of a .svelte file (the template imports nothing). */
function scriptOf(path, text) {
  if (!path.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function walk(dir, out = []) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|svelte)$/.test(f)) out.push(p);
  }
  return out;
}

/** Every offending import of the given files ({ path: repo-relative, text }). */
export function checkFiles(files) {
  const problems = [];
  for (const { path, text } of files) {
    const from = layerOf(path);
    if (!from) continue;
    for (const { spec, line } of importsOf(scriptOf(path, text), path)) {
      const target = relative(root, resolve(root, dirname(path), spec));
      const why = violation(from, layerOf(target));
      if (why) problems.push(`${path}:${line}: imports '${spec}': ${why}`);
    }
  }
  return problems;
}

function repoFiles() {
  return [...walk(join(root, 'src')), ...walk(join(root, 'workers'))].map((abs) => ({ path: relative(root, abs), text: readFileSync(abs, 'utf8') }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = repoFiles();
  const problems = checkFiles(files);
  if (process.argv.includes('--self-test')) {
    // An upward import added to the core (io -> pipeline) and one into a Node adapter must both be caught.
    const planted = [
      { path: 'src/lib/io/planted.ts', text: "import { x } from '../pipeline/defaults';\n" },
      { path: 'src/lib/select/planted.ts', text: "const u = new URL('../../platform/node/nodeSelectWorker.ts', import.meta.url);\n" },
    ];
    const caught = checkFiles(planted);
    if (caught.length !== planted.length) {
      console.error(`check-layers self-test: ${caught.length} of ${planted.length} planted violations caught`);
      process.exit(1);
    }
    console.log(`check-layers self-test: planted violations caught:\n  ${caught.join('\n  ')}`);
  }
  if (problems.length) {
    console.error(`Layering rule broken (docs/ARCHITECTURE.md):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`layers: ${files.length} files under src/ and workers/, no import against the layering rule`);
}
