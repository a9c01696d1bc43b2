/** The central 99% interval [lo, hi] of Binomial(n, p): P(X < lo) <= 0.005 and P(X > hi) <= 0.005. */
export function binomialQuantile99(n: number, p: number): [number, number] {
  let cdf = 0;
  let pk = Math.pow(1 - p, n);
  let lo = -1, hi = n;
  for (let k = 0; k <= n; k++) {
    cdf += pk;
    if (lo < 0 && cdf > 0.005) lo = k;
    if (cdf >= 0.995) { hi = k; break; }
    pk *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return [lo, hi];
}
