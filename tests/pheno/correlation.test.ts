import { describe, it, expect } from 'vitest';
import { correlationOfColumns, correlationMatrix } from '../../src/lib/pheno/correlation';
import { clusterOrder } from '../../src/lib/pheno/clusterOrder';
import { prepare } from '../../src/lib/pheno/prepare';
import { numCol, makeTable, idsOf, createRng, normals } from './makeTable';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Reference: Pearson r over rows where both are observed, two-pass in doubles. */
function refR(a: Float32Array, b: Float32Array): number {
  const xa: number[] = [];
  const xb: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] === a[i] && b[i] === b[i]) (xa.push(a[i]), xb.push(b[i]));
  const ma = xa.reduce((s, v) => s + v, 0) / xa.length;
  const mb = xb.reduce((s, v) => s + v, 0) / xb.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < xa.length; i++) {
    sab += (xa[i] - ma) * (xb[i] - mb);
    saa += (xa[i] - ma) ** 2;
    sbb += (xb[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('correlation (pairwise complete)', () => {
  it('matches a two-pass reference on columns with and without missing cells (1e-10)', () => {
    const rng = createRng(9);
    const n = 300;
    const z = normals(rng, n);
    const cols = [0, 1, 2, 3, 4].map((k) =>
      Float32Array.from(z.map((v, i) => (k >= 2 && (i * k + 1) % 7 === 0 ? NaN : 100 + v * (k + 1) + rng.normal() * k))),
    );
    const { r, nPairs } = correlationOfColumns(cols);
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        expect(Math.abs(r[a * 5 + b] - (a === b ? 1 : refR(cols[a], cols[b])))).toBeLessThan(1e-10);
      }
    }
    expect(nPairs[0 * 5 + 1]).toBe(n);
    expect(nPairs[2 * 5 + 2]).toBe(cols[2].filter((v) => v === v).length);
    for (const [a, b] of [[2, 3], [2, 4], [3, 4], [0, 4]]) {
      const shared = cols[a].filter((v, i) => v === v && cols[b][i] === cols[b][i]).length;
      expect(nPairs[a * 5 + b]).toBe(shared);
      expect(nPairs[b * 5 + a]).toBe(shared);
    }
  });

  it('r is NaN without variance or with fewer than 3 shared rows', () => {
    const { r } = correlationOfColumns([
      Float32Array.from([1, 2, 3, NaN, NaN]),
      Float32Array.from([NaN, NaN, 1, 2, 3]),
      Float32Array.from([4, 4, 4, 4, 4]),
    ]);
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeNaN();
  });

  it('correlationMatrix of a prepared matrix uses the mask', () => {
    const rng = createRng(2);
    const a = normals(rng, 100);
    const t = makeTable('t.csv', idsOf(100), [numCol('a', a), numCol('b', a.map((v, i) => (i % 9 === 0 ? NaN : v + rng.normal())))]);
    const { matrix } = prepare(t);
    const { r } = correlationMatrix(matrix);
    expect(Math.abs(r[1] - refR(Float32Array.from(a), Float32Array.from(t.columns[1].values)))).toBeLessThan(1e-6);
  });
});

describe('clusterOrder (average linkage on 1 - |r|)', () => {
  it('keeps correlated blocks contiguous', () => {
    const rng = createRng(4);
    const n = 500;
    const f1 = normals(rng, n);
    const f2 = normals(rng, n);
    // columns alternate between the two blocks; one block member is negatively correlated
    const cols = [0, 1, 2, 3, 4, 5].map((k) =>
      Float32Array.from(f1.map((_, i) => (k % 2 === 0 ? f1[i] : f2[i]) * (k === 4 ? -1 : 1) + 0.3 * rng.normal())),
    );
    const { r } = correlationOfColumns(cols);
    const { order, merges } = clusterOrder(r, 6);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const pos = order.map((c) => c % 2);
    expect(pos).toEqual(pos[0] === 0 ? [0, 0, 0, 1, 1, 1] : [1, 1, 1, 0, 0, 0]);
    expect(merges.length).toBe(5);
    expect(merges[4].distance).toBeGreaterThan(0.8);
  });

  it('average linkage distances match a hand computation', () => {
    // 3 items: d(0,1) = 0.1, d(0,2) = 0.5, d(1,2) = 0.7 -> merge {0,1} at 0.1, then with 2 at (0.5 + 0.7) / 2
    const r = [1, 0.9, 0.5, 0.9, 1, -0.3, 0.5, -0.3, 1];
    const { order, merges } = clusterOrder(r, 3);
    expect(order).toEqual([0, 1, 2]);
    expect(merges[0]).toEqual({ a: 0, b: 1, distance: expect.closeTo(0.1, 12) });
    expect(merges[1].a).toBe(3);
    expect(merges[1].distance).toBeCloseTo(0.6, 12);
  });

  it('R oracle: merge heights and 4-cluster partition equal hclust(as.dist(1 - abs(r)), "average") (1e-12)', () => {
    const rng = createRng(21);
    const n = 80;
    const p = 40;
    const f = [normals(rng, n), normals(rng, n), normals(rng, n), normals(rng, n)];
    const cols = Array.from({ length: p }, (_, k) => Float32Array.from(f[k % 4].map((v) => v * (k % 3 ? 1 : -1) + (0.5 + (k % 5) * 0.3) * rng.normal())));
    const { r } = correlationOfColumns(cols);
    const { merges, order } = clusterOrder(r, p);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: p }, (_, i) => i));
    const dir = mkdtempSync(join(tmpdir(), 'ls-hclust-'));
    try {
      writeFileSync(join(dir, 'r.txt'), Array.from({ length: p }, (_, i) => Array.from(r.subarray(i * p, i * p + p)).map((v) => v.toPrecision(17)).join(' ')).join('\n'));
      const code = `r <- as.matrix(read.table("${join(dir, 'r.txt')}")); h <- hclust(as.dist(1 - abs(r)), "average"); ` +
        `cat(sprintf("%.17g", h$height), "\\n"); cat(cutree(h, k = 4), "\\n")`;
      let out: string;
      try {
        out = execFileSync('Rscript', ['-e', code], { encoding: 'utf8' });
      } catch (e) {
        throw new Error(`Rscript failed or is missing (apt-get install -y r-base-core): ${String(e)}`);
      }
      const [hLine, cLine] = out.trim().split('\n');
      const heights = hLine.trim().split(/\s+/).map(Number);
      expect(heights.length).toBe(p - 1);
      merges.forEach((m, k) => expect(Math.abs(m.distance - heights[k])).toBeLessThan(1e-12));
      // same partition at 4 clusters: undo the last 3 merges
      const parent = Array.from({ length: 2 * p - 1 }, (_, i) => i);
      merges.slice(0, p - 4).forEach((m, k) => (parent[m.a] = parent[m.b] = p + k));
      const root = (x: number): number => (parent[x] === x ? x : root(parent[x]));
      const ours = Array.from({ length: p }, (_, i) => root(i));
      const theirs = cLine.trim().split(/\s+/).map(Number);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(ours[i] === ours[j]).toBe(theirs[i] === theirs[j]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('2,000 columns cluster in well under 10 s (O(p^2))', () => {
    const p = 2000;
    const rng = createRng(8);
    const r = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      r[i * p + i] = 1;
      for (let j = i + 1; j < p; j++) r[i * p + j] = r[j * p + i] = rng.next() * 2 - 1;
    }
    const t0 = performance.now();
    const { order } = clusterOrder(r, p);
    expect(order.length).toBe(p);
    expect(performance.now() - t0).toBeLessThan(10000);
  });
});
