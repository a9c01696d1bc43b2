/**
 * Information criteria for a linear model with k selected terms out of a candidate universe of p terms
 * (Chen & Chen 2008): EBIC = n log(RSS / n) + k log n + 2 gamma log C(p, k); BIC is gamma = 0.
 * p must count every candidate the selection could have chosen (all SNPs, E, SNPxE, SNPxSNP terms), not
 * only those kept by screening: counting only the screened terms under-penalizes (measured: DESIGN.md 3).
 *
 * With interactions, the model space is counted per class of term (He & Chen 2016, "The EBIC and a sequential
 * procedure for feature selection in interactive linear models with high-dimensional data", Ann. Inst. Stat.
 * Math. 68: 155-180): 2 gamma [log C(p_main, k_main) + log C(p_int, k_int)], main effects (SNP, E) counted
 * against the main-effect universe and interactions (SNPxE, SNPxSNP) against theirs. Pooling both classes in
 * one C(p, k) lets the ~50 x more numerous SNPxSNP candidates set the bar of every SNP main effect too.
 */

/** log of the binomial coefficient C(p, k), exact summation (k is small). */
export function logChoose(p: number, k: number): number {
  if (k < 0 || k > p) return -Infinity;
  const kk = Math.min(k, p - k);
  let s = 0;
  for (let i = 0; i < kk; i++) s += Math.log((p - i) / (i + 1));
  return s;
}

/** gamma = 1 - 1 / (2 kappa), kappa = log p / log n (Chen & Chen), clamped to [0, 1]. */
export function ebicGammaAuto(p: number, n: number): number {
  const kappa = Math.log(p) / Math.log(n);
  if (!(kappa > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - 1 / (2 * kappa)));
}

export function ebic(rss: number, n: number, k: number, p: number, gamma: number): number {
  return n * Math.log(rss / n) + k * Math.log(n) + 2 * gamma * logChoose(p, k);
}

/** Term classes of the per-class prior: each column's class and each class's universe size. */
export interface EbicClasses {
  /** Per column of the screened design: index into `universe`. */
  classOf: Uint8Array;
  /** Candidate universe size of each class (e.g. [SNPs + E, SNPxE + SNPxSNP]). */
  universe: number[];
}

/** sum over classes of log C(universe_c, k_c) for a set of columns (He & Chen 2016). */
export function logClassCount(c: EbicClasses, cols: readonly number[]): number {
  const k = new Array<number>(c.universe.length).fill(0);
  for (const j of cols) k[c.classOf[j]]++;
  let s = 0;
  for (let i = 0; i < k.length; i++) s += logChoose(c.universe[i], k[i]);
  return s;
}
