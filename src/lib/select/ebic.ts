/**
 * Information criteria for a linear model with k selected terms out of a candidate universe of p terms
 * (Chen & Chen 2008): EBIC = n log(RSS / n) + k log n + 2 gamma log C(p, k); BIC is gamma = 0.
 * p must count every candidate the selection could have chosen (all SNPs, E, SNPxE, SNPxSNP terms), not
 * only those kept by screening: counting only the screened terms under-penalizes (measured: DESIGN.md 3).
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
