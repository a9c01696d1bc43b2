/**
 * Leading principal components of a phenotype matrix (the PC baseline when no PC file is given): columns
 * standardized (missing cells -> column mean, i.e. 0), eigen-decomposition of the p x p correlation matrix,
 * scores Z V_k. Signs follow symmetricEigen (arbitrary; irrelevant for prediction and |association|).
 */
import { symmetricEigen } from '../math/linalg';

export function principalComponents(values: Float64Array, n: number, p: number, k: number): Float64Array {
  const Z = new Float64Array(n * p);
  for (let a = 0; a < p; a++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i * p + a];
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    const m = c > 0 ? s / c : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i * p + a];
      if (!Number.isNaN(v)) ss += (v - m) ** 2;
    }
    const sd = c > 1 ? Math.sqrt(ss / (c - 1)) : 0;
    for (let i = 0; i < n; i++) {
      const v = values[i * p + a];
      Z[i * p + a] = Number.isNaN(v) || !(sd > 0) ? 0 : (v - m) / sd;
    }
  }
  const C = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    for (let a = 0; a < p; a++) {
      const za = Z[off + a];
      if (za === 0) continue;
      for (let b = a; b < p; b++) C[a * p + b] += za * Z[off + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) C[a * p + b] = C[b * p + a];
  const { vectors } = symmetricEigen(C, p);
  const kk = Math.min(k, p);
  const S = new Float64Array(n * kk);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < kk; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += Z[i * p + a] * vectors[a * p + j];
      S[i * kk + j] = s;
    }
  }
  return S;
}
