/**
 * SNPxSNP modes and tuning rules on small generated data:
 * - 'all' and 'among' pair universes (counts) and scores against a direct computation (partial correlation
 *   of the raw product given covariates and both parents; tolerance 1e-9);
 * - BIC and 5-fold CV tuning and SCAD/lasso/enet penalties all find planted SNPs;
 * - stability frequencies lie in [0, 1], are reproducible with the seed, and are high for strong terms.
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { runSis, pairsInUniverse, type SisOptions, type SisInput } from '../../src/lib/select/runSis';
import { memorySource, randomGenotypes } from './memorySource';

// ALT counted: the direct computations below use ALT dosages (scores are signed).
const BASE: SisOptions = { gxg: 'none', gxgTop: 4, penalty: 'mcp', tune: 'ebic', iter: 0, stability: 0, seed: 3, qc: { maf: 0.01, geno: 0.1 }, countedAllele: 'alt' };

function imputed(g: Float64Array): Float64Array {
  let s = 0;
  let c = 0;
  for (const v of g) if (v === v) (s += v), c++;
  return Float64Array.from(g, (v) => (v === v ? v : s / c));
}

function partialCorr(f: Float64Array, on: Float64Array[], y: Float64Array): number {
  const q: Float64Array[] = [];
  for (const c of on) {
    const v = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++) for (const b of q) {
      let d = 0;
      for (let i = 0; i < v.length; i++) d += b[i] * v[i];
      for (let i = 0; i < v.length; i++) v[i] -= d * b[i];
    }
    let s = 0;
    for (const x of v) s += x * x;
    q.push(v.map((x) => x / Math.sqrt(s)));
  }
  const res = (v: Float64Array) => {
    const o = Float64Array.from(v);
    for (const b of q) {
      let d = 0;
      for (let i = 0; i < o.length; i++) d += b[i] * o[i];
      for (let i = 0; i < o.length; i++) o[i] -= d * b[i];
    }
    return o;
  };
  const a = res(f);
  const b = res(y);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function makeInput(n: number, M: number, seed: number, effects: (g: Float64Array[], i: number) => number): { input: SisInput; g: Float64Array[]; age: Float64Array } {
  const rng = createRng(seed);
  const geno = randomGenotypes(rng, n, M);
  const g = geno.map(imputed);
  const age = Float64Array.from({ length: n }, () => 50 + 8 * rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => 0.03 * age[i] + effects(g, i) + rng.normal());
  return {
    input: {
      source: memorySource(geno, n, 16),
      rowOf: Int32Array.from({ length: n }, (_, i) => i),
      n,
      responses: [{ name: 'y', values: y }],
      covariates: [{ name: 'age', values: age }],
      env: [],
    },
    g,
    age,
  };
}

describe('SNPxSNP modes', () => {
  for (const mode of ['all', 'among'] as const) {
    it(`${mode}: universe and scores equal a direct computation`, async () => {
      const n = 250;
      const M = 24;
      const { input, g, age } = makeInput(n, M, 8, (gg, i) => 0.7 * gg[2][i] + 0.6 * gg[2][i] * gg[9][i]);
      const run = await runSis(input, { ...BASE, gxg: mode, gxgTop: 6, nsis: 1000 });
      const r = run.responses[0];
      const nPairs = mode === 'all' ? (M * (M - 1)) / 2 : 15;
      expect(pairsInUniverse(mode, M, 6)).toBe(nPairs);
      expect(r.universe).toBe(M + nPairs);
      const gxg = r.screened.filter((s) => s.type === 'GxG');
      expect(gxg.length).toBe(nPairs);
      const ones = new Float64Array(n).fill(1);
      const y = input.responses[0].values as Float64Array;
      for (const s of gxg) {
        const [a, b] = s.term.split(':').map((t) => Number(t.slice(2)) - 1);
        if (mode === 'all') expect(a).toBeLessThan(b);
        const f = Float64Array.from(g[a], (x, i) => x * g[b][i]);
        expect(Math.abs(s.score - partialCorr(f, [ones, age, g[a], g[b]], y))).toBeLessThan(1e-9);
      }
      expect(r.selected.map((t) => t.term)).toEqual(expect.arrayContaining(['rs3']));
    });
  }
});

describe('--gxg all in several passes', () => {
  it('batches of partners (each pass reading the file after its first partner) score what among-all-SNPs scores', async () => {
    const n = 250;
    const M = 30;
    const { input } = makeInput(n, M, 9, (gg, i) => 0.7 * gg[5][i] + 0.6 * gg[5][i] * gg[20][i]);
    // 'among' with every SNP in the top list: the same pairs, from one pass with every partner held.
    const among = await runSis(input, { ...BASE, gxg: 'among', gxgTop: M, nsis: 1000 });
    const pairScores = (r: typeof among) =>
      new Map(r.responses[0].screened.filter((t) => t.type === 'GxG').map((t) => [t.term.split(':').sort().join(':'), t.score]));
    const want = pairScores(among);
    expect(among.pairs.passes).toBe(1);
    expect(want.size).toBe((M * (M - 1)) / 2);
    for (const maxPairCells of [undefined, n * 20]) {
      const all = await runSis(input, { ...BASE, gxg: 'all', nsis: 1000, maxPairCells });
      expect(all.pairs.passes).toBeGreaterThanOrEqual(15);
      expect(all.pairs.count).toBe((M * (M - 1)) / 2);
      const got = pairScores(all);
      expect(got.size).toBe(want.size);
      for (const [k, v] of want) expect(got.get(k), k).toBeCloseTo(v, 12);
    }
    // ISIS rounds reuse the partners, whose dosages are read again per batch.
    const isis = await runSis(input, { ...BASE, gxg: 'all', nsis: 1000, iter: 1 });
    expect(isis.responses[0].selected.map((t) => t.term)).toEqual(expect.arrayContaining(['rs6']));
  });
});

describe('tuning rules and penalties', () => {
  const cases: { name: string; o: Partial<SisOptions> }[] = [
    { name: 'BIC + MCP', o: { tune: 'bic' } },
    { name: '5-fold CV + lasso', o: { tune: 'cv', penalty: 'lasso', folds: 5 } },
    { name: 'EBIC + SCAD', o: { penalty: 'scad' } },
    { name: 'EBIC + elastic net', o: { penalty: 'enet', alpha: 0.5 } },
    { name: 'EBIC (auto gamma) + lasso', o: { penalty: 'lasso', ebicGamma: 'auto' } },
  ];
  for (const c of cases) {
    it(`${c.name} selects the planted SNPs`, async () => {
      const { input } = makeInput(500, 120, 12, (g, i) => 0.5 * g[4][i] - 0.5 * g[40][i] + 0.4 * g[77][i]);
      const run = await runSis(input, { ...BASE, ...c.o });
      const sel = run.responses[0].selected.map((t) => t.term);
      expect(sel).toEqual(expect.arrayContaining(['rs5', 'rs41', 'rs78']));
      if (c.o.tune !== 'cv') expect(sel.length).toBeLessThanOrEqual(5);
      for (const t of run.responses[0].selected) expect(t.p).toBeGreaterThanOrEqual(0);
    });
  }
});

describe('selection stability', () => {
  it('frequencies in [0, 1], seeded, high for strong planted terms', async () => {
    const { input } = makeInput(400, 60, 21, (g, i) => 0.6 * g[10][i] + 0.6 * g[20][i]);
    const o: SisOptions = { ...BASE, stability: 12, dfMax: 30 };
    const a = await runSis(input, o);
    const b = await runSis(input, o);
    const sa = a.responses[0].selected;
    expect(sa.map((t) => t.stability)).toEqual(b.responses[0].selected.map((t) => t.stability));
    for (const t of sa) {
      expect(t.stability).not.toBeNull();
      expect(t.stability as number).toBeGreaterThanOrEqual(0);
      expect(t.stability as number).toBeLessThanOrEqual(1);
    }
    for (const term of ['rs11', 'rs21']) expect(sa.find((t) => t.term === term)?.stability).toBeGreaterThanOrEqual(0.9);
    const none = await runSis(input, BASE);
    expect(none.responses[0].selected.every((t) => t.stability === null)).toBe(true);
  });
});
