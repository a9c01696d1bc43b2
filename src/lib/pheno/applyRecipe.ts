/**
 * Re-applies a recipe to a table (another cohort, or the training one: identical values). The output has
 * the recipe's columns, in its order, with its transforms and training parameters. Source columns missing
 * from the table are an InputError naming them; cells a transform cannot take become missing and are
 * counted. The report also compares each source column with its training statistics (drift).
 */
import type { Table } from '../io/Table';
import type { PreparedMatrix } from './PreparedMatrix';
import type { Recipe } from './Recipe';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { transformColumn } from './transformColumn';
import { assembleMatrix, type OutputColumn } from './assembleMatrix';
import { summarizeColumn } from './summarizeColumn';
import { numericView } from './columnViews';
import type { InvalidCells } from './prepare';

export interface DriftRow {
  source: string;
  trainingMissingRate: number;
  missingRate: number;
  /** (mean - training mean) / training sd, numeric columns. */
  meanShiftSd: number | null;
  /** sd / training sd. */
  sdRatio: number | null;
}

export interface ApplyReport {
  source: string;
  rowsIn: number;
  rowsOut: number;
  rowsDropped: { count: number; ids: string[]; reason: string };
  invalidCells: InvalidCells[];
  drift: DriftRow[];
  warnings: string[];
}

export function applyRecipe(table: Table, recipe: Recipe, signal?: AbortSignal): { matrix: PreparedMatrix; report: ApplyReport } {
  const file = table.source;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const sources = [...new Set(recipe.columns.map((c) => c.source))];
  const absent = sources.filter((s) => !byName.has(s));
  if (absent.length > 0) {
    throw new InputError(
      { file, expected: `the ${sources.length} source columns of the recipe`, found: `${sources.length - absent.length} of them` },
      `column${absent.length === 1 ? '' : 's'} missing: ${absent.slice(0, 10).join(', ')}${absent.length > 10 ? `, ... (${absent.length})` : ''}`,
    );
  }
  const outputs: OutputColumn[] = [];
  const invalidCells: InvalidCells[] = [];
  for (const rc of recipe.columns) {
    throwIfAborted(signal);
    const t = transformColumn(rc, byName.get(rc.source)!);
    if (t.invalid > 0 && t.note) invalidCells.push({ column: rc.output, count: t.invalid, note: t.note });
    outputs.push({ name: rc.output, binary: rc.transform === 'binary' || rc.transform === 'one-hot', values: t.values });
  }
  const { matrix, droppedIds } = assembleMatrix(table.ids, table.fid, outputs);
  const drift: DriftRow[] = [];
  for (const st of recipe.stats ?? []) {
    const col = byName.get(st.source);
    if (!col) continue;
    const s0 = summarizeColumn(col);
    const s = col.kind === 'numeric' ? s0 : summarizeColumn({ ...col, kind: 'numeric', values: numericView(col).values });
    const numeric = st.mean !== null && st.sd !== null && st.sd > 0 && Number.isFinite(s.mean);
    drift.push({
      source: st.source,
      trainingMissingRate: st.missingRate,
      missingRate: s0.missingRate,
      meanShiftSd: numeric ? (s.mean - st.mean!) / st.sd! : null,
      sdRatio: numeric && Number.isFinite(s.sd) ? s.sd / st.sd! : null,
    });
  }
  const warnings = [...table.warnings];
  for (const ic of invalidCells) warnings.push(`${file}: column ${ic.column}: ${ic.note} (counted as missing)`);
  return {
    matrix,
    report: {
      source: file,
      rowsIn: table.ids.length,
      rowsOut: matrix.n,
      rowsDropped: { count: droppedIds.length, ids: droppedIds, reason: 'no observed phenotype' },
      invalidCells,
      drift,
      warnings,
    },
  };
}
