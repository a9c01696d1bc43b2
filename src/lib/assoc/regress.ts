/**
 * Per-variant least squares from sufficient statistics (plink2 --glm linear semantics).
 * For each variant of a chunk and each response: assemble Z'Z, Z'y, y'y and n over the samples that have the
 * response, every covariate and a non-missing call; run plink2's checks in its order (sample count, constant
 * genotype, predictor correlation > max-corr, VIF); solve; report BETA, SE, T_STAT, P (t with n - P df).
 */
import { tTwoSidedLog10P } from '../math/dist';
import { dosageAt, type ChunkStats } from './kernel';
import type { GenotypeChunk } from '../io/GenotypeSource';
import { colHB, colHH, colHY, upperIndex, type MissingList, type ScanDesign } from './design';

/** Dosage per 2-bit code with 0 for missing (the missing case is handled before the lookup). */
const G_OF_CODE = Float64Array.of(2, 0, 1, 0);

/** ERRCODE values, as plink2 names them. 0 = none. */
export const ERRCODES = ['.', 'SAMPLE_CT<=PREDICTOR_CT', 'CONST_OMITTED_ALLELE', 'CORR_TOO_HIGH', 'VIF_INFINITE', 'VIF_TOO_HIGH', 'INVALID_RESULT'] as const;
export type ErrCodeName = (typeof ERRCODES)[number];
export const ERR_NONE = 0;
export const ERR_SAMPLE_CT = 1;
export const ERR_CONST_ALLELE = 2;
export const ERR_CORR = 3;
export const ERR_VIF_INF = 4;
export const ERR_VIF_HIGH = 5;
export const ERR_INVALID = 6;

export interface RegressOptions {
  /** plink2 --max-corr (default 0.999). */
  maxCorr?: number;
  /** plink2 --vif (default 50). */
  vif?: number;
}

/** Output arrays for one test of one response over the variants of a chunk. */
export interface TestBlock {
  obs: Int32Array;
  beta: Float64Array;
  se: Float64Array;
  t: Float64Array;
  /** -log10 P (accurate for tiny P); P = 10^-log10p. */
  log10p: Float64Array;
  err: Uint8Array;
}

export function newTestBlock(count: number): TestBlock {
  return {
    obs: new Int32Array(count),
    beta: new Float64Array(count).fill(NaN),
    se: new Float64Array(count).fill(NaN),
    t: new Float64Array(count).fill(NaN),
    log10p: new Float64Array(count).fill(NaN),
    err: new Uint8Array(count),
  };
}

/** Names of the reported tests: ADD, and with E: <E>, ADDx<E>. */
export function testNames(d: ScanDesign): string[] {
  return d.H === 1 ? ['ADD'] : ['ADD', d.eName as string, `ADDx${d.eName}`];
}

/**
 * Regression of every response on every variant of a chunk.
 * `stats` = chunkStats(chunk, design.X); `qmiss` = missingSums(chunk, design.Q).
 * Returns blocks[k][test].
 */
