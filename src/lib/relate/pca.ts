/**
 * Genetic PCA as plink2 2.00a3.5 `--pca K [approx]` defines it (plink2_matrix_calc.cc CalcPca): autosomal variants
 * only; each variant standardized as (dosage - 2p) / sqrt(2p(1-p)) with p the allele frequency over founders'
 * non-missing calls, missing calls set to 0 (mean imputation), monomorphic variants contribute zero rows but count
 * in M; eigenvalues are those of the GRM X^T X / M (plink2 .eigenval), eigenvectors unit-norm (.eigenvec).
 *
 * Ours: randomized subspace iteration with Rayleigh-Ritz on the implicit n x n GRM, streamed: one pass over the
 * genotype chunks per iteration computes Y = X^T (X Q) / M variant by variant from the packed 2-bit codes (per
 * variant, the sums of Q rows over het / hom-minor / missing samples; the hom-major samples are skipped, their
 * contribution recovered from column totals). Memory O(n l), l = k + oversampling; never O(n p).
 * Sign convention (plink2 has none: its sign is whatever LAPACK returns): each PC's largest-|value| entry positive.
 */
import { createProgress, type ProgressCallback } from '../base/progress';
import { yieldAndCheck } from '../base/cancel';
import { LatentScanError } from '../base/errors';
import { createRng } from '../math/rng';
import { symmetricEigen } from '../math/linalg';
import type { GenotypeChunk, GenotypeSource, SampleIds } from '../io/GenotypeSource';
import { isAutosome } from './kingRobust';
import { formatKing } from './kin0';

/**
 * Convergence: the top-k Ritz values change by less than this (relative) between passes. Ritz values converge
 * about twice as fast as the vectors, so 1e-6 leaves the top PCs' subspace within ~1e-3 rad; a tighter value only
 * spends passes on the near-degenerate noise PCs of a cohort with less than k real axes of structure.
 */
export const PCA_TOLERANCE = 1e-6;

/** Default cap on the passes over the genotypes (the PCs of real structure converge in about 10). */
export const PCA_MAX_PASSES = 20;

