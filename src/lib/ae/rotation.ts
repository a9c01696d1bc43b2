/**
 * Rotation of a loading matrix to simple structure: varimax (orthogonal), promax (oblique) and direct
 * quartimin / oblimin (oblique, gradient projection), plus a sign/order normalization.
 *
 * varimax and promax are line-by-line ports of R's stats::varimax and stats::promax (R 4.x), including the
 * stopping rule, so that results agree with R to rounding (tests/ae/rotation.test.ts compares at 1e-6):
 *
 *   varimax(x, normalize = TRUE, eps = 1e-5):
 *     x <- x / sc  (sc = row norms, Kaiser normalization)
 *     TT <- I; d <- 0
 *     for i in 1..1000: z <- x TT; B <- t(x) (z^3 - z diag(colSums(z^2)) / p); TT <- u vt (svd of B);
 *                        dpast <- d; d <- sum(singular values); if d < dpast (1 + eps) break
 *     loadings <- (x TT) * sc; rotmat <- TT
 *   promax(x, m = 4):
 *     v <- varimax(x); x <- v$loadings; Q <- x |x|^(m-1); U <- lm.fit(x, Q)$coefficients
 *     d <- diag(solve(t(U) U)); U <- U diag(sqrt(d)); loadings <- x U; rotmat <- v$rotmat U
 *
 * In both, loadings_rot = loadings %*% rotation. All matrices are Float64Array, row-major. Codes (scores)
 * that go with the loadings rotate with `codeRotation(rotation)` = t(rotation)^-1 (equal to `rotation` for an
 * orthogonal rotation), which keeps codes %*% t(loadings) unchanged: the autoencoder reconstructs exactly the
 * same after the rotation is folded into its layers.
 *
 * Deviation from R, documented: a loading row that is all zero has Kaiser scale 0 and makes R's normalized
 * varimax (and so promax) return NaN; here such a row stays zero and is left out of the criterion, so the
 * rotation equals R's on the matrix without that row (tested).
 */
import { invert, svd, transpose } from '../math/linalg';

export interface RotationResult {
  /** p x k rotated loadings, row-major. */
  loadings: Float64Array;
  /** k x k rotation matrix T, row-major: loadings_rot = loadings %*% T. */
  rotation: Float64Array;
}

export interface VarimaxOptions {
  /** Kaiser normalization of rows before rotating (R default true). */
  normalize?: boolean;
  /** Relative convergence tolerance on the criterion (R default 1e-5). */
  eps?: number;
  /** Iteration cap (R uses 1000). */
  maxIter?: number;
}

export interface PromaxOptions {
  /** Power of the target (R default 4). */
  m?: number;
}

export interface ObliminOptions {
  /** Oblimin gamma: 0 = direct quartimin (default). */
  gamma?: number;
  /** Convergence tolerance on the projected gradient norm (GPArotation default 1e-5). */
  eps?: number;
  maxIter?: number;
  /** Kaiser normalization of rows (default false, as GPArotation). */
  normalize?: boolean;
}

export type RotationMethod = 'none' | 'varimax' | 'promax' | 'oblimin';

/** Rotate by name; 'none' returns a copy of the loadings and the identity. */
export function rotate(
  method: RotationMethod,
  loadings: Float64Array,
  p: number,
  k: number,
): RotationResult {
  switch (method) {
    case 'none':
      return { loadings: Float64Array.from(loadings), rotation: identity(k) };
    case 'varimax':
      return varimax(loadings, p, k);
    case 'promax':
      return promax(loadings, p, k);
    case 'oblimin':
      return oblimin(loadings, p, k);
    default:
      throw new Error(`unknown rotation method: ${String(method)}`);
  }
}

function checkShape(loadings: Float64Array, p: number, k: number): void {
  if (!Number.isInteger(p) || !Number.isInteger(k) || p < 1 || k < 1 || loadings.length !== p * k) {
    throw new Error(`rotation: loadings length ${loadings.length} does not match p x k = ${p} x ${k}`);
  }
}

