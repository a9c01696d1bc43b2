/**
 * X' W X and X' W z for a row-major n x q design, the inner step of every IRLS / Newton fit here.
 * Only the upper triangle is accumulated, then mirrored (half the work for the q x q product).
 */
export function weightedCrossprod(
  X: Float64Array,
  n: number,
  q: number,
  w: Float64Array | null,
  z: Float64Array | null,
): { xtwx: Float64Array; xtwz: Float64Array } {
  const xtwx = new Float64Array(q * q);
  const xtwz = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const off = i * q;
    const zi = z ? z[i] * wi : 0;
    for (let a = 0; a < q; a++) {
      const xa = X[off + a] * wi;
      if (z) xtwz[a] += X[off + a] * zi;
      if (xa === 0) continue;
      const row = a * q;
      for (let b = a; b < q; b++) xtwx[row + b] += xa * X[off + b];
    }
  }
  for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) xtwx[a * q + b] = xtwx[b * q + a];
  return { xtwx, xtwz };
}

/** eta = X beta. */
export function linearPredictor(X: Float64Array, n: number, q: number, beta: Float64Array): Float64Array {
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * q;
    for (let a = 0; a < q; a++) s += X[off + a] * beta[a];
    eta[i] = s;
  }
  return eta;
}