export interface PcaOptions {
  /** Number of PCs (default 10). */
  k?: number;
  /** variant indices (chunk.start + i, in source order) to use; absent = all */
  include?: Uint8Array;
  /** Seed of the random start (default 1). */
  seed?: number;
  /**
   * Maximum passes over the genotypes (default PCA_MAX_PASSES = 20); stops earlier once the top-k Ritz values change
   * < PCA_TOLERANCE (1e-6) relative. With fewer than k axes of real structure the noise PCs are near-degenerate and
   * their Ritz values creep for many passes (40 passes on a 3-group cohort); they are not what the adjustment needs.
   */
  iterations?: number;
  chunkVariants?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface PcaResult {
  samples: SampleIds;
  k: number;
  eigenvalues: Float64Array;
  /** n x k row-major */
  vectors: Float64Array;
  nVariants: number;
  iterations: number;
  seconds: number;
}

/** Orthonormalize the l columns of the n x l row-major matrix a in place (modified Gram-Schmidt, twice). */
function orthonormalize(a: Float64Array, n: number, l: number): void {
  for (let rep = 0; rep < 2; rep++) {
    for (let c = 0; c < l; c++) {
      for (let d = 0; d < c; d++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += a[j * l + c] * a[j * l + d];
        for (let j = 0; j < n; j++) a[j * l + c] -= dot * a[j * l + d];
      }
      let nrm = 0;
      for (let j = 0; j < n; j++) nrm += a[j * l + c] * a[j * l + c];
      nrm = Math.sqrt(nrm);
      const inv = nrm > 1e-300 ? 1 / nrm : 0;
      for (let j = 0; j < n; j++) a[j * l + c] *= inv;
    }
  }
}

interface PassState {
  n: number;
  l: number;
  q: Float64Array;
  y: Float64Array;
  colSum: Float64Array;
  wTot: Float64Array;
  codes: Uint8Array;
  sHet: Float64Array;
  sMin: Float64Array;
  sMis: Float64Array;
  z: Float64Array;
  founder?: Uint8Array;
}

/** One variant: y += x^T (x q), x the standardized row; returns false when the variant is monomorphic. */
function accumulateVariant(st: PassState, packed: Uint8Array, off: number): boolean {
  const { n, l, q, y, codes, sHet, sMin, sMis, z, founder } = st;
  let c0 = 0, c2 = 0, c3 = 0;
  for (let j = 0; j < n; j++) {
    const c = (packed[off + (j >> 2)] >> ((j & 3) << 1)) & 3;
    codes[j] = c;
    if (founder && !founder[j]) continue;
    if (c === 0) c0++;
    else if (c === 2) c2++;
    else if (c === 3) c3++;
  }
  const called = c0 + c2 + c3;
  if (called === 0) return false;
  const pAlt = (2 * c0 + c2) / (2 * called);
  const v = 2 * pAlt * (1 - pAlt);
  if (!(v > 1e-12)) return false;
  // orient: counted allele = minor among founders; hom-major code skipped
  const altMinor = pAlt <= 0.5;
  const homMinor = altMinor ? 0 : 3;
  const p = altMinor ? pAlt : 1 - pAlt;
  const s = 1 / Math.sqrt(v);
  sHet.fill(0); sMin.fill(0); sMis.fill(0);
  for (let j = 0; j < n; j++) {
    const c = codes[j];
    if (c === 2) { const o = j * l; for (let t = 0; t < l; t++) sHet[t] += q[o + t]; }
    else if (c === homMinor) { const o = j * l; for (let t = 0; t < l; t++) sMin[t] += q[o + t]; }
    else if (c === 1) { const o = j * l; for (let t = 0; t < l; t++) sMis[t] += q[o + t]; }
  }
  const tp = 2 * p;
  for (let t = 0; t < l; t++) {
    z[t] = s * s * (sHet[t] + 2 * sMin[t] - tp * (st.colSum[t] - sMis[t]));
    st.wTot[t] += tp * z[t];
  }
  // y_j += x_j s z: x_j s = g_j - 2p (called), 0 (missing); -2p part via wTot, missing rows add back 2p z
  for (let j = 0; j < n; j++) {
    const c = codes[j];
    if (c === 2) { const o = j * l; for (let t = 0; t < l; t++) y[o + t] += z[t]; }
    else if (c === homMinor) { const o = j * l; for (let t = 0; t < l; t++) y[o + t] += 2 * z[t]; }
    else if (c === 1) { const o = j * l; for (let t = 0; t < l; t++) y[o + t] += tp * z[t]; }
  }
  return true;
}

async function onePass(source: GenotypeSource, st: PassState, o: PcaOptions, tick: (d: number) => void): Promise<number> {
  const { n, l, q, y } = st;
  st.colSum.fill(0); st.wTot.fill(0); y.fill(0);
  for (let j = 0; j < n; j++) for (let t = 0; t < l; t++) st.colSum[t] += q[j * l + t];
  let m = 0;
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal }) as AsyncIterable<GenotypeChunk>) {
    if (!ch.packed) throw new LatentScanError('input', 'PCA needs hard calls (packed genotypes); dosage-only sources are refused');
    for (let i = 0; i < ch.count; i++) {
      if (o.include && !o.include[ch.start + i]) continue;
      if (!isAutosome(ch.variants.chrom[i])) continue;
      m++;
      accumulateVariant(st, ch.packed, i * ch.bytesPerVariant);
    }
    tick(ch.count);
    await yieldAndCheck(o.signal);
  }
  for (let j = 0; j < n; j++) for (let t = 0; t < l; t++) y[j * l + t] -= st.wTot[t];
  return m;
}