export function regressChunk(
  d: ScanDesign,
  chunk: GenotypeChunk,
  stats: ChunkStats,
  qmiss: Float64Array,
  opts: RegressOptions = {},
): TestBlock[][] {
  const { K, p1 } = d;
  const s = regressScratch(d, opts);
  const { P, nT, corrMissN } = s;
  const count = chunk.count;
  const mq = d.Q.m;
  const out: TestBlock[][] = [];
  for (let k = 0; k < K; k++) {
    const row: TestBlock[] = [];
    for (let t = 0; t < nT; t++) row.push(newTestBlock(count));
    out.push(row);
  }
  // Per variant: the corrections of each missing list, then per response its normal equations, plink2's
  // checks in plink2's order, and the solve. Every step writes into the scratch of `s` (no allocation).
  for (let v = 0; v < count; v++) {
    listCorrections(d, chunk, v, s);
    const nMissW = qmiss[v * mq]; // BB'(0,0) over missing calls in W = count
    for (let k = 0; k < K; k++) {
      const n = d.nS[k] - (nMissW - corrMissN[d.listOf[k]]);
      const blocks = out[k];
      for (let t = 0; t < nT; t++) blocks[t].obs[v] = n;
      if (n <= P) {
        setError(blocks, nT, v, ERR_SAMPLE_CT);
        continue;
      }
      assembleZZ(d, stats, qmiss, v, k, s);
      // Constant genotype: n * sum g^2 - (sum g)^2 == 0 (exact for hard calls).
      const sg = s.ZZ[p1];
      const sg2 = s.ZZ[p1 * P + p1];
      if (n * sg2 - sg * sg <= 1e-9 * n * Math.max(1, sg2)) {
        setError(blocks, nT, v, ERR_CONST_ALLELE);
        continue;
      }
      const yy = assembleZy(d, stats, qmiss, v, k, s);
      // plink2 checks on the non-intercept predictors: correlation, then VIF.
      const err = checkCorrVif(s.ZZ, P, n, s.maxCorr, s.vifMax, s.cor, s.Lc, s.sd);
      if (err) {
        setError(blocks, nT, v, err);
        continue;
      }
      solveAndReport(n, yy, blocks, v, s);
    }
  }
  return out;
}

/**
 * Scratch of one regressChunk call, allocated once per chunk and reused by every variant and response:
 * per missing list its corrections (samples with a missing call, sum g h_a B_c, sum g^2 h_a h_b), the
 * (P x P) normal equations and their factor, and the buffers of plink2's checks.
 */
interface RegressScratch {
  /** Predictors: p1 + H. */
  P: number;
  H: number;
  /** Reported tests (1 or 3) and their predictor index. */
  nT: number;
  reported: number[];
  /** H(H+1)/2 pairs (a <= b) of h columns. */
  nhh: number;
  maxCorr: number;
  vifMax: number;
  corrMissN: Int32Array;
  corrMissBB: Float64Array;
  corrGB: Float64Array;
  corrG2: Float64Array;
  /** Decoded dosages (and squares) of one list's samples, for the general correction path. */
  gbuf: Float64Array;
  g2buf: Float64Array;
  ZZ: Float64Array;
  Zy: Float64Array;
  L: Float64Array;
  tmp: Float64Array;
  beta: Float64Array;
  inv: Float64Array;
  cor: Float64Array;
  Lc: Float64Array;
  sd: Float64Array;
}

function regressScratch(d: ScanDesign, opts: RegressOptions): RegressScratch {
  const { p1, H, eIndex } = d;
  const P = p1 + H;
  const R = P - 1;
  const nhh = (H * (H + 1)) / 2;
  const nL = d.lists.length;
  let maxList = 0;
  for (const l of d.lists) maxList = Math.max(maxList, l.samples.length);
  return {
    P,
    H,
    nT: H === 1 ? 1 : 3,
    reported: H === 1 ? [p1] : [p1, eIndex, p1 + 1],
    nhh,
    maxCorr: opts.maxCorr ?? 0.999,
    vifMax: opts.vif ?? 50,
    corrMissN: new Int32Array(nL),
    corrMissBB: new Float64Array(nL * d.qBB),
    corrGB: new Float64Array(nL * H * p1),
    corrG2: new Float64Array(nL * nhh),
    gbuf: new Float64Array(maxList),
    g2buf: new Float64Array(maxList),
    ZZ: new Float64Array(P * P),
    Zy: new Float64Array(P),
    L: new Float64Array(P * P),
    tmp: new Float64Array(P),
    beta: new Float64Array(P),
    inv: new Float64Array(P * P),
    cor: new Float64Array(R * R),
    Lc: new Float64Array(R * R),
    sd: new Float64Array(R),
  };
}

/** Index of the pair (a, b), a <= b, among the h pairs (H <= 2). */
function hhIndex(H: number, a: number, b: number): number {
  return a === 0 ? b : H - 1 + b;
}

