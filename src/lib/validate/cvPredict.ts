/**
 * Cross-validated prediction of one outcome from one feature set (HSVs, PCs or all prepared phenotypes)
 * with a ridge model, and the comparison of several feature sets on the same folds.
 *
 * - Rows without the outcome are dropped (counted). Folds: `cvFolds` (seeded), stratified by the binary
 *   outcome or the event indicator.
 * - In each outer fold, features are standardized with the training rows' mean and SD; missing feature
 *   cells become 0 (the training mean); constant columns contribute nothing.
 * - lambda is chosen per outer fold by inner K-fold CV (default 3) over a fixed grid (glmnet scale,
 *   default 1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001), fitted from the largest lambda down with warm starts,
 *   on at most max(2000, 2e8 / p^2) training rows (a seeded subset beyond that: 5,000 rows for p = 200,
 *   2,000 for p = 500; no subsetting for HSVs or PCs).
 *   Inner criterion: squared error (quantitative), deviance (binary), the cross-validated partial
 *   likelihood of Verweij & van Houwelingen (1993) (survival).
 * - The metric (AUC, Harrell's C-index, R^2 = 1 - SSE / SST with SST about the mean of all rows used) is
 *   computed on the pooled out-of-fold linear predictors; per-fold values are returned too.
 */
import { cvFolds } from './cvFolds';
import { auc } from './auc';
import { concordanceIndex } from './concordanceIndex';
import { fitRidgePath, ridgeScore, type RidgeModel, type RidgeTargets } from './ridgeModel';
import { coxPartialLikelihood, timeOrderDescending } from './coxRegression';
import { metricName, outcomeObserved, outcomeLength, subsetOutcome, type Outcome, type OutcomeKind } from './Outcome';
import { throwIfAborted } from '../base/cancel';
import { createRng, permutation } from '../math/rng';
import { createProgress, type ProgressCallback } from '../base/progress';

export const DEFAULT_LAMBDAS: readonly number[] = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001];
/** Inner lambda search: at most max(MIN_INNER_ROWS, DEFAULT_INNER_WORK / p^2) training rows. */
export const DEFAULT_INNER_WORK = 2e8;
export const MIN_INNER_ROWS = 2000;

export interface FeatureSet {
  name: string;
  /** n x p row-major, rows aligned with the outcome; NaN = missing. */
  values: Float64Array;
  p: number;
}

export interface CvOptions {
  folds?: number;
  seed?: number;
  innerFolds?: number;
  lambdas?: readonly number[];
  /** Row budget of the inner lambda search, as rows x p^2 (default 2e8; at least 2000 rows are kept). */
  innerWork?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface CvResult {
  set: string;
  metric: 'AUC' | 'C-index' | 'R2';
  /** Metric on the pooled out-of-fold predictions. */
  value: number;
  foldValues: Float64Array;
  /** lambda chosen in each outer fold. */
  lambdas: Float64Array;
  /** Rows used (outcome observed). */
  n: number;
  /** Features in the set. */
  p: number;
}

export interface Comparison {
  outcome: string;
  kind: OutcomeKind;
  n: number;
  /** Rows dropped because the outcome was missing. */
  excluded: number;
  results: CvResult[];
}

/** Compare feature sets on the same folds for one outcome. */
export function compareFeatureSets(sets: FeatureSet[], outcome: Outcome, opts: CvOptions = {}): Comparison {
  const N = outcomeLength(outcome);
  const rows: number[] = [];
  for (let i = 0; i < N; i++) if (outcomeObserved(outcome, i)) rows.push(i);
  const o = subsetOutcome(outcome, rows);
  const n = rows.length;
  const K = opts.folds ?? 5;
  const strata = o.kind === 'binary' ? o.y : o.kind === 'survival' ? o.event : undefined;
  const fold = cvFolds(n, K, opts.seed ?? 1, strata);
  const progress = createProgress('validate', sets.length * K, opts.onProgress, { unit: 'folds' });
  const results: CvResult[] = [];
  for (let s = 0; s < sets.length; s++) {
    const set = sets[s];
    if (set.values.length !== N * set.p) {
      throw new Error(`compareFeatureSets: feature set ${set.name} has ${set.values.length} values, expected ${N} x ${set.p}`);
    }
    const X = new Float64Array(n * set.p);
    for (let j = 0; j < n; j++) X.set(set.values.subarray(rows[j] * set.p, rows[j] * set.p + set.p), j * set.p);
    results.push(
      cvPredictRows(set.name, X, n, set.p, o, fold, K, opts, (f) => progress.tick(s * K + f + 1, `${o.name}: ${set.name}`)),
    );
  }
  progress.finish();
  return { outcome: outcome.name, kind: outcome.kind, n, excluded: N - n, results };
}

function targetsOf(o: Outcome, rows: ArrayLike<number>): RidgeTargets {
  const pick = (a: Float64Array) => Float64Array.from({ length: rows.length }, (_, j) => a[rows[j]]);
  switch (o.kind) {
    case 'binary':
    case 'quantitative':
      return { y: pick(o.y) };
    case 'survival':
      return { time: pick(o.time), event: pick(o.event) };
    default:
      throw new Error(`unknown outcome kind: ${String((o as Outcome).kind)}`);
  }
}

/** Standardize with the stats of `train` rows; returns the full matrix transformed and missing -> 0. */
function standardize(X: Float64Array, n: number, p: number, train: ArrayLike<number>): Float64Array {
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  const cnt = new Float64Array(p);
  for (let j = 0; j < train.length; j++) {
    const off = train[j] * p;
    for (let a = 0; a < p; a++) {
      const v = X[off + a];
      if (Number.isNaN(v)) continue;
      cnt[a]++;
      mean[a] += v;
    }
  }
  for (let a = 0; a < p; a++) mean[a] = cnt[a] > 0 ? mean[a] / cnt[a] : 0;
  for (let j = 0; j < train.length; j++) {
    const off = train[j] * p;
    for (let a = 0; a < p; a++) {
      const v = X[off + a];
      if (!Number.isNaN(v)) sd[a] += (v - mean[a]) ** 2;
    }
  }
  for (let a = 0; a < p; a++) sd[a] = cnt[a] > 1 ? Math.sqrt(sd[a] / (cnt[a] - 1)) : 0;
  const Z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const v = X[i * p + a];
      Z[i * p + a] = Number.isNaN(v) || !(sd[a] > 1e-12) ? 0 : (v - mean[a]) / sd[a];
    }
  }
  return Z;
}