/** R's stats::varimax. */
export function varimax(
  loadings: Float64Array,
  p: number,
  k: number,
  opts: VarimaxOptions = {},
): RotationResult {
  checkShape(loadings, p, k);
  const normalize = opts.normalize ?? true;
  const eps = opts.eps ?? 1e-5;
  const maxIter = opts.maxIter ?? 1000;
  if (k < 2) return { loadings: Float64Array.from(loadings), rotation: identity(k) };
  const x = Float64Array.from(loadings);
  const sc = new Float64Array(p).fill(1);
  // rows counted in the criterion's 1/p: with Kaiser normalization an all-zero row (NaN in R) is left out,
  // so the result equals R's on the matrix without that row
  let pEff = p;
  if (normalize) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += x[i * k + j] * x[i * k + j];
      sc[i] = Math.sqrt(s);
      if (sc[i] > 0) for (let j = 0; j < k; j++) x[i * k + j] /= sc[i];
      else pEff--;
    }
    if (pEff === 0) return { loadings: Float64Array.from(loadings), rotation: identity(k) };
  }
  let TT = identity(k);
  let d = 0;
  const z = new Float64Array(p * k);
  const colSq = new Float64Array(k);
  const w = new Float64Array(p * k);
  const B = new Float64Array(k * k);
  for (let it = 0; it < maxIter; it++) {
    mulInto(x, TT, p, k, k, z);
    colSq.fill(0);
    for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) colSq[j] += z[i * k + j] * z[i * k + j];
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < k; j++) {
        const v = z[i * k + j];
        w[i * k + j] = v * v * v - (v * colSq[j]) / pEff;
      }
    }
    // B = t(x) w
    B.fill(0);
    for (let i = 0; i < p; i++) {
      for (let a = 0; a < k; a++) {
        const xa = x[i * k + a];
        if (xa === 0) continue;
        for (let b = 0; b < k; b++) B[a * k + b] += xa * w[i * k + b];
      }
    }
    const { u, s, v } = svd(B, k, k);
    // TT = u %*% t(v)
    TT = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let acc = 0;
        for (let c = 0; c < k; c++) acc += u[a * k + c] * v[b * k + c];
        TT[a * k + b] = acc;
      }
    }
    const dpast = d;
    d = 0;
    for (let c = 0; c < k; c++) d += s[c];
    if (d < dpast * (1 + eps)) break;
  }
  const out = new Float64Array(p * k);
  mulInto(x, TT, p, k, k, out);
  if (normalize) for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) out[i * k + j] *= sc[i];
  return { loadings: out, rotation: TT };
}

/** R's stats::promax: varimax, then a least-squares fit to the target x |x|^(m-1), columns rescaled. */
export function promax(loadings: Float64Array, p: number, k: number, opts: PromaxOptions = {}): RotationResult {
  checkShape(loadings, p, k);
  const m = opts.m ?? 4;
  if (k < 2) return { loadings: Float64Array.from(loadings), rotation: identity(k) };
  const vx = varimax(loadings, p, k);
  const x = vx.loadings;
  const Q = new Float64Array(p * k);
  for (let i = 0; i < p * k; i++) Q[i] = x[i] * Math.pow(Math.abs(x[i]), m - 1);
  const U = leastSquares(x, Q, p, k, k);
  // d = diag(solve(t(U) U)); U = U diag(sqrt(d))
  const UtU = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let acc = 0;
      for (let i = 0; i < k; i++) acc += U[i * k + a] * U[i * k + b];
      UtU[a * k + b] = acc;
    }
  }
  const inv = invert(UtU, k);
  if (!inv) throw new Error('promax: the fitted transformation is singular');
  for (let j = 0; j < k; j++) {
    const sd = Math.sqrt(inv[j * k + j]);
    for (let i = 0; i < k; i++) U[i * k + j] *= sd;
  }
  const z = new Float64Array(p * k);
  mulInto(x, U, p, k, k, z);
  const rot = new Float64Array(k * k);
  mulInto(vx.rotation, U, k, k, k, rot);
  return { loadings: z, rotation: rot };
}

/**
 * Oblimin by gradient projection (Jennrich 2002; the algorithm of GPArotation::GPFoblq with
 * oblimin gamma, default 0 = direct quartimin). Returns pattern loadings L (T')^-1 and T as
 * `rotation` = (T')^-1 so that, as for the other methods, loadings_rot = loadings %*% rotation.
 * Not compared against R here (GPArotation is not installed); tested for a decreasing criterion,
 * a stationary point and unit-length factor columns of T.
 */
