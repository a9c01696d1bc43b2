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
  checkDesignInput(input);
  // Covariates, E appended when absent.
  const all = input.covariates.slice();
  const eName = input.gxe ? input.gxe.name : null;
  if (input.gxe && !all.some((c) => c.name === eName)) all.push(input.gxe);
  const { w, nW, excludedCovariate } = commonSamples(n, all, input.responses);
  const { covs, droppedConstant } = dropConstantCovariates(all, w, eName);
  const p1 = covs.length + 1;
  const eIndex = eName === null ? -1 : 1 + covs.findIndex((c) => c.name === eName);
  const b: CovariateRows = { n, p1, H: eName === null ? 1 : 2, eIndex, B: centeredCovariates(covs, w, nW, p1, eIndex) };
  const y = centeredResponses(input.responses, w);
  const X = kernelMatrix(b, y, w);
  const Q = missingCallMatrix(b, y, w);
  const { bbS, byS, yyS } = responseCrossProducts(b, y, w, input.responses);
  const { lists, listOf } = missingLists(b, w, input.responses);
  return {
    n,
    K,
    responseNames: input.responses.map((r) => r.name),
    covariateNames: covs.map((c) => c.name),
    p1,
    H: b.H,
    eIndex,
    eName,
    X,
    Q,
    qBB: (p1 * (p1 + 1)) / 2,
    nW,
    nS: y.nS,
    bbS,
    byS,
    yyS,
    listOf,
    lists,
    yMean: y.yMean,
    excludedCovariate,
    missingResponse: y.missingResponse,
    droppedConstant,
  };
}

/** B (n x p1, row-major, zero outside W) with the shape of the model: H h-columns, E at eIndex of B. */
interface CovariateRows {
  n: number;
  p1: number;
  H: number;
  eIndex: number;
  B: Float64Array;
}

/** Responses centered on their samples S_k (n x K, row-major, zero outside S_k), with per-response counts. */
interface CenteredResponses {
  K: number;
  Y: Float64Array;
  yMean: Float64Array;
  nS: Int32Array;
  missingResponse: Int32Array;
}

/** h_a of sample i: 1 (a = 0) or E (a = 1). */
function hOf(b: CovariateRows, i: number, a: number): number {
  return a === 0 ? 1 : b.B[i * b.p1 + b.eIndex];
}

function checkDesignInput(input: DesignInput): void {
  const n = input.nSamples;
  if (input.responses.length === 0) throw new InputError({ file: 'scan', expected: 'at least one response' , found: 'none' }, 'nothing to scan');
  for (const c of [...input.responses, ...input.covariates, ...(input.gxe ? [input.gxe] : [])]) {
    if (c.values.length !== n) throw new Error(`buildDesign: column ${c.name} has ${c.values.length} values for ${n} samples`);
  }
}

/** W: all covariates present and at least one response present. */
function commonSamples(n: number, covs: NamedColumn[], responses: NamedColumn[]): { w: Uint8Array; nW: number; excludedCovariate: number } {
  const w = new Uint8Array(n);
  let excludedCovariate = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const c of covs) if (!Number.isFinite(c.values[i])) ok = false;
    let anyY = false;
    for (const r of responses) if (Number.isFinite(r.values[i])) anyY = true;
    if (!ok && anyY) excludedCovariate++;
    w[i] = ok && anyY ? 1 : 0;
  }
  let nW = 0;
  for (let i = 0; i < n; i++) nW += w[i];
  return { w, nW, excludedCovariate };
}

/** Drops covariates constant on W (never E: a constant E makes ADDxE collinear, reported per variant). */
function dropConstantCovariates(all: NamedColumn[], w: Uint8Array, eName: string | null): { covs: NamedColumn[]; droppedConstant: string[] } {
  const droppedConstant: string[] = [];
  const covs = all.filter((c) => {
    if (c.name === eName) return true;
    let first = NaN;
    for (let i = 0; i < w.length; i++) {
      if (!w[i]) continue;
      const v = c.values[i];
      if (first !== first) first = v;
      else if (v !== first) return true;
    }
    droppedConstant.push(c.name);
    return false;
  });
  return { covs, droppedConstant };
}

/** B values (n x p1), centered on W except intercept and E. */
function centeredCovariates(covs: NamedColumn[], w: Uint8Array, nW: number, p1: number, eIndex: number): Float64Array {
  const n = w.length;
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
  return B;
}

/** Responses: analysed on S_k = W and y_k present; centered on S_k. */
function centeredResponses(responses: NamedColumn[], w: Uint8Array): CenteredResponses {
  const n = w.length;
  const K = responses.length;
  const Y = new Float64Array(n * K);
  const yMean = new Float64Array(K);
  const nS = new Int32Array(K);
  const missingResponse = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const vals = responses[k].values;
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
  return { K, Y, yMean, nS, missingResponse };
}

