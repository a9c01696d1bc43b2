/**
 * Genetic PCA as plink2 2.00a3.5 `--pca K [approx]` defines it (plink2_matrix_calc.cc CalcPca): autosomal variants
 * only; each variant standardized as (dosage - 2p) / sqrt(2p(1-p)) with p the allele frequency over founders'
 * non-missing calls, missing calls set to 0 (mean imputation), monomorphic variants contribute zero rows but count
 * in M; eigenvalues are those of the GRM X^T X / M (plink2 .eigenval), eigenvectors unit-norm (.eigenvec).
 *
 * Ours: randomized subspace iteration with Rayleigh-Ritz on the implicit n x n GRM, streamed: one pass over the
 * genotype chunks per iteration computes Y = X^T (X Q) / M from the packed 2-bit codes, chunk by chunk
 * (pcaPass.ts: per variant, class sums of Q rows, then class weights scattered back to the samples' rows; WASM
 * SIMD, optionally on a worker pool). Memory O(n l), l = k + oversampling; never O(n p).
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
import { createPcaPass, type PcaKernelKind, type PcaPassKernel } from './pcaPass';

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
  /** Pass kernel (default 'wasm' where WASM SIMD runs; 'js' is the plain fallback). */
  kernel?: PcaKernelKind;
  /** Workers for the passes (CLI: platform/node/nodePcaPool.ts); in-thread when absent or of size 1. */
  pool?: PcaPool;
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

/**
 * Worker pool for the passes (platform/node/nodePcaPool.ts in the CLI): each worker holds a PcaPassKernel and
 * computes whole batches; the pass adds the batches in stream order, so the result does not depend on the pool.
 */
export interface PcaPool {
  readonly size: number;
  init(n: number, l: number, founder: Uint8Array | undefined): Promise<void>;
  setQ(q: Float64Array): Promise<void>;
  /** One batch (a copy of its packed bytes, transferred): X_b^T (X_b Q), n x l. */
  batch(packed: Uint8Array, bpv: number, count: number): Promise<Float64Array>;
}

type BatchFn = (packed: Uint8Array, bpv: number, count: number) => Promise<Float64Array>;

/** Packed rows of the chunk's variants that the PCA uses (included, autosomal): a copy when `copy` or some are left out. */
function usedRows(ch: GenotypeChunk, include: Uint8Array | undefined, copy: boolean): { packed: Uint8Array; count: number } {
  const bpv = ch.bytesPerVariant;
  const packed = ch.packed as Uint8Array;
  const keep: number[] = [];
  for (let i = 0; i < ch.count; i++) if ((!include || include[ch.start + i]) && isAutosome(ch.variants.chrom[i])) keep.push(i);
  if (keep.length === ch.count && !copy) return { packed: packed.subarray(0, ch.count * bpv), count: ch.count };
  const out = new Uint8Array(keep.length * bpv);
  keep.forEach((i, r) => out.set(packed.subarray(i * bpv, (i + 1) * bpv), r * bpv));
  return { packed: out, count: keep.length };
}

/** One pass over the genotypes: Y = sum over used variants of X_v^T (X_v Q), and how many variants were used. */
async function onePass(source: GenotypeSource, n: number, l: number, batch: BatchFn, inFlight: number, o: PcaOptions, tick: (d: number) => void): Promise<{ y: Float64Array; m: number }> {
  const y = new Float64Array(n * l);
  const add = (b: Float64Array) => { for (let i = 0; i < y.length; i++) y[i] += b[i]; };
  const pending: Promise<Float64Array>[] = [];
  let m = 0;
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal }) as AsyncIterable<GenotypeChunk>) {
    if (!ch.packed) throw new LatentScanError('input', 'PCA needs hard calls (packed genotypes); dosage-only sources are refused');
    const used = usedRows(ch, o.include, inFlight > 0);
    m += used.count;
    if (used.count > 0) {
      const p = batch(used.packed, ch.bytesPerVariant, used.count);
      p.catch(() => undefined); // a failure is thrown where it is awaited; the others, left behind by it, stay quiet
      pending.push(p);
    }
    while (pending.length > inFlight) add(await (pending.shift() as Promise<Float64Array>));
    tick(ch.count);
    await yieldAndCheck(o.signal);
  }
  for (const p of pending) add(await p);
  return { y, m };
}

export async function geneticPca(source: GenotypeSource, o: PcaOptions = {}): Promise<PcaResult> {
  const t0 = performance.now();
  const n = source.samples.iid.length;
  const k = Math.min(o.k ?? 10, n);
  const l = Math.min(n, k + Math.max(10, k));
  const maxIter = o.iterations ?? PCA_MAX_PASSES;
  const rng = createRng(o.seed ?? 1);
  const founder = source.samples.founder && source.samples.founder.some((f) => !f) ? source.samples.founder : undefined;
  let q = new Float64Array(n * l);
  for (let i = 0; i < n * l; i++) q[i] = rng.normal();
  orthonormalize(q, n, l);
  const pool = o.pool && o.pool.size > 1 ? o.pool : undefined;
  const kernel = pool ? undefined : createPcaPass(n, l, founder, o.kernel);
  if (pool) await pool.init(n, l, founder);
  const batch: BatchFn = pool ? (p, bpv, c) => pool.batch(p, bpv, c) : async (p, bpv, c) => (kernel as PcaPassKernel).batch(p, bpv, c);
  const total = (source.nVariants ?? 0) * maxIter;
  const prog = createProgress('pca', total, o.onProgress, { unit: 'variants' });
  let done = 0;
  let prev: Float64Array | null = null;
  let vals = new Float64Array(l);
  let w = new Float64Array(l * l);
  let m = 0;
  let it = 0;
  while (it < maxIter) {
    if (pool) await pool.setQ(q);
    else (kernel as PcaPassKernel).setQ(q);
    const pass = await onePass(source, n, l, batch, pool ? 2 * pool.size : 0, o, (d) => { done += d; prog.tick(done); });
    const y = pass.y;
    m = pass.m;
    it++;
    if (m === 0) throw new LatentScanError('input', 'PCA: no autosomal variants to use');
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
    q = nq;
  }
  const vectors = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    let big = 0, sign = 1;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += q[j * l + a] * w[a * l + c];
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