export function oblimin(loadings: Float64Array, p: number, k: number, opts: ObliminOptions = {}): RotationResult {
  checkShape(loadings, p, k);
  if (k < 2) return { loadings: Float64Array.from(loadings), rotation: identity(k) };
  const gamma = opts.gamma ?? 0;
  const eps = opts.eps ?? 1e-5;
  const maxIter = opts.maxIter ?? 1000;
  const A = Float64Array.from(loadings);
  const sc = new Float64Array(p).fill(1);
  if (opts.normalize) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += A[i * k + j] * A[i * k + j];
      sc[i] = Math.sqrt(s);
      if (sc[i] > 0) for (let j = 0; j < k; j++) A[i * k + j] /= sc[i];
    }
  }
  // criterion f(L) = 1/4 sum (L^2)' (I - gamma/p 11') L^2 N, N = 11' - I; gradient Gq = L * ((I - gamma C) L^2 N)
  const criterion = (L: Float64Array, Gq: Float64Array | null): number => {
    const L2 = new Float64Array(p * k);
    for (let i = 0; i < p * k; i++) L2[i] = L[i] * L[i];
    if (gamma !== 0) {
      const cm = new Float64Array(k);
      for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) cm[j] += L2[i * k + j];
      for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) L2[i * k + j] -= (gamma * cm[j]) / p;
    }
    let f = 0;
    for (let i = 0; i < p; i++) {
      let rs = 0;
      for (let j = 0; j < k; j++) rs += L2[i * k + j];
      for (let j = 0; j < k; j++) {
        const x = rs - L2[i * k + j]; // (X N)[i, j]
        f += L[i * k + j] * L[i * k + j] * x;
        if (Gq) Gq[i * k + j] = L[i * k + j] * x;
      }
    }
    return f / 4;
  };
  let T = identity(k);
  const loadOf = (Tm: Float64Array): Float64Array | null => {
    const inv = invert(Tm, k);
    if (!inv) return null;
    const TiT = transpose(inv, k, k); // (T')^-1 = (T^-1)'
    const L = new Float64Array(p * k);
    mulInto(A, TiT, p, k, k, L);
    return L;
  };
  let L = loadOf(T) as Float64Array;
  const Gq = new Float64Array(p * k);
  let f = criterion(L, Gq);
  // G = -t(t(L) Gq T^-1)
  const gradient = (Lm: Float64Array, Gqm: Float64Array, Tm: Float64Array): Float64Array => {
    const inv = invert(Tm, k) as Float64Array;
    const LtG = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let acc = 0;
        for (let i = 0; i < p; i++) acc += Lm[i * k + a] * Gqm[i * k + b];
        LtG[a * k + b] = acc;
      }
    const M = new Float64Array(k * k);
    mulInto(LtG, inv, k, k, k, M);
    return transpose(M, k, k).map((v) => -v);
  };
  let G = gradient(L, Gq, T);
  let al = 1;
  for (let iter = 0; iter <= maxIter; iter++) {
    // Gp = G - T diag(colSums(T * G))
    const cs = new Float64Array(k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cs[j] += T[i * k + j] * G[i * k + j];
    const Gp = new Float64Array(k * k);
    let sNorm = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        Gp[i * k + j] = G[i * k + j] - T[i * k + j] * cs[j];
        sNorm += Gp[i * k + j] * Gp[i * k + j];
      }
    sNorm = Math.sqrt(sNorm);
    if (sNorm < eps) break;
    al *= 2;
    // as GPFoblq: halve the step up to 10 times until the Armijo condition holds; take the last step anyway
    let X = T;
    let Lt: Float64Array | null = null;
    let ft = f;
    const Gqt = new Float64Array(p * k);
    for (let inner = 0; inner <= 10; inner++) {
      X = new Float64Array(k * k);
      for (let i = 0; i < k * k; i++) X[i] = T[i] - al * Gp[i];
      const v = new Float64Array(k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) v[j] += X[i * k + j] * X[i * k + j];
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) X[i * k + j] /= Math.sqrt(v[j]);
      Lt = loadOf(X);
      if (Lt) {
        ft = criterion(Lt, Gqt);
        if (f - ft > 0.5 * sNorm * sNorm * al) break;
      }
      al /= 2;
    }
    if (!Lt) break; // every trial step was singular: stop at the current T
    T = X;
    L = Lt;
    f = ft;
    Gq.set(Gqt);
    G = gradient(L, Gq, T);
  }
  if (opts.normalize) for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) L[i * k + j] *= sc[i];
  const inv = invert(T, k) as Float64Array;
  return { loadings: L, rotation: transpose(inv, k, k) };
}

export interface NormalizedRotation {
  /** p x k loadings after reordering and sign flips. */
  loadings: Float64Array;
  /** k x k signed permutation P: loadings_out = loadings_in %*% P (apply the same to the codes). */
  permutation: Float64Array;
  /** order[j] = input factor placed at output position j. */
  order: Int32Array;
  /** signs[j] = +1 or -1 applied to output factor j. */
  signs: Float64Array;
  /** Sum of squared loadings of each output factor (descending). */
  variance: Float64Array;
}

