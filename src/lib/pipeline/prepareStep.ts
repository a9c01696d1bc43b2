/**
 * Pipeline step 1, phenotype preparation: column typing, selection, transforms and standardization
 * (src/lib/pheno), and its part of the Analysis record (every column with its type, transform or the reason
 * it was left out; near-duplicate pairs; the re-applicable recipe).
 */
import type { ProgressCallback } from '../base/progress';
import type { Table } from '../io/Table';
import { prepareAsync, type Prepared, type PrepareOptions } from '../pheno/prepare';
import type { Transform } from '../pheno/Recipe';
import type { PreparationSummary, PreparedColumnSummary } from '../report/Analysis';

export interface PrepareSettings {
  /** Phenotype columns to use (default: every usable one). */
  include?: string[];
  exclude?: string[];
  /** Columns with a larger missing fraction are left out (default 0.2). */
  maxMissing?: number;
  /** Per-column transform overrides (default: chosen from the column's type and skewness). */
  transforms?: Record<string, Transform>;
  optionLabels?: PrepareOptions['optionLabels'];
}

export interface PrepareStepResult {
  prepared: Prepared;
  /** Every column of the table, prepared or left out. */
  columns: PreparedColumnSummary[];
  /** The Analysis record's `preparation`. */
  preparation: PreparationSummary;
}

export async function prepareStep(
  table: Table,
  s: PrepareSettings,
  hooks: { signal?: AbortSignal; onProgress?: ProgressCallback } = {},
): Promise<PrepareStepResult> {
  const prepared = await prepareAsync(table, { ...s, signal: hooks.signal, onProgress: hooks.onProgress });
  const r = prepared.report;
  const droppedBy = new Map(r.dropped.map((d) => [d.column, d.reason]));
  const transformOf = new Map<string, string>();
  for (const c of prepared.recipe.columns) if (!transformOf.has(c.source)) transformOf.set(c.source, c.transform);
  const columns: PreparedColumnSummary[] = r.summaries.map((c) => ({
    name: c.name,
    kind: c.type,
    included: transformOf.has(c.name),
    transform: transformOf.get(c.name) ?? '',
    reason: droppedBy.get(c.name),
    missingRate: c.missingRate,
    observed: c.observed,
    mean: c.mean,
    sd: c.sd,
    skewness: c.skewness,
    distinct: c.distinct,
  }));
  const preparation: PreparationSummary = {
    columns,
    outputColumns: prepared.matrix.p,
    nearDuplicates: r.duplicates.map((d) => ({ a: d.a, b: d.b, r: d.r })),
    recipe: prepared.recipe,
  };
  return { prepared, columns, preparation };
}
