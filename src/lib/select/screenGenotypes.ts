/**
 * Genotype passes of Sure Independence Screening. Every score is the correlation of a covariate-residualized
 * feature with a covariate-residualized response (or ISIS residual), computed from the scan engine's kernel
 * sums (assoc/kernel.ts chunkStats) in one pass over the genotypes for all responses at once:
 *
 *   X columns, per multiplier w (1 for SNPs, raw E for SNPxE, raw imputed dosage of partner a for SNPxSNP):
 *   [w*y_k for the responses scored with w] [w*c_l for each covariate incl. intercept] [w^2 unless w = 1].
 *
 * Features are raw products f = g~ w of the mean-imputed dosage g~ (missing calls set to the variant's mean
 * mu over the analysed samples), the plink2 --glm interaction parameterization. Over the analysed samples,
 * with T(u) the column total of X: f.u = gx(wu) + mu (T(wu) - x(wu)), |f|^2 = g2x(w^2) + mu^2 (T(w^2) - x(w^2)),
 * and the residualized norm is |f|^2 - s^T (C^T C)^-1 s with s = f.c. Rows of X of samples outside the
 * analysis are 0, so they drop out of every sum.
 */
import { chunkStats, columnTotals, statsFromClassSums, type ChunkStats, type SampleMatrix } from '../assoc/kernel';
import { concatStats } from '../assoc/runScan';
import type { KernelPool, StatsKernel } from '../assoc/StatsKernel';
import { createWasmClassSums, wasmSimdAvailable, type WasmClassSums } from '../assoc/wasmKernel';
import type { GenotypeChunk, GenotypeSource } from '../io/GenotypeSource';
import { chromosomeRuns } from '../io/chunkRuns';
import { variantRangeSource } from '../io/variantRangeSource';
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import { projectedNorm2, type CovariateBasis } from './CovariateBasis';
import { featureBefore, featureKey, type Feature } from './Feature';
import { TopK } from './TopK';

export interface ScreenData {
  source: GenotypeSource;
  /** For each genotype-source sample, its analysis row (0..n-1) or -1 when it is not analysed. */
  rowOf: Int32Array;
  basis: CovariateBasis;
  /** Environment factors (raw) on the analysed rows. */
  env: Float64Array[];
}

export interface Multiplier {
  /** null = 1 (SNP main effects). */
  w: Float64Array | null;
  /** Responses scored with this multiplier. */
  responses: number[];
  /** What the product is: GxE with env index, or GxG with partner variant. */
  kind: 'one' | 'env' | 'snp';
  index: number;
}

interface Block {
  mult: Multiplier;
  yCol: number;
  cCol: number;
  w2Col: number;
  /** Parent w's cross-products with the covariates (C^T w), Ginv C^T w, w.w - C^T w Ginv C^T w. */
  cw: Float64Array;
  tw: Float64Array;
  p2p2: number;
  /** w . target_k for every target (not only those scored). */
  wy: Float64Array;
}

export interface VariantInfo {
  ids: string[];
  chrom: string[];
  pos: number[];
  /** The counted allele (ALT unless the source counts REF: countedAlleleSource). */
  a1: string[];
  /** Mean dosage over the analysed samples with a call (NaN when none). */
  mean: number[];
  /** 1 = passed QC (call rate, MAF, non-constant after covariates). */
  qc: number[];
}

export interface QcOptions {
  /** Minimum minor allele frequency among analysed samples (default 0.01). */
  maf: number;
  /** Maximum missing-call rate among analysed samples (default 0.1). */
  geno: number;
}

export interface QcCounts {
  variants: number;
  passed: number;
  lowCallRate: number;
  lowMaf: number;
  /** No variation left after adjusting for the covariates. */
  constant: number;
}

