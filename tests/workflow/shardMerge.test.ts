/**
 * Sharded SIS screening (src/lib/select/screenShards.ts) against one process, in memory: partners per shard ->
 * global partners -> screened shards (through their JSON files) -> merge -> selection gives the same screened
 * terms (names, scores, order) and the same selected terms as runSis, on a cohort with duplicated SNP columns
 * (exactly tied scores) spread over the shards. TopK keeps the same items whatever order they come in.
 * Coverage and fingerprint checks name the file.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import type { GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { runSis, selectScreened, sisContext, type SisInput, type SisOptions } from '../../src/lib/select/runSis';
import { mergePartners, mergeScreenedShards, screenShard, shardPartners, type PartnerShard, type ScreenedShard } from '../../src/lib/select/screenShards';
import type { ShardRange } from '../../src/lib/io/variantRangeSource';
import { formatShardFile, parseShardFile } from '../../src/lib/select/screenShardFile';
import { TopK } from '../../src/lib/select/TopK';
import { featureBefore, type Feature } from '../../src/lib/select/Feature';

/** In-memory .bed-layout source that honours fromIndex/toIndex filters (chunk starts count filtered variants). */
function rangeMemorySource(dosage: Float64Array[], n: number, chunkVariants = 37): GenotypeSource {
  const bpv = Math.ceil(n / 4);
  const M = dosage.length;
  const packed = new Uint8Array(M * bpv);
  dosage.forEach((g, v) => {
    for (let i = 0; i < n; i++) packed[v * bpv + (i >> 2)] |= (g[i] !== g[i] ? 1 : g[i] === 2 ? 0 : g[i] === 1 ? 2 : 3) << (2 * (i & 3));
  });
  return {
    format: 'bed',
    name: 'memory.bed',
    samples: { fid: [], iid: Array.from({ length: n }, (_, i) => `s${i}`) },
    nVariants: M,
    async *chunks(opts = {}): AsyncIterable<GenotypeChunk> {
      const from = opts.filter?.fromIndex ?? 0;
      const to = Math.min(M, opts.filter?.toIndex ?? M);
      const cv = opts.chunkVariants ?? chunkVariants;
      for (let s = from; s < to; s += cv) {
        const count = Math.min(cv, to - s);
        yield {
          start: s - from,
          count,
          nSamples: n,
          bytesPerVariant: bpv,
          packed: packed.subarray(s * bpv, (s + count) * bpv),
          variants: {
            chrom: Array.from({ length: count }, (_, k) => String(1 + Math.floor((s + k) / 100))),
            pos: Int32Array.from({ length: count }, (_, k) => 1000 * (s + k + 1)),
            id: Array.from({ length: count }, (_, k) => `rs${s + k + 1}`),
            ref: new Array(count).fill('A'),
            alt: new Array(count).fill('G'),
          },
        };
      }
    },
  };
}

function cohort() {
  const rng = createRng(7);
  const n = 400;
  const M = 360;
  const g: Float64Array[] = [];
  for (let v = 0; v < M; v++) {
    const maf = 0.05 + 0.45 * rng.next();
    g.push(Float64Array.from({ length: n }, () => (rng.next() < 0.01 ? NaN : (rng.next() < maf ? 1 : 0) + (rng.next() < maf ? 1 : 0))));
  }
  // Duplicated columns across shard boundaries: exactly tied SNP, SNPxE and SNPxSNP scores.
  for (const [a, b] of [[3, 200], [10, 95], [17, 300], [150, 151], [42, 250]]) g[b] = Float64Array.from(g[a]);
  const imp = (v: number, i: number) => (g[v][i] === g[v][i] ? g[v][i] : 1);
  const age = Float64Array.from({ length: n }, () => 40 + 20 * rng.next());
  const sex = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1));
  const smoke = Float64Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const alc = Float64Array.from({ length: n }, () => rng.next() * 2 - 1);
  const y = (w: number) =>
    Float64Array.from({ length: n }, (_, i) => 0.02 * age[i] + w * 0.5 * imp(3, i) + 0.4 * imp(120, i) * smoke[i] + 0.5 * imp(17, i) * imp(330, i) - 0.3 * imp(42, i) + 0.3 * alc[i] + rng.next() * 2);
  const input: SisInput = {
    source: rangeMemorySource(g, n),
    rowOf: Int32Array.from({ length: n }, (_, i) => i),
    n,
    responses: [
      { name: 'HSV1', values: y(1) },
      { name: 'HSV2', values: y(-1) },
    ],
    covariates: [
      { name: 'age', values: age },
      { name: 'sex', values: sex },
    ],
    env: [
      { name: 'smoking', values: smoke },
      { name: 'alcohol', values: alc },
    ],
  };
  return { input, M };
}

const OPTS: SisOptions = { gxg: 'top', gxgTop: 6, penalty: 'mcp', tune: 'ebic', heredity: 'weak', iter: 0, stability: 0, seed: 3, qc: { maf: 0.01, geno: 0.1 }, nsis: 40 };
const RANGES: ShardRange[] = [
  { from: 0, to: 95 },
  { from: 95, to: 200 },
  { from: 200, to: 251 },
  { from: 251, to: null },
];