function setError(blocks: TestBlock[], nT: number, v: number, code: number): void {
  for (let t = 0; t < nT; t++) blocks[t].err[v] = code;
}

/** Sparse corrections of variant v for every distinct missing list (into s.corrMissN/BB, s.corrGB, s.corrG2). */
function listCorrections(d: ScanDesign, chunk: GenotypeChunk, v: number, s: RegressScratch): void {
  const { H, nhh, corrMissN, corrMissBB, corrGB, corrG2 } = s;
  const p1 = d.p1;
  const qBB = d.qBB;
  const hp = H * p1;
  const packed = chunk.packed;
  const pbase = v * chunk.bytesPerVariant;
  const nL = d.lists.length;
  for (let li = 0; li < nL; li++) {
    const list = d.lists[li];
    corrMissBB.fill(0, li * qBB, (li + 1) * qBB);
    corrGB.fill(0, li * hp, (li + 1) * hp);
    corrG2.fill(0, li * nhh, (li + 1) * nhh);
    if (list.samples.length === 0) {
      corrMissN[li] = 0;
      continue;
    }
    const co = li * qBB;
    const cg = li * hp;
    const ch = li * nhh;
    if (packed && hp <= 4 && H === 1) corrMissN[li] = fastCorrections4(list, packed, pbase, qBB, hp, nhh, corrMissBB, co, corrGB, cg, corrG2, ch);
    else if (packed && hp <= 8) corrMissN[li] = fastCorrections(list, packed, pbase, qBB, hp, nhh, corrMissBB, co, corrGB, cg, corrG2, ch);
    else corrMissN[li] = generalCorrections(list, chunk, v, qBB, hp, co, cg, ch, s);
  }
}

/**
 * Corrections of one list for any H*p1 and for dosage chunks. Decodes the listed samples' dosages once (0
 * for missing, whose B B' rows are added apart), then one dot product per column with scalar accumulators
 * (measured 4x faster than accumulating sample by sample into the correction arrays). Returns the number
 * of listed samples with a missing call.
 */
function generalCorrections(
  list: MissingList,
  chunk: GenotypeChunk,
  v: number,
  qBB: number,
  hp: number,
  co: number,
  cg: number,
  ch: number,
  s: RegressScratch,
): number {
  const { nhh, corrMissBB, corrGB, corrG2, gbuf, g2buf } = s;
  const S = list.samples;
  const nS = S.length;
  const LB = list.bb;
  const LH = list.hb;
  const LHH = list.hh;
  const packed = chunk.packed;
  const pbase = v * chunk.bytesPerVariant;
  let nm = 0;
  for (let j = 0; j < nS; j++) {
    let g: number;
    if (packed) {
      const i = S[j];
      const code = (packed[pbase + (i >> 2)] >> ((i & 3) << 1)) & 3;
      g = G_OF_CODE[code];
      if (code === 1) {
        nm++;
        const bo = j * qBB;
        for (let c = 0; c < qBB; c++) corrMissBB[co + c] += LB[bo + c];
      }
    } else {
      g = dosageAt(chunk, v, S[j]);
      if (g !== g) {
        g = 0;
        nm++;
        const bo = j * qBB;
        for (let c = 0; c < qBB; c++) corrMissBB[co + c] += LB[bo + c];
      }
    }
    gbuf[j] = g;
    g2buf[j] = g * g;
  }
  for (let c = 0; c < hp; c++) {
    const o = c * nS;
    let acc = 0;
    for (let j = 0; j < nS; j++) acc += gbuf[j] * LH[o + j];
    corrGB[cg + c] = acc;
  }
  for (let t = 0; t < nhh; t++) {
    const o = t * nS;
    let acc = 0;
    for (let j = 0; j < nS; j++) acc += g2buf[j] * LHH[o + j];
    corrG2[ch + t] = acc;
  }
  return nm;
}

/**
 * Z'Z of variant v and response k into s.ZZ (P x P, full): B'B over the response's samples less the
 * missing calls (Q sums, with the response's list's own missing calls added back), then the g rows from
 * the kernel sums less the list's corrections.
 */