export async function geneticPca(source: GenotypeSource, o: PcaOptions = {}): Promise<PcaResult> {
  const t0 = performance.now();
  const n = source.samples.iid.length;
  const k = Math.min(o.k ?? 10, n);
  const l = Math.min(n, k + Math.max(10, k));
  const maxIter = o.iterations ?? PCA_MAX_PASSES;
  const rng = createRng(o.seed ?? 1);
  const founder = source.samples.founder && source.samples.founder.some((f) => !f) ? source.samples.founder : undefined;
  const st: PassState = {
    n, l, q: new Float64Array(n * l), y: new Float64Array(n * l), colSum: new Float64Array(l), wTot: new Float64Array(l),
    codes: new Uint8Array(n), sHet: new Float64Array(l), sMin: new Float64Array(l), sMis: new Float64Array(l), z: new Float64Array(l), founder,
  };
  for (let i = 0; i < n * l; i++) st.q[i] = rng.normal();
  orthonormalize(st.q, n, l);
  const total = (source.nVariants ?? 0) * maxIter;
  const prog = createProgress('pca', total, o.onProgress, { unit: 'variants' });
  let done = 0;
  let prev: Float64Array | null = null;
  let vals = new Float64Array(l);
  let w = new Float64Array(l * l);
  let m = 0;
  let it = 0;
  while (it < maxIter) {
    m = await onePass(source, st, o, (d) => { done += d; prog.tick(done); });
    it++;
    if (m === 0) throw new LatentScanError('input', 'PCA: no autosomal variants to use');
    const { q, y } = st;
    for (let i = 0; i < n * l; i++) y[i] /= m;
    const tt = new Float64Array(l * l);
    for (let a = 0; a < l; a++) for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += q[j * l + a] * y[j * l + b] + q[j * l + b] * y[j * l + a];
      tt[a * l + b] = tt[b * l + a] = s / 2;
    }
    const e = symmetricEigen(tt, l);
    const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => e.values[b] - e.values[a]);
    vals = Float64Array.from(order, (i) => e.values[i]);
    w = new Float64Array(l * l);
    for (let a = 0; a < l; a++) for (let c = 0; c < l; c++) w[a * l + c] = e.vectors[a * l + order[c]];
    const converged = prev !== null && Array.from({ length: k }, (_, i) => Math.abs(vals[i] - prev![i]) / Math.abs(vals[i])).every((d) => d < PCA_TOLERANCE);
    prev = vals;
    if (converged || it === maxIter) break;
    // next Q = orth(Y W)
    const nq = new Float64Array(n * l);
    for (let j = 0; j < n; j++) for (let c = 0; c < l; c++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += y[j * l + a] * w[a * l + c];
      nq[j * l + c] = s;
    }
    orthonormalize(nq, n, l);
    st.q = nq;
  }
  const vectors = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    let big = 0, sign = 1;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += st.q[j * l + a] * w[a * l + c];
      vectors[j * k + c] = s;
      if (Math.abs(s) > big) { big = Math.abs(s); sign = s < 0 ? -1 : 1; }
    }
    for (let j = 0; j < n; j++) vectors[j * k + c] *= sign;
  }
  prog.finish();
  return { samples: source.samples, k, eigenvalues: vals.slice(0, k), vectors, nVariants: m, iterations: it, seconds: (performance.now() - t0) / 1000 };
}

/** plink2 .eigenvec: header #FID IID PC1..PCk (tab-separated), 6 significant digits. */
export function eigenvecText(r: PcaResult, withFid: boolean): string {
  const head = [withFid ? '#FID\tIID' : '#IID'];
  for (let c = 1; c <= r.k; c++) head.push(`PC${c}`);
  const lines = [head.join('\t')];
  const n = r.samples.iid.length;
  for (let j = 0; j < n; j++) {
    const row = withFid ? [r.samples.fid[j], r.samples.iid[j]] : [r.samples.iid[j]];
    for (let c = 0; c < r.k; c++) row.push(formatKing(r.vectors[j * r.k + c]));
    lines.push(row.join('\t'));
  }
  return lines.join('\n') + '\n';
}

export function eigenvalText(r: PcaResult): string {
  return Array.from(r.eigenvalues, (v) => formatKing(v)).join('\n') + '\n';
}

/** the PCs as covariate columns PC1..PCk, one value per source sample */
export function pcColumns(r: PcaResult): { name: string; values: Float64Array }[] {
  const n = r.samples.iid.length;
  return Array.from({ length: r.k }, (_, c) => ({
    name: `PC${c + 1}`,
    values: Float64Array.from({ length: n }, (_, j) => r.vectors[j * r.k + c]),
  }));
}
