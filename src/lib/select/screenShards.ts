/**
 * The first SIS screening round split over shards of the genome (half-open ranges of variant indices, in file
 * order), merged to exactly what one process keeps (workflow/Snakefile; `sis --partners-only`, `--screen-only`,
 * `--from-screened`):
 *
 *   1. SNPxSNP top/among only: each shard lists every response's top-M marginal SNPs (`shardPartners`); the
 *      global top-M of a response is the top-M of the shards' lists (`mergePartners`).
 *   2. Each shard scores its SNP and SNPxE terms, and its SNPxSNP terms with the global partners (their
 *      dosages read from the whole source), and keeps every response's top-d (`screenShard`).
 *   3. The global top-d of a response is the top-d of the shards' top-d lists plus the E main effects
 *      (`mergeScreenedShards`), then the selection runs as in one process (runSis selectScreened).
 *
 * Exact because the heaps order equal scores by a total order on features (TopK `before`, featureBefore):
 * the top-d of a set does not depend on the order its members are scored in. Feature variant indices are
 * global (a shard's source reports its chunks at their place in the file). ISIS rounds and --tune cv screen
 * again inside the selection, over the whole genome; they are not sharded (refused here).
 */
import type { GenotypeSource } from '../io/GenotypeSource';
import { variantRangeSource, type ShardRange } from '../io/variantRangeSource';
import { InputError } from '../base/errors';
import { collectVariants, imputedDosage } from './collectVariants';
import { featureBefore, type Feature } from './Feature';
import { dot } from './orthonormal';
import type { SisContext, SisOptions } from './runSis';
import type { ScreenResult, ScreenSettings, ScreenStats } from './screenRound';
import { marginalPass, offerFeature, pairPass, variantBefore, type QcCounts, type VariantInfo } from './screenGenotypes';
import { TopK } from './TopK';

/** What a shard's screening depends on besides its variants; shards of one run must agree on all of it. */
export interface ScreenFingerprint {
  n: number;
  responses: string[];
  covariates: string[];
  env: string[];
  d: number;
  gxg: SisOptions['gxg'];
  gxgTop: number;
  qc: SisOptions['qc'];
  countedAllele: string;
  /** FNV-1a (hex) of the analysed rows, the residualized responses and E. */
  data: string;
}

/** A variant a shard file refers to: what naming, reporting and imputing its terms needs. */
export interface ShardVariant {
  index: number;
  id: string;
  chrom: string;
  pos: number;
  a1: string;
  mean: number;
}

export interface PartnerShard {
  kind: 'partners';
  fingerprint: ScreenFingerprint;
  range: ShardRange;
  /** Variants the shard read. */
  variants: number;
  /** Per response: the shard's top-M QC-passed SNPs and their |correlation|, best first. */
  top: { variant: number; key: number }[][];
  info: ShardVariant[];
}

export interface ScreenedShard {
  kind: 'screened';
  fingerprint: ScreenFingerprint;
  range: ShardRange;
  qc: QcCounts;
  stats: ScreenStats;
  /** Per response: the number of SNPxSNP partners (the global top-M list's length). */
  partnerCounts: number[];
  /** Per response: the shard's top-d SNP, SNPxE and SNPxSNP terms, best first. */
  features: Feature[][];
  info: ShardVariant[];
}

/** The global SNPxSNP partners of a sharded run: per response best first, with the partners' variant records. */
export interface GlobalPartners {
  partners: number[][];
  info: Map<number, ShardVariant>;
}