/** Builds the sample-side matrix (genotype-source rows) for a list of multipliers; the first must be 'one'. */
export function buildSampleMatrix(data: ScreenData, targets: Float64Array[], mults: Multiplier[]): { X: SampleMatrix; blocks: Block[] } {
  const { basis, rowOf } = data;
  const q1 = basis.q1;
  const nA = basis.n;
  if (mults[0]?.kind !== 'one') throw new Error('buildSampleMatrix: the first multiplier must be 1');
  const blocks: Block[] = [];
  let m = 0;
  for (const mult of mults) {
    const yCol = m;
    m += mult.responses.length;
    const cCol = m;
    m += q1;
    let w2Col = cCol;
    if (mult.w) w2Col = m++;
    const cw = new Float64Array(q1);
    const wy = new Float64Array(targets.length);
    let ww = 0;
    if (mult.w) {
      const w = mult.w;
      for (let i = 0; i < nA; i++) {
        const wi = w[i];
        ww += wi * wi;
        for (let l = 0; l < q1; l++) cw[l] += wi * basis.c[i * q1 + l];
      }
      for (let k = 0; k < targets.length; k++) {
        let t = 0;
        const yk = targets[k];
        for (let i = 0; i < nA; i++) t += w[i] * yk[i];
        wy[k] = t;
      }
    }
    const tw = ginvTimes(basis, cw);
    let q = 0;
    for (let l = 0; l < q1; l++) q += cw[l] * tw[l];
    blocks.push({ mult, yCol, cCol, w2Col, cw, tw, p2p2: ww - q, wy });
  }
  const nS = rowOf.length;
  const X = new Float64Array(nS * m);
  for (let s = 0; s < nS; s++) {
    const i = rowOf[s];
    if (i < 0) continue;
    const o = s * m;
    for (const b of blocks) {
      const w = b.mult.w ? b.mult.w[i] : 1;
      const rs = b.mult.responses;
      for (let r = 0; r < rs.length; r++) X[o + b.yCol + r] = w * targets[rs[r]][i];
      for (let l = 0; l < q1; l++) X[o + b.cCol + l] = w * basis.c[i * q1 + l];
      if (b.mult.w) X[o + b.w2Col] = w * w;
    }
  }
  return { X: { n: nS, m, data: X }, blocks };
}

function ginvTimes(basis: CovariateBasis, v: Float64Array): Float64Array {
  const q1 = basis.q1;
  const out = new Float64Array(q1);
  for (let a = 0; a < q1; a++) {
    let t = 0;
    for (let b = 0; b < q1; b++) t += basis.ginv[a * q1 + b] * v[b];
    out[a] = t;
  }
  return out;
}

/** Targets of the variants of a chromosome (normalized code): the responses minus their LOCO predictions. */
export type TargetsFor = (chrom: string) => Float64Array[];

/**
 * The sample-side matrix of a pass and what its scores need (column totals, target norms). With `targetsFor`
 * (the LOCO adjustment) it is rebuilt, and handed to the pool again, whenever the chromosome changes: files
 * sorted by chromosome rebuild it once per chromosome.
 */
class PassMatrix {
  X!: SampleMatrix;
  blocks!: Block[];
  tot!: Float64Array;
  yy!: Float64Array;
  private key: string | null = null;
  private wasm: WasmClassSums | null = null;
  private gpu: StatsKernel | null = null;
  private readonly pool: KernelPool | undefined;
  private readonly gpuFactory: GpuKernelFactory | undefined;
  constructor(
    private readonly data: ScreenData,
    private readonly targets: Float64Array[],
    private readonly mults: Multiplier[],
    private readonly targetsFor: TargetsFor | undefined,
    kernels: { pool?: KernelPool; gpu?: GpuKernelFactory },
  ) {
    this.gpuFactory = kernels.gpu;
    this.pool = kernels.gpu ? undefined : kernels.pool;
  }

  /** Frees the GPU kernel's buffers (call when the pass ends). */
  dispose(): void {
    this.gpu?.dispose();
    this.gpu = null;
  }

