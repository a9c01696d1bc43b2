/**
 * The plain sentence the report and the CLI print for each outcome: whether the HSVs predict it at least as
 * well as the same number of PCs (cross-validated, same folds).
 *
 *   'at-least-as-well'  pooled HSV metric >= pooled PC metric
 *   'within-noise'      lower, but by less than 2 standard errors of the paired per-fold differences
 *                       (SE = SD of (HSV - PC) over folds / sqrt(K)); said as "as well as ..., within cross-validation noise"
 *   'worse'             lower by more than that: "do NOT predict as well"
 */
import type { Comparison } from './cvPredict';

export type Verdict = 'at-least-as-well' | 'within-noise' | 'worse' | 'no-comparison';

export interface VerdictResult {
  verdict: Verdict;
  sentence: string;
  /** Pooled HSV metric - pooled PC metric. */
  difference: number;
  /** SE of the mean per-fold paired difference. */
  se: number;
}

export function predictionVerdict(c: Comparison, hsvSet = 'HSV', pcSet = 'PC'): VerdictResult {
  const h = c.results.find((r) => r.set === hsvSet);
  const p = c.results.find((r) => r.set === pcSet);
  if (!h) throw new Error(`predictionVerdict: no ${hsvSet} result for ${c.outcome}`);
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'NA');
  if (!p) {
    return {
      verdict: 'no-comparison',
      sentence: `${c.outcome}: no PCs to compare with; the HSVs give cross-validated ${h.metric} ${f(h.value)} (n = ${c.n}).`,
      difference: NaN,
      se: NaN,
    };
  }
  const K = h.foldValues.length;
  const d = Array.from(h.foldValues, (v, i) => v - p.foldValues[i]);
  const md = d.reduce((s, x) => s + x, 0) / K;
  const se = Math.sqrt(d.reduce((s, x) => s + (x - md) ** 2, 0) / Math.max(1, K - 1) / K);
  const diff = h.value - p.value;
  const detail = `cross-validated ${h.metric} ${f(h.value)} from ${h.p} HSVs vs ${f(p.value)} from ${p.p} PCs, difference ${diff >= 0 ? '+' : ''}${diff.toFixed(4)} (paired fold SE ${se.toFixed(4)}), n = ${c.n}, ${K} folds`;
  if (!Number.isFinite(h.value) || !Number.isFinite(p.value)) {
    return { verdict: 'no-comparison', sentence: `${c.outcome}: the comparison could not be made (${detail}).`, difference: diff, se };
  }
  if (diff >= 0) {
    return { verdict: 'at-least-as-well', sentence: `${c.outcome}: the HSVs predict at least as well as the same number of PCs (${detail}).`, difference: diff, se };
  }
  if (-diff <= 2 * se) {
    return {
      verdict: 'within-noise',
      sentence: `${c.outcome}: the HSVs predict as well as the same number of PCs within cross-validation noise, slightly lower (${detail}).`,
      difference: diff,
      se,
    };
  }
  return { verdict: 'worse', sentence: `${c.outcome}: the HSVs do NOT predict as well as the same number of PCs (${detail}).`, difference: diff, se };
}