function pickRows(Z: Float64Array, p: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * p);
  for (let j = 0; j < rows.length; j++) out.set(Z.subarray(rows[j] * p, rows[j] * p + p), j * p);
  return out;
}

/** Held-out loss of a fitted model (smaller is better). */
function heldOutLoss(
  kind: OutcomeKind,
  m: RidgeModel,
  Xall: Float64Array,
  p: number,
  tAll: RidgeTargets,
  trainRows: number[],
  testRows: number[],
): number {
  switch (kind) {
    case 'quantitative': {
      const Xt = pickRows(Xall, p, testRows);
      const s = ridgeScore(m, Xt, testRows.length, p);
      let l = 0;
      for (let j = 0; j < testRows.length; j++) l += ((tAll.y as Float64Array)[testRows[j]] - s[j]) ** 2;
      return l;
    }
    case 'binary': {
      const Xt = pickRows(Xall, p, testRows);
      const s = ridgeScore(m, Xt, testRows.length, p);
      let l = 0;
      for (let j = 0; j < testRows.length; j++) {
        const y = (tAll.y as Float64Array)[testRows[j]];
        // -2 log-likelihood, computed stably: log(1 + exp(-s)) for cases, log(1 + exp(s)) for controls
        const e = y === 1 ? -s[j] : s[j];
        l += 2 * (e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e)));
      }
      return l;
    }
    case 'survival': {
      // Verweij-van Houwelingen: -( l_all(b) - l_train(b) ) over the inner training set all = train + test
      const all = trainRows.concat(testRows);
      const lAll = coxLoglikOn(Xall, p, tAll, all, m.beta);
      const lTrain = coxLoglikOn(Xall, p, tAll, trainRows, m.beta);
      return -(lAll - lTrain);
    }
    default:
      throw new Error(`unknown outcome kind: ${String(kind)}`);
  }
}

function coxLoglikOn(Xall: Float64Array, p: number, t: RidgeTargets, rows: number[], beta: Float64Array): number {
  const X = pickRows(Xall, p, rows);
  const time = Float64Array.from(rows, (r) => (t.time as Float64Array)[r]);
  const event = Float64Array.from(rows, (r) => (t.event as Float64Array)[r]);
  const order = timeOrderDescending(time, rows.length);
  return coxPartialLikelihood(X, time, event, rows.length, p, beta, order, false).loglik;
}

function subsetTargets(t: RidgeTargets, rows: ArrayLike<number>): RidgeTargets {
  const pick = (a: Float64Array | undefined) => (a ? Float64Array.from({ length: rows.length }, (_, j) => a[rows[j]]) : undefined);
  return { y: pick(t.y), time: pick(t.time), event: pick(t.event) };
}

