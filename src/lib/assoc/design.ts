/**
 * The sample side of a scan, built once: which samples each response uses, the kernel matrix X, the sparse
 * missing-call matrix Q, and per-response cross-products of covariates and responses. With these, every
 * variant's normal equations for every response follow from the kernel sums plus two sparse corrections:
 *   - samples whose call is missing (rows of Q summed by `missingSums`), and
 *   - samples of the common set W that a response does not use (its missing values: list D_k).
 *
 * Model per response k (plink2 --glm): y_k ~ B + g*h_0 [+ g*h_1], B = [1, covariates (E included)],
 * h_0 = 1 (ADD), h_1 = E (ADDxE, with --gxe). g and E are uncentered (plink2 `interaction` parameterization);
 * y and covariates other than E are centered (absorbed by the intercept; it only helps conditioning).
 *
 * Column layout of X (n x m), all zero outside the sample set they belong to:
 *   [0, K)                 y_k                (zero where y_k is not analysed)
 *   [K, K + H*p1)          h_a * B_c * w      (w = 1 on W, the samples with all covariates and E present
 *                                              and at least one response)
 *   [K + H*p1, ... + K)    E * y_k            (only with E)
 * Q (missing-call pass) columns:
 *   BB' upper triangle * w (p1(p1+1)/2), then per response: y_k * B_c (p1) and y_k^2.
 */

import { InputError } from '../base/errors';
import type { SampleMatrix } from './kernel';

export interface NamedColumn {
  name: string;
  /** One value per sample of the genotype source, NaN = missing. */
  values: ArrayLike<number>;
}

export interface DesignInput {
  nSamples: number;
  responses: NamedColumn[];
  covariates: NamedColumn[];
  /** The E of SNPxE; added to the covariates when no covariate has its name. */
  gxe?: NamedColumn;
}

/** A distinct list of W-samples that some responses do not use (their missing values). */
export interface MissingList {
  samples: Int32Array;
  /** h_a * B_c of the listed samples, column-major: hb[(a*p1 + c) * L + s] (L = samples.length). */
  hb: Float64Array;
  /** h_a * h_b (a <= b) of the listed samples, column-major: hh[t * L + s], t over H(H+1)/2 pairs. */
  hh: Float64Array;
  /** Per listed sample, BB' upper triangle (p1(p1+1)/2 values). */
  bb: Float64Array;
  /** Row-major copies (stride H*p1 and H(H+1)/2, plus 8 and 4 trailing zeros), for the fast path (H*p1 <= 8). */
  hbRow: Float64Array;
  hhRow: Float64Array;
}

export interface ScanDesign {
  n: number;
  K: number;
  responseNames: string[];
  /** Names of B columns after the intercept (covariates, E included). */
  covariateNames: string[];
  /** Number of B columns, intercept included. */
  p1: number;
  /** 1 (ADD) or 2 (ADD and ADDxE). */
  H: number;
  /** Index of E among B columns (0 = intercept, so >= 1), or -1. */
  eIndex: number;
  eName: string | null;
  X: SampleMatrix;
  Q: SampleMatrix;
  /** Number of Q columns before the per-response blocks. */
  qBB: number;
  /** Samples in W. */
  nW: number;
  /** Per response: samples analysed (|S_k|), BB' over S_k (p1 x p1, full), B'y_k, y_k'y_k. */
  nS: Int32Array;
  bbS: Float64Array[];
  byS: Float64Array[];
  yyS: Float64Array;
  /** Per response: index into `lists` of its missing list. */
  listOf: Int32Array;
  lists: MissingList[];
  /** Per response: mean subtracted from y (to report nothing different; kept for reference). */
  yMean: Float64Array;
  /** Samples excluded for a missing covariate or E. */
  excludedCovariate: number;
  /** Per response: samples of W with a missing response value. */
  missingResponse: Int32Array;
  /** Covariates dropped because they are constant on W (plink2 does the same, with a warning). */
  droppedConstant: string[];
}

export function upperIndex(i: number, j: number, p: number): number {
  // i <= j, row-major upper triangle index
  return i * p - (i * (i - 1)) / 2 + (j - i);
}

