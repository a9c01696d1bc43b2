/**
 * Drift check of a new wave (or another cohort) against the training statistics stored in a phenotype
 * recipe, per source column, naming the columns that shifted.
 *
 * Numeric columns (training mean, sd and quantiles in the recipe):
 *   smd      standardized mean difference (mean_new - mean_train) / sd_train
 *   sdRatio  sd_new / sd_train
 *   ks       KS-type distance on the training quantile grid: max over the stored interior probabilities
 *            (0.01 ... 0.99) of |F_new(q_train(prob)) - prob|, F_new the new wave's empirical CDF. It is a lower
 *            bound of the two-sample KS statistic, exact enough to flag location, scale and shape changes.
 * Columns with level counts in the recipe (binary, categorical, integer with few values) use, instead of ks
 * (meaningless on the tied quantiles of a discrete column), and beside smd when they are numbers:
 *   tvd      total variation distance between training and new level frequencies (unknown levels count).
 * All columns: missing-rate change.
 *
 * A column is flagged when a shift is both practically large and beyond sampling noise (n_t training and
 * n_w new observed values, m = sqrt(1/n_t + 1/n_w)):
 *   |smd| > max(0.2, 3.29 m)            (0.2 = a "small" effect in Cohen's terms; 3.29 = two-sided 0.001)
 *   ks > max(0.1, 1.95 m)               (1.95 = asymptotic two-sample KS critical value at 0.001)
 *   sdRatio outside [2/3, 3/2]          (only when both n >= 20)
 *   tvd > max(0.1, 1.95 m)
 *   |missing rate change| > 0.1
 * The reasons are listed per column so the user sees why.
 */
import type { Recipe, TrainingStats } from '../pheno/Recipe';
import type { Table, TableColumn } from '../io/Table';

export interface DriftThresholds {
  smd: number;
  ks: number;
  sdRatio: number;
  tvd: number;
  missingRate: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { smd: 0.2, ks: 0.1, sdRatio: 1.5, tvd: 0.1, missingRate: 0.1 };

export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical' | 'absent';
  trainingObserved: number;
  observed: number;
  trainingMissingRate: number;
  missingRate: number;
  smd: number | null;
  sdRatio: number | null;
  ks: number | null;
  tvd: number | null;
  shifted: boolean;
  reasons: string[];
}

export interface DriftReport {
  columns: ColumnDrift[];
  /** Names of the flagged columns, in recipe order. */
  shifted: string[];
  /** One-line warning naming the shifted columns, or null when none shifted. */
  warning: string | null;
}

export function driftCheck(recipe: Recipe, table: Table, thresholds: Partial<DriftThresholds> = {}): DriftReport {
  const th = { ...DEFAULT_DRIFT_THRESHOLDS, ...thresholds };
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const columns: ColumnDrift[] = [];
  for (const st of recipe.stats ?? []) {
    const col = byName.get(st.source);
    if (!col) {
      columns.push({
        column: st.source,
        kind: 'absent',
        trainingObserved: st.observed,
        observed: 0,
        trainingMissingRate: st.missingRate,
        missingRate: 1,
        smd: null,
        sdRatio: null,
        ks: null,
        tvd: null,
        shifted: true,
        reasons: ['column absent from the new wave'],
      });
      continue;
    }
    columns.push(columnDrift(st, col, th));
  }
  const shifted = columns.filter((c) => c.shifted).map((c) => c.column);
  const warning =
    shifted.length === 0
      ? null
      : `${table.source}: ${shifted.length} of ${columns.length} column${columns.length === 1 ? '' : 's'} outside the training distribution: ` +
        columns
          .filter((c) => c.shifted)
          .slice(0, 20)
          .map((c) => `${c.column} (${c.reasons.join('; ')})`)
          .join(', ') +
        (shifted.length > 20 ? `, ... (${shifted.length})` : '');
  return { columns, shifted, warning };
}

/** Numbers of a column; categorical levels parsed as numbers (text levels -> NaN). */
function numbersOf(col: TableColumn): Float64Array {
  if (col.kind === 'numeric') return Float64Array.from(col.values);
  const lv = (col.levels ?? []).map((l) => (l.trim() === '' ? NaN : Number(l)));
  return Float64Array.from(col.values, (c) => (Number.isNaN(c) ? NaN : lv[c]));
}

