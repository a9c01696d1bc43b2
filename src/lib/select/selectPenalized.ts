/**
 * Variable selection on screened features: a penalized path (lasso, elastic net, SCAD or MCP) and a tuning
 * rule that picks one model on it.
 *
 * - 'ebic' (default) and 'bic': every distinct active set of the path is refitted by unpenalized least
 *   squares and scored with EBIC/BIC on that refit's RSS (scoring the shrunk penalized fit picks too few
 *   terms; DESIGN.md 3). EBIC's combinatorial term counts the whole candidate universe (`universe`), or
 *   each class of term against its own universe (`ebicClasses`, He & Chen 2016).
 * - 'cv': K-fold cross-validation of the penalized fit's prediction error; the lambda with the smallest
 *   mean error wins.
 * Coefficients are returned both penalized (at the chosen lambda) and refitted (reported as BETA).
 *
 * Input: x standardized column-major n x d (standardizeColumns), y centered; both already residualized
 * on the covariates.
 */
import { coordinateDescentPath, lambdaMax, lambdaPath, type PathResult } from './coordinateDescentPath';
import { cholesky, choleskySolve } from '../math/linalg';
import { ebic, ebicGammaAuto, logClassCount, type EbicClasses } from './ebic';
import { olsRefit } from './olsRefit';
import type { PenaltySpec } from './penalty';
import { standardizeColumns } from './standardizeColumns';
import { permutation, type Rng } from '../math/rng';

export type TuneKind = 'ebic' | 'bic' | 'cv';

export interface SelectOptions {
  penalty: PenaltySpec;
  /**
   * EBIC/BIC only: further penalties whose paths' active sets are scored too; the criterion picks among
   * the refits of every set visited by any path (default none). The chosen set is reported with the
   * penalized coefficients of the path that visited it first.
   */
  extraPaths?: PenaltySpec[];
  tune: TuneKind;
  /** Size of the whole candidate universe (EBIC). */
  universe: number;
  /**
   * EBIC's model-space count per class of term (main effects, interactions; He & Chen 2016): log C(p_c, k_c)
   * summed over classes instead of log C(universe, k). Plain data (the worker pool).
   */
  ebicClasses?: EbicClasses;
  /** EBIC's log model-space count of a set of columns; overrides `ebicClasses`; default log C(universe, k). */
  logModelCount?: (cols: readonly number[]) => number;
  /**
   * Weak heredity: per column, null for a main effect, else its parents' columns (interactionParents). Each
   * active set of a path is scored, and the chosen one reported, without its interactions that have no parent in
   * the set (a hierarchical model search, as RAMP's or hierNet's weak heredity). Plain data (the worker pool).
   */
  heredity?: (number[] | null)[];
  /** EBIC gamma; 'auto' = 1 - 1/(2 log p / log n). Default 1 (measured: docs/selection.md). */
  ebicGamma?: number | 'auto';
  nLambda?: number;
  minRatio?: number;
  /** Stop the path past this many nonzero terms. Default min(d, 100). */
  dfMax?: number;
  /**
   * EBIC/BIC: end a path once its active set is this many terms larger than the best-scoring set seen on
   * it (default 15; 0 = never). Each extra term costs log n + 2 gamma log(p/k) (about 34 for n = 4,000 and
   * p = 538,728), so 15 more terms would have to explain about 12% of the variance to win.
   */
  patienceTerms?: number;
  /** Folds for 'cv' (default 5). */
  folds?: number;
  /** Needed for 'cv' without `cvErrors` (fold assignment). */
  rng?: Rng;
  /** The main path's lambdas (default: nLambda values from lambdaMax down to lambdaMax * minRatio). */
  lambdas?: Float64Array;
  /**
   * 'cv': mean held-out squared error at each of `lambdas`, computed by the caller. runSis computes it with
   * the screening redone inside each fold (honest CV). Without it, the folds split these d columns only,
   * which after a screening on the same rows keeps far too many terms (docs/selection.md).
   */
  cvErrors?: Float64Array;
  tol?: number;
  signal?: AbortSignal;
}