/** Fit along the lambda grid (descending, warm starts) on `train` and return the models. */
function fitPath(
  kind: OutcomeKind,
  Z: Float64Array,
  p: number,
  t: RidgeTargets,
  train: number[],
  lambdas: readonly number[],
): RidgeModel[] {
  return fitRidgePath(kind, pickRows(Z, p, train), train.length, p, subsetTargets(t, train), lambdas);
}

function metricOf(o: Outcome, score: Float64Array, rows: ArrayLike<number>): number {
  const pick = (a: Float64Array) => Float64Array.from({ length: rows.length }, (_, j) => a[rows[j]]);
  const s = pick(score);
  switch (o.kind) {
    case 'binary':
      return auc(s, pick(o.y));
    case 'survival':
      return concordanceIndex(s, pick(o.time), pick(o.event)).cIndex;
    case 'quantitative': {
      const y = pick(o.y);
      let m = 0;
      for (let j = 0; j < y.length; j++) m += y[j];
      m /= y.length;
      let sse = 0;
      let sst = 0;
      for (let j = 0; j < y.length; j++) {
        sse += (y[j] - s[j]) ** 2;
        sst += (y[j] - m) ** 2;
      }
      return sst > 0 ? 1 - sse / sst : NaN;
    }
    default:
      throw new Error(`unknown outcome kind: ${String((o as Outcome).kind)}`);
  }
}

/**
 * Rows the inner lambda search uses: all training rows, or a seeded random subset of
 * max(MIN_INNER_ROWS, work / p^2) rows when there are more (bounds the n p^2 cost of each inner Newton step
 * for wide feature sets; the glmnet-scale lambda transfers across n). Kept in training order.
 */
export function innerSubset(train: number[], p: number, work: number, seed: number): number[] {
  const cap = Math.max(MIN_INNER_ROWS, Math.floor(work / Math.max(1, p * p)));
  if (train.length <= cap) return train;
  const perm = permutation(train.length, createRng(seed));
  const keep = Array.from(perm.subarray(0, cap)).sort((a, b) => a - b);
  return keep.map((j) => train[j]);
}

/** Cross-validated prediction on rows that all have the outcome; `fold[i]` in 0..K-1. */
export function cvPredictRows(
  name: string,
  X: Float64Array,
  n: number,
  p: number,
  o: Outcome,
  fold: Int32Array,
  K: number,
  opts: CvOptions,
  onFold?: (f: number) => void,
): CvResult {
  const lambdas = [...(opts.lambdas ?? DEFAULT_LAMBDAS)].sort((a, b) => b - a);
  const innerK = opts.innerFolds ?? 3;
  const all = Array.from({ length: n }, (_, i) => i);
  const t = targetsOf(o, all);
  const oof = new Float64Array(n).fill(NaN);
  const foldValues = new Float64Array(K);
  const chosen = new Float64Array(K);
  for (let f = 0; f < K; f++) {
    throwIfAborted(opts.signal);
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    const Z = standardize(X, n, p, train);
    // inner CV over the lambda grid
    let best = 0;
    if (lambdas.length > 1) {
      const innerRows = innerSubset(train, p, opts.innerWork ?? DEFAULT_INNER_WORK, (opts.seed ?? 1) * 7919 + f + 101);
      const innerStrata = o.kind === 'binary' ? innerRows.map((r) => o.y[r]) : o.kind === 'survival' ? innerRows.map((r) => o.event[r]) : undefined;
      const inner = cvFolds(innerRows.length, innerK, (opts.seed ?? 1) * 7919 + f + 1, innerStrata);
      const loss = new Float64Array(lambdas.length);
      for (let g = 0; g < innerK; g++) {
        const itr: number[] = [];
        const ite: number[] = [];
        for (let j = 0; j < innerRows.length; j++) (inner[j] === g ? ite : itr).push(innerRows[j]);
        const models = fitPath(o.kind, Z, p, t, itr, lambdas);
        for (let l = 0; l < lambdas.length; l++) loss[l] += heldOutLoss(o.kind, models[l], Z, p, t, itr, ite);
      }
      for (let l = 1; l < lambdas.length; l++) if (loss[l] < loss[best]) best = l;
    }
    chosen[f] = lambdas[best];
    const path = fitPath(o.kind, Z, p, t, train, lambdas.slice(0, best + 1));
    const model = path[path.length - 1];
    const s = ridgeScore(model, pickRows(Z, p, test), test.length, p);
    for (let j = 0; j < test.length; j++) oof[test[j]] = s[j];
    foldValues[f] = metricOf(o, oof, test);
    onFold?.(f);
  }
  return { set: name, metric: metricName(o.kind), value: metricOf(o, oof, all), foldValues, lambdas: chosen, n, p };
}