/** Labels of a column's cells (null = missing); numbers formatted as Float32 values the recipe saw. */
function labelsOf(col: TableColumn): (string | null)[] {
  if (col.kind === 'categorical') {
    const lv = col.levels ?? [];
    return Array.from(col.values, (c) => (Number.isNaN(c) ? null : lv[c]));
  }
  return Array.from(col.values, (v) => (Number.isNaN(v) ? null : String(v)));
}

function sameLabel(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && Math.fround(x) === Math.fround(y);
}

function columnDrift(st: TrainingStats, col: TableColumn, th: DriftThresholds): ColumnDrift {
  const rows = col.values.length;
  const reasons: string[] = [];
  const numericStats = st.mean !== null && st.sd !== null && st.sd > 0 && st.quantiles !== null;
  let smd: number | null = null;
  let sdRatio: number | null = null;
  let ks: number | null = null;
  let tvd: number | null = null;
  let observed = 0;
  const nt = st.observed;
  const discrete = st.levelCounts !== null && st.levelCounts.length > 0;
  if (numericStats) {
    const x = numbersOf(col);
    const vals: number[] = [];
    for (let i = 0; i < rows; i++) if (!Number.isNaN(x[i])) vals.push(x[i]);
    observed = vals.length;
    if (observed > 0) {
      let m = 0;
      for (const v of vals) m += v;
      m /= observed;
      let s = 0;
      for (const v of vals) s += (v - m) ** 2;
      const sd = observed > 1 ? Math.sqrt(s / (observed - 1)) : NaN;
      smd = (m - (st.mean as number)) / (st.sd as number);
      sdRatio = Number.isFinite(sd) ? sd / (st.sd as number) : null;
      const sorted = Float64Array.from(vals).sort();
      const q = st.quantiles as number[];
      // the quantile grid describes the training CDF only where quantiles are distinct: discrete columns use TVD
      ks = discrete ? null : 0;
      for (let j = 0; j < st.probs.length && ks !== null; j++) {
        const prob = st.probs[j];
        if (prob <= 0 || prob >= 1) continue;
        if (q[j] === q[j - 1] || q[j] === q[j + 1]) continue;
        // F_new(q) = share of new values <= q
        const le = upperBound(sorted, q[j]) / observed;
        ks = Math.max(ks, Math.abs(le - prob));
      }
      const noise = Math.sqrt(1 / Math.max(nt, 1) + 1 / observed);
      if (Math.abs(smd) > Math.max(th.smd, 3.29 * noise)) reasons.push(`mean shift ${fmt(smd)} SD`);
      if (ks !== null && ks > Math.max(th.ks, 1.95 * noise)) reasons.push(`KS distance ${fmt(ks)}`);
      if (sdRatio !== null && nt >= 20 && observed >= 20 && (sdRatio > th.sdRatio || sdRatio < 1 / th.sdRatio)) {
        reasons.push(`SD ratio ${fmt(sdRatio)}`);
      }
    }
  }
  if (discrete && st.levelCounts) {
    observed = 0;
    const labels = labelsOf(col);
    const total = st.levelCounts.reduce((s, l) => s + l.count, 0);
    const counts = new Float64Array(st.levelCounts.length);
    let unknown = 0;
    for (const lab of labels) {
      if (lab === null) continue;
      observed++;
      const j = st.levelCounts.findIndex((l) => sameLabel(l.label, lab));
      if (j >= 0) counts[j]++;
      else unknown++;
    }
    if (observed > 0 && total > 0) {
      let d = unknown / observed;
      for (let j = 0; j < counts.length; j++) d += Math.abs(counts[j] / observed - st.levelCounts[j].count / total);
      tvd = d / 2;
      const noise = Math.sqrt(1 / total + 1 / observed);
      if (tvd > Math.max(th.tvd, 1.95 * noise)) reasons.push(`level frequencies differ (TVD ${fmt(tvd)})`);
    }
  }
  if (!numericStats && !discrete) {
    for (let i = 0; i < rows; i++) if (!Number.isNaN(col.values[i])) observed++;
  }
  const missingRate = rows > 0 ? 1 - observed / rows : 1;
  if (Math.abs(missingRate - st.missingRate) > th.missingRate) {
    reasons.push(`missing ${fmtPct(missingRate)} vs ${fmtPct(st.missingRate)} in training`);
  }
  return {
    column: st.source,
    kind: discrete ? 'categorical' : 'numeric',
    trainingObserved: nt,
    observed,
    trainingMissingRate: st.missingRate,
    missingRate,
    smd,
    sdRatio,
    ks,
    tvd,
    shifted: reasons.length > 0,
    reasons,
  };
}

/** Number of entries <= v in a sorted array. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
function fmtPct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}
