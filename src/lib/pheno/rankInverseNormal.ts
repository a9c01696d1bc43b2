/**
 * Blom rank-based inverse normal transform through knots of the training ECDF (see Recipe.ts, 'rank-int').
 * z = Phi^-1((r - 3/8) / (n + 1/4)), r = mid-rank of x among the n training values (ties averaged).
 * With more distinct values than maxKnots, knots are spaced evenly in Blom score, so the score of any value
 * is within one step (score range / (maxKnots - 1), about 0.007 for n = 5,000 and 1,000 knots) of exact.
 */
import { normalQuantile } from '../math/dist';
import type { IntKnots } from './Recipe';

/** Default number of knots kept in a recipe per rank-int column. */
export const DEFAULT_MAX_KNOTS = 1000;

/** Knots of the observed values `x` (NaN skipped). */
export function intKnots(x: ArrayLike<number>, maxKnots = DEFAULT_MAX_KNOTS): IntKnots {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) n++;
  const s = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) s[k++] = x[i];
  s.sort();
  const values: number[] = [];
  const ranks: number[] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && s[j + 1] === s[i]) j++;
    values.push(s[i]);
    ranks.push((i + j) / 2 + 1);
    i = j + 1;
  }
  const d = values.length;
  if (d <= maxKnots || maxKnots < 3) return { n, values, ranks };
  // Knots evenly spaced in Blom score (not in rank): the tails, where the score changes fastest per rank,
  // keep more knots, and the interpolated score is never off by more than one score step.
  const lo = blomScore(ranks[0], n);
  const hi = blomScore(ranks[d - 1], n);
  const step = (hi - lo) / (maxKnots - 1);
  const kv: number[] = [values[0]];
  const kr: number[] = [ranks[0]];
  let last = lo;
  for (let i = 1; i < d - 1; i++) {
    const z = blomScore(ranks[i], n);
    if (z - last >= step) {
      kv.push(values[i]);
      kr.push(ranks[i]);
      last = z;
    }
  }
  kv.push(values[d - 1]);
  kr.push(ranks[d - 1]);
  return { n, values: kv, ranks: kr };
}

/** Mid-rank of x read off the knots (linear between knots, clamped outside). */
export function interpolateRank(knots: IntKnots, v: Float64Array | number[], x: number): number {
  const r = knots.ranks;
  const m = v.length;
  if (x <= v[0]) return r[0];
  if (x >= v[m - 1]) return r[m - 1];
  let lo = 0;
  let hi = m - 1; // v[lo] < x < v[hi] or exact hit
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (v[lo] === x) return r[lo];
  return r[lo] + ((x - v[lo]) / (v[hi] - v[lo])) * (r[hi] - r[lo]);
}

/** Blom score of rank r among n. */
export function blomScore(r: number, n: number): number {
  return normalQuantile((r - 0.375) / (n + 0.25));
}

/** Applies the transform to x (NaN stays NaN), writing into out. */
export function applyRankInverseNormal(knots: IntKnots, x: ArrayLike<number>, out: Float32Array): void {
  const v = Float64Array.from(knots.values);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    out[i] = xi === xi ? blomScore(interpolateRank(knots, v, xi), knots.n) : NaN;
  }
}