export interface PathScore {
  lambda: number;
  df: number;
  /** Criterion at this lambda: EBIC/BIC of the refit, or mean CV error. */
  score: number;
}

export interface Selection {
  /** Column indices of the selected terms, ascending. */
  active: Int32Array;
  /** Refitted (unpenalized) coefficients of `active`, standardized scale. */
  betaRefit: Float64Array;
  /** Penalized coefficients of `active` at the chosen lambda, standardized scale. */
  betaPenalized: Float64Array;
  lambda: number;
  lambdaIndex: number;
  scores: PathScore[];
  /** gamma used by EBIC (0 for BIC, NaN for CV). */
  gamma: number;
  /** True when the path was cut at dfMax (the criterion could not look further). */
  stoppedAtDfMax: boolean;
  /** Residual of the refitted model (used by ISIS). */
  residual: Float64Array;
  /** True when the chosen set came from one of `extraPaths` (lambda and penalized betas are that path's). */
  fromExtraPath: boolean;
}

export function selectPenalized(x: Float64Array, y: Float64Array, n: number, d: number, o: SelectOptions): Selection {
  const dfMax = o.dfMax ?? Math.min(d, 100);
  const nLambda = o.nLambda ?? 100;
  const minRatio = o.minRatio ?? (n > d ? 1e-4 : 0.01);
  const gammaEbic = o.tune === 'bic' ? 0 : o.ebicGamma === undefined ? 1 : o.ebicGamma === 'auto' ? ebicGammaAuto(o.universe, n) : o.ebicGamma;
  const patience = o.tune === 'cv' ? 0 : (o.patienceTerms ?? 15);
  /** Criterion of each distinct active set, by its column list. */
  const cache = new Map<string, number>();
  const her = o.heredity;
  /** The set without its parentless interactions (weak heredity), or the set itself. */
  const admissible = (cols: number[]): number[] => {
    if (!her) return cols;
    const inSet = new Set(cols);
    return cols.filter((j) => her[j] === null || her[j]!.some((c) => inSet.has(c)));
  };
  const fitPath = (penalty: PenaltySpec) => {
    const lmax = lambdaMax(x, y, n, d, penalty);
    const lambdas = o.lambdas && penalty === o.penalty ? o.lambdas : lambdaPath(lmax > 0 ? lmax : 1e-300, nLambda, minRatio);
    // Early end (EBIC/BIC): track the criterion of each new active set (direct refit) along the path.
    let bestScore = Infinity;
    let bestDf = 0;
    let lastKey = '';
    const stopAfter =
      patience > 0
        ? (_l: number, beta: Float64Array, df: number): boolean => {
            const all: number[] = [];
            for (let j = 0; j < d; j++) if (beta[j] !== 0) all.push(j);
            const cols = admissible(all);
            const key = cols.join(',');
            if (key !== lastKey) {
              lastKey = key;
              let s = cache.get(key);
              if (s === undefined) {
                s = score(olsRefit(x, y, n, cols).rss, cols);
                cache.set(key, s);
              }
              if (s < bestScore) {
                bestScore = s;
                bestDf = df;
              }
            }
            return df > bestDf + patience;
          }
        : undefined;
    return coordinateDescentPath(x, y, n, d, { penalty, lambdas, dfMax, tol: o.tol ?? 1e-7, signal: o.signal, stopAfter });
  };
  const classes = o.ebicClasses;
  const logCount = o.logModelCount ?? (classes ? (cols: readonly number[]) => logClassCount(classes, cols) : undefined);
  const score = (rss: number, cols: readonly number[]): number =>
    logCount
      ? n * Math.log(Math.max(rss, 1e-300) / n) + cols.length * Math.log(n) + 2 * gammaEbic * logCount(cols)
      : ebic(Math.max(rss, 1e-300), n, cols.length, o.universe, gammaEbic);
  const path = fitPath(o.penalty);
  const scores: PathScore[] = [];
  let best = 0;
  let bestPath = path;
  let gamma = NaN;
  switch (o.tune) {
    case 'ebic':
    case 'bic': {
      gamma = gammaEbic;
      let bestScore = Infinity;
      const paths = [path, ...(o.extraPaths ?? []).map(fitPath)];
      let gram: GramCache | undefined;
      const seen = new Set<string>();
      for (const p of paths) {
        for (let l = 0; l < p.nFit; l++) {
          const cols = admissible(activeOf(p.betas, l, d));
          const key = cols.join(',');
          if (seen.has(key) && p !== path) continue;
          seen.add(key);
          let s = cache.get(key);
          if (s === undefined) {
            gram ??= new GramCache(x, y, n, d, paths);
            s = score(gram.rss(cols), cols);
            cache.set(key, s);
          }
          if (p === path) scores.push({ lambda: p.lambdas[l], df: cols.length, score: s });
          // Strict improvement: among equal scores the sparser (earlier) model wins.
          if (s < bestScore - 1e-9) {
            bestScore = s;
            best = l;
            bestPath = p;
          }
        }
      }
      break;
    }
    case 'cv': {
      if (!o.cvErrors && !o.rng) throw new Error('selectPenalized: tune = cv needs an rng or cvErrors');
      if (o.cvErrors && o.cvErrors.length < path.nFit) throw new Error(`selectPenalized: cvErrors has ${o.cvErrors.length} values for ${path.nFit} lambdas`);
      const err = o.cvErrors ?? cvErrors(x, y, n, d, path.lambdas, o);
      let bestScore = Infinity;
      for (let l = 0; l < path.nFit; l++) {
        scores.push({ lambda: path.lambdas[l], df: path.df[l], score: err[l] });
        if (err[l] < bestScore) {
          bestScore = err[l];
          best = l;
        }
      }
      break;
    }
    default:
      throw new Error(`unknown tuning rule '${String(o.tune)}' (expected ebic|bic|cv)`);
  }
  const active = Int32Array.from(admissible(activeOf(bestPath.betas, best, d)));
  const fit = olsRefit(x, y, n, active);
  const betaPenalized = new Float64Array(active.length);
  for (let a = 0; a < active.length; a++) betaPenalized[a] = bestPath.betas[best * d + active[a]];
  return {
    active,
    betaRefit: fit.beta,
    betaPenalized,
    lambda: bestPath.lambdas[best],
    lambdaIndex: best,
    scores,
    gamma,
    stoppedAtDfMax: path.stoppedAtDfMax,
    residual: fit.residual,
    fromExtraPath: bestPath !== path,
  };
}

