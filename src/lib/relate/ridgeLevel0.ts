/**
 * REGENIE level 0 (Mbatchou et al. 2021; regenie src/Step1_Models.cpp ridge_level_0): for one block of
 * standardized variants G (n x m) and every response Y (n x R), K-fold out-of-fold ridge predictions for a
 * grid of shrinkage values. Samples are ordered by fold, so fold k is the row range offsets[k] ..
 * offsets[k + 1] - 1. Per fold the training cross-products are G'G - G_k'G_k and G'Y - G_k'Y, and per lambda
 *   beta(lambda) = (G'G - G_k'G_k + lambda I)^-1 (G'Y - G_k'Y)   (one Cholesky factor serves every response),
 *   prediction of fold k = G_k beta.
 * Five Cholesky factors per fold cost (5/3) m^3, less than one eigendecomposition (about 9 m^3), and the
 * predictions G_k beta cost n m R L instead of the n m^2 of rotating G_k into the eigenbasis.
 */
import { addCross, addGram, choleskyInPlace, choleskySolveInPlace, product, type Column } from '../math/denseKernels';
import { createGramEngine, wasmGramAvailable, type GramEngine } from '../compute/wasmGram';

/**
 * This thread's WebAssembly Gram engine, made on first use; its memory holds the largest matrix seen (63 MB for a
 * level-0 block of 400 variants at n = 20,000, 109 MB for level 1's 1,360 Float32 predictors) until
 * releaseGramEngine.
 */
let gramEngine: GramEngine | null = null;

/** Drops this thread's Gram engine and its memory (the LOCO step calls it when it ends). */
export function releaseGramEngine(): void {
  gramEngine = null;
}

/**
 * gram[k] += the Gram matrix of g over fold k's rows, for every fold: WebAssembly SIMD where it runs (columns all
 * Float64 or all Float32), else math/denseKernels addGram.
 */
export function foldGrams(g: readonly Column[], offsets: Int32Array, gram: Float64Array[], kernel: 'wasm' | 'js' = 'wasm'): void {
  const K = offsets.length - 1;
  const f64 = g.every((c) => c instanceof Float64Array);
  if (kernel === 'wasm' && wasmGramAvailable && (f64 || g.every((c) => c instanceof Float32Array))) {
    gramEngine ??= createGramEngine();
    gramEngine.load(g as Float64Array[] | Float32Array[], offsets[K]);
    for (let k = 0; k < K; k++) gramEngine.addGram(offsets[k], offsets[k + 1] - offsets[k], gram[k]);
    return;
  }
  for (let k = 0; k < K; k++) addGram(g, offsets[k], offsets[k + 1] - offsets[k], gram[k]);
}

/** Row offsets of K folds of samples ordered by fold (length K + 1), from each fold's size. */
export function foldOffsets(sizes: ArrayLike<number>): Int32Array {
  const off = new Int32Array(sizes.length + 1);
  for (let k = 0; k < sizes.length; k++) off[k + 1] = off[k] + sizes[k];
  return off;
}

/** Training cross-products of fold k (total minus fold k), with `ridge` added to the diagonal. */
function trainingGram(total: Float64Array, fold: Float64Array, m: number, ridge: number, out: Float64Array): Float64Array {
  for (let i = 0; i < m * m; i++) out[i] = total[i] - fold[i];
  for (let i = 0; i < m; i++) out[i * m + i] += ridge;
  return out;
}

/**
 * The ridge coefficients, for one held-out fold, of every right-hand side for every shrinkage value:
 * coefficient column (c * lambdas.length + l) solves (total - fold + lambdas[l] I) beta = rhsTotal - rhsFold
 * for right-hand side c (m x q column-major inputs). Throws when a shrunk matrix is not positive definite.
 */
export function foldRidgeCoefficients(
  gramTotal: Float64Array, gramFold: Float64Array, rhsTotal: Float64Array, rhsFold: Float64Array,
  m: number, q: number, lambdas: readonly number[],
): Float64Array {
  const L = lambdas.length;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m * q);
  const coef = new Float64Array(m * q * L);
  lambdas.forEach((lambda, l) => {
    trainingGram(gramTotal, gramFold, m, lambda, a);
    if (!choleskyInPlace(a, m)) throw new Error(`ridge: training cross-products plus ${lambda} I are not positive definite`);
    for (let i = 0; i < m * q; i++) b[i] = rhsTotal[i] - rhsFold[i];
    choleskySolveInPlace(a, m, b, q);
    for (let c = 0; c < q; c++) coef.set(b.subarray(c * m, (c + 1) * m), (c * L + l) * m);
  });
  return coef;
}

/**
 * Level-0 predictions of one block: g, the m standardized variant columns (n rows, ordered by fold); y, the R
 * scaled residual responses (0 where missing). Returns out[(r * L + l) * n + i] = the out-of-fold ridge
 * prediction of response r with lambdas[l] for sample i.
 */
export function ridgeLevel0(g: readonly Column[], y: readonly Column[], offsets: Int32Array, lambdas: readonly number[], kernel: 'wasm' | 'js' = 'wasm'): Float64Array {
  const m = g.length;
  const R = y.length;
  const n = offsets[offsets.length - 1];
  const K = offsets.length - 1;
  const L = lambdas.length;
  const gram = Array.from({ length: K }, () => new Float64Array(m * m));
  const rhs = Array.from({ length: K }, () => new Float64Array(m * R));
  const gramTotal = new Float64Array(m * m);
  const rhsTotal = new Float64Array(m * R);
  foldGrams(g, offsets, gram, kernel);
  for (let k = 0; k < K; k++) {
    addCross(g, offsets[k], offsets[k + 1] - offsets[k], y, rhs[k]);
    for (let i = 0; i < m * m; i++) gramTotal[i] += gram[k][i];
    for (let i = 0; i < m * R; i++) rhsTotal[i] += rhs[k][i];
  }
  const out = new Float64Array(R * L * n);
  const outCols = Array.from({ length: R * L }, (_, c) => out.subarray(c * n, (c + 1) * n));
  for (let k = 0; k < K; k++) {
    const coef = foldRidgeCoefficients(gramTotal, gram[k], rhsTotal, rhs[k], m, R, lambdas);
    product(g, offsets[k], offsets[k + 1] - offsets[k], coef, outCols);
  }
  return out;
}