/** X (kernel input, layout in the file comment): y_k, h_a * B_c, E * y_k. */
function kernelMatrix(b: CovariateRows, y: CenteredResponses, w: Uint8Array): SampleMatrix {
  const { n, p1, H, B } = b;
  const { K, Y } = y;
  const m = K + H * p1 + (H - 1) * K;
  const X = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    if (!w[i]) continue;
    const o = i * m;
    for (let k = 0; k < K; k++) X[o + k] = Y[i * K + k];
    for (let a = 0; a < H; a++) {
      const h = hOf(b, i, a);
      for (let c = 0; c < p1; c++) X[o + K + a * p1 + c] = h * B[i * p1 + c];
    }
    if (H === 2) {
      const e = hOf(b, i, 1);
      for (let k = 0; k < K; k++) X[o + K + H * p1 + k] = e * Y[i * K + k];
    }
  }
  return { n, m, data: X };
}

/** Q (missing-call pass): BB' upper triangle, then per response y_k * B_c and y_k^2. */
function missingCallMatrix(b: CovariateRows, y: CenteredResponses, w: Uint8Array): SampleMatrix {
  const { n, p1, B } = b;
  const { K, Y } = y;
  const qBB = (p1 * (p1 + 1)) / 2;
  const mq = qBB + K * (p1 + 1);
  const Qd = new Float64Array(n * mq);
  for (let i = 0; i < n; i++) {
    if (!w[i]) continue;
    const o = i * mq;
    const bo = i * p1;
    for (let a = 0; a < p1; a++) for (let c = a; c < p1; c++) Qd[o + upperIndex(a, c, p1)] = B[bo + a] * B[bo + c];
    for (let k = 0; k < K; k++) {
      const yv = Y[i * K + k];
      const ko = o + qBB + k * (p1 + 1);
      for (let c = 0; c < p1; c++) Qd[ko + c] = yv * B[bo + c];
      Qd[ko + p1] = yv * yv;
    }
  }
  return { n, m: mq, data: Qd };
}

/** Per-response cross-products over S_k: B'B (full), B'y_k, y_k'y_k. */
function responseCrossProducts(
  b: CovariateRows,
  y: CenteredResponses,
  w: Uint8Array,
  responses: NamedColumn[],
): { bbS: Float64Array[]; byS: Float64Array[]; yyS: Float64Array } {
  const { n, p1, B } = b;
  const { K, Y } = y;
  const bbS: Float64Array[] = [];
  const byS: Float64Array[] = [];
  const yyS = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const bb = new Float64Array(p1 * p1);
    const by = new Float64Array(p1);
    let yy = 0;
    const vals = responses[k].values;
    for (let i = 0; i < n; i++) {
      if (!w[i] || !Number.isFinite(vals[i])) continue;
      const bo = i * p1;
      const yv = Y[i * K + k];
      for (let a = 0; a < p1; a++) {
        const ba = B[bo + a];
        by[a] += ba * yv;
        for (let c = a; c < p1; c++) bb[a * p1 + c] += ba * B[bo + c];
      }
      yy += yv * yv;
    }
    for (let a = 0; a < p1; a++) for (let c = 0; c < a; c++) bb[a * p1 + c] = bb[c * p1 + a];
    bbS.push(bb);
    byS.push(by);
    yyS[k] = yy;
  }
  return { bbS, byS, yyS };
}

/** Distinct lists of W-samples with a missing response; responses with the same list share it. */
function missingLists(b: CovariateRows, w: Uint8Array, responses: NamedColumn[]): { lists: MissingList[]; listOf: Int32Array } {
  const K = responses.length;
  const lists: MissingList[] = [];
  const keyToList = new Map<string, number>();
  const listOf = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const vals = responses[k].values;
    const idx: number[] = [];
    for (let i = 0; i < w.length; i++) if (w[i] && !Number.isFinite(vals[i])) idx.push(i);
    const key = idx.join(',');
    let li = keyToList.get(key);
    if (li === undefined) {
      li = lists.length;
      keyToList.set(key, li);
      lists.push(missingList(b, Int32Array.from(idx)));
    }
    listOf[k] = li;
  }
  return { lists, listOf };
}

/** The tables of one missing list (see MissingList). */
function missingList(b: CovariateRows, samples: Int32Array): MissingList {
  const { p1, H, B } = b;
  const qBB = (p1 * (p1 + 1)) / 2;
  const nhh = (H * (H + 1)) / 2;
  const L = samples.length;
  const hb = new Float64Array(L * H * p1);
  const hh = new Float64Array(L * nhh);
  const bb = new Float64Array(L * qBB);
  for (let s = 0; s < L; s++) {
    const i = samples[s];
    for (let a = 0; a < H; a++) for (let c = 0; c < p1; c++) hb[(a * p1 + c) * L + s] = hOf(b, i, a) * B[i * p1 + c];
    let t = 0;
    for (let a = 0; a < H; a++) for (let c = a; c < H; c++) hh[t++ * L + s] = hOf(b, i, a) * hOf(b, i, c);
    for (let a = 0; a < p1; a++) for (let c = a; c < p1; c++) bb[s * qBB + upperIndex(a, c, p1)] = B[i * p1 + a] * B[i * p1 + c];
  }
  const hp = H * p1;
  const hbRow = new Float64Array(L * hp + 8);
  const hhRow = new Float64Array(L * nhh + 4);
  for (let s2 = 0; s2 < L; s2++) {
    for (let c = 0; c < hp; c++) hbRow[s2 * hp + c] = hb[c * L + s2];
    for (let t = 0; t < nhh; t++) hhRow[s2 * nhh + t] = hh[t * L + s2];
  }
  return { samples, hb, hh, bb, hbRow, hhRow };
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