function assembleZZ(d: ScanDesign, stats: ChunkStats, qmiss: Float64Array, v: number, k: number, s: RegressScratch): void {
  const { P, H, nhh, ZZ, corrMissBB, corrGB, corrG2 } = s;
  const { p1, qBB } = d;
  const li = d.listOf[k];
  const so = v * stats.m;
  const qo = v * d.Q.m;
  const bbS = d.bbS[k];
  for (let a = 0; a < p1; a++)
    for (let b = a; b < p1; b++) {
      const u = upperIndex(a, b, p1);
      const val = bbS[a * p1 + b] - (qmiss[qo + u] - corrMissBB[li * qBB + u]);
      ZZ[a * P + b] = val;
      ZZ[b * P + a] = val;
    }
  for (let a = 0; a < H; a++) {
    for (let c = 0; c < p1; c++) {
      const val = stats.gx[so + colHB(d, a, c)] - corrGB[li * H * p1 + a * p1 + c];
      ZZ[(p1 + a) * P + c] = val;
      ZZ[c * P + p1 + a] = val;
    }
    for (let b = a; b < H; b++) {
      const val = stats.g2x[so + colHH(d, a, b)] - corrG2[li * nhh + hhIndex(H, a, b)];
      ZZ[(p1 + a) * P + p1 + b] = val;
      ZZ[(p1 + b) * P + p1 + a] = val;
    }
  }
}

/** Z'y of variant v and response k into s.Zy; returns y'y. */
function assembleZy(d: ScanDesign, stats: ChunkStats, qmiss: Float64Array, v: number, k: number, s: RegressScratch): number {
  const { H, Zy } = s;
  const p1 = d.p1;
  const so = v * stats.m;
  const qk = v * d.Q.m + d.qBB + k * (p1 + 1);
  const by = d.byS[k];
  for (let c = 0; c < p1; c++) Zy[c] = by[c] - qmiss[qk + c];
  for (let a = 0; a < H; a++) Zy[p1 + a] = stats.gx[so + colHY(d, a, k)];
  return d.yyS[k] - qmiss[qk + p1];
}

/** Solves s.ZZ beta = s.Zy (Cholesky) and writes BETA, SE, T_STAT, -log10 P of every reported test at v. */
function solveAndReport(n: number, yy: number, blocks: TestBlock[], v: number, s: RegressScratch): void {
  const { P, nT, reported, L, Zy, beta, inv, tmp } = s;
  if (!cholInto(s.ZZ, P, L)) {
    setError(blocks, nT, v, ERR_VIF_INF);
    return;
  }
  cholSolveInto(L, P, Zy, beta, tmp);
  let fit = 0;
  for (let c = 0; c < P; c++) fit += beta[c] * Zy[c];
  const df = n - P;
  const sigma2 = (yy - fit) / df;
  cholInverseDiagInto(L, P, reported, inv, tmp);
  for (let t = 0; t < nT; t++) {
    const j = reported[t];
    const bl = blocks[t];
    const se = Math.sqrt(sigma2 * inv[j * P + j]);
    const b = beta[j];
    const tt = b / se;
    if (!Number.isFinite(se) || !Number.isFinite(tt) || !(sigma2 >= 0)) {
      bl.err[v] = ERR_INVALID;
      continue;
    }
    bl.beta[v] = b;
    bl.se[v] = se;
    bl.t[v] = tt;
    bl.log10p[v] = tTwoSidedLog10P(tt, df);
  }
}

/**
 * List corrections for packed chunks when H*p1 <= 8: one pass over the listed samples with scalar
 * accumulators (8 for g * h_a B_c, 3 for g^2 h_a h_b), skipping samples with 0 copies of A1.
 * Measured in isolation: 15 -> 10 ns per listed sample (no branch on 0 copies: G_OF_CODE).
 */