  /** The chunk's runs of one chromosome (the whole chunk without LOCO), each with the matrix made current for it. */
  async *runs(chunk: GenotypeChunk): AsyncGenerator<GenotypeChunk> {
    if (!this.targetsFor) {
      await this.use('');
      yield chunk;
      return;
    }
    for (const r of chromosomeRuns(chunk)) {
      await this.use(r.chrom);
      yield r.chunk;
    }
  }

  private async use(key: string): Promise<void> {
    if (key === this.key) return;
    const t = this.targetsFor ? this.targetsFor(key) : this.targets;
    ({ X: this.X, blocks: this.blocks } = buildSampleMatrix(this.data, t, this.mults));
    this.tot = columnTotals(this.X);
    this.yy = Float64Array.from(t, sumSquares);
    if (this.gpuFactory) {
      this.dispose();
      this.gpu = await this.gpuFactory(this.X);
    } else {
      const kind = wasmSimdAvailable ? 'wasm' : 'js';
      if (this.pool) await this.pool.init(this.X, kind);
      this.wasm = kind === 'wasm' && !(this.pool && this.pool.size > 1) ? createWasmClassSums(this.X) : null;
    }
    this.key = key;
  }

  /**
   * Kernel sums of a chunk against the current matrix: on the GPU kernel when there is one; else split over
   * the pool's workers (which hold X since pool.init) when there are several, else here; packed chunks by
   * the WASM SIMD kernel where the engine has it (bit-identical to the JS kernel, about 3x faster).
   */
  async stats(chunk: GenotypeChunk): Promise<ChunkStats> {
    if (this.gpu) return this.gpu.stats(chunk);
    const pool = this.pool;
    if (pool && pool.size > 1 && chunk.count >= 2) {
      const parts: Promise<ChunkStats>[] = [];
      const per = Math.ceil(chunk.count / pool.size);
      for (let from = 0; from < chunk.count; from += per) parts.push(pool.stats(chunk, from, Math.min(chunk.count, from + per)));
      return concatStats(await Promise.all(parts));
    }
    if (this.wasm && chunk.packed) return statsFromClassSums(this.wasm.classSums(chunk), this.tot);
    return chunkStats(chunk, this.X);
  }
}

/**
 * Per-variant scratch: the SNP's own quantities (from the block w = 1), needed to adjust its interactions
 * for their parents.
 */
class VariantScratch {
  /** C^T g~ and Ginv C^T g~. */
  readonly s: Float64Array;
  readonly t: Float64Array;
  /** |M_C g~|^2. */
  p1p1 = 0;
  /** g~ . target_k (targets are already orthogonal to C). */
  readonly gy: Float64Array;
  /** Scratch for a block's C^T f and Ginv C^T f. */
  readonly sf: Float64Array;
  readonly tf: Float64Array;
  constructor(q1: number, K: number) {
    this.s = new Float64Array(q1);
    this.t = new Float64Array(q1);
    this.gy = new Float64Array(K);
    this.sf = new Float64Array(q1);
    this.tf = new Float64Array(q1);
  }
}

/**
 * Scores the SNP block (w = 1) of one variant: correlation of M_C g~ with each target. Fills the variant
 * scratch. Returns false when the SNP has no variation left after the covariates.
 */
