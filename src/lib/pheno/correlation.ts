/**
 * Pearson correlation matrix of columns, pairwise complete: each pair uses the rows where both are observed.
 * Columns are centred on their own observed mean first (numerical stability). Pairs of fully observed
 * columns take a plain dot product of pre-standardized columns; the others a masked loop with the five
 * sums over the shared rows. r is NaN for a pair with fewer than 3 shared rows or no variance on them.
 */
import type { PreparedMatrix } from './PreparedMatrix';
import { throwIfAborted } from '../compute/cancel';

export interface CorrelationResult {
  /** p x p, row-major, symmetric, 1 on the diagonal of non-constant columns. */
  r: Float64Array;
  /** p x p shared observed rows per pair. */
  nPairs: Int32Array;
}

/** Columns given as Float32Arrays of equal length, NaN = missing. */
export function correlationOfColumns(cols: readonly Float32Array[], signal?: AbortSignal): CorrelationResult {
  const p = cols.length;
  const n = p ? cols[0].length : 0;
  const centred: Float64Array[] = [];
  const masks: Uint8Array[] = [];
  const complete: boolean[] = [];
  const unit: (Float64Array | null)[] = [];
  for (const c of cols) {
    let s = 0;
    let k = 0;
    for (let i = 0; i < n; i++) if (c[i] === c[i]) (s += c[i]), k++;
    const mean = k ? s / k : 0;
    const x = new Float64Array(n);
    const m = new Uint8Array(n);
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (v === v) {
        x[i] = v - mean;
        m[i] = 1;
        ss += x[i] * x[i];
      }
    }
    centred.push(x);
    masks.push(m);
    complete.push(k === n);
    if (k === n && ss > 0) {
      const u = new Float64Array(n);
      const f = 1 / Math.sqrt(ss);
      for (let i = 0; i < n; i++) u[i] = x[i] * f;
      unit.push(u);
    } else unit.push(null);
  }
  const r = new Float64Array(p * p);
  const nPairs = new Int32Array(p * p);
  for (let a = 0; a < p; a++) {
    if (a % 16 === 0) throwIfAborted(signal);
    for (let b = a; b < p; b++) {
      let rab: number;
      let nab: number;
      const ua = unit[a];
      const ub = unit[b];
      if (complete[a] && complete[b]) {
        nab = n;
        if (ua && ub) {
          let d = 0;
          for (let i = 0; i < n; i++) d += ua[i] * ub[i];
          rab = n >= 3 ? Math.max(-1, Math.min(1, d)) : NaN;
        } else rab = NaN;
      } else {
        const xa = centred[a];
        const xb = centred[b];
        const ma = masks[a];
        const mb = masks[b];
        let k = 0;
        let sa = 0;
        let sb = 0;
        let saa = 0;
        let sbb = 0;
        let sab = 0;
        for (let i = 0; i < n; i++) {
          if ((ma[i] & mb[i]) === 0) continue;
          const va = xa[i];
          const vb = xb[i];
          k++;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
        nab = k;
        const caa = saa - (sa * sa) / k;
        const cbb = sbb - (sb * sb) / k;
        const cab = sab - (sa * sb) / k;
        rab = k >= 3 && caa > 0 && cbb > 0 ? Math.max(-1, Math.min(1, cab / Math.sqrt(caa * cbb))) : NaN;
      }
      if (a === b && rab === rab) rab = 1;
      r[a * p + b] = r[b * p + a] = rab;
      nPairs[a * p + b] = nPairs[b * p + a] = nab;
    }
  }
  return { r, nPairs };
}

/** Correlation of the prepared columns (masked cells excluded), for the heatmap. */
export function correlationMatrix(m: PreparedMatrix, signal?: AbortSignal): CorrelationResult {
  return correlationOfColumns(preparedColumns(m), signal);
}

/** Columns of a prepared matrix with NaN where the mask is 0. */
export function preparedColumns(m: PreparedMatrix): Float32Array[] {
  const cols: Float32Array[] = [];
  for (let j = 0; j < m.p; j++) {
    const c = new Float32Array(m.n);
    for (let i = 0; i < m.n; i++) c[i] = m.mask[i * m.p + j] ? m.values[i * m.p + j] : NaN;
    cols.push(c);
  }
  return cols;
}
