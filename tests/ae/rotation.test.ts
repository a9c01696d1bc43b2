/**
 * Rotation oracle tests: varimax and promax against R's stats::varimax / stats::promax (Rscript, run on
 * matrices written to a temp dir). Tolerance 1e-6 absolute on every loading and rotation entry, with R's own
 * sign and order (before normalizeRotation). oblimin against GPArotation::oblimin (same gradient-projection
 * algorithm; gamma 0 and -0.5, raw and Kaiser-normalized), also 1e-6. Needs Rscript and GPArotation
 * (apt-get install -y r-base-core r-cran-gparotation).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  varimax,
  promax,
  oblimin,
  normalizeRotation,
  codeRotation,
  rotate,
  composeRotations,
} from '../../src/lib/ae/rotation';
import { createRng } from '../../src/lib/math/rng';

function requireRscript(): void {
  try {
    execFileSync('Rscript', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('Rscript not found: install R (apt-get install -y r-base-core) to run the rotation oracle tests');
  }
}

/** Simple-structure loadings (each row loads on one or two of k factors) mixed by a random rotation. */
function makeLoadings(p: number, k: number, seed: number, oblique = false): Float64Array {
  const rng = createRng(seed);
  const P = new Float64Array(p * k);
  for (let i = 0; i < p; i++) {
    const f = i % k;
    P[i * k + f] = 0.4 + 0.5 * rng.next();
    if (rng.next() < 0.3) P[i * k + ((f + 1 + rng.int(k - 1)) % k)] = 0.2 + 0.3 * rng.next() * (rng.next() < 0.5 ? -1 : 1);
    for (let j = 0; j < k; j++) P[i * k + j] += 0.05 * rng.normal();
  }
  // mix by M: orthogonal (Gram-Schmidt of a random matrix) or a general nonsingular matrix
  const M = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) M[i] = rng.normal();
  if (!oblique) {
    for (let j = 0; j < k; j++) {
      for (let q = 0; q < j; q++) {
        let d = 0;
        for (let r = 0; r < k; r++) d += M[r * k + j] * M[r * k + q];
        for (let r = 0; r < k; r++) M[r * k + j] -= d * M[r * k + q];
      }
      let n = 0;
      for (let r = 0; r < k; r++) n += M[r * k + j] ** 2;
      n = Math.sqrt(n);
      for (let r = 0; r < k; r++) M[r * k + j] /= n;
    }
  } else {
    for (let i = 0; i < k; i++) M[i * k + i] += 2;
    for (let i = 0; i < k * k; i++) M[i] *= 0.5;
  }
  const A = new Float64Array(p * k);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += P[i * k + c] * M[c * k + j];
      A[i * k + j] = s;
    }
  return A;
}

interface RResult {
  vl: Float64Array;
  vr: Float64Array;
  vlRaw: Float64Array;
  vrRaw: Float64Array;
  pl: Float64Array;
  pr: Float64Array;
  pl2: Float64Array;
  pr2: Float64Array;
}

