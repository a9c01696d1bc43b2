/**
 * `npm run cli -- prepare --pheno FILE [--id-col NAME] [--pheno-name a,b] [--recipe FILE] --out PREFIX`
 * Types and summarizes the phenotype columns, selects and transforms them (or re-applies a saved recipe),
 * and writes PREFIX.recipe.json, PREFIX.columns.tsv (typed summary) and PREFIX.prepared.tsv (NA = missing).
 * Prints every dropped column and row with the reason.
 */
import { readFile, writeFile, open } from 'node:fs/promises';
import { arg, UsageError, type CliCommand } from '../args';
import { loadTable } from '../loadTable';
import { prepare, DEFAULT_MAX_MISSING, type PrepareReport } from '../../lib/pheno/prepare';
import { applyRecipe } from '../../lib/pheno/applyRecipe';
import { parseRecipe } from '../../lib/pheno/parseRecipe';
import { TRANSFORMS, type Recipe, type Transform } from '../../lib/pheno/Recipe';
import { summarizeColumn, type ColumnSummary } from '../../lib/pheno/summarizeColumn';
import type { PreparedMatrix } from '../../lib/pheno/PreparedMatrix';
import { DEFAULT_MISSING_TOKENS } from '../../lib/io/missingTokens';
import type { DelimiterOption } from '../../lib/io/sniffDelimiter';

export const command: CliCommand = {
  name: 'prepare',
  summary: 'type, select and transform phenotypes (or re-apply a saved recipe) for the autoencoder',
  details: [
    'Default selection drops constant, empty, ID-like and >20% missing columns, and the second column of each',
    'near-duplicate pair (|r| > 0.999). Default transforms: continuous -> z-score; |skewness| > 1 and min > 0 ->',
    'log then z-score; |skewness| > 1 otherwise -> rank-based inverse normal (Blom); binary -> 0/1; categorical',
    '-> one-hot columns name=level. Missing cells stay missing (NA in PREFIX.prepared.tsv, mask in the app).',
    'Transforms: ' + TRANSFORMS.join(', ') + '.',
    '',
    'Outputs: PREFIX.recipe.json (re-apply with --recipe), PREFIX.columns.tsv, PREFIX.prepared.tsv.',
    'Example: npm run cli -- prepare --pheno data/pheno.csv --transform crp=rank-int --out out/pheno',
    '         npm run cli -- prepare --pheno data/cohortB.csv --recipe out/pheno.recipe.json --out out/cohortB',
  ].join('\n'),
  options: [
    { name: 'pheno', type: 'string', required: true, meta: 'FILE', help: 'phenotype table (CSV, TSV, whitespace; .gz ok)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column (default IID, else the first column)' },
    { name: 'pheno-name', type: 'list', meta: 'a,b,...', help: 'use only these columns (they bypass the ID-like and missing-rate rules)' },
    { name: 'exclude', type: 'list', meta: 'a,b,...', help: 'leave these columns out' },
    { name: 'transform', type: 'list', meta: 'col=T,...', help: 'per-column transform overrides' },
    { name: 'max-missing', type: 'number', meta: 'FRACTION', default: DEFAULT_MAX_MISSING, help: 'drop columns with more missing cells' },
    { name: 'keep-duplicates', type: 'flag', help: 'report near-duplicate pairs but keep both columns' },
    { name: 'missing', type: 'list', meta: 'TOKENS', help: `missing-value tokens (default ${DEFAULT_MISSING_TOKENS.filter((t) => t).join(',')} and empty)` },
    { name: 'delimiter', type: 'string', choices: ['auto', 'comma', 'tab', 'whitespace'], default: 'auto', help: 'field delimiter' },
    { name: 'recipe', type: 'string', meta: 'FILE', help: 'apply this saved recipe instead of preparing anew' },
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const phenoPath = arg.str(a, 'pheno') as string;
    const out = arg.str(a, 'out') as string;
    const missingArg = arg.list(a, 'missing');
    const table = await loadTable(phenoPath, {
      idCol: arg.str(a, 'id-col'),
      missing: missingArg ? ['', ...missingArg] : undefined,
      delimiter: delimiterOf(arg.str(a, 'delimiter') ?? 'auto'),
    });
    for (const w of table.warnings) console.error(`warning: ${w}`);
    console.error(`prepare: ${phenoPath}: ${table.ids.length} rows, ${table.columns.length} columns besides the ID column ${table.idColumn}`);

    const summaries = table.columns.map(summarizeColumn);
    let matrix: PreparedMatrix;
    let recipe: Recipe;
    const status = new Map<string, string>();
    const transformOf = new Map<string, string>();
    const recipePath = arg.str(a, 'recipe');
    if (recipePath) {
      for (const o of ['pheno-name', 'exclude', 'transform', 'keep-duplicates']) {
        if (a[o] !== undefined) throw new UsageError(`prepare: --${o} cannot be combined with --recipe (the recipe fixes columns and transforms)`);
      }
      recipe = parseRecipe(await readFile(recipePath, 'utf8'), recipePath);
      const r = applyRecipe(table, recipe);
      matrix = r.matrix;
      for (const w of r.report.warnings.slice(table.warnings.length)) console.error(`warning: ${w}`);
      reportRows(r.report.rowsDropped);
      for (const d of r.report.drift) {
        if (d.meanShiftSd !== null && Math.abs(d.meanShiftSd) > 0.5) {
          console.error(`drift: ${d.source}: mean shifted by ${d.meanShiftSd.toFixed(2)} training sd`);
        }
        if (d.missingRate - d.trainingMissingRate > 0.1) {
          console.error(`drift: ${d.source}: ${(100 * d.missingRate).toFixed(1)}% missing vs ${(100 * d.trainingMissingRate).toFixed(1)}% in training`);
        }
      }
      const used = new Set(recipe.columns.map((c) => c.source));
      for (const c of table.columns) status.set(c.name, used.has(c.name) ? 'kept' : 'not in recipe');
      for (const c of recipe.columns) transformOf.set(c.source, c.transform);
      console.error(`applied ${recipePath}: ${matrix.p} columns`);
    } else {
      const transforms: Record<string, Transform> = {};
      for (const t of arg.list(a, 'transform') ?? []) {
        const eq = t.lastIndexOf('=');
        if (eq <= 0) throw new UsageError(`prepare: --transform expects col=T (T one of ${TRANSFORMS.join('|')}), got '${t}'`);
        transforms[t.slice(0, eq)] = t.slice(eq + 1) as Transform;
      }
      const p = prepare(table, {
        include: arg.list(a, 'pheno-name'),
        exclude: arg.list(a, 'exclude'),
        transforms,
        maxMissing: arg.num(a, 'max-missing'),
        dropDuplicates: !arg.flag(a, 'keep-duplicates'),
        optionLabels: { include: '--pheno-name', exclude: '--exclude', transforms: '--transform' },
      });
      matrix = p.matrix;
      recipe = p.recipe;
      printReport(p.report);
      for (const d of p.report.dropped) status.set(d.column, `dropped: ${d.reason}`);
      for (const c of recipe.columns) {
        status.set(c.source, 'kept');
        transformOf.set(c.source, c.transform);
      }
    }
    await writeFile(`${out}.recipe.json`, JSON.stringify(recipe, null, 1) + '\n');
    await writeFile(`${out}.columns.tsv`, columnsTsv(summaries, status, transformOf));
    await writePrepared(`${out}.prepared.tsv`, matrix, table.idColumn);
    console.error(`prepared: ${matrix.n} rows x ${matrix.p} columns`);
    console.error(`wrote ${out}.recipe.json, ${out}.columns.tsv, ${out}.prepared.tsv`);
  },
};

