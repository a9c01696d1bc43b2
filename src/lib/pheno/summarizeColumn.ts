/**
 * Column typing and summary of one table column (observed count, missing rate, mean/sd or level counts,
 * min/max, skewness, distinct values). Rules, in order, on the non-missing cells:
 *   empty        no observed cell
 *   constant     one distinct value
 *   binary       two distinct values (numbers or levels)
 *   categorical  a text column with 3+ levels (readTable made it categorical)
 *   id-like      integers, all distinct, at least ID_LIKE_MIN_OBSERVED of them (a second ID or a row number)
 *   integer      integers with at most MAX_ORDINAL_DISTINCT distinct values (counts, scores, ordinal scales)
 *   continuous   anything else
 */
import type { TableColumn } from '../io/Table';

export type ColumnType = 'empty' | 'constant' | 'binary' | 'categorical' | 'id-like' | 'integer' | 'continuous';

export const ID_LIKE_MIN_OBSERVED = 20;
export const MAX_ORDINAL_DISTINCT = 20;

export interface LevelCount {
  label: string;
  count: number;
}

export interface ColumnSummary {
  name: string;
  type: ColumnType;
  /** How the table stored it. */
  storage: 'numeric' | 'categorical';
  rows: number;
  observed: number;
  missingRate: number;
  distinct: number;
  /** Numeric columns (NaN for categorical or empty). Sample sd (n - 1). */
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** Sample skewness g1 = m3 / m2^1.5 (NaN when sd = 0 or not numeric). */
  skewness: number;
  /** Level counts (categorical columns, and numeric columns with at most MAX_ORDINAL_DISTINCT values). */
  levels: LevelCount[] | null;
  /** Text cells counted as missing when the table was read. */
  nonNumeric: number;
}

/** Shortest text of a Float32 value ('0.1' rather than '0.10000000149011612'). */
export function formatFloat32(v: number): string {
  for (let d = 1; d <= 9; d++) {
    const s = Number(v.toPrecision(d));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

export function summarizeColumn(col: TableColumn): ColumnSummary {
  const x = col.values;
  const n = x.length;
  let observed = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let allInt = true;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) continue;
    observed++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (allInt && v !== Math.round(v)) allInt = false;
  }
  // distinct values (counted up to a cap for level tables; exact count via sort when larger)
  const counts = new Map<number, number>();
  let distinct = 0;
  let capped = false;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) continue;
    const c = counts.get(v);
    if (c === undefined) {
      if (counts.size > MAX_ORDINAL_DISTINCT && col.kind === 'numeric') {
        capped = true;
        break;
      }
      counts.set(v, 1);
    } else counts.set(v, c + 1);
  }
  if (capped) {
    const s = new Float32Array(observed);
    let k = 0;
    for (let i = 0; i < n; i++) if (x[i] === x[i]) s[k++] = x[i];
    s.sort();
    for (let i = 0; i < observed; i++) if (i === 0 || s[i] !== s[i - 1]) distinct++;
  } else distinct = counts.size;

  let levels: LevelCount[] | null = null;
  if (!capped) {
    const keys = [...counts.keys()].sort((a, b) => a - b);
    levels = keys.map((k) => ({
      label: col.kind === 'categorical' ? (col.levels?.[k] ?? String(k)) : formatFloat32(k),
      count: counts.get(k)!,
    }));
  }

  let mean = NaN;
  let sd = NaN;
  let skewness = NaN;
  if (col.kind === 'numeric' && observed > 0) {
    mean = sum / observed;
    let m2 = 0;
    let m3 = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v !== v) continue;
      const d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
    }
    sd = observed > 1 ? Math.sqrt(m2 / (observed - 1)) : NaN;
    const pm2 = m2 / observed;
    skewness = pm2 > 0 ? m3 / observed / Math.pow(pm2, 1.5) : NaN;
  }
  if (observed === 0 || col.kind === 'categorical') {
    min = col.kind === 'categorical' || observed === 0 ? NaN : min;
    max = col.kind === 'categorical' || observed === 0 ? NaN : max;
  }

  let type: ColumnType;
  if (observed === 0) type = 'empty';
  else if (distinct === 1) type = 'constant';
  else if (distinct === 2) type = 'binary';
  else if (col.kind === 'categorical') type = 'categorical';
  else if (allInt && distinct === observed && observed >= ID_LIKE_MIN_OBSERVED) type = 'id-like';
  else if (allInt && distinct <= MAX_ORDINAL_DISTINCT) type = 'integer';
  else type = 'continuous';

  return {
    name: col.name,
    type,
    storage: col.kind,
    rows: n,
    observed,
    missingRate: n > 0 ? (n - observed) / n : 0,
    distinct,
    mean,
    sd,
    min,
    max,
    skewness,
    levels,
    nonNumeric: col.nonNumeric,
  };
}
