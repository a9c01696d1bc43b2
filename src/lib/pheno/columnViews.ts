/**
 * Views of a table column as numbers or as level indices, whatever the table made of it: a recipe made on a
 * cohort where 'sex' was text (M/F) still applies to a cohort where it came out numeric, and vice versa.
 */
import type { TableColumn } from '../io/Table';
import { formatFloat32 } from './summarizeColumn';

/** Numbers of a column (categorical levels parsed as numbers; text levels -> NaN). `invalid` counts those. */
export function numericView(col: TableColumn): { values: Float32Array | Float64Array; invalid: number } {
  if (col.kind === 'numeric') return { values: col.values, invalid: 0 };
  const levels = col.levels ?? [];
  const asNum = levels.map((l) => (l.trim() === '' ? NaN : Number(l)));
  const out = new Float32Array(col.values.length);
  let invalid = 0;
  for (let i = 0; i < out.length; i++) {
    const c = col.values[i];
    if (c !== c) {
      out[i] = NaN;
      continue;
    }
    const v = asNum[c];
    if (!Number.isFinite(v)) invalid++;
    out[i] = Number.isFinite(v) ? v : NaN;
  }
  return { values: out, invalid };
}

/**
 * Index of each cell's label in `levels` (NaN = missing cell or unknown label; `unknown` counts the latter,
 * `firstUnknown` gives one). Numeric labels match numerically ('1' matches 1.0).
 */
export function levelIndexView(
  col: TableColumn,
  levels: readonly string[],
): { index: Float32Array; unknown: number; firstUnknown: string | null } {
  const byLabel = new Map<string, number>();
  const byNumber = new Map<number, number>();
  levels.forEach((l, i) => {
    byLabel.set(l, i);
    const v = l.trim() === '' ? NaN : Number(l);
    if (Number.isFinite(v) && !byNumber.has(Math.fround(v))) byNumber.set(Math.fround(v), i);
  });
  const n = col.values.length;
  const index = new Float32Array(n);
  let unknown = 0;
  let firstUnknown: string | null = null;
  let codeMap: Float32Array | null = null;
  if (col.kind === 'categorical') {
    const ls = col.levels ?? [];
    codeMap = new Float32Array(ls.length);
    ls.forEach((l, c) => {
      let idx = byLabel.get(l);
      if (idx === undefined) {
        const v = l.trim() === '' ? NaN : Number(l);
        if (Number.isFinite(v)) idx = byNumber.get(Math.fround(v));
      }
      codeMap![c] = idx ?? NaN;
    });
  }
  for (let i = 0; i < n; i++) {
    const v = col.values[i];
    if (v !== v) {
      index[i] = NaN;
      continue;
    }
    const idx = codeMap ? codeMap[v] : (byNumber.get(v) ?? NaN);
    if (idx !== idx) {
      unknown++;
      if (firstUnknown === null) firstUnknown = codeMap ? (col.levels?.[v] ?? String(v)) : formatFloat32(v);
    }
    index[i] = idx;
  }
  return { index, unknown, firstUnknown };
}