export function screenFingerprint(ctx: SisContext, o: SisOptions): ScreenFingerprint {
  const h = new Fnv();
  h.add(new Uint8Array(ctx.input.rowOf.buffer, ctx.input.rowOf.byteOffset, ctx.input.rowOf.byteLength));
  for (const v of [...ctx.y, ...ctx.view.data.env]) h.add(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return {
    n: ctx.input.n,
    responses: ctx.input.responses.map((r) => r.name),
    covariates: ctx.input.covariates.map((c) => c.name),
    env: ctx.input.env.map((e) => e.name),
    d: ctx.d0,
    gxg: o.gxg,
    gxgTop: o.gxgTop,
    qc: { maf: o.qc.maf, geno: o.qc.geno },
    countedAllele: o.countedAllele ?? 'minor',
    data: h.hex(),
  };
}

class Fnv {
  private h = 0x811c9dc5;
  add(bytes: Uint8Array): void {
    let h = this.h;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    this.h = Math.imul(h ^ 0xff, 0x01000193) >>> 0;
  }
  hex(): string {
    return this.h.toString(16).padStart(8, '0');
  }
}

/** Refuses what the shards cannot do: ISIS rounds, --tune cv, --gxg all. */
export function checkShardable(o: Pick<SisOptions, 'iter' | 'tune' | 'gxg'>): void {
  if (o.iter > 0 || o.tune === 'cv') {
    throw new InputError(
      { file: o.iter > 0 ? '--iter' : '--tune', expected: 'iter 0 and tune ebic or bic for sharded screening', found: o.iter > 0 ? `iter ${o.iter}` : 'tune cv' },
      'ISIS rounds and cross-validation screen the whole genome again inside the selection; run sis in one process for them',
    );
  }
  if (o.gxg === 'all') throw new InputError({ file: '--gxg', expected: 'none, top or among for sharded screening', found: 'all' }, 'every SNP pair needs every SNP as a partner in every shard; run sis in one process for --gxg all');
}

function needsPartners(o: Pick<SisOptions, 'gxg'>): boolean {
  return o.gxg === 'top' || o.gxg === 'among';
}

function shardView(ctx: SisContext, range: ShardRange) {
  return { ...ctx.view.data, source: variantRangeSource(ctx.input.source, range) };
}

function variantRecord(info: VariantInfo, v: number): ShardVariant {
  return { index: v, id: info.ids[v], chrom: info.chrom[v], pos: info.pos[v], a1: info.a1[v], mean: info.mean[v] };
}

/** Stage 1 (SNPxSNP top/among): the shard's top-M marginal SNPs of every response. */
export async function shardPartners(ctx: SisContext, o: SisOptions & ScreenSettings, range: ShardRange): Promise<PartnerShard> {
  checkShardable(o);
  if (!needsPartners(o)) throw new InputError({ file: '--gxg', expected: 'top or among (SNPxSNP partners)', found: o.gxg }, 'no SNPxSNP partners to list');
  const K = ctx.y.length;
  const mp = await marginalPass(shardView(ctx, range), ctx.y, {
    qc: o.qc,
    keep: new Array<number>(K).fill(0),
    // the SNPxE blocks too, so the kernel's sums (and the scores) are those of the one-process pass
    gxe: ctx.view.envRes.length > 0,
    topM: o.gxgTop,
    targetsFor: ctx.targetsFor,
    pool: o.pool,
    gpu: o.gpu,
    chunkVariants: o.chunkVariants,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const top = mp.topSnps.map((vs, k) => vs.map((variant, r) => ({ variant, key: mp.topSnpScores[k][r] })));
  const used = [...new Set(mp.topSnps.flat())].sort((a, b) => a - b);
  return { kind: 'partners', fingerprint: screenFingerprint(ctx, o), range, variants: mp.qc.variants, top, info: used.map((v) => variantRecord(mp.info, v)) };
}

/** The global top-M partners of every response from every shard's list. */
export function mergePartners(ctx: SisContext, o: SisOptions, shards: readonly (PartnerShard & { source: string })[]): GlobalPartners {
  checkShards(shards, screenFingerprint(ctx, o), ctx.input.source.nVariants, 'partners');
  const K = ctx.y.length;
  const info = new Map<number, ShardVariant>();
  for (const s of shards) for (const v of s.info) info.set(v.index, v);
  const partners = Array.from({ length: K }, (_, k) => {
    const heap = new TopK<number>(o.gxgTop, variantBefore);
    for (const s of shards) for (const t of s.top[k]) heap.offer(t.key, () => t.variant);
    return heap.sorted().map((x) => x.item);
  });
  return { partners, info };
}

/** Stage 2: the shard's top-d SNP, SNPxE and SNPxSNP terms of every response (E main effects: at the merge). */
export async function screenShard(ctx: SisContext, o: SisOptions & ScreenSettings, range: ShardRange, global: GlobalPartners | null): Promise<ScreenedShard> {
  checkShardable(o);
  if (needsPartners(o) && !global) throw new InputError({ file: '--partners-from', expected: `the partner files of every shard (sis --partners-only) for --gxg ${o.gxg}`, found: 'none' }, 'SNPxSNP partners missing');
  const K = ctx.y.length;
  const data = shardView(ctx, range);
  const stats: ScreenStats = { marginalSeconds: 0, pairSeconds: 0, pairCount: 0, pairPasses: 0 };
  ctx.log(`screening: SNP${ctx.view.envRes.length ? ', SNPxE' : ''} pass over variants ${range.from}..${range.to ?? 'end'}`);
  const mp = await marginalPass(data, ctx.y, {
    qc: o.qc,
    keep: new Array<number>(K).fill(ctx.d0),
    gxe: ctx.view.envRes.length > 0,
    topM: 0,
    targetsFor: ctx.targetsFor,
    pool: o.pool,
    gpu: o.gpu,
    chunkVariants: o.chunkVariants,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  stats.marginalSeconds += mp.seconds;
  const partners = needsPartners(o) && global ? global.partners : [];
  if (partners.length) {
    ctx.log(`screening: SNPxSNP (${o.gxg}) pass with the global top-${o.gxgTop} partners`);
    const pp = await pairPass(data, ctx.y, mp.heaps, {
      mode: o.gxg as 'top' | 'among',
      partners,
      partnerDosage: await partnerDosages(ctx, global as GlobalPartners, o),
      info: mp.info,
      targetsFor: ctx.targetsFor,
      maxCells: o.maxPairCells,
      pool: o.pool,
      gpu: o.gpu,
      chunkVariants: o.chunkVariants,
      signal: o.signal,
      onProgress: o.onProgress,
    });
    stats.pairSeconds += pp.seconds;
    stats.pairCount += pp.pairs;
    stats.pairPasses += pp.passes;
  }
  const features = mp.heaps.map((h) => h.sorted().map((x) => x.item));
  const refs = new Set<number>();
  for (const fs of features) for (const f of fs) if (f.variant >= 0) refs.add(f.variant);
  const records = [...refs].sort((a, b) => a - b).map((v) => (v >= range.from && (range.to === null || v < range.to) ? variantRecord(mp.info, v) : undefined));
  const partnerRefs = new Set<number>();
  for (const fs of features) for (const f of fs) if (f.type === 'GxG') partnerRefs.add(f.aux);
  const info = [...records.filter((r): r is ShardVariant => !!r), ...[...partnerRefs].filter((v) => !refs.has(v)).map((v) => partnerRecord(global, v))];
  info.sort((a, b) => a.index - b.index);
  return { kind: 'screened', fingerprint: screenFingerprint(ctx, o), range, qc: mp.qc, stats, partnerCounts: partners.length ? partners.map((p) => p.length) : new Array<number>(K).fill(0), features, info };
}

function partnerRecord(global: GlobalPartners | null, v: number): ShardVariant {
  const r = global?.info.get(v);
  if (!r) throw new Error(`screenShard: no record of partner variant ${v}`);
  return r;
}

/** Mean-imputed dosages of the global partners on the analysed rows, read from the whole source. */
async function partnerDosages(ctx: SisContext, global: GlobalPartners, o: ScreenSettings): Promise<Map<number, Float64Array>> {
  const want = new Set(global.partners.flat());
  const rows = await collectVariants(ctx.input.source, want, { signal: o.signal, chunkVariants: o.chunkVariants });
  const out = new Map<number, Float64Array>();
  const scratch = new Float32Array(ctx.input.rowOf.length);
  for (const [v, row] of rows) out.set(v, imputedDosage(row, ctx.input.rowOf, ctx.input.n, partnerRecord(global, v).mean, scratch));
  return out;
}

/**
 * Stage 3: the first screening round of the whole genome from its shards: every response's top-d of the
 * shards' terms and the E main effects, the variants' records, QC counts and pass statistics summed.
 */
export function mergeScreenedShards(ctx: SisContext, o: SisOptions, shards: readonly (ScreenedShard & { source: string })[]): { s0: ScreenResult; stats: ScreenStats } {
  checkShards(shards, screenFingerprint(ctx, o), ctx.input.source.nVariants, 'screened');
  const K = ctx.y.length;
  const heaps = Array.from({ length: K }, () => new TopK<Feature>(ctx.d0, featureBefore));
  for (const s of shards) for (let k = 0; k < K; k++) for (const f of s.features[k]) offerFeature(heaps[k], undefined, f.type, f.variant, f.aux, f.score);
  // Environment main effects: direct correlations, as screenRound.
  const { envRes } = ctx.view;
  for (let k = 0; k < K; k++) {
    const yy = dot(ctx.y[k], ctx.y[k]);
    for (let e = 0; e < envRes.length; e++) {
      const ee = dot(envRes[e], envRes[e]);
      if (!(ee > 0) || !(yy > 0)) continue;
      offerFeature(heaps[k], undefined, 'ENV', -1, e, dot(envRes[e], ctx.y[k]) / Math.sqrt(ee * yy));
    }
  }
  const info: VariantInfo = { ids: [], chrom: [], pos: [], a1: [], mean: [], qc: [] };
  for (const s of shards) {
    for (const v of s.info) {
      info.ids[v.index] = v.id;
      info.chrom[v.index] = v.chrom;
      info.pos[v.index] = v.pos;
      info.a1[v.index] = v.a1;
      info.mean[v.index] = v.mean;
      info.qc[v.index] = 1;
    }
  }
  const qc: QcCounts = { variants: 0, passed: 0, lowCallRate: 0, lowMaf: 0, constant: 0 };
  const stats: ScreenStats = { marginalSeconds: 0, pairSeconds: 0, pairCount: 0, pairPasses: 0 };
  for (const s of shards) {
    for (const key of Object.keys(qc) as (keyof QcCounts)[]) qc[key] += s.qc[key];
    for (const key of Object.keys(stats) as (keyof ScreenStats)[]) stats[key] += s.stats[key];
  }
  stats.pairPasses = Math.max(0, ...shards.map((s) => s.stats.pairPasses));
  const counts = shards[0].partnerCounts;
  const partners = counts.map((c) => new Array<number>(c).fill(-1));
  return { s0: { features: heaps.map((h) => h.sorted().map((x) => x.item)), partners, dosage: new Map(), info, qc }, stats };
}

/** Shards of one run that cover the whole file once, in order: else an error naming the file and the gap. */
function checkShards(shards: readonly { fingerprint: ScreenFingerprint; range: ShardRange; source: string; kind: string }[], want: ScreenFingerprint, nVariants: number | null, kind: string): void {
  if (shards.length === 0) throw new InputError({ file: kind === 'partners' ? '--partners-from' : '--from-screened', expected: 'the files of every shard', found: 'none' }, 'no shard files');
  const wantText = JSON.stringify(want);
  for (const s of shards) {
    if (s.kind !== kind) throw new InputError({ file: s.source, expected: `a ${kind} shard file`, found: `a ${s.kind} shard file` }, 'wrong shard file');
    if (JSON.stringify(s.fingerprint) !== wantText) {
      const key = (Object.keys(want) as (keyof ScreenFingerprint)[]).find((k) => JSON.stringify(s.fingerprint[k]) !== JSON.stringify(want[k])) ?? 'data';
      throw new InputError({ file: s.source, expected: `${key} ${JSON.stringify(want[key])} (this run's)`, found: JSON.stringify(s.fingerprint[key]) }, 'shard of another run (different responses, samples or settings)');
    }
  }
  const sorted = [...shards].sort((a, b) => a.range.from - b.range.from);
  let at = 0;
  for (const s of sorted) {
    if (s.range.from !== at) throw new InputError({ file: s.source, expected: `a shard starting at variant index ${at}`, found: `variants ${s.range.from}..${s.range.to ?? 'end'}` }, at < s.range.from ? 'shards leave a gap' : 'shards overlap');
    if (s.range.to === null) {
      if (s !== sorted[sorted.length - 1]) throw new InputError({ file: s.source, expected: 'the shard that runs to the end of the file last', found: 'more shards after it' }, 'shards overlap');
      return;
    }
    at = s.range.to;
  }
  if (nVariants === null || at < nVariants) {
    throw new InputError({ file: sorted[sorted.length - 1].source, expected: `shards up to the end of the file (${nVariants ?? 'unknown number of'} variants; the last shard without --to-index)`, found: `the last shard ends at ${at}` }, 'shards do not cover the genome');
  }
}
