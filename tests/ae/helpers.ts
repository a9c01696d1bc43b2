/** Test helpers for tests/ae: tfjs backend setup in Node and small generated data sets. */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRng } from '../../src/lib/math/rng';
import type { PreparedMatrix } from '../../src/lib/pheno/PreparedMatrix';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') setWasmPaths(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend ${name} failed to initialize`);
  await tf.ready();
}

/**
 * n x p data of rank `rank` plus Gaussian noise (sd `noise`), columns standardized over observed cells,
 * a fraction `missing` of cells masked (value 0), returned with the complete standardized data too.
 */
export function lowRankMatrix(n: number, p: number, rank: number, noise: number, missing: number, seed: number): { matrix: PreparedMatrix; complete: Float64Array } {
  const rng = createRng(seed);
  const F = new Float64Array(n * rank);
  for (let i = 0; i < F.length; i++) F[i] = rng.normal();
  const L = new Float64Array(rank * p);
  for (let i = 0; i < L.length; i++) L[i] = rng.normal() * (1 + (i % rank));
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) {
    let v = 0;
    for (let r = 0; r < rank; r++) v += F[i * rank + r] * L[r * p + j];
    X[i * p + j] = v + noise * rng.normal();
  }
  standardize(X, n, p);
  const mask = new Uint8Array(n * p);
  const values = new Float32Array(n * p);
  for (let c = 0; c < n * p; c++) {
    mask[c] = rng.next() < missing ? 0 : 1;
    values[c] = mask[c] ? X[c] : 0;
  }
  return { matrix: prepared(values, mask, n, p), complete: X };
}

export function prepared(values: Float32Array, mask: Uint8Array, n: number, p: number, columns?: string[]): PreparedMatrix {
  return {
    ids: Array.from({ length: n }, (_, i) => `id${i + 1}`),
    fid: null,
    columns: columns ?? Array.from({ length: p }, (_, j) => `ph${j + 1}`),
    binary: new Uint8Array(p),
    n,
    p,
    values,
    mask,
  };
}

export function standardize(X: Float64Array, n: number, p: number): void {
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[i * p + j];
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X[i * p + j] - m) ** 2;
    const sd = Math.sqrt(v / (n - 1)) || 1;
    for (let i = 0; i < n; i++) X[i * p + j] = (X[i * p + j] - m) / sd;
  }
}

/** Orthonormal basis (n x c) of the centered columns of A (n x c), by modified Gram-Schmidt. */
export function orthoBasis(A: ArrayLike<number>, n: number, c: number): Float64Array {
  const Q = new Float64Array(n * c);
  for (let j = 0; j < c; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += A[i * c + j];
    m /= n;
    for (let i = 0; i < n; i++) Q[i * c + j] = A[i * c + j] - m;
  }
  for (let pass = 0; pass < 2; pass++) for (let j = 0; j < c; j++) {
    for (let d = 0; d < j; d++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += Q[i * c + j] * Q[i * c + d];
      for (let i = 0; i < n; i++) Q[i * c + j] -= dot * Q[i * c + d];
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += Q[i * c + j] ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < n; i++) Q[i * c + j] /= nrm;
  }
  return Q;
}

/** Largest principal angle (radians) between the column spans of A (n x a) and B (n x b), a <= b. */
export function largestPrincipalAngle(A: ArrayLike<number>, a: number, B: ArrayLike<number>, b: number, n: number, svd: (m: Float64Array, r: number, c: number) => { s: Float64Array }): number {
  const Qa = orthoBasis(A, n, a);
  const Qb = orthoBasis(B, n, b);
  const M = new Float64Array(b * a);
  for (let i = 0; i < n; i++) for (let x = 0; x < b; x++) for (let y = 0; y < a; y++) M[x * a + y] += Qb[i * b + x] * Qa[i * a + y];
  const { s } = svd(M, b, a);
  const minS = Math.min(...Array.from(s));
  return Math.acos(Math.min(1, minS));
}

/** R^2 of regressing y (length n) on the columns of Z (n x k) with an intercept. */
export function rSquared(y: ArrayLike<number>, Z: ArrayLike<number>, n: number, k: number): number {
  const Q = orthoBasis(Z, n, k);
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i];
  my /= n;
  let tss = 0;
  for (let i = 0; i < n; i++) tss += (y[i] - my) ** 2;
  let ess = 0;
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += (y[i] - my) * Q[i * k + c];
    ess += dot * dot;
  }
  return ess / tss;
}

export function corr(a: ArrayLike<number>, b: ArrayLike<number>, n: number, strideA = 1, offA = 0, strideB = 1, offB = 0): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i * strideA + offA]; mb += b[i * strideB + offB]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i * strideA + offA] - ma, y = b[i * strideB + offB] - mb;
    sab += x * y; saa += x * x; sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}
