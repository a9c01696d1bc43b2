/**
 * Register-blocked dense kernels for the ridge steps (src/lib/relate): cross-products of column-major
 * matrices over a contiguous range of rows, products with a small coefficient matrix, and an in-place
 * Cholesky factorization with multi-right-hand-side solves. 4 x 4 tiles keep 16 sums in registers and load 8
 * values per 16 multiply-adds; measured 2.3 G multiply-adds/s on one core of the dev machine for a
 * 4,000 x 400 Gram matrix, 2.5x the plain dot-product loop (docs/relatedness.md).
 *
 * Layout: a matrix is an array of columns (typed arrays, often views of one buffer); the kernels read rows
 * off .. off + rows - 1 of every column. Sums are Float64 whatever the column type.
 */
export type Column = Float64Array | Float32Array;

/** acc (m x m, symmetric) += X'X over rows off .. off + rows - 1 of the m columns x. */
export function addGram(x: readonly Column[], off: number, rows: number, acc: Float64Array): void {
  const m = x.length;
  const end = off + rows;
  let a0 = 0;
  for (; a0 + 4 <= m; a0 += 4) {
    const x0c = x[a0], x1c = x[a0 + 1], x2c = x[a0 + 2], x3c = x[a0 + 3];
    for (let b0 = 0; b0 <= a0; b0 += 4) {
      const y0c = x[b0], y1c = x[b0 + 1], y2c = x[b0 + 2], y3c = x[b0 + 3];
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = off; t < end; t++) {
        const x0 = x0c[t], x1 = x1c[t], x2 = x2c[t], x3 = x3c[t];
        const y0 = y0c[t], y1 = y1c[t], y2 = y2c[t], y3 = y3c[t];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const s = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const a = a0 + i, b = b0 + j;
          if (b > a) continue;
          acc[a * m + b] += s[i * 4 + j];
          if (a !== b) acc[b * m + a] += s[i * 4 + j];
        }
      }
    }
  }
  // The last rows of the Gram matrix (fewer than 4): plain dot products against every column b <= a.
  for (let a = a0; a < m; a++) {
    const xa = x[a];
    for (let b = 0; b <= a; b++) {
      const xb = x[b];
      let s = 0;
      for (let t = off; t < end; t++) s += xa[t] * xb[t];
      acc[a * m + b] += s;
      if (a !== b) acc[b * m + a] += s;
    }
  }
}

/** acc (m x q, column-major: (j, c) at c * m + j) += X'Y over rows off .. off + rows - 1 of x and y. */
export function addCross(x: readonly Column[], off: number, rows: number, y: readonly Column[], acc: Float64Array): void {
  const m = x.length;
  const end = off + rows;
  y.forEach((yc, c) => {
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const x0c = x[j], x1c = x[j + 1], x2c = x[j + 2], x3c = x[j + 3];
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = off; t < end; t++) {
        const v = yc[t];
        s0 += x0c[t] * v; s1 += x1c[t] * v; s2 += x2c[t] * v; s3 += x3c[t] * v;
      }
      acc[c * m + j] += s0; acc[c * m + j + 1] += s1; acc[c * m + j + 2] += s2; acc[c * m + j + 3] += s3;
    }
    for (; j < m; j++) {
      const xj = x[j];
      let s = 0;
      for (let t = off; t < end; t++) s += xj[t] * yc[t];
      acc[c * m + j] += s;
    }
  });
}

/**
 * out[c][t] = (X B)(t, c) for rows t = off .. off + rows - 1 of the m columns x; b is m x q column-major
 * ((j, c) at c * m + j), out has q columns. Four output columns at a time, four columns of x per sweep over the
 * rows (16 multiply-adds per 4 loads of x and 4 of the sums); each output sums its terms in the same order as a
 * column at a time would, four j a step.
 */