/**
 * Gram matrix of the columns that are ever active on the paths, so each refit's RSS costs O(k^3) instead of
 * O(n k^2): RSS = y.y - b.X_A^T y with b solving X_A^T X_A b = X_A^T y (a tiny ridge if singular).
 */
class GramCache {
  private readonly slot = new Map<number, number>();
  private readonly g: Float64Array;
  private readonly xy: Float64Array;
  private readonly yy: number;
  private readonly u: number;
  constructor(x: Float64Array, y: Float64Array, n: number, d: number, paths: PathResult[]) {
    const cols: number[] = [];
    for (const p of paths) for (let i = 0; i < p.nFit * d; i++) if (p.betas[i] !== 0 && !this.slot.has(i % d)) {
      this.slot.set(i % d, cols.length);
      cols.push(i % d);
    }
    const u = cols.length;
    this.u = u;
    this.g = new Float64Array(u * u);
    this.xy = new Float64Array(u);
    for (let a = 0; a < u; a++) {
      const oa = cols[a] * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += x[oa + i] * y[i];
      this.xy[a] = s;
      for (let b = 0; b <= a; b++) {
        const ob = cols[b] * n;
        let t = 0;
        for (let i = 0; i < n; i++) t += x[oa + i] * x[ob + i];
        this.g[a * u + b] = t;
        this.g[b * u + a] = t;
      }
    }
    let yy = 0;
    for (let i = 0; i < n; i++) yy += y[i] * y[i];
    this.yy = yy;
  }