function runR(A: Float64Array, p: number, k: number): RResult {
  const dir = mkdtempSync(join(tmpdir(), 'rot-'));
  try {
    const rows: string[] = [];
    for (let i = 0; i < p; i++) rows.push(Array.from(A.subarray(i * k, i * k + k), (v) => v.toPrecision(17)).join('\t'));
    writeFileSync(join(dir, 'A.tsv'), rows.join('\n') + '\n');
    const script = `
x <- as.matrix(read.table("${join(dir, 'A.tsv')}", header = FALSE))
dimnames(x) <- NULL
out <- function(m, f) write.table(format(unclass(m), digits = 17), f, quote = FALSE, row.names = FALSE, col.names = FALSE)
v <- varimax(x); out(v$loadings, "${join(dir, 'vl')}"); out(v$rotmat, "${join(dir, 'vr')}")
v0 <- varimax(x, normalize = FALSE); out(v0$loadings, "${join(dir, 'vlRaw')}"); out(v0$rotmat, "${join(dir, 'vrRaw')}")
pm <- promax(x); out(pm$loadings, "${join(dir, 'pl')}"); out(pm$rotmat, "${join(dir, 'pr')}")
pm2 <- promax(x, m = 3); out(pm2$loadings, "${join(dir, 'pl2')}"); out(pm2$rotmat, "${join(dir, 'pr2')}")
`;
    writeFileSync(join(dir, 'run.R'), script);
    execFileSync('Rscript', [join(dir, 'run.R')], { stdio: 'pipe' });
    const rd = (f: string) =>
      Float64Array.from(
        readFileSync(join(dir, f), 'utf8')
          .trim()
          .split(/\s+/)
          .map(Number),
      );
    return {
      vl: rd('vl'),
      vr: rd('vr'),
      vlRaw: rd('vlRaw'),
      vrRaw: rd('vrRaw'),
      pl: rd('pl'),
      pr: rd('pr'),
      pl2: rd('pl2'),
      pr2: rd('pr2'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const TOL = 1e-6;
const cases: Array<{ p: number; k: number; seed: number; oblique: boolean }> = [
  { p: 8, k: 2, seed: 1, oblique: false },
  { p: 12, k: 3, seed: 2, oblique: false },
  { p: 30, k: 5, seed: 3, oblique: true },
  { p: 60, k: 8, seed: 4, oblique: false },
  { p: 25, k: 4, seed: 5, oblique: true },
];

describe('varimax / promax match R stats (1e-6)', () => {
  beforeAll(requireRscript);
  for (const c of cases) {
    it(`p=${c.p} k=${c.k} seed=${c.seed}${c.oblique ? ' oblique mix' : ''}`, () => {
      const A = makeLoadings(c.p, c.k, c.seed, c.oblique);
      const r = runR(A, c.p, c.k);
      const v = varimax(A, c.p, c.k);
      expect(maxAbsDiff(v.loadings, r.vl)).toBeLessThan(TOL);
      expect(maxAbsDiff(v.rotation, r.vr)).toBeLessThan(TOL);
      const v0 = varimax(A, c.p, c.k, { normalize: false });
      expect(maxAbsDiff(v0.loadings, r.vlRaw)).toBeLessThan(TOL);
      expect(maxAbsDiff(v0.rotation, r.vrRaw)).toBeLessThan(TOL);
      const pm = promax(A, c.p, c.k);
      expect(maxAbsDiff(pm.loadings, r.pl)).toBeLessThan(TOL);
      expect(maxAbsDiff(pm.rotation, r.pr)).toBeLessThan(TOL);
      const pm3 = promax(A, c.p, c.k, { m: 3 });
      expect(maxAbsDiff(pm3.loadings, r.pl2)).toBeLessThan(TOL);
      expect(maxAbsDiff(pm3.rotation, r.pr2)).toBeLessThan(TOL);
    });
  }
});

function runGpa(A: Float64Array, p: number, k: number): Record<string, Float64Array> {
  const dir = mkdtempSync(join(tmpdir(), 'rot-gpa-'));
  try {
    const rows: string[] = [];
    for (let i = 0; i < p; i++) rows.push(Array.from(A.subarray(i * k, i * k + k), (v) => v.toPrecision(17)).join('\t'));
    writeFileSync(join(dir, 'A.tsv'), rows.join('\n') + '\n');
    const script = `
suppressMessages(library(GPArotation))
x <- as.matrix(read.table("A.tsv", header = FALSE)); dimnames(x) <- NULL
out <- function(m, f) write.table(format(unclass(m), digits = 17), f, quote = FALSE, row.names = FALSE, col.names = FALSE)
r <- oblimin(x, gam = 0, eps = 1e-8); out(r$loadings, "q.l"); out(solve(t(r$Th)), "q.r")
r <- oblimin(x, gam = -0.5, eps = 1e-8); out(r$loadings, "o.l"); out(solve(t(r$Th)), "o.r")
r <- oblimin(x, gam = 0, normalize = TRUE, eps = 1e-8); out(r$loadings, "n.l"); out(solve(t(r$Th)), "n.r")
`;
    writeFileSync(join(dir, 'run.R'), script);
    execFileSync('Rscript', ['run.R'], { cwd: dir, stdio: 'pipe' });
    const out: Record<string, Float64Array> = {};
    for (const f of ['q.l', 'q.r', 'o.l', 'o.r', 'n.l', 'n.r']) {
      out[f] = Float64Array.from(readFileSync(join(dir, f), 'utf8').trim().split(/\s+/).map(Number));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('oblimin matches GPArotation::oblimin (1e-6)', () => {
  beforeAll(() => {
    requireRscript();
    try {
      execFileSync('Rscript', ['-e', 'stopifnot(requireNamespace("GPArotation", quietly = TRUE))'], { stdio: 'pipe' });
    } catch {
      throw new Error('R package GPArotation not found: apt-get install -y r-cran-gparotation');
    }
  });
  for (const c of cases.slice(1)) {
    it(`p=${c.p} k=${c.k} seed=${c.seed}: quartimin, oblimin gamma -0.5, Kaiser-normalized quartimin`, () => {
      const A = makeLoadings(c.p, c.k, c.seed, c.oblique);
      const r = runGpa(A, c.p, c.k);
      const q = oblimin(A, c.p, c.k, { eps: 1e-8 });
      expect(maxAbsDiff(q.loadings, r['q.l'])).toBeLessThan(TOL);
      expect(maxAbsDiff(q.rotation, r['q.r'])).toBeLessThan(TOL);
      const o = oblimin(A, c.p, c.k, { gamma: -0.5, eps: 1e-8 });
      expect(maxAbsDiff(o.loadings, r['o.l'])).toBeLessThan(TOL);
      expect(maxAbsDiff(o.rotation, r['o.r'])).toBeLessThan(TOL);
      const nq = oblimin(A, c.p, c.k, { normalize: true, eps: 1e-8 });
      expect(maxAbsDiff(nq.loadings, r['n.l'])).toBeLessThan(TOL);
      expect(maxAbsDiff(nq.rotation, r['n.r'])).toBeLessThan(TOL);
    });
  }
});

function mul(a: Float64Array, b: Float64Array, m: number, r: number, n: number): Float64Array {
  const o = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += a[i * r + c] * b[c * n + j];
      o[i * n + j] = s;
    }
  return o;
}

describe('all-zero loading row', () => {
  beforeAll(requireRscript);
  it('is kept at zero and left out: the rotation equals R on the matrix without that row', () => {
    const p = 12;
    const k = 3;
    const A = makeLoadings(p, k, 2, false);
    const withZero = new Float64Array((p + 1) * k);
    withZero.set(A.subarray(0, 5 * k), 0);
    withZero.set(A.subarray(5 * k), 6 * k); // row 5 is all zero
    const r = runR(A, p, k);
    const v = varimax(withZero, p + 1, k);
    expect(maxAbsDiff(v.rotation, r.vr)).toBeLessThan(TOL);
    expect(Array.from(v.loadings.subarray(5 * k, 6 * k))).toEqual([0, 0, 0]);
    const pm = promax(withZero, p + 1, k);
    expect(maxAbsDiff(pm.rotation, r.pr)).toBeLessThan(TOL);
    expect(pm.loadings.every(Number.isFinite)).toBe(true);
  });
});

describe('rotation algebra', () => {
  it('loadings_rot = loadings %*% rotation for every method; varimax rotation is orthogonal', () => {
    const p = 20;
    const k = 4;
    const A = makeLoadings(p, k, 11, true);
    for (const m of ['none', 'varimax', 'promax', 'oblimin'] as const) {
      const r = rotate(m, A, p, k);
      expect(maxAbsDiff(mul(A, r.rotation, p, k, k), r.loadings)).toBeLessThan(1e-10);
    }
    const v = varimax(A, p, k);
    const I = mul(transpose(v.rotation, k), v.rotation, k, k, k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(Math.abs(I[i * k + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
  });

  it('codes rotated by codeRotation reconstruct exactly (codes %*% t(loadings) unchanged)', () => {
    const p = 15;
    const k = 3;
    const n = 10;
    const A = makeLoadings(p, k, 12, true);
    const rng = createRng(99);
    const Z = Float64Array.from({ length: n * k }, () => rng.normal());
    const recon = mul(Z, transpose2(A, p, k), n, k, p);
    for (const m of ['varimax', 'promax', 'oblimin'] as const) {
      const r = rotate(m, A, p, k);
      const norm = normalizeRotation(r.loadings, p, k);
      const Zr = mul(mul(Z, codeRotation(r.rotation, k), n, k, k), codeRotation(norm.permutation, k), n, k, k);
      const recon2 = mul(Zr, transpose2(norm.loadings, p, k), n, k, p);
      expect(maxAbsDiff(recon, recon2)).toBeLessThan(1e-9);
      // composing: loadings %*% (rotation %*% P) = normalized loadings
      const total = composeRotations(r.rotation, norm.permutation, k);
      expect(maxAbsDiff(mul(A, total, p, k, k), norm.loadings)).toBeLessThan(1e-10);
    }
  });

  it('normalizeRotation orders by sum of squared loadings and makes the largest |loading| positive', () => {
    // 3 factors; column 1 has the most variance, column 2 a negative dominant loading
    const L = Float64Array.from([0.1, -0.2, 0.9, 0.2, -0.8, 0.7, 0.0, 0.5, 0.8, 0.1, 0.1, 0.6]);
    const p = 4;
    const k = 3;
    // variances: col0 .01+.04+0+.01=.06, col1 .04+.64+.25+.01=.94, col2 .81+.49+.64+.36=2.30
    const r = normalizeRotation(L, p, k);
    expect(Array.from(r.order)).toEqual([2, 1, 0]);
    expect(Array.from(r.signs)).toEqual([1, -1, 1]);
    expect(r.variance[0]).toBeCloseTo(2.3, 12);
    expect(r.variance[1]).toBeCloseTo(0.94, 12);
    expect(Array.from(r.loadings.subarray(0, 3))).toEqual([0.9, 0.2, 0.1]);
    expect(Array.from(r.loadings.subarray(3, 6))).toEqual([0.7, 0.8, 0.2]);
    expect(maxAbsDiff(mul(L, r.permutation, p, k, k), r.loadings)).toBe(0);
  });

  it('oblimin (direct quartimin) recovers a perfect oblique simple structure', () => {
    const p = 12;
    const k = 3;
    const P = new Float64Array(p * k);
    for (let i = 0; i < p; i++) P[i * k + (i % k)] = 0.5 + 0.04 * i;
    // T0 with unit-length columns; A = P t(T0) has L = A t(T0)^-1 = P at T = T0
    const T0 = Float64Array.from([1, 0.3, 0.2, 0.1, 1, -0.25, 0.2, 0.15, 1]);
    for (let j = 0; j < k; j++) {
      let n = 0;
      for (let i = 0; i < k; i++) n += T0[i * k + j] ** 2;
      for (let i = 0; i < k; i++) T0[i * k + j] /= Math.sqrt(n);
    }
    const A = mul(P, transpose(T0, k), p, k, k);
    const r = oblimin(A, p, k, { eps: 1e-9 });
    const norm = normalizeRotation(r.loadings, p, k);
    const Pn = normalizeRotation(P, p, k);
    expect(maxAbsDiff(norm.loadings, Pn.loadings)).toBeLessThan(1e-5);
  });

  it('rejects a loading matrix of the wrong size and an unknown method', () => {
    expect(() => varimax(new Float64Array(5), 2, 3)).toThrow('rotation: loadings length 5 does not match p x k = 2 x 3');
    expect(() => rotate('quartimax' as never, new Float64Array(4), 2, 2)).toThrow('unknown rotation method: quartimax');
  });
});

function transpose(a: Float64Array, k: number): Float64Array {
  return transpose2(a, k, k);
}
function transpose2(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}