export function fastCorrections(
  list: MissingList,
  packed: Uint8Array,
  pbase: number,
  qBB: number,
  hp: number,
  nhh: number,
  corrMissBB: Float64Array,
  co: number,
  corrGB: Float64Array,
  cg: number,
  corrG2: Float64Array,
  ch: number,
): number {
  const S = list.samples;
  // Rows of stride hp (nhh); the 8 (3) accumulators read on into the next row or the zero padding, and the
  // ones past hp (nhh) are discarded. Compact rows keep the 16 lists' tables in L2 (stride 8: 2x slower).
  const W = list.hbRow;
  const V = list.hhRow;
  const LB = list.bb;
  let nm = 0;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  let b0 = 0, b1 = 0, b2 = 0;
  for (let s = 0; s < S.length; s++) {
    const i = S[s];
    const code = (packed[pbase + (i >> 2)] >> ((i & 3) << 1)) & 3;
    if (code === 1) {
      nm++;
      const bo = s * qBB;
      for (let c = 0; c < qBB; c++) corrMissBB[co + c] += LB[bo + c];
      continue;
    }
    const g = G_OF_CODE[code]; // 0 copies add zeros: no unpredictable branch on the genotype
    const r = s * hp;
    a0 += g * W[r];
    a1 += g * W[r + 1];
    a2 += g * W[r + 2];
    a3 += g * W[r + 3];
    a4 += g * W[r + 4];
    a5 += g * W[r + 5];
    a6 += g * W[r + 6];
    a7 += g * W[r + 7];
    const g2 = g * g;
    const q = s * nhh;
    b0 += g2 * V[q];
    b1 += g2 * V[q + 1];
    b2 += g2 * V[q + 2];
  }
  if (hp > 0) corrGB[cg] = a0;
  if (hp > 1) corrGB[cg + 1] = a1;
  if (hp > 2) corrGB[cg + 2] = a2;
  if (hp > 3) corrGB[cg + 3] = a3;
  if (hp > 4) corrGB[cg + 4] = a4;
  if (hp > 5) corrGB[cg + 5] = a5;
  if (hp > 6) corrGB[cg + 6] = a6;
  if (hp > 7) corrGB[cg + 7] = a7;
  if (nhh > 0) corrG2[ch] = b0;
  if (nhh > 1) corrG2[ch + 1] = b1;
  if (nhh > 2) corrG2[ch + 2] = b2;
  return nm;
}

/**
 * The same for H = 1 and p1 <= 4 (ADD with up to 3 covariates): 4 + 1 accumulators.
 * Measured in isolation: 15 -> 6 ns per listed sample (16 lists of 600, n = 20,000).
 */
export function fastCorrections4(
  list: MissingList,
  packed: Uint8Array,
  pbase: number,
  qBB: number,
  hp: number,
  nhh: number,
  corrMissBB: Float64Array,
  co: number,
  corrGB: Float64Array,
  cg: number,
  corrG2: Float64Array,
  ch: number,
): number {
  const S = list.samples;
  // Rows of stride hp (nhh); the 8 (3) accumulators read on into the next row or the zero padding, and the
  // ones past hp (nhh) are discarded. Compact rows keep the 16 lists' tables in L2 (stride 8: 2x slower).
  const W = list.hbRow;
  const V = list.hhRow;
  const LB = list.bb;
  let nm = 0;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let b0 = 0;
  for (let s = 0; s < S.length; s++) {
    const i = S[s];
    const code = (packed[pbase + (i >> 2)] >> ((i & 3) << 1)) & 3;
    if (code === 1) {
      nm++;
      const bo = s * qBB;
      for (let c = 0; c < qBB; c++) corrMissBB[co + c] += LB[bo + c];
      continue;
    }
    const g = G_OF_CODE[code]; // 0 copies add zeros: no unpredictable branch on the genotype
    const r = s * hp;
    a0 += g * W[r];
    a1 += g * W[r + 1];
    a2 += g * W[r + 2];
    a3 += g * W[r + 3];
    b0 += g * g * V[s];
  }
  if (hp > 0) corrGB[cg] = a0;
  if (hp > 1) corrGB[cg + 1] = a1;
  if (hp > 2) corrGB[cg + 2] = a2;
  if (hp > 3) corrGB[cg + 3] = a3;
  corrG2[ch] = b0;
  void nhh;
  return nm;
}