export function product(x: readonly Column[], off: number, rows: number, b: Float64Array, out: readonly Column[]): void {
  const m = x.length;
  const q = out.length;
  const acc = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const [a0, a1, a2, a3] = acc;
  // coefficient (j, c0 + k), 0 past the last output column
  const coef = (j: number, c: number) => (c < q ? b[c * m + j] : 0);
  for (let c0 = 0; c0 < q; c0 += 4) {
    for (const a of acc) a.fill(0);
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const b00 = coef(j, c0), b01 = coef(j + 1, c0), b02 = coef(j + 2, c0), b03 = coef(j + 3, c0);
      const b10 = coef(j, c0 + 1), b11 = coef(j + 1, c0 + 1), b12 = coef(j + 2, c0 + 1), b13 = coef(j + 3, c0 + 1);
      const b20 = coef(j, c0 + 2), b21 = coef(j + 1, c0 + 2), b22 = coef(j + 2, c0 + 2), b23 = coef(j + 3, c0 + 2);
      const b30 = coef(j, c0 + 3), b31 = coef(j + 1, c0 + 3), b32 = coef(j + 2, c0 + 3), b33 = coef(j + 3, c0 + 3);
      const x0c = x[j], x1c = x[j + 1], x2c = x[j + 2], x3c = x[j + 3];
      for (let t = 0; t < rows; t++) {
        const v0 = x0c[off + t], v1 = x1c[off + t], v2 = x2c[off + t], v3 = x3c[off + t];
        a0[t] += v0 * b00 + v1 * b01 + v2 * b02 + v3 * b03;
        a1[t] += v0 * b10 + v1 * b11 + v2 * b12 + v3 * b13;
        a2[t] += v0 * b20 + v1 * b21 + v2 * b22 + v3 * b23;
        a3[t] += v0 * b30 + v1 * b31 + v2 * b32 + v3 * b33;
      }
    }
    for (; j < m; j++) {
      const xj = x[j];
      for (let k = 0; k < 4 && c0 + k < q; k++) {
        const bj = b[(c0 + k) * m + j];
        const a = acc[k];
        for (let t = 0; t < rows; t++) a[t] += xj[off + t] * bj;
      }
    }
    for (let k = 0; k < 4 && c0 + k < q; k++) {
      const oc = out[c0 + k], a = acc[k];
      for (let t = 0; t < rows; t++) oc[off + t] = a[t];
    }
  }
}

/** The m columns of a column-major matrix with leading dimension ld, as views. */
export function columns<T extends Column>(data: T, ld: number, m: number): T[] {
  return Array.from({ length: m }, (_, j) => data.subarray(j * ld, (j + 1) * ld) as T);
}

/**
 * Overwrites the lower triangle of the symmetric n x n row-major matrix a with its Cholesky factor L
 * (a = L L'); false when a is not positive definite. Left-looking by panels of 4 columns: the update of a
 * panel by all earlier columns runs in 4 x 4 register tiles (rows of L are contiguous), then the panel is
 * factored on its own. Measured 2x the one-column-at-a-time loop at n = 1,360.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j0 = 0; j0 < n; j0 += 4) {
    const jb = Math.min(4, n - j0);
    if (j0 > 0) for (let i0 = j0; i0 < n; i0 += 4) panelUpdate(a, n, i0, Math.min(4, n - i0), j0, jb);
    for (let j = j0; j < j0 + jb; j++) {
      const pj = j * n;
      let d = a[pj + j];
      for (let k = j0; k < j; k++) d -= a[pj + k] * a[pj + k];
      if (!(d > 0)) return false;
      const ljj = Math.sqrt(d);
      a[pj + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        const pi = i * n;
        let s = a[pi + j];
        for (let k = j0; k < j; k++) s -= a[pi + k] * a[pj + k];
        a[pi + j] = s / ljj;
      }
    }
  }
  return true;
}

/** a[i][j] -= sum over k < j0 of L[i][k] L[j][k], for rows i0 .. i0+ib-1 and panel columns j0 .. j0+jb-1 (j <= i). */
function panelUpdate(a: Float64Array, n: number, i0: number, ib: number, j0: number, jb: number): void {
  if (ib === 4 && jb === 4) {
    const p0 = i0 * n, p1 = p0 + n, p2 = p1 + n, p3 = p2 + n;
    const q0 = j0 * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
    for (let k = 0; k < j0; k++) {
      const x0 = a[p0 + k], x1 = a[p1 + k], x2 = a[p2 + k], x3 = a[p3 + k];
      const y0 = a[q0 + k], y1 = a[q1 + k], y2 = a[q2 + k], y3 = a[q3 + k];
      s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
      s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
      s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
    }
    const s = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (j0 + j <= i0 + i) a[(i0 + i) * n + j0 + j] -= s[i * 4 + j];
    return;
  }
  for (let i = i0; i < i0 + ib; i++) {
    for (let j = j0; j < j0 + jb && j <= i; j++) {
      let s = 0;
      for (let k = 0; k < j0; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] += s;
    }
  }
}

/** Solves L L' X = B in place for q right-hand sides (b: n x q column-major), L from choleskyInPlace. */
export function choleskySolveInPlace(L: Float64Array, n: number, b: Float64Array, q: number): void {
  for (let c = 0; c < q; c++) {
    const o = c * n;
    for (let i = 0; i < n; i++) {
      const pi = i * n;
      let s = b[o + i];
      for (let k = 0; k < i; k++) s -= L[pi + k] * b[o + k];
      b[o + i] = s / L[pi + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[o + i];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[o + k];
      b[o + i] = s / L[i * n + i];
    }
  }
}
