/**
 * Phenotype preparation: typing, default selection, per-column transforms, near-duplicate check; returns the
 * PreparedMatrix, the re-applicable Recipe and a report of everything dropped and why.
 *
 * Default selection: drop empty and constant columns (always), ID-like columns and columns with more than
 * `maxMissing` (default 20%) missing cells (unless named in `include`). Near-duplicates: pairs of output
 * columns (one-hot levels excepted) with |r| > `duplicateR` (0.999, pairwise complete) are reported and the
 * second of each pair (in table order) is dropped unless `dropDuplicates: false`.
 *
 * Default transforms (override per column with `transforms`):
 *   binary -> 'binary' (0/1, lower level/number = 0);  categorical -> 'one-hot' (one 0/1 column per level);
 *   integer, id-like -> 'zscore';
 *   continuous: |skewness| > skewThreshold (1) and min > 0 -> 'log-zscore' (log, then z-score);
 *               |skewness| > skewThreshold and min <= 0 -> 'rank-int' (Blom);  else 'zscore'.
 * Rows with no observed output cell are dropped and counted. Missing cells stay missing (mask 0, value 0).
 */
import type { Table, TableColumn } from '../io/Table';
import type { PreparedMatrix } from './PreparedMatrix';
import type { Recipe, RecipeColumn, Transform, TrainingStats } from './Recipe';
import { TRANSFORMS } from './Recipe';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import { listNames } from '../io/readTable';
import { summarizeColumn, formatFloat32, type ColumnSummary } from './summarizeColumn';
import { numericView } from './columnViews';
import { intKnots, DEFAULT_MAX_KNOTS } from './rankInverseNormal';
import { transformColumn } from './transformColumn';
import { correlationSteps } from './correlation';
import { runSync, runYielding } from '../base/steps';
import { assembleMatrix, type OutputColumn } from './assembleMatrix';
import { trainingStats } from './trainingStats';

export interface PrepareOptions {
  /** Only these source columns are candidates (default: all but the ID column). */
  include?: string[];
  exclude?: string[];
  /** Per-column transform overrides. */
  transforms?: Record<string, Transform>;
  /** Columns with a larger missing fraction are dropped (default 0.2). */
  maxMissing?: number;
  /** |r| above this flags a near-duplicate pair (default 0.999). */
  duplicateR?: number;
  /** Drop the second column of each near-duplicate pair (default true). */
  dropDuplicates?: boolean;
  /** |skewness| above this makes a continuous column log- or rank-transformed (default 1). */
  skewThreshold?: number;
  /** Knots kept per rank-int column (default 1000). */
  maxKnots?: number;
  /** How messages name the include/exclude/transforms options (the CLI passes '--pheno-name' etc.). */
  optionLabels?: { include?: string; exclude?: string; transforms?: string };
  signal?: AbortSignal;
  /** Progress: 'transforming columns' (columns), then 'near-duplicate check' (column pairs). */
  onProgress?: ProgressCallback;
}

export interface DroppedColumn {
  column: string;
  reason: string;
}

export interface DuplicatePair {
  a: string;
  b: string;
  r: number;
  /** Rows both observed. */
  n: number;
  /** The column dropped for it, or null when kept (dropDuplicates false, or already dropped). */
  dropped: string | null;
}

export interface InvalidCells {
  column: string;
  count: number;
  note: string;
}

export interface PrepareReport {
  source: string;
  rowsIn: number;
  rowsOut: number;
  /** Rows dropped because no output column was observed for them. */
  rowsDropped: { count: number; ids: string[]; reason: string };
  /** Typed summary of every column of the table (ID column excepted). */
  summaries: ColumnSummary[];
  dropped: DroppedColumn[];
  duplicates: DuplicatePair[];
  /** Cells set missing by a transform (e.g. log of a value <= 0). */
  invalidCells: InvalidCells[];
  warnings: string[];
}

export interface Prepared {
  matrix: PreparedMatrix;
  recipe: Recipe;
  report: PrepareReport;
}