/** Correlation of the non-intercept predictors from Z'Z (row/col 0 = intercept), then VIF. 0 = pass. */
export function checkCorrVif(
  ZZ: Float64Array,
  P: number,
  n: number,
  maxCorr: number,
  vifMax: number,
  cor: Float64Array,
  Lc: Float64Array,
  sd: Float64Array,
): number {
  const R = P - 1;
  for (let i = 0; i < R; i++) {
    const si = ZZ[i + 1];
    const v = (ZZ[(i + 1) * P + i + 1] - (si * si) / n) / (n - 1);
    if (!(v > 0)) return ERR_VIF_INF;
    sd[i] = 1 / Math.sqrt(v);
  }
  for (let i = 0; i < R; i++) {
    cor[i * R + i] = 1;
    const si = ZZ[i + 1];
    for (let j = 0; j < i; j++) {
      const sj = ZZ[j + 1];
      const c = ((ZZ[(i + 1) * P + j + 1] - (si * sj) / n) / (n - 1)) * sd[i] * sd[j];
      if (Math.abs(c) > maxCorr) return ERR_CORR;
      cor[i * R + j] = c;
      cor[j * R + i] = c;
    }
  }
  if (R === 0) return 0;
  if (!cholInto(cor, R, Lc)) return ERR_VIF_INF;
  // VIF_i = (C^-1)_ii = ||L^-1 e_i||^2 since C^-1 = L^-T L^-1.
  const tmp = sd; // sd no longer needed
  for (let i = 0; i < R; i++) {
    // Solve L x = e_i (x_j = 0 for j < i).
    let s2 = 0;
    for (let r = 0; r < R; r++) {
      if (r < i) {
        tmp[r] = 0;
        continue;
      }
      let s = r === i ? 1 : 0;
      for (let c = i; c < r; c++) s -= Lc[r * R + c] * tmp[c];
      tmp[r] = s / Lc[r * R + r];
      s2 += tmp[r] * tmp[r];
    }
    if (!(s2 <= vifMax)) return s2 === Infinity || s2 !== s2 ? ERR_VIF_INF : ERR_VIF_HIGH;
  }
  return 0;
}

/** Lower Cholesky of a (p x p) into L; false when not positive definite. */
export function cholInto(a: Float64Array, p: number, L: Float64Array): boolean {
  L.fill(0);
  for (let j = 0; j < p; j++) {
    let dd = a[j * p + j];
    for (let k = 0; k < j; k++) dd -= L[j * p + k] * L[j * p + k];
    if (!(dd > 0) || dd < 1e-13 * Math.abs(a[j * p + j])) return false;
    const ljj = Math.sqrt(dd);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = s / ljj;
    }
  }
  return true;
}

export function cholSolveInto(L: Float64Array, p: number, b: Float64Array, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * y[k];
    y[i] = s / L[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
}

/** Diagonal entries (j, j) of A^-1 for the listed j, from A = L L'; written to inv[j*p + j]. */
export function cholInverseDiagInto(L: Float64Array, p: number, js: number[], inv: Float64Array, tmp: Float64Array): void {
  // (A^-1)_jj = ||L^-1 e_j||^2.
  for (const j of js) {
    let s2 = 0;
    for (let r = 0; r < p; r++) {
      if (r < j) {
        tmp[r] = 0;
        continue;
      }
      let s = r === j ? 1 : 0;
      for (let c = j; c < r; c++) s -= L[r * p + c] * tmp[c];
      tmp[r] = s / L[r * p + r];
      s2 += tmp[r] * tmp[r];
    }
    inv[j * p + j] = s2;
  }
}