function scoreSnp(
  b: Block,
  st: { gx: Float64Array; g2x: Float64Array; x: Float64Array },
  tot: Float64Array,
  o: number,
  mu: number,
  basis: CovariateBasis,
  yy: Float64Array,
  vs: VariantScratch,
  out: (k: number, corr: number) => void,
): boolean {
  const q1 = basis.q1;
  const { gx, g2x, x } = st;
  for (let l = 0; l < q1; l++) {
    const c = b.cCol + l;
    vs.s[l] = gx[o + c] + mu * (tot[c] - x[o + c]);
  }
  const w2 = b.w2Col; // the intercept column: |g~|^2 = sum g~^2
  const nn = g2x[o + w2] + mu * mu * (tot[w2] - x[o + w2]);
  let q = 0;
  for (let a = 0; a < q1; a++) {
    let t = 0;
    for (let c = 0; c < q1; c++) t += basis.ginv[a * q1 + c] * vs.s[c];
    vs.t[a] = t;
    q += vs.s[a] * t;
  }
  const res = nn - q;
  vs.p1p1 = res;
  // Relative tolerance: a SNP (almost) in the span of the covariates is not a candidate.
  if (!(res > 1e-9 * nn) || !(nn > 0)) return false;
  const rs = b.mult.responses;
  for (let r = 0; r < rs.length; r++) {
    const k = rs[r];
    const yc = b.yCol + r;
    const num = gx[o + yc] + mu * (tot[yc] - x[o + yc]);
    vs.gy[k] = num;
    out(k, num / Math.sqrt(res * yy[k]));
  }
  return true;
}

/**
 * Scores an interaction block f = g~ w of one variant: the partial correlation of f with each target given
 * the covariates and both parents (g~ and w), i.e. the ranking of the plink2 --glm interaction test. A raw
 * product correlates with its parents, so without this adjustment the screened set fills with products of
 * one strong SNP (measured: docs/selection.md).
 */
