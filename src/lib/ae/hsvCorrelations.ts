/**
 * Correlation of each code (HSV) with each prepared phenotype, over the participants observed for that
 * phenotype: the HSV-phenotype loading matrix used by the rotation and shown in the heatmap.
 */
export interface PhenoData {
  values: Float32Array;
  mask: Uint8Array;
  p: number;
}

/**
 * codes: m x k (row r belongs to data row rows[r]). Returns p x k, row-major (phenotype j, HSV h at j*k+h).
 * A phenotype with fewer than 3 observed rows or no variance gets 0.
 */
export function hsvCorrelations(codes: Float64Array, k: number, data: PhenoData, rows: Int32Array): Float64Array {
  const { p, values, mask } = data;
  const m = rows.length;
  const out = new Float64Array(p * k);
  // per phenotype sums over observed rows
  const cnt = new Float64Array(p);
  const sx = new Float64Array(p);
  const sxx = new Float64Array(p);
  const sc = new Float64Array(p * k);
  const scc = new Float64Array(p * k);
  const sxc = new Float64Array(p * k);
  for (let r = 0; r < m; r++) {
    const src = rows[r] * p;
    const co = r * k;
    for (let j = 0; j < p; j++) {
      if (!mask[src + j]) continue;
      const x = values[src + j];
      cnt[j]++;
      sx[j] += x;
      sxx[j] += x * x;
      const o = j * k;
      for (let h = 0; h < k; h++) {
        const c = codes[co + h];
        sc[o + h] += c;
        scc[o + h] += c * c;
        sxc[o + h] += x * c;
      }
    }
  }
  for (let j = 0; j < p; j++) {
    const nj = cnt[j];
    if (nj < 3) continue;
    const vx = sxx[j] - (sx[j] * sx[j]) / nj;
    if (!(vx > 0)) continue;
    for (let h = 0; h < k; h++) {
      const o = j * k + h;
      const vc = scc[o] - (sc[o] * sc[o]) / nj;
      const cov = sxc[o] - (sx[j] * sc[o]) / nj;
      out[o] = vc > 0 ? cov / Math.sqrt(vx * vc) : 0;
    }
  }
  return out;
}