/**
 * Orders factors by variance explained (sum of squared loadings, descending; ties keep input order) and
 * flips signs so that the largest |loading| of each factor is positive. P is a signed permutation, so it is
 * orthogonal and codes rotate by the same P (codeRotation(P) = P).
 */
export function normalizeRotation(loadings: Float64Array, p: number, k: number): NormalizedRotation {
  checkShape(loadings, p, k);
  const variance = new Float64Array(k);
  for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) variance[j] += loadings[i * k + j] ** 2;
  const idx = Array.from({ length: k }, (_, j) => j);
  idx.sort((a, b) => variance[b] - variance[a] || a - b);
  const order = Int32Array.from(idx);
  const signs = new Float64Array(k);
  const P = new Float64Array(k * k);
  const out = new Float64Array(p * k);
  const varOut = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const src = order[j];
    let best = 0;
    for (let i = 0; i < p; i++) {
      const v = loadings[i * k + src];
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    const sg = best < 0 ? -1 : 1;
    signs[j] = sg;
    P[src * k + j] = sg;
    varOut[j] = variance[src];
    for (let i = 0; i < p; i++) out[i * k + j] = sg * loadings[i * k + src];
  }
  return { loadings: out, permutation: P, order, signs, variance: varOut };
}

/**
 * The matrix that rotates the codes (n x k scores) to go with loadings rotated by `rotation`:
 * t(rotation)^-1, so codes_rot %*% t(loadings_rot) = codes %*% t(loadings). Equal to `rotation` when it is
 * orthogonal (varimax, signed permutations). Throws if the rotation is singular.
 */
export function codeRotation(rotation: Float64Array, k: number): Float64Array {
  const inv = invert(rotation, k);
  if (!inv) throw new Error('codeRotation: rotation matrix is singular');
  return transpose(inv, k, k);
}

/** k x k matrix product helper for callers: a %*% b. */
export function composeRotations(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  mulInto(a, b, k, k, k, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Small dense helpers (k x k, k is the number of HSVs, typically <= 64). Kept local: they run on tiny
// matrices and the rotation must not depend on anything beyond this file.

function identity(k: number): Float64Array {
  const I = new Float64Array(k * k);
  for (let i = 0; i < k; i++) I[i * k + i] = 1;
  return I;
}

/** out = a (m x r) %*% b (r x n). */
function mulInto(a: Float64Array, b: Float64Array, m: number, r: number, n: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let c = 0; c < r; c++) acc += a[i * r + c] * b[c * n + j];
      out[i * n + j] = acc;
    }
  }
}

/**
 * Least squares coefficients of Y (p x q) on X (p x k), as lm.fit: Householder QR of X (no column pivoting
 * needed for a full-rank loading matrix), returns k x q.
 */
function leastSquares(X: Float64Array, Y: Float64Array, p: number, k: number, q: number): Float64Array {
  if (p < k) throw new Error(`promax: need at least as many rows (${p}) as factors (${k})`);
  const R = Float64Array.from(X);
  const QtY = Float64Array.from(Y);
  for (let c = 0; c < k; c++) {
    let nrm = 0;
    for (let r = c; r < p; r++) nrm += R[r * k + c] * R[r * k + c];
    nrm = Math.sqrt(nrm);
    if (nrm === 0) throw new Error('promax: loading matrix is rank deficient');
    const alpha = R[c * k + c] > 0 ? -nrm : nrm;
    // v = x - alpha e1
    const v = new Float64Array(p - c);
    for (let r = c; r < p; r++) v[r - c] = R[r * k + c];
    v[0] -= alpha;
    let vv = 0;
    for (let r = 0; r < v.length; r++) vv += v[r] * v[r];
    if (vv === 0) continue;
    const apply = (M: Float64Array, ncol: number, from: number) => {
      for (let j = from; j < ncol; j++) {
        let dot = 0;
        for (let r = c; r < p; r++) dot += v[r - c] * M[r * ncol + j];
        const f = (2 * dot) / vv;
        for (let r = c; r < p; r++) M[r * ncol + j] -= f * v[r - c];
      }
    };
    apply(R, k, c);
    apply(QtY, q, 0);
  }
  const B = new Float64Array(k * q);
  for (let j = 0; j < q; j++) {
    for (let r = k - 1; r >= 0; r--) {
      let acc = QtY[r * q + j];
      for (let c = r + 1; c < k; c++) acc -= R[r * k + c] * B[c * q + j];
      B[r * q + j] = acc / R[r * k + r];
    }
  }
  return B;
}
