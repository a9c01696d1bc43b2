/**
 * The LOCO ridge step split into groups of level-0 blocks (src/lib/relate/level0Plan.ts, locoRidge.ts locoPlan /
 * locoSetup / locoLevel0 / locoLevel1): the block plan cuts the blocks the one-pass step cut, and level 1 over the
 * groups' predictions gives the one-pass predictions bit for bit, for any number of groups (empty ones too), in
 * thread or on workers, with variants left out and a chromosome that comes back after another.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { packDosages } from '../../src/lib/io/writeBed';
import type { GenotypeChunk } from '../../src/lib/io/GenotypeSource';
import { IncludedRuns, includedRuns, level0Group, level0Plan } from '../../src/lib/relate/level0Plan';
import { locoLevel0, locoLevel1, locoPlan, locoRidge, locoSetup, type Level0Part } from '../../src/lib/relate/locoRidge';
import { createNodeLocoPool } from '../../src/platform/node/nodeLocoPool';
import { memSource } from '../assoc/memSource';

describe('level-0 block plan', () => {
  it('cuts runs of one chromosome and one row kind into blocks of the block size, the last one shorter', () => {
    const runs = new IncludedRuns();
    for (const [c, k, n] of [['1', 'packed', 250], ['2', 'packed', 90], ['1', 'packed', 5], ['1', 'dosage', 100]] as const) for (let i = 0; i < n; i++) runs.add(c, k);
    expect(runs.runs.map((r) => r.count)).toEqual([250, 90, 5, 100]);
    const plan = level0Plan(runs.runs, 100);
    expect(plan.nVariants).toBe(445);
    expect(plan.blocks.map((b) => `${b.chrom}:${b.m}`)).toEqual(['1:100', '1:100', '1:50', '2:90', '1:5', '1:100']);
    // Default block size: 200, raised to keep at most about 250 blocks.
    expect(level0Plan([{ chrom: '1', kind: 'packed', count: 100_000 }]).blockSize).toBe(400);
  });

  it('groups: N contiguous ranges covering every block once, empty ones when N > B', () => {
    for (const [B, N] of [[22, 3], [7, 7], [3, 5], [250, 16]]) {
      const g = Array.from({ length: N }, (_, i) => level0Group(B, i + 1, N));
      expect(g[0].from).toBe(0);
      expect(g[N - 1].to).toBe(B);
      for (let i = 1; i < N; i++) expect(g[i].from).toBe(g[i - 1].to);
    }
    expect(() => level0Group(10, 0, 3)).toThrow(/1 <= I <= N/);
    expect(() => level0Group(10, 4, 3)).toThrow(/1 <= I <= N/);
  });
});

/** n samples, m variants on chromosomes 1, 2, 1, 3 (chromosome 1 comes back), a polygenic response and a second one. */
function cohort(seed: number, n: number, m: number) {
  const rng = createRng(seed);
  const dos = new Float64Array(m * n);
  const chrom: string[] = [];
  const g = new Float64Array(n);
  for (let v = 0; v < m; v++) {
    chrom.push(['1', '2', '1', '3'][Math.floor((v * 4) / m)]);
    const p = 0.05 + 0.45 * rng.next();
    const b = rng.normal();
    for (let i = 0; i < n; i++) {
      const d = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
      dos[v * n + i] = rng.next() < 0.01 ? -1 : d;
      g[i] += b * (d - 2 * p);
    }
  }
  const y = Float64Array.from(g, (x) => x / Math.sqrt(m) + rng.normal());
  const y2 = Float64Array.from(y, (x, i) => (i % 17 === 3 ? NaN : 0.5 * x + rng.normal()));
  const bytesPerVariant = Math.ceil(n / 4);
  const chunk: GenotypeChunk = {
    start: 0, count: m, nSamples: n, bytesPerVariant, packed: packDosages(dos, n, m),
    variants: { chrom, pos: Int32Array.from({ length: m }, (_, v) => 1000 + v * 100), id: chrom.map((_, v) => `v${v}`), ref: chrom.map(() => 'A'), alt: chrom.map(() => 'C') },
  };
  const age = Float64Array.from({ length: n }, () => 40 + 30 * rng.next());
  return { chunk, input: { responses: [{ name: 'y', values: y }, { name: 'y2', values: y2 }], covariates: [{ name: 'age', values: age }] } };
}

