/** Training statistics of a source column, stored in the recipe for drift checks (see Recipe.ts). */
import type { TableColumn } from '../io/Table';
import type { TrainingStats } from './Recipe';
import { QUANTILE_PROBS } from './Recipe';
import type { ColumnSummary } from './summarizeColumn';
import { numericView } from './columnViews';

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Type-7 (R default) quantiles of the observed values. */
export function quantiles(x: ArrayLike<number>, probs: readonly number[]): number[] | null {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) n++;
  if (n === 0) return null;
  const a = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) a[k++] = x[i];
  a.sort();
  return probs.map((p) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(n - 1, lo + 1);
    return a[lo] + (h - lo) * (a[hi] - a[lo]);
  });
}

export function trainingStats(col: TableColumn, s: ColumnSummary): TrainingStats {
  const numeric = col.kind === 'numeric';
  return {
    source: s.name,
    type: s.type,
    rows: s.rows,
    observed: s.observed,
    missingRate: s.missingRate,
    mean: fin(s.mean),
    sd: fin(s.sd),
    min: fin(s.min),
    max: fin(s.max),
    skewness: fin(s.skewness),
    probs: [...QUANTILE_PROBS],
    quantiles: numeric ? quantiles(numericView(col).values, QUANTILE_PROBS) : null,
    levelCounts: s.levels && (s.type === 'binary' || s.type === 'categorical' || s.type === 'integer') ? s.levels : null,
  };
}