function delimiterOf(s: string): DelimiterOption {
  switch (s) {
    case 'auto':
      return 'auto';
    case 'comma':
      return ',';
    case 'tab':
      return '\t';
    case 'whitespace':
      return 'whitespace';
    default:
      throw new UsageError(`prepare: unknown delimiter '${s}'`);
  }
}

function reportRows(rd: { count: number; ids: string[]; reason: string }): void {
  if (rd.count > 0) console.error(`dropped ${rd.count} row(s): ${rd.reason} (${rd.ids.slice(0, 5).join(', ')}${rd.count > 5 ? ', ...' : ''})`);
}

function printReport(r: PrepareReport): void {
  for (const w of r.warnings.slice(r.warnings.length - r.invalidCells.length)) console.error(`warning: ${w}`);
  for (const d of r.dropped) console.error(`dropped column ${d.column}: ${d.reason}`);
  for (const d of r.duplicates) {
    console.error(`near-duplicate: ${d.a} ~ ${d.b} (r = ${d.r.toFixed(5)}, n = ${d.n})${d.dropped ? `; dropped ${d.dropped}` : '; both kept'}`);
  }
  reportRows(r.rowsDropped);
}

const num = (v: number, digits = 6): string => (Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : 'NA');

function columnsTsv(summaries: ColumnSummary[], status: Map<string, string>, transformOf: Map<string, string>): string {
  const head = ['column', 'type', 'storage', 'observed', 'missing_rate', 'distinct', 'mean', 'sd', 'min', 'max', 'skewness', 'levels', 'transform', 'status'];
  const rows = summaries.map((s) =>
    [
      s.name,
      s.type,
      s.storage,
      String(s.observed),
      num(s.missingRate, 4),
      String(s.distinct),
      num(s.mean),
      num(s.sd),
      num(s.min),
      num(s.max),
      num(s.skewness, 4),
      s.levels && s.levels.length > 0 && s.levels.length <= 20 ? s.levels.map((l) => `${l.label}:${l.count}`).join(';') : 'NA',
      transformOf.get(s.name) ?? 'NA',
      status.get(s.name) ?? 'kept',
    ].join('\t'),
  );
  return [head.join('\t'), ...rows].join('\n') + '\n';
}

/** Float32 value as the shortest text that reads back to the same Float32 (7 digits, else 9). */
function f32(v: number): string {
  const s = v.toPrecision(7);
  return Math.fround(Number(s)) === v ? String(Number(s)) : String(Number(v.toPrecision(9)));
}

async function writePrepared(path: string, m: PreparedMatrix, idColumn: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    const head = [...(m.fid ? ['FID'] : []), idColumn === 'IID' || m.fid ? 'IID' : idColumn, ...m.columns];
    let buf = head.join('\t') + '\n';
    for (let i = 0; i < m.n; i++) {
      const cells: string[] = m.fid ? [m.fid[i], m.ids[i]] : [m.ids[i]];
      for (let j = 0; j < m.p; j++) cells.push(m.mask[i * m.p + j] ? f32(m.values[i * m.p + j]) : 'NA');
      buf += cells.join('\t') + '\n';
      if (buf.length > 1 << 20) {
        await fh.write(buf);
        buf = '';
      }
    }
    await fh.write(buf);
  } finally {
    await fh.close();
  }
}