  rss(cols: number[]): number {
    const k = cols.length;
    if (k === 0) return this.yy;
    const idx = cols.map((c) => this.slot.get(c) as number);
    const sub = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      rhs[a] = this.xy[idx[a]];
      for (let b = 0; b < k; b++) sub[a * k + b] = this.g[idx[a] * this.u + idx[b]];
    }
    let L = cholesky(sub, k);
    for (let ridge = 1e-10 * Math.max(1, sub[0]); !L && ridge < 1e6; ridge *= 100) {
      const r = Float64Array.from(sub);
      for (let a = 0; a < k; a++) r[a * k + a] += ridge;
      L = cholesky(r, k);
    }
    if (!L) return this.yy;
    const b = choleskySolve(L, k, rhs);
    let fit = 0;
    for (let a = 0; a < k; a++) fit += b[a] * rhs[a];
    return Math.max(this.yy - fit, 1e-12 * this.yy);
  }
}

function activeOf(betas: Float64Array, l: number, d: number): number[] {
  const cols: number[] = [];
  for (let j = 0; j < d; j++) if (betas[l * d + j] !== 0) cols.push(j);
  return cols;
}

/** Mean held-out squared error per lambda over K folds (standardization redone on each training part). */
function cvErrors(x: Float64Array, y: Float64Array, n: number, d: number, lambdas: Float64Array, o: SelectOptions): Float64Array {
  const K = Math.max(2, Math.min(o.folds ?? 5, n));
  const fold = foldOf(n, K, o.rng as Rng);
  const sse = new Float64Array(lambdas.length);
  for (let k = 0; k < K; k++) {
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === k ? te : tr).push(i);
    addFoldSse(x, y, n, d, tr, te, lambdas, o, sse);
  }
  for (let l = 0; l < lambdas.length; l++) sse[l] /= n;
  return sse;
}

/** Fold of each of n rows: a seeded permutation dealt round-robin into K folds. */
export function foldOf(n: number, K: number, rng: Rng): Int32Array {
  const perm = permutation(n, rng);
  const fold = new Int32Array(n);
  for (let i = 0; i < n; i++) fold[perm[i]] = i % K;
  return fold;
}

/**
 * One fold: fits the path at `lambdas` on the training rows `tr` of x (column-major n x d; columns
 * standardized again on tr, y centered on tr) and adds each lambda's squared error on the test rows `te`
 * to `sse`.
 */
export function addFoldSse(
  x: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  tr: readonly number[],
  te: readonly number[],
  lambdas: Float64Array,
  o: Pick<SelectOptions, 'penalty' | 'tol' | 'dfMax' | 'signal'>,
  sse: Float64Array,
): void {
  const nt = tr.length;
  const xt = new Float64Array(nt * d);
  for (let j = 0; j < d; j++) for (let a = 0; a < nt; a++) xt[j * nt + a] = x[j * n + tr[a]];
  const std = standardizeColumns(xt, nt, d);
  let ym = 0;
  for (const i of tr) ym += y[i];
  ym /= nt;
  const yt = new Float64Array(nt);
  for (let a = 0; a < nt; a++) yt[a] = y[tr[a]] - ym;
  const path = coordinateDescentPath(std.x, yt, nt, d, { penalty: o.penalty, lambdas, tol: o.tol ?? 1e-10, dfMax: 2 * (o.dfMax ?? Math.min(d, 100)), signal: o.signal });
  for (let l = 0; l < lambdas.length; l++) {
    // Past the fold's early stop, reuse its last fit.
    const lf = Math.min(l, path.nFit - 1);
    let s = 0;
    for (const i of te) {
      let pred = ym;
      for (let j = 0; j < d; j++) {
        const b = path.betas[lf * d + j];
        if (b !== 0 && std.scale[j] > 0) pred += (b * (x[j * n + i] - std.mean[j])) / std.scale[j];
      }
      s += (y[i] - pred) ** 2;
    }
    sse[l] += s;
  }
}