export const DEFAULT_MAX_MISSING = 0.2;
export const DEFAULT_DUPLICATE_R = 0.999;
export const DEFAULT_SKEW_THRESHOLD = 1;

export function prepare(table: Table, opts: PrepareOptions = {}): Prepared {
  return runSync(prepareSteps(table, opts));
}

/** prepare() that yields to the event loop while it works (the worker's cancel and progress get through). */
export async function prepareAsync(table: Table, opts: PrepareOptions = {}): Promise<Prepared> {
  return await runYielding(prepareSteps(table, opts), opts.signal);
}

function* prepareSteps(table: Table, opts: PrepareOptions): Generator<void, Prepared> {
  const file = table.source;
  const maxMissing = opts.maxMissing ?? DEFAULT_MAX_MISSING;
  const duplicateR = opts.duplicateR ?? DEFAULT_DUPLICATE_R;
  const skewThreshold = opts.skewThreshold ?? DEFAULT_SKEW_THRESHOLD;
  const maxKnots = opts.maxKnots ?? DEFAULT_MAX_KNOTS;
  const names = table.columns.map((c) => c.name);
  const checkName = (name: string, what: string) => {
    if (!names.includes(name)) {
      throw new InputError({ file, column: name, expected: `one of ${listNames(names)}` }, `no such column (${what})`);
    }
  };
  const labels = opts.optionLabels ?? {};
  opts.include?.forEach((c) => checkName(c, labels.include ?? 'include'));
  opts.exclude?.forEach((c) => checkName(c, labels.exclude ?? 'exclude'));
  for (const [c, t] of Object.entries(opts.transforms ?? {})) {
    checkName(c, labels.transforms ?? 'transform');
    if (!TRANSFORMS.includes(t)) {
      throw new InputError({ file, column: c, expected: `one of ${TRANSFORMS.join(', ')}`, found: `'${t}'` }, 'unknown transform');
    }
  }

  const summaries = table.columns.map(summarizeColumn);
  const include = opts.include ? new Set(opts.include) : null;
  const exclude = new Set(opts.exclude ?? []);
  const dropped: DroppedColumn[] = [];
  const kept: { col: TableColumn; s: ColumnSummary }[] = [];
  for (let j = 0; j < table.columns.length; j++) {
    const col = table.columns[j];
    const s = summaries[j];
    const named = include?.has(col.name) ?? false;
    if (include && !named) dropped.push({ column: col.name, reason: 'not included' });
    else if (exclude.has(col.name)) dropped.push({ column: col.name, reason: 'excluded' });
    else if (s.type === 'empty') dropped.push({ column: col.name, reason: emptyReason(s) });
    else if (s.type === 'constant') dropped.push({ column: col.name, reason: `constant (${s.levels?.[0]?.label ?? 'one value'})` });
    else if (s.type === 'id-like' && !named) dropped.push({ column: col.name, reason: 'ID-like (distinct integers)' });
    else if (s.missingRate > maxMissing && !named) {
      dropped.push({ column: col.name, reason: `${pct(s.missingRate)} missing > ${pct(maxMissing)}` });
    } else kept.push({ col, s });
  }

  // recipe columns and their outputs (computed through the recipe, exactly as applyRecipe does)
  const recipeCols: RecipeColumn[] = [];
  const outputs: (OutputColumn & { source: string })[] = [];
  const invalidCells: InvalidCells[] = [];
  const colProgress = createProgress('transforming columns', kept.length, opts.onProgress, { unit: 'columns' });
  for (const [k, { col, s }] of kept.entries()) {
    throwIfAborted(opts.signal);
    colProgress.tick(k);
    if (k > 0) yield;
    const override = opts.transforms?.[col.name];
    for (const rc of buildRecipeColumns(file, col, s, override, skewThreshold, maxKnots)) {
      const t = transformColumn(rc, col);
      if (t.invalid > 0 && t.note) invalidCells.push({ column: rc.output, count: t.invalid, note: t.note });
      recipeCols.push(rc);
      outputs.push({ name: rc.output, binary: rc.transform === 'binary' || rc.transform === 'one-hot', values: t.values, source: rc.source });
    }
  }

  // near-duplicates among outputs (one-hot levels excepted: they are dependent by construction)
  const duplicates: DuplicatePair[] = [];
  const checkIdx = recipeCols.map((rc, i) => (rc.transform === 'one-hot' ? -1 : i)).filter((i) => i >= 0);
  const dropOut = new Set<number>();
  if (checkIdx.length > 1) {
    const q0 = checkIdx.length;
    const pairProgress = createProgress('near-duplicate check', (q0 * (q0 + 1)) / 2, opts.onProgress, { unit: 'column pairs' });
    const { r, nPairs } = yield* correlationSteps(
      checkIdx.map((i) => outputs[i].values),
      opts.signal,
      (done) => pairProgress.tick(done),
    );
    pairProgress.finish();
    const q = checkIdx.length;
    for (let a = 0; a < q; a++) {
      for (let b = a + 1; b < q; b++) {
        const v = r[a * q + b];
        if (!(Math.abs(v) > duplicateR)) continue;
        const ia = checkIdx[a];
        const ib = checkIdx[b];
        let drop: string | null = null;
        if (opts.dropDuplicates !== false && !dropOut.has(ia) && !dropOut.has(ib)) {
          dropOut.add(ib);
          drop = outputs[ib].name;
        }
        duplicates.push({ a: outputs[ia].name, b: outputs[ib].name, r: v, n: nPairs[a * q + b], dropped: drop });
      }
    }
  }
  for (const i of [...dropOut].sort((x, y) => x - y)) {
    const d = duplicates.find((p) => p.dropped === outputs[i].name)!;
    dropped.push({ column: outputs[i].source, reason: `near-duplicate of ${d.a} (r = ${d.r.toFixed(4)})` });
  }
  const finalCols = recipeCols.filter((_, i) => !dropOut.has(i));
  if (finalCols.length === 0) {
    const why = dropped.slice(0, 3).map((d) => `${d.column}: ${d.reason}`).join('; ');
    throw new InputError(
      { file, expected: 'at least one phenotype column after selection', found: `none of ${table.columns.length}${why ? ` (${why}${dropped.length > 3 ? '; ...' : ''})` : ''}` },
      'nothing to prepare',
    );
  }
  const finalOut = outputs.filter((_, i) => !dropOut.has(i));
  const { matrix, droppedIds } = assembleMatrix(table.ids, table.fid, finalOut);

  const usedSources = new Set(finalCols.map((c) => c.source));
  const stats: TrainingStats[] = kept.filter(({ col }) => usedSources.has(col.name)).map(({ col, s }) => trainingStats(col, s));
  const recipe: Recipe = {
    format: 'latentscan-pheno-recipe',
    version: 1,
    idColumn: table.idColumn,
    settings: { maxMissing, duplicateR, skewThreshold, maxKnots },
    columns: finalCols,
    stats,
  };
  const warnings = [...table.warnings];
  for (const ic of invalidCells) warnings.push(`${file}: column ${ic.column}: ${ic.note} (counted as missing)`);
  const report: PrepareReport = {
    source: file,
    rowsIn: table.ids.length,
    rowsOut: matrix.n,
    rowsDropped: { count: droppedIds.length, ids: droppedIds, reason: 'no observed phenotype' },
    summaries,
    dropped,
    duplicates,
    invalidCells,
    warnings,
  };
  return { matrix, recipe, report };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1).replace(/\.0$/, '')}%`;
}

function emptyReason(s: ColumnSummary): string {
  return s.nonNumeric > 0 ? `no numeric values (${s.nonNumeric} text cells)` : 'no observed values';
}

/** The transform a column gets by default, with the reason. */
export function defaultTransform(s: ColumnSummary, skewThreshold = DEFAULT_SKEW_THRESHOLD): { transform: Transform; reason: string } {
  switch (s.type) {
    case 'binary':
      return { transform: 'binary', reason: 'default: binary' };
    case 'categorical':
      return { transform: 'one-hot', reason: `default: categorical (${s.distinct} levels)` };
    case 'integer':
    case 'id-like':
      return { transform: 'zscore', reason: `default: ${s.type}` };
    case 'continuous': {
      const sk = s.skewness;
      if (Math.abs(sk) > skewThreshold) {
        if (s.min > 0) return { transform: 'log-zscore', reason: `default: |skewness| ${sk.toFixed(2)} > ${skewThreshold} and min > 0` };
        return { transform: 'rank-int', reason: `default: |skewness| ${sk.toFixed(2)} > ${skewThreshold} and min <= 0` };
      }
      return { transform: 'zscore', reason: 'default: continuous' };
    }
    case 'empty':
    case 'constant':
      throw new Error(`no transform for a ${s.type} column`);
    default:
      throw new Error(`unknown column type: ${String(s.type)}`);
  }
}

function mustBeNumeric(file: string, col: TableColumn, t: Transform): Float32Array | Float64Array {
  const { values, invalid } = numericView(col);
  if (invalid > 0) {
    throw new InputError(
      { file, column: col.name, expected: 'a numeric column', found: `text levels (${listNames(col.levels ?? [])})` },
      `cannot apply transform ${t}`,
    );
  }
  return values;
}

function buildRecipeColumns(
  file: string,
  col: TableColumn,
  s: ColumnSummary,
  override: Transform | undefined,
  skewThreshold: number,
  maxKnots: number,
): RecipeColumn[] {
  const { transform, reason } = override ? { transform: override, reason: 'override' } : defaultTransform(s, skewThreshold);
  const base = { source: col.name, transform, reason };
  switch (transform) {
    case 'zscore': {
      mustBeNumeric(file, col, transform);
      return [{ output: col.name, ...base, mean: s.mean, sd: s.sd }];
    }
    case 'none':
      mustBeNumeric(file, col, transform);
      return [{ output: col.name, ...base }];
    case 'log-zscore': {
      const x = mustBeNumeric(file, col, transform);
      const logOffset = s.min > 0 ? 0 : 1 - s.min;
      let sum = 0;
      let k = 0;
      for (let i = 0; i < x.length; i++) if (x[i] === x[i]) (sum += Math.log(x[i] + logOffset)), k++;
      const mean = sum / k;
      let ss = 0;
      for (let i = 0; i < x.length; i++) if (x[i] === x[i]) ss += (Math.log(x[i] + logOffset) - mean) ** 2;
      const sd = k > 1 ? Math.sqrt(ss / (k - 1)) : NaN;
      const why = logOffset > 0 ? `${reason}; log(x + ${formatFloat32(logOffset)}) as min <= 0` : reason;
      return [{ output: col.name, ...base, reason: why, logOffset, mean, sd }];
    }
    case 'rank-int': {
      const x = mustBeNumeric(file, col, transform);
      return [{ output: col.name, ...base, int: intKnots(x, maxKnots) }];
    }
    case 'binary': {
      if (s.distinct !== 2 || !s.levels) {
        throw new InputError(
          { file, column: col.name, expected: 'a column with 2 distinct values', found: `${s.distinct}` },
          'cannot apply transform binary',
        );
      }
      return [{ output: col.name, ...base, levels: s.levels.map((l) => l.label) }];
    }
    case 'one-hot': {
      if (!s.levels) {
        throw new InputError(
          { file, column: col.name, expected: 'a column with at most 21 distinct values', found: `${s.distinct}` },
          'cannot apply transform one-hot',
        );
      }
      const levels = s.levels.map((l) => l.label);
      return levels.map((level) => ({ output: `${col.name}=${level}`, ...base, levels, level }));
    }
    default:
      throw new Error(`unknown transform: ${String(transform)}`);
  }
}