/** A shard written to its JSON file and read back. */
function throughFile<T extends PartnerShard | ScreenedShard>(s: T, name: string): T & { source: string } {
  return parseShardFile(formatShardFile(s), name) as unknown as T & { source: string };
}

async function sharded(input: SisInput, o: SisOptions, ranges: ShardRange[]) {
  const ctx = sisContext(input, o);
  const parts = await Promise.all(ranges.map(async (r, i) => throughFile(await shardPartners(ctx, o, r), `s${i}.partners.json`)));
  const global = mergePartners(ctx, o, parts);
  const screened = await Promise.all(ranges.map(async (r, i) => throughFile(await screenShard(ctx, o, r, global), `s${i}.screened.json`)));
  // merged in reverse order: the result depends only on the set of shards
  const { s0, stats } = mergeScreenedShards(ctx, o, [...screened].reverse());
  return { run: await selectScreened(ctx, s0, o, stats, performance.now()), screened, ctx };
}

const summary = (run: Awaited<ReturnType<typeof runSis>>) =>
  run.responses.map((r) => ({
    screened: r.screened.map((t) => `${t.term} ${t.type} ${t.score} ${t.rank}`),
    selected: r.selected.map((t) => `${t.term} ${t.beta} ${t.p} ${t.a1} ${t.chrom}:${t.pos}`),
    universe: r.universe,
  }));

describe('sharded SIS screening', () => {
  it('4 shards through their files select what one process selects (tied scores included)', async () => {
    const { input } = cohort();
    const one = await runSis(input, OPTS);
    const { run } = await sharded(input, OPTS, RANGES);
    const a = summary(one);
    expect(summary(run)).toEqual(a);
    expect(run.qc).toEqual(one.qc);
    expect(run.pairs.count).toBe(one.pairs.count);
    // the duplicated strong SNP is screened in under both names, with the same score, lower index first
    const terms = one.responses[0].screened.map((t) => t.term);
    expect(terms.indexOf('rs4')).toBeGreaterThanOrEqual(0);
    expect(terms.indexOf('rs201')).toBe(terms.indexOf('rs4') + 1);
    expect(a.some((r) => r.selected.length > 0)).toBe(true);
  });

  it('no SNPxSNP terms: one screening stage, the same result', async () => {
    const { input } = cohort();
    const o = { ...OPTS, gxg: 'none' as const };
    const one = await runSis(input, o);
    const ctx = sisContext(input, o);
    const screened = await Promise.all(RANGES.map(async (r, i) => throughFile(await screenShard(ctx, o, r, null), `s${i}.screened.json`)));
    const { s0, stats } = mergeScreenedShards(ctx, o, screened);
    expect(summary(await selectScreened(ctx, s0, o, stats, 0))).toEqual(summary(one));
  });

  it('TopK with a tie order keeps the same items in the same order whatever the arrival order', () => {
    const rng = createRng(2);
    const items: Feature[] = Array.from({ length: 200 }, (_, i) => ({ type: 'SNP', variant: i, aux: -1, score: Math.round(rng.next() * 20) / 20 }));
    const pick = (xs: Feature[]) => {
      const h = new TopK<Feature>(17, featureBefore);
      for (const f of xs) h.offer(Math.abs(f.score), () => f);
      return h.sorted().map((x) => x.item.variant);
    };
    const want = pick(items);
    for (let r = 0; r < 5; r++) {
      const shuffled = [...items];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      expect(pick(shuffled)).toEqual(want);
    }
    const sortedAll = [...items].sort((x, y) => y.score - x.score || x.variant - y.variant).slice(0, 17).map((f) => f.variant);
    expect(want).toEqual(sortedAll);
  });

  it('refuses a gap, another run\'s shard, and ISIS rounds', async () => {
    const { input } = cohort();
    const o = { ...OPTS, gxg: 'none' as const };
    const ctx = sisContext(input, o);
    const s0 = throughFile(await screenShard(ctx, o, { from: 0, to: 100 }, null), 'a.screened.json');
    const s2 = throughFile(await screenShard(ctx, o, { from: 200, to: null }, null), 'c.screened.json');
    expect(() => mergeScreenedShards(ctx, o, [s0, s2])).toThrow('c.screened.json: shards leave a gap; expected a shard starting at variant index 100, found variants 200..end');
    const s1 = throughFile(await screenShard(ctx, o, { from: 100, to: 200 }, null), 'b.screened.json');
    const other = sisContext({ ...input, responses: input.responses.slice(0, 1) }, o);
    expect(() => mergeScreenedShards(other, o, [s0, s1, s2])).toThrow('a.screened.json: shard of another run (different responses, samples or settings); expected responses ["HSV1"] (this run\'s), found ["HSV1","HSV2"]');
    await expect(screenShard(ctx, { ...o, iter: 2 }, { from: 0, to: 10 }, null)).rejects.toThrow('ISIS rounds and cross-validation screen the whole genome again');
  });
});
