/**
 * Genotype passes of Sure Independence Screening. Every score is the correlation of a covariate-residualized
 * feature with a covariate-residualized response (or ISIS residual), computed from the scan engine's kernel
 * sums (assoc/kernel.ts chunkStats) in one pass over the genotypes for all responses at once:
 *
 *   X columns, per multiplier w (1 for SNPs, E_c for SNPxE, g_c(a) for SNPxSNP with partner a):
 *   [w*y_k for the responses scored with w] [w*c_l for each covariate incl. intercept] [w^2 unless w = 1].
 *
 * For variant v with analysed mean mu (missing calls mean-imputed, hence 0 after centering), the feature
 * f = (g - mu) w has, over the observed samples: f.y_k = gx - mu x, f.c_l = gx - mu x,
 * |f|^2 = g2x(w^2) - 2 mu gx(w^2) + mu^2 x(w^2); the residualized norm is |f|^2 - s^T (C^T C)^-1 s.
 * Rows of X of samples outside the analysis are 0, so they drop out of every sum.
 */
import { chunkStats, type SampleMatrix } from '../assoc/kernel';
import type { GenotypeChunk, GenotypeSource } from '../io/GenotypeSource';
import { throwIfAborted } from '../compute/cancel';
import { createProgress, type ProgressCallback } from '../compute/progress';
import { projectedNorm2, type CovariateBasis } from './CovariateBasis';
import { featureKey, type Feature } from './Feature';
import { TopK } from './TopK';

export interface ScreenData {
  source: GenotypeSource;
  /** For each genotype-source sample, its analysis row (0..n-1) or -1 when it is not analysed. */
  rowOf: Int32Array;
  basis: CovariateBasis;
  /** Centered environment factors on the analysed rows. */
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
}