function scoreInteraction(
  b: Block,
  st: { gx: Float64Array; g2x: Float64Array; x: Float64Array },
  tot: Float64Array,
  o: number,
  mu: number,
  basis: CovariateBasis,
  yy: Float64Array,
  vs: VariantScratch,
  out: (k: number, corr: number) => void,
): void {
  const q1 = basis.q1;
  const { gx, g2x, x } = st;
  const sf = vs.sf;
  for (let l = 0; l < q1; l++) {
    const c = b.cCol + l;
    sf[l] = gx[o + c] + mu * (tot[c] - x[o + c]);
  }
  const w2 = b.w2Col;
  const ffRaw = g2x[o + w2] + mu * mu * (tot[w2] - x[o + w2]); // sum (g~ w)^2
  const wCol = b.cCol; // column w * 1
  const g2w = g2x[o + wCol] + mu * mu * (tot[wCol] - x[o + wCol]); // sum g~^2 w
  const gw2 = gx[o + w2] + mu * (tot[w2] - x[o + w2]); // sum g~ w^2
  const gw = sf[0]; // sum g~ w (intercept column)
  let qff = 0;
  let p1f = g2w;
  let p2f = gw2;
  let p1p2 = gw;
  for (let a = 0; a < q1; a++) {
    let t = 0;
    for (let c = 0; c < q1; c++) t += basis.ginv[a * q1 + c] * sf[c];
    qff += sf[a] * t;
    p1f -= vs.s[a] * t;
    p2f -= b.cw[a] * t;
    p1p2 -= vs.s[a] * b.tw[a];
  }
  const ff = ffRaw - qff;
  const p1p1 = vs.p1p1;
  const p2p2 = b.p2p2;
  const det = p1p1 * p2p2 - p1p2 * p1p2;
  if (!(det > 1e-10 * p1p1 * p2p2)) return;
  const i11 = p2p2 / det;
  const i22 = p1p1 / det;
  const i12 = -p1p2 / det;
  const resF = ff - (p1f * p1f * i11 + 2 * p1f * p2f * i12 + p2f * p2f * i22);
  if (!(resF > 1e-9 * ff)) return;
  const rs = b.mult.responses;
  for (let r = 0; r < rs.length; r++) {
    const k = rs[r];
    const yc = b.yCol + r;
    const fy = gx[o + yc] + mu * (tot[yc] - x[o + yc]);
    const p1y = vs.gy[k];
    const p2y = b.wy[k];
    const resY = yy[k] - (p1y * p1y * i11 + 2 * p1y * p2y * i12 + p2y * p2y * i22);
    const resFY = fy - (p1f * p1y * i11 + (p1f * p2y + p2f * p1y) * i12 + p2f * p2y * i22);
    if (!(resY > 0)) continue;
    out(k, resFY / Math.sqrt(resF * resY));
  }
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

export interface MarginalPassOptions {
  qc: QcOptions;
  /** Per response: candidates to keep (top-d heap capacity). */
  keep: number[];
  /** Per response: feature keys not to keep (ISIS: already selected). */
  exclude?: Set<string>[];
  /** Also score SNPxE (default true when there are E factors). */
  gxe: boolean;
  /** Per response: size of the top-SNP list (for SNPxSNP partners); 0 = none. */
  topM: number;
  /** Variant info from an earlier pass: reuse its QC and means; otherwise collected here. */
  info?: VariantInfo;
  /** Per-chromosome targets (LOCO); `targets` when absent. */
  targetsFor?: TargetsFor;
  /** CPU worker pool for the kernel (the scan engine's KernelPool); in-thread when absent. */
  pool?: KernelPool;
  /** A WebGPU kernel for each sample-side matrix (gpu/gpuKernel.ts); replaces the pool when given. */
  gpu?: GpuKernelFactory;
  chunkVariants?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface MarginalPassResult {
  heaps: TopK<Feature>[];
  /** Per response: top-M QC-passed SNPs by |correlation| (variant indices, best first; ties: lower index first). */
  topSnps: number[][];
  /** Their |correlation|, in the same order. */
  topSnpScores: number[][];
  info: VariantInfo;
  qc: QcCounts;
  seconds: number;
}

/** Pass over all variants scoring SNP and SNPxE features for every target at once. */
export async function marginalPass(data: ScreenData, targets: Float64Array[], o: MarginalPassOptions): Promise<MarginalPassResult> {
  const t0 = performance.now();
  const K = targets.length;
  const all = Array.from({ length: K }, (_, k) => k);
  const mults: Multiplier[] = [{ w: null, responses: all, kind: 'one', index: -1 }];
  if (o.gxe) data.env.forEach((w, e) => mults.push({ w, responses: all, kind: 'env', index: e }));
  const pm = new PassMatrix(data, targets, mults, o.targetsFor, o);
  const heaps = o.keep.map((c) => new TopK<Feature>(c, featureBefore));
  const tops = Array.from({ length: K }, () => new TopK<number>(o.topM, variantBefore));
  const nA = data.basis.n;
  const info: VariantInfo = o.info ?? { ids: [], chrom: [], pos: [], a1: [], mean: [], qc: [] };
  const collect = !o.info;
  const qc: QcCounts = { variants: 0, passed: 0, lowCallRate: 0, lowMaf: 0, constant: 0 };
  const vs = new VariantScratch(data.basis.q1, K);
  const progress = createProgress('sis', data.source.nVariants ?? 0, o.onProgress, { unit: 'variants' });
  try {
    for await (const whole of data.source.chunks({ signal: o.signal, chunkVariants: o.chunkVariants })) {
      throwIfAborted(o.signal);
      for await (const chunk of pm.runs(whole)) {
        const { X, blocks, tot, yy } = pm;
        const one = blocks[0];
        const m = X.m;
        const st = await pm.stats(chunk);
        for (let v = 0; v < chunk.count; v++) {
          const vi = chunk.start + v;
          const base = v * m;
          let pass: boolean;
          let mu: number;
          if (collect) {
            info.ids[vi] = chunk.variants.id[v];
            info.chrom[vi] = chunk.variants.chrom[v];
            info.pos[vi] = chunk.variants.pos[v];
            info.a1[vi] = chunk.variants.a1 ? chunk.variants.a1[v] : chunk.variants.alt[v];
            const nObs = st.x[base + one.cCol];
            mu = nObs > 0 ? st.gx[base + one.cCol] / nObs : NaN;
            info.mean[vi] = mu;
            qc.variants++;
            const maf = Math.min(mu / 2, 1 - mu / 2);
            if (!(nObs >= (1 - o.qc.geno) * nA) || nObs === 0) {
              qc.lowCallRate++;
              pass = false;
            } else if (!(maf >= o.qc.maf) || maf === 0) {
              qc.lowMaf++;
              pass = false;
            } else pass = true;
          } else {
            mu = info.mean[vi];
            pass = info.qc[vi] === 1;
            qc.variants++;
          }
          if (!pass) {
            if (collect) info.qc[vi] = 0;
            continue;
          }
          const scored = scoreSnp(one, st, tot, base, mu, data.basis, yy, vs, (k, corr) => {
            const a = Math.abs(corr);
            if (a >= tops[k].floor) tops[k].offer(a, () => vi);
            offerFeature(heaps[k], o.exclude?.[k], 'SNP', vi, -1, corr);
          });
          if (scored) {
            for (let bi = 1; bi < blocks.length; bi++) {
              const b = blocks[bi];
              scoreInteraction(b, st, tot, base, mu, data.basis, yy, vs, (k, corr) =>
                offerFeature(heaps[k], o.exclude?.[k], 'GxE', vi, b.mult.index, corr),
              );
            }
          }
          if (collect) {
            if (scored) {
              info.qc[vi] = 1;
              qc.passed++;
            } else {
              info.qc[vi] = 0;
              qc.constant++;
            }
          } else if (scored) qc.passed++;
        }
      }
      progress.tick(whole.start + whole.count);
    }
  } finally {
    pm.dispose();
  }
  progress.finish();
  return {
    heaps,
    topSnps: tops.map((t) => t.sorted().map((x) => x.item)),
    topSnpScores: tops.map((t) => t.sorted().map((x) => x.key)),
    info,
    qc,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Tie order of the top-SNP lists: the lower variant index first. */
export function variantBefore(a: number, b: number): boolean {
  return a < b;
}

export function offerFeature(heap: TopK<Feature>, exclude: Set<string> | undefined, type: Feature['type'], variant: number, aux: number, corr: number): void {
  const a = Math.abs(corr);
  if (!(a >= heap.floor)) return; // equal to the floor: the heap's tie order (featureBefore) decides
  if (exclude && exclude.size > 0 && exclude.has(featureKey({ type, variant, aux }))) return;
  heap.offer(a, () => ({ type, variant, aux, score: corr }));
}

export type PairMode = 'top' | 'among' | 'all';

/**
 * Mean-imputed dosages of the partner SNPs on the analysed rows: held for every partner (top, among: a few
 * hundred SNPs), or read for each batch of partners when it is scored (all: every SNP is a partner, and
 * holding them all would take n x p x 8 bytes).
 */
export type PartnerDosage = Map<number, Float64Array> | ((variants: number[]) => Promise<Map<number, Float64Array>>);

export interface PairPassOptions {
  mode: PairMode;
  /** Per response: the SNPs paired (top-M list); for 'all' every QC-passed SNP is a partner. */
  partners: number[][];
  partnerDosage: PartnerDosage;
  info: VariantInfo;
  exclude?: Set<string>[];
  /** Per-chromosome targets (LOCO), chosen by the chromosome of the streamed variant b; `targets` when absent. */
  targetsFor?: TargetsFor;
  /** Max cells (rows x columns) of the sample-side matrix per pass, default 16M (128 MB); more partners
   * than fit are split over several passes. */
  maxCells?: number;
  pool?: KernelPool;
  gpu?: GpuKernelFactory;
  chunkVariants?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface PairPassResult {
  pairs: number;
  passes: number;
  seconds: number;
}

/**
 * Variants a chunk of a pair pass: a chunk's kernel sums are 3-6 arrays of (variants x columns) float64, and
 * a pass has up to thousands of columns, so chunks are cut to PAIR_CHUNK_CELLS cells (8 MB an array) and to
 * about 8 MB of packed genotypes; at least 16 variants. (With the sources' default chunks of 8 MB, n = 4,000
 * and 1,258 columns, the sums took about 600 MB.)
 */
function pairChunkVariants(given: number | undefined, cols: number, nSamples: number): number {
  const cap = Math.max(16, Math.min(Math.floor(PAIR_CHUNK_CELLS / cols), Math.floor((8 << 20) / Math.ceil(nSamples / 4))));
  return Math.min(given ?? cap, cap);
}
const PAIR_CHUNK_CELLS = 1 << 20;

/** Least number of passes of --gxg all (see pairPass). */
const ALL_PASSES = 16;

/** Makes a WebGPU StatsKernel for a sample-side matrix (gpu/gpuKernel.ts createGpuKernel on a device). */
export type GpuKernelFactory = (X: SampleMatrix) => Promise<StatsKernel>;

/** A partner SNP (variant index) and the responses that pair it. */
type Partner = [variant: number, responses: number[]];

/**
 * SNPxSNP scores: each partner a's imputed dosage multiplies the sample side, so one more pass gives the sums of
 * g~(b) g~(a) with every response and covariate for every variant b. Pairs are kept once:
 * 'top': a in top(k), b any QC-passed SNP other than a (b also in top(k): only when a ranks better);
 * 'among': a and b in top(k), a ranks better; 'all': every pair b > a (file order).
 * Partners are batched in file order; with 'all' a batch's pass reads only the variants after its first
 * partner (the pairs b > a), which halves the work of the mode, and its partners' dosages are read for it.
 */
export async function pairPass(data: ScreenData, targets: Float64Array[], heaps: TopK<Feature>[], o: PairPassOptions): Promise<PairPassResult> {
  const t0 = performance.now();
  const K = targets.length;
  // Rank of each partner among the response's top SNPs (0 = best).
  const partnerRank = o.partners.map((p) => new Map(p.map((v, r) => [v, r])));
  // One multiplier per distinct partner, scored for the responses that list it.
  const byPartner = new Map<number, number[]>();
  for (let k = 0; k < K; k++) {
    for (const a of o.partners[k]) {
      const l = byPartner.get(a);
      if (l) l.push(k);
      else byPartner.set(a, [k]);
    }
  }
  const partners = [...byPartner.entries()].sort((x, y) => x[0] - y[0]);
  // 'all': at least ALL_PASSES batches, since a pass costs (its partners) x (the variants after its first):
  // P passes do (P + 1) / 2P of the square's work (4 passes 62%, 16 passes 53%).
  const perPass = o.mode === 'all' ? Math.ceil(partners.length / ALL_PASSES) : partners.length;
  const batches = partnerBatches(partners, data.rowOf.length, K + data.basis.q1, data.basis.q1 + 1, o.maxCells ?? 16_000_000, perPass);
  const vs = new VariantScratch(data.basis.q1, K);
  const all = Array.from({ length: K }, (_, k) => k);
  const oneMult: Multiplier = { w: null, responses: all, kind: 'one', index: -1 };
  let pairs = 0;
  const nVar = o.info.ids.length;
  // 'all': a pass needs only the variants after its first partner.
  const fromOf = (batch: Partner[]) => (o.mode === 'all' ? Math.min(nVar, batch[0][0] + 1) : 0);
  let progressTotal = 0;
  for (const batch of batches) progressTotal += batch.length * (nVar - fromOf(batch));
  const progress = createProgress('sis-pairs', progressTotal, o.onProgress, { unit: 'pairs' });
  let done = 0;
  const noop = () => {};
  for (const batch of batches) {
    const from = fromOf(batch);
    if (from >= nVar) continue;
    const dosage = typeof o.partnerDosage === 'function' ? await o.partnerDosage(batch.map(([a]) => a)) : o.partnerDosage;
    const mults: Multiplier[] = batch.map(([a, responses]) => {
      const w = dosage.get(a);
      if (!w) throw new Error(`pairPass: no dosages for partner variant ${a}`);
      return { w, responses, kind: 'snp' as const, index: a };
    });
    // Each pass carries the SNP block (w = 1: the variant's own parent quantities) and a batch of partners.
    const pm = new PassMatrix(data, targets, [oneMult, ...mults], o.targetsFor, o);
    const source = from > 0 ? variantRangeSource(data.source, { from, to: null }) : data.source;
    let cols = K + data.basis.q1;
    for (const [, responses] of batch) cols += responses.length + data.basis.q1 + 1;
    const chunkVariants = pairChunkVariants(o.chunkVariants, cols, data.rowOf.length);
    try {
      for await (const whole of source.chunks({ signal: o.signal, chunkVariants })) {
        throwIfAborted(o.signal);
        for await (const chunk of pm.runs(whole)) {
          const { X, blocks, tot, yy } = pm;
          const m = X.m;
          const st = await chunkStatsQc(chunk, pm, o.info);
          if (!st) continue;
          for (let v = 0; v < chunk.count; v++) {
            const b = chunk.start + v;
            if (o.info.qc[b] !== 1) continue;
            const mu = o.info.mean[b];
            const base = v * m;
            if (!scoreSnp(blocks[0], st, tot, base, mu, data.basis, yy, vs, noop)) continue;
            for (let bi = 1; bi < blocks.length; bi++) {
              const blk = blocks[bi];
              const a = blk.mult.index;
              if (a === b || (o.mode === 'all' && b < a)) continue;
              scoreInteraction(blk, st, tot, base, mu, data.basis, yy, vs, (k, corr) => {
                const rb = partnerRank[k].get(b);
                switch (o.mode) {
                  case 'top':
                    // Both top SNPs: keep the pair once, under the better-ranked partner (named first).
                    if (rb !== undefined && rb < (partnerRank[k].get(a) as number)) return;
                    break;
                  case 'among':
                    if (rb === undefined || rb < (partnerRank[k].get(a) as number)) return;
                    break;
                  case 'all':
                    break;
                  default:
                    throw new Error(`unknown pair mode '${String(o.mode)}'`);
                }
                pairs++;
                offerFeature(heaps[k], o.exclude?.[k], 'GxG', b, a, corr);
              });
            }
          }
        }
        progress.tick(Math.min(progressTotal, done + (whole.start + whole.count - from) * batch.length));
      }
    } finally {
      pm.dispose();
    }
    done += batch.length * (nVar - from);
  }
  progress.finish();
  return { pairs, passes: batches.length, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Partners split into passes, in order: each pass's sample-side matrix (nS rows; `fixedCols` for the
 * responses and the SNP's own block, plus per partner its responses and `perPartner` more) stays under
 * `maxCells`, with at least one and at most `maxPartners` partners a pass.
 */
function partnerBatches(partners: Partner[], nS: number, fixedCols: number, perPartner: number, maxCells: number, maxPartners: number): Partner[][] {
  const out: Partner[][] = [];
  let start = 0;
  while (start < partners.length) {
    let cols = fixedCols;
    let end = start;
    while (end < partners.length && end - start < maxPartners) {
      const c = partners[end][1].length + perPartner;
      if (end > start && (cols + c) * nS > maxCells) break;
      cols += c;
      end++;
    }
    out.push(partners.slice(start, end));
    start = end;
  }
  return out;
}

/** The chunk's kernel sums, unless no variant of the chunk passed QC. */
async function chunkStatsQc(chunk: GenotypeChunk, pm: PassMatrix, info: VariantInfo): Promise<ChunkStats | null> {
  let any = false;
  for (let v = 0; v < chunk.count && !any; v++) if (info.qc[chunk.start + v] === 1) any = true;
  return any ? pm.stats(chunk) : null;
}
