/**
 * The plain sentence the report and the CLI print for each outcome: whether the HSVs predict it at least as
 * well as the same number of PCs (cross-validated, same folds; a point comparison of the pooled metric, with
 * the spread over folds given for scale).
 */
import type { Comparison } from './cvPredict';

export function predictionVerdict(c: Comparison, hsvSet = 'HSV', pcSet = 'PC'): string {
  const h = c.results.find((r) => r.set === hsvSet);
  const p = c.results.find((r) => r.set === pcSet);
  if (!h) throw new Error(`predictionVerdict: no ${hsvSet} result for ${c.outcome}`);
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'NA');
  if (!p) return `${c.outcome}: no PCs to compare with; HSVs give cross-validated ${h.metric} ${f(h.value)} (n = ${c.n}).`;
  const sd = (v: Float64Array) => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1));
  };
  const detail = `cross-validated ${h.metric} ${f(h.value)} from ${h.p} HSVs vs ${f(p.value)} from ${p.p} PCs, n = ${c.n}, ${h.foldValues.length} folds; fold SD ${f(sd(h.foldValues))} / ${f(sd(p.foldValues))}`;
  if (!Number.isFinite(h.value) || !Number.isFinite(p.value)) return `${c.outcome}: the comparison could not be made (${detail}).`;
  return h.value >= p.value
    ? `${c.outcome}: the HSVs predict at least as well as the same number of PCs (${detail}).`
    : `${c.outcome}: the HSVs do NOT predict as well as the same number of PCs (${detail}).`;
}