describe('the LOCO step in groups of level-0 blocks = the one-pass step, bit for bit', () => {
  const n = 300, m = 1000;
  const d = cohort(21, n, m);
  const include = Uint8Array.from({ length: m }, (_, v) => (v % 11 === 4 ? 0 : 1));
  const o = { blockSize: 90, include, chunkVariants: 333 };
  const chroms = ['1', '2', '3', '7'];

  it('1, 2, 3, 7 and 20 groups (blocks across chunk boundaries, an unused variant every 11, a response with missing values)', async () => {
    const src = memSource(d.chunk, 333);
    const whole = await locoRidge(src, d.input, o);
    const plan = await locoPlan(src, o);
    expect(plan.blocks.length).toBe(whole.nBlocks);
    expect(plan.blocks.length).toBe(12); // about 227 used variants per quarter (runs 1, 2, 1, 3): 90 + 90 + the rest, each
    expect(await includedRuns(src, o)).toHaveLength(4);
    for (const N of [1, 2, 3, 7, 20]) {
      const parts: Level0Part[] = [];
      for (let i = 1; i <= N; i++) {
        // Each group a job of its own: its own setup and stream.
        const setup = locoSetup(n, src.name, d.input, await locoPlan(src, o));
        parts.push(await locoLevel0(memSource(d.chunk, 333), setup, o, level0Group(plan.blocks.length, i, N)));
      }
      expect(parts.reduce((s, p) => s + p.chrom.length, 0)).toBe(plan.blocks.length);
      const all: Level0Part = { range: { from: 0, to: plan.blocks.length }, chrom: parts.flatMap((p) => p.chrom), preds: [0, 1].map((r) => parts.flatMap((p) => p.preds[r])) };
      const merged = await locoLevel1(locoSetup(n, src.name, d.input, plan), all);
      expect(merged.level1).toEqual(whole.level1);
      expect(merged.chromosomes).toEqual(whole.chromosomes);
      for (let r = 0; r < 2; r++) for (const c of chroms) expect(merged.prediction(r, c), `N ${N} response ${r} chromosome ${c}`).toEqual(whole.prediction(r, c));
    }
  }, 60_000);

  it('a group on two workers, level 1 on workers: the same bits', async () => {
    const src = memSource(d.chunk, 333);
    const whole = await locoRidge(src, d.input, o);
    const plan = await locoPlan(src, o);
    const pool = createNodeLocoPool(2);
    try {
      const setup = locoSetup(n, src.name, d.input, plan);
      const a = await locoLevel0(src, setup, { ...o, pool }, level0Group(plan.blocks.length, 1, 2));
      const b = await locoLevel0(src, setup, o, level0Group(plan.blocks.length, 2, 2));
      const all: Level0Part = { range: { from: 0, to: plan.blocks.length }, chrom: [...a.chrom, ...b.chrom], preds: [0, 1].map((r) => [...a.preds[r], ...b.preds[r]]) };
      const merged = await locoLevel1(setup, all, { pool });
      for (let r = 0; r < 2; r++) for (const c of chroms) expect(merged.prediction(r, c)).toEqual(whole.prediction(r, c));
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('refuses genotypes that do not fit the plan, and level 1 over part of the blocks', async () => {
    const src = memSource(d.chunk, 333);
    const plan = await locoPlan(src, o);
    const setup = locoSetup(n, src.name, d.input, plan);
    const fewer = { ...d.chunk, count: m - 50 };
    await expect(locoLevel0(memSource(fewer, 333), setup, o)).rejects.toThrow(/fewer step-1 variants than the block plan/);
    const other = { ...d.chunk, variants: { ...d.chunk.variants, chrom: d.chunk.variants.chrom.map((c) => (c === '2' ? '5' : c)) } };
    await expect(locoLevel0(memSource(other, 333), setup, o)).rejects.toThrow(/other chromosomes than the block plan/);
    const half = await locoLevel0(src, setup, o, { from: 0, to: 5 });
    await expect(locoLevel1(setup, half)).rejects.toThrow(/level-0 blocks 0..5, the plan has 12/);
  }, 60_000);
});
