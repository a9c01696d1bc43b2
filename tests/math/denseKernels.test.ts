/**
 * src/lib/math/denseKernels.ts and the WebAssembly Gram engine (src/lib/compute/wasmGram.ts) against plain loops, on
 * odd sizes (tile edges) and row ranges.
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { solveLinear } from '../../src/lib/math/linalg';
import { addCross, addGram, choleskyInPlace, choleskySolveInPlace, columns, product } from '../../src/lib/math/denseKernels';
import { createGramEngine, wasmGramAvailable } from '../../src/lib/compute/wasmGram';

const rng = createRng(17);
const n = 37, m = 11, q = 3, off = 5, rows = 29;
const x = Float32Array.from({ length: n * m }, () => rng.normal());
const y = Float64Array.from({ length: n * q }, () => rng.normal());
const xc = columns(x, n, m), yc = columns(y, n, q);

describe('dense kernels', () => {
  it('Gram, cross-product and product equal plain loops over rows off..off+rows (1e-12 relative)', () => {
    const gram = new Float64Array(m * m).fill(1);
    addGram(xc, off, rows, gram);
    const cross = new Float64Array(m * q);
    addCross(xc, off, rows, yc, cross);
    const b = Float64Array.from({ length: m * q }, () => rng.normal());
    const out = Array.from({ length: q }, () => new Float64Array(n).fill(-7));
    product(xc, off, rows, b, out);
    for (let a = 0; a < m; a++) {
      for (let c = 0; c < m; c++) {
        let s = 1;
        for (let t = off; t < off + rows; t++) s += x[a * n + t] * x[c * n + t];
        expect(Math.abs(gram[a * m + c] - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      }
      for (let c = 0; c < q; c++) {
        let s = 0;
        for (let t = off; t < off + rows; t++) s += x[a * n + t] * y[c * n + t];
        expect(Math.abs(cross[c * m + a] - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      }
    }
    for (let c = 0; c < q; c++) {
      for (let t = 0; t < n; t++) {
        if (t < off || t >= off + rows) { expect(out[c][t]).toBe(-7); continue; }
        let s = 0;
        for (let j = 0; j < m; j++) s += x[j * n + t] * b[c * m + j];
        expect(Math.abs(out[c][t] - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      }
    }
  });

  it('Cholesky factor and multi-right-hand-side solve equal an LU solve (1e-10); false when not positive definite', () => {
    const k = 13;
    const a = new Float64Array(k * k);
    addGram(columns(Float64Array.from({ length: 40 * k }, () => rng.normal()), 40, k), 0, 40, a);
    const rhs = Float64Array.from({ length: k * 2 }, () => rng.normal());
    const f = a.slice();
    expect(choleskyInPlace(f, k)).toBe(true);
    const sol = rhs.slice();
    choleskySolveInPlace(f, k, sol, 2);
    for (let c = 0; c < 2; c++) {
      const ref = solveLinear(a, k, rhs.subarray(c * k, (c + 1) * k))!;
      for (let i = 0; i < k; i++) expect(Math.abs(sol[c * k + i] - ref[i])).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref[i])));
    }
    const indefinite = Float64Array.from([1, 2, 2, 1]);
    expect(choleskyInPlace(indefinite, 2)).toBe(false);
  });

  it('the WebAssembly Gram engine equals plain loops (1e-12 relative) for odd and even sizes and row ranges, Float64 and Float32 columns', () => {
    expect(wasmGramAvailable).toBe(true);
    const engine = createGramEngine();
    for (const [nn, mm, o, r] of [[9, 1, 0, 9], [37, 7, 3, 29], [64, 6, 1, 62], [101, 13, 50, 51], [40, 8, 0, 40], [12, 5, 11, 1]]) {
      for (const f32 of [false, true]) {
        const values = Array.from({ length: nn * mm }, () => rng.normal());
        const g = f32 ? Float32Array.from(values) : Float64Array.from(values);
        engine.load(columns(g, nn, mm) as Float64Array[] | Float32Array[], nn);
        const acc = new Float64Array(mm * mm).fill(2);
        engine.addGram(o, r, acc);
        for (let a = 0; a < mm; a++) for (let c = 0; c < mm; c++) {
          let s = 2;
          for (let t = o; t < o + r; t++) s += g[a * nn + t] * g[c * nn + t];
          expect(Math.abs(acc[a * mm + c] - s), `n ${nn} m ${mm} (${a}, ${c}) ${f32 ? 'f32' : 'f64'}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
        }
      }
    }
  });

  it('product with 6 and 9 output columns (4-column groups and a partial one) equals plain loops', () => {
    for (const qq of [6, 9]) {
      const b = Float64Array.from({ length: m * qq }, () => rng.normal());
      const out = Array.from({ length: qq }, () => new Float64Array(n).fill(-7));
      product(xc, off, rows, b, out);
      for (let c = 0; c < qq; c++) for (let t = 0; t < n; t++) {
        if (t < off || t >= off + rows) { expect(out[c][t]).toBe(-7); continue; }
        let s = 0;
        for (let a = 0; a < m; a++) s += x[a * n + t] * b[c * m + a];
        expect(Math.abs(out[c][t] - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      }
    }
  });
});