export function buildDesign(input: DesignInput): ScanDesign {
  const n = input.nSamples;
  const K = input.responses.length;
  if (K === 0) throw new InputError({ file: 'scan', expected: 'at least one response' , found: 'none' }, 'nothing to scan');
  for (const c of [...input.responses, ...input.covariates, ...(input.gxe ? [input.gxe] : [])]) {
    if (c.values.length !== n) throw new Error(`buildDesign: column ${c.name} has ${c.values.length} values for ${n} samples`);
  }
  // Covariates, E appended when absent.
  let covs = input.covariates.slice();
  let eName: string | null = null;
  if (input.gxe) {
    eName = input.gxe.name;
    if (!covs.some((c) => c.name === eName)) covs.push(input.gxe);
  }
  // W: all covariates present and at least one response present.
  const w = new Uint8Array(n);
  let excludedCovariate = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const c of covs) if (!Number.isFinite(c.values[i])) ok = false;
    let anyY = false;
    for (const r of input.responses) if (Number.isFinite(r.values[i])) anyY = true;
    if (!ok && anyY) excludedCovariate++;
    w[i] = ok && anyY ? 1 : 0;
  }
  // Drop covariates constant on W (never E: a constant E makes ADDxE collinear, reported per variant).
  const droppedConstant: string[] = [];
  covs = covs.filter((c) => {
    if (c.name === eName) return true;
    let first = NaN;
    for (let i = 0; i < n; i++) {
      if (!w[i]) continue;
      const v = c.values[i];
      if (first !== first) first = v;
      else if (v !== first) return true;
    }
    droppedConstant.push(c.name);
    return false;
  });
  const p1 = covs.length + 1;
  const eIndex = eName === null ? -1 : 1 + covs.findIndex((c) => c.name === eName);
  const H = eName === null ? 1 : 2;
  let nW = 0;
  for (let i = 0; i < n; i++) nW += w[i];

  // B values (n x p1), centered on W except intercept and E.
  const B = new Float64Array(n * p1);
  for (let c = 0; c < p1; c++) {
    let mean = 0;
    if (c > 0 && c !== eIndex) {
      const vals = covs[c - 1].values;
      for (let i = 0; i < n; i++) if (w[i]) mean += vals[i];
      mean /= Math.max(1, nW);
    }
    for (let i = 0; i < n; i++) {
      if (!w[i]) continue;
      B[i * p1 + c] = c === 0 ? 1 : covs[c - 1].values[i] - mean;
    }
  }
  const hOf = (i: number, a: number): number => (a === 0 ? 1 : B[i * p1 + eIndex]);

  // Responses: analysed on S_k = W and y_k present; centered on S_k.
  const Y = new Float64Array(n * K);
  const yMean = new Float64Array(K);
  const nS = new Int32Array(K);
  const missingResponse = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const vals = input.responses[k].values;
    let s = 0;
    let cnt = 0;
    for (let i = 0; i < n; i++) {
      if (!w[i]) continue;
      const v = vals[i];
      if (Number.isFinite(v)) {
        s += v;
        cnt++;
      } else missingResponse[k]++;
    }
    const mean = cnt ? s / cnt : 0;
    yMean[k] = mean;
    nS[k] = cnt;
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (w[i] && Number.isFinite(v)) Y[i * K + k] = v - mean;
    }
  }

  // X
  const m = K + H * p1 + (H - 1) * K;
  const X = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    if (!w[i]) continue;
    const o = i * m;
    for (let k = 0; k < K; k++) X[o + k] = Y[i * K + k];
    for (let a = 0; a < H; a++) {
      const h = hOf(i, a);
      for (let c = 0; c < p1; c++) X[o + K + a * p1 + c] = h * B[i * p1 + c];
    }
    if (H === 2) {
      const e = hOf(i, 1);
      for (let k = 0; k < K; k++) X[o + K + H * p1 + k] = e * Y[i * K + k];
    }
  }

  // Q
  const qBB = (p1 * (p1 + 1)) / 2;
  const mq = qBB + K * (p1 + 1);
  const Qd = new Float64Array(n * mq);
  for (let i = 0; i < n; i++) {
    if (!w[i]) continue;
    const o = i * mq;
    const bo = i * p1;
    for (let a = 0; a < p1; a++) for (let b = a; b < p1; b++) Qd[o + upperIndex(a, b, p1)] = B[bo + a] * B[bo + b];
    for (let k = 0; k < K; k++) {
      const y = Y[i * K + k];
      const ko = o + qBB + k * (p1 + 1);
      for (let c = 0; c < p1; c++) Qd[ko + c] = y * B[bo + c];
      Qd[ko + p1] = y * y;
    }
  }

  // Per-response cross-products over S_k.
  const bbS: Float64Array[] = [];
  const byS: Float64Array[] = [];
  const yyS = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const bb = new Float64Array(p1 * p1);
    const by = new Float64Array(p1);
    let yy = 0;
    const vals = input.responses[k].values;
    for (let i = 0; i < n; i++) {
      if (!w[i] || !Number.isFinite(vals[i])) continue;
      const bo = i * p1;
      const y = Y[i * K + k];
      for (let a = 0; a < p1; a++) {
        const ba = B[bo + a];
        by[a] += ba * y;
        for (let b = a; b < p1; b++) bb[a * p1 + b] += ba * B[bo + b];
      }
      yy += y * y;
    }
    for (let a = 0; a < p1; a++) for (let b = 0; b < a; b++) bb[a * p1 + b] = bb[b * p1 + a];
    bbS.push(bb);
    byS.push(by);
    yyS[k] = yy;
  }

  // Distinct missing lists.
  const lists: MissingList[] = [];
  const keyToList = new Map<string, number>();
  const listOf = new Int32Array(K);
  const nhh = (H * (H + 1)) / 2;
  for (let k = 0; k < K; k++) {
    const vals = input.responses[k].values;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (w[i] && !Number.isFinite(vals[i])) idx.push(i);
    const key = idx.join(',');
    let li = keyToList.get(key);
    if (li === undefined) {
      li = lists.length;
      keyToList.set(key, li);
      const samples = Int32Array.from(idx);
      const L = samples.length;
      const hb = new Float64Array(L * H * p1);
      const hh = new Float64Array(L * nhh);
      const bb = new Float64Array(L * qBB);
      for (let s = 0; s < L; s++) {
        const i = samples[s];
        for (let a = 0; a < H; a++) for (let c = 0; c < p1; c++) hb[(a * p1 + c) * L + s] = hOf(i, a) * B[i * p1 + c];
        let t = 0;
        for (let a = 0; a < H; a++) for (let b = a; b < H; b++) hh[t++ * L + s] = hOf(i, a) * hOf(i, b);
        for (let a = 0; a < p1; a++) for (let b = a; b < p1; b++) bb[s * qBB + upperIndex(a, b, p1)] = B[i * p1 + a] * B[i * p1 + b];
      }
      const hp = H * p1;
      const hbRow = new Float64Array(L * hp + 8);
      const hhRow = new Float64Array(L * nhh + 4);
      for (let s2 = 0; s2 < L; s2++) {
        for (let c = 0; c < hp; c++) hbRow[s2 * hp + c] = hb[c * L + s2];
        for (let t = 0; t < nhh; t++) hhRow[s2 * nhh + t] = hh[t * L + s2];
      }
      lists.push({ samples, hb, hh, bb, hbRow, hhRow });
    }
    listOf[k] = li;
  }

  return {
    n,
    K,
    responseNames: input.responses.map((r) => r.name),
    covariateNames: covs.map((c) => c.name),
    p1,
    H,
    eIndex,
    eName,
    X: { n, m, data: X },
    Q: { n, m: mq, data: Qd },
    qBB,
    nW,
    nS,
    bbS,
    byS,
    yyS,
    listOf,
    lists,
    yMean,
    excludedCovariate,
    missingResponse,
    droppedConstant,
  };
}

/** Column of X holding h_a * B_c. */
export function colHB(d: ScanDesign, a: number, c: number): number {
  return d.K + a * d.p1 + c;
}
/** Column of X holding h_a * y_k (a = 0: y_k; a = 1: E * y_k). */
export function colHY(d: ScanDesign, a: number, k: number): number {
  return a === 0 ? k : d.K + d.H * d.p1 + k;
}
/** Column of X whose g^2-sum gives sum g^2 h_a h_b. */
export function colHH(d: ScanDesign, a: number, b: number): number {
  if (a === 0 && b === 0) return colHB(d, 0, 0);
  if (a + b === 1) return colHB(d, 0, d.eIndex);
  return colHB(d, 1, d.eIndex);
}