export interface VariantInfo {
  ids: string[];
  chrom: string[];
  pos: number[];
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

/** Builds the sample-side matrix (genotype-source rows) for a list of multipliers. */
export function buildSampleMatrix(data: ScreenData, targets: Float64Array[], mults: Multiplier[]): { X: SampleMatrix; blocks: Block[] } {
  const { basis, rowOf } = data;
  const q1 = basis.q1;
  const blocks: Block[] = [];
  let m = 0;
  for (const mult of mults) {
    const yCol = m;
    m += mult.responses.length;
    const cCol = m;
    m += q1;
    let w2Col = cCol;
    if (mult.w) w2Col = m++;
    blocks.push({ mult, yCol, cCol, w2Col });
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

/** Scores a block of one variant; calls back with (response, correlation) for each scored response. */
function scoreBlock(
  b: Block,
  gx: Float64Array,
  g2x: Float64Array,
  x: Float64Array,
  o: number,
  mu: number,
  basis: CovariateBasis,
  s: Float64Array,
  yy: Float64Array,
  out: (k: number, corr: number) => void,
): boolean {
  const q1 = basis.q1;
  for (let l = 0; l < q1; l++) s[l] = gx[o + b.cCol + l] - mu * x[o + b.cCol + l];
  const w2 = o + b.w2Col;
  const nn = g2x[w2] - 2 * mu * gx[w2] + mu * mu * x[w2];
  const res = nn - projectedNorm2(basis, s);
  // Relative tolerance: a feature (almost) in the span of the covariates is not a candidate.
  if (!(res > 1e-9 * nn) || !(nn > 0)) return false;
  const rs = b.mult.responses;
  for (let r = 0; r < rs.length; r++) {
    const k = rs[r];
    const yc = o + b.yCol + r;
    const num = gx[yc] - mu * x[yc];
    out(k, num / Math.sqrt(res * yy[k]));
  }
  return true;
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
  chunkVariants?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface MarginalPassResult {
  heaps: TopK<Feature>[];
  /** Per response: top-M QC-passed SNPs by |correlation| (variant indices, best first). */
  topSnps: number[][];
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
  const { X, blocks } = buildSampleMatrix(data, targets, mults);
  const yy = Float64Array.from(targets, sumSquares);
  const heaps = o.keep.map((c) => new TopK<Feature>(c));
  const tops = Array.from({ length: K }, () => new TopK<number>(o.topM));
  const nA = data.basis.n;
  const info: VariantInfo = o.info ?? { ids: [], chrom: [], pos: [], mean: [], qc: [] };
  const collect = !o.info;
  const qc: QcCounts = { variants: 0, passed: 0, lowCallRate: 0, lowMaf: 0, constant: 0 };
  const s = new Float64Array(data.basis.q1);
  const progress = createProgress('sis', data.source.nVariants ?? 0, o.onProgress, { unit: 'variants' });
  const one = blocks[0];
  const m = X.m;
  for await (const chunk of data.source.chunks({ signal: o.signal, chunkVariants: o.chunkVariants })) {
    throwIfAborted(o.signal);
    const st = chunkStats(chunk, X);
    for (let v = 0; v < chunk.count; v++) {
      const vi = chunk.start + v;
      const base = v * m;
      let pass: boolean;
      let mu: number;
      if (collect) {
        info.ids[vi] = chunk.variants.id[v];
        info.chrom[vi] = chunk.variants.chrom[v];
        info.pos[vi] = chunk.variants.pos[v];
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
      let scored = false;
      for (let bi = 0; bi < blocks.length; bi++) {
        const b = blocks[bi];
        const ok = scoreBlock(b, st.gx, st.g2x, st.x, base, mu, data.basis, s, yy, (k, corr) => {
          const a = Math.abs(corr);
          if (b.mult.kind === 'one') {
            if (a > tops[k].floor) tops[k].offer(a, () => vi);
            offerFeature(heaps[k], o.exclude?.[k], 'SNP', vi, -1, corr);
          } else offerFeature(heaps[k], o.exclude?.[k], 'GxE', vi, b.mult.index, corr);
        });
        if (bi === 0) scored = ok;
        if (bi === 0 && !ok) break;
      }
      if (collect) {
        if (scored) {
          info.qc[vi] = 1;
          qc.passed++;
        } else {
          info.qc[vi] = 0;
          qc.constant++;
        }
      } else qc.passed++;
    }
    progress.tick(chunk.start + chunk.count);
  }
  progress.finish();
  return {
    heaps,
    topSnps: tops.map((t) => t.sorted().map((x) => x.item)),
    info,
    qc,
    seconds: (performance.now() - t0) / 1000,
  };
}

export function offerFeature(heap: TopK<Feature>, exclude: Set<string> | undefined, type: Feature['type'], variant: number, aux: number, corr: number): void {
  const a = Math.abs(corr);
  if (!(a > heap.floor)) return;
  if (exclude && exclude.size > 0 && exclude.has(featureKey({ type, variant, aux }))) return;
  heap.offer(a, () => ({ type, variant, aux, score: corr }));
}

export type PairMode = 'top' | 'among' | 'all';

export interface PairPassOptions {
  mode: PairMode;
  /** Per response: the SNPs paired (top-M list); for 'all' every QC-passed SNP is a partner. */
  partners: number[][];
  /** Centered, mean-imputed dosages of the partner SNPs on the analysed rows. */
  partnerDosage: Map<number, Float64Array>;
  info: VariantInfo;
  exclude?: Set<string>[];
  /** Max sample-side columns per pass (memory: rows x columns x 8 bytes). Default 2,000,000 / rows... */
  maxCells?: number;
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
 * SNPxSNP scores: each partner a's g_c(a) multiplies the sample side, so one more pass gives the sums of
 * g_c(b) g_c(a) with every response and covariate for every variant b. Pairs are kept once:
 * 'top': a in top(k), b any QC-passed SNP other than a (b also in top(k): only b > a);
 * 'among': a and b in top(k), b > a; 'all': every pair b > a.
 */
export async function pairPass(data: ScreenData, targets: Float64Array[], heaps: TopK<Feature>[], o: PairPassOptions): Promise<PairPassResult> {
  const t0 = performance.now();
  const K = targets.length;
  const partnerSet = o.partners.map((p) => new Set(p));
  // One multiplier per distinct partner, scored for the responses that list it.
  const byPartner = new Map<number, number[]>();
  for (let k = 0; k < K; k++) {
    for (const a of o.partners[k]) {
      const l = byPartner.get(a);
      if (l) l.push(k);
      else byPartner.set(a, [k]);
    }
  }
  const allMults: Multiplier[] = [...byPartner.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([a, responses]) => {
      const w = o.partnerDosage.get(a);
      if (!w) throw new Error(`pairPass: no dosages for partner variant ${a}`);
      return { w, responses, kind: 'snp' as const, index: a };
    });
  const nS = data.rowOf.length;
  const q1 = data.basis.q1;
  const maxCells = o.maxCells ?? 16_000_000;
  const yy = Float64Array.from(targets, sumSquares);
  const s = new Float64Array(q1);
  let pairs = 0;
  let passes = 0;
  const nVar = o.info.ids.length;
  // Base block (w = 1) gives mu-independent checks; it is cheap and keeps the scoring code uniform.
  let start = 0;
  const progressTotal = allMults.length * nVar;
  const progress = createProgress('sis-pairs', progressTotal, o.onProgress, { unit: 'pairs' });
  while (start < allMults.length) {
    let cols = 0;
    let end = start;
    while (end < allMults.length) {
      const c = allMults[end].responses.length + q1 + 1;
      if (end > start && (cols + c) * nS > maxCells) break;
      cols += c;
      end++;
    }
    const batch = allMults.slice(start, end);
    const { X, blocks } = buildSampleMatrix(data, targets, batch);
    const m = X.m;
    passes++;
    for await (const chunk of data.source.chunks({ signal: o.signal, chunkVariants: o.chunkVariants })) {
      throwIfAborted(o.signal);
      const st = chunkStatsQc(chunk, X, o.info);
      if (!st) continue;
      for (let v = 0; v < chunk.count; v++) {
        const b = chunk.start + v;
        if (o.info.qc[b] !== 1) continue;
        const mu = o.info.mean[b];
        const base = v * m;
        for (const blk of blocks) {
          const a = blk.mult.index;
          if (a === b) continue;
          scoreBlock(blk, st.gx, st.g2x, st.x, base, mu, data.basis, s, yy, (k, corr) => {
            const inTop = partnerSet[k].has(b);
            switch (o.mode) {
              case 'top':
                if (inTop && b < a) return;
                break;
              case 'among':
                if (!inTop || b < a) return;
                break;
              case 'all':
                if (b < a) return;
                break;
              default:
                throw new Error(`unknown pair mode '${String(o.mode)}'`);
            }
            pairs++;
            offerFeature(heaps[k], o.exclude?.[k], 'GxG', b, a, corr);
          });
        }
      }
      progress.tick(Math.min(progressTotal, start * nVar + (chunk.start + chunk.count) * batch.length));
    }
    start = end;
  }
  progress.finish();
  return { pairs, passes, seconds: (performance.now() - t0) / 1000 };
}

/** chunkStats unless no variant of the chunk passed QC. */
function chunkStatsQc(chunk: GenotypeChunk, X: SampleMatrix, info: VariantInfo) {
  let any = false;
  for (let v = 0; v < chunk.count && !any; v++) if (info.qc[chunk.start + v] === 1) any = true;
  return any ? chunkStats(chunk, X) : null;
}
