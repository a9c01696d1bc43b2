/**
 * Small dense-vector steps of the selection: dot products, an orthonormal basis by modified Gram-Schmidt,
 * and projecting a vector off a span (featureMatrix's interaction columns, describeResponse's partial
 * correlations).
 */

/** a . b over a's length. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Orthonormal basis of the span of `vs` (modified Gram-Schmidt, twice; null directions dropped). */
export function orthonormal(vs: readonly ArrayLike<number>[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of vs) {
    const v = Float64Array.from(c);
    const n0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        const t = dot(q, v);
        for (let i = 0; i < v.length; i++) v[i] -= t * q[i];
      }
    }
    const nv = Math.sqrt(dot(v, v));
    if (nv > 1e-10 * n0 && nv > 0) out.push(v.map((x) => x / nv));
  }
  return out;
}

/** v minus its least-squares projection on the span of `on` (v is modified and returned). */
export function projectOut(v: Float64Array, on: readonly ArrayLike<number>[]): Float64Array {
  for (const q of orthonormal(on)) {
    const t = dot(q, v);
    for (let i = 0; i < v.length; i++) v[i] -= t * q[i];
  }
  return v;
}
