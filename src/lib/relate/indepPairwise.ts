/**
 * LD pruning with the semantics of plink2 2.00a3.5 `--indep-pairwise W S R2` and `--indep-pairwise Wkb R2`
 * (plink-ng 2.0/plink2_ld.cc: LdPrune, LdPruneSubcontigSplitAll, LdPruneNextSubcontig, LdPruneNextWindow,
 * IndepPairwiseThread, FillVaggs, ComputeIndepPairwiseR2Components); docs/relatedness.md lists the rules.
 *
 * - Eligible variants: `include` (e.g. a --maf filter) minus chromosome 0; the others are in neither list.
 *   Each chromosome (a contiguous run of one code) is a segment; with a kb window a segment also ends wherever bp
 *   jumps by more than the window. A segment of one variant is never loaded: it is kept (even if monomorphic).
 * - Windows by count: [s, s + W), the next start s + S, until the segment end; by kb: [s, first variant with
 *   bp > bp[s] + W), the next start the first variant after s with bp >= bp[e] - W (e the first variant outside).
 *   A window holds the still-kept variants of the previous one at or after the new start, then the new ones.
 * - r2 over founders only: calls +1 (hom REF) / 0 (het) / -1 (hom ALT), summed over the founders called at
 *   both variants: cov = dot n - s1 s2, var = ssq n - s^2 (integers); in LD when cov^2 > R2 (1 + 2^-44) var1 var2.
 *   chrX: male founders with hets as missing, plus twice the nonmale founders (females and unknown sex); chrY:
 *   male founders, hets missing; MT: founders, hets missing. Monomorphic variants are removed on loading.
 * - Pair order ('plink1', plink2 2.00a3.5 and PLINK 1.9): for each kept first in window order, the kept seconds
 *   after it that it has not been compared with yet, until a hit; passes repeat while they remove variants. On a
 *   hit the lower-MAF variant goes: the first when majfreq1 > majfreq2 (1 + 2^-44), else the second (a tie
 *   removes the later one). 'reverse' (plink2 >= 2.00a4 default): seconds from the window's last variant down
 *   to its first new one, firsts from second - 1 down to 0, skipping removed firsts only; the second goes when
 *   majfreq1 <= majfreq2 (1 + 2^-44) (then the next second), else the first (and the next first).
 *
 * Streaming: chunks are read once; each loaded variant keeps two bit planes of its founder calls (hom, ref-or-het;
 * 32 founders a word, plus two for chrX's nonmale founders) while it can still be in a window, so memory is the
 * window's variants x founders / 4 bytes, never the genotype matrix. r2 components are popcounts of AND masks.
 */
import { createProgress, type ProgressCallback } from '../base/progress';
import { yieldAndCheck } from '../base/cancel';
import { LatentScanError } from '../base/errors';
import type { GenotypeSource } from '../io/GenotypeSource';
import { normalizeChrom } from '../io/chrom';
import { PlaneArena, popcount, type PlaneSlot } from './ldPlanes';

/** plink2's kSmallEpsilon (2^-44): the relative tolerance of the r2 threshold and of the MAF comparison. */
export const SMALL_EPSILON = 2 ** -44;

export type PruneOrder = 'plink1' | 'reverse';

export interface IndepPairwiseOptions {
  /** Window size: variants, or kilobases when `windowKb`. */
  window: number;
  /** Window step in variants (1..window); plink2 requires 1 with a kb window (ignored there). */
  step: number;
  /** r2 threshold. */
  r2: number;
  windowKb?: boolean;
  /** Variants eligible (indexed like the source's variants: chunk.start + i); absent = all. */
  include?: Uint8Array;
  /**
   * .fam sex codes of the source's samples (1 male, 2 female, 0 unknown), for chrX/chrY. Default: the source's
   * own (`sex` of a .bed source, or of the .bed source under a QC source); absent = all unknown, as plink2 has it
   * for a VCF (chrX then counts every founder as diploid, and chrY has no male founder).
   */
  sex?: Uint8Array;
  /** Pair order (default 'plink1', the order of the plink2 2.00a3.5 the tests compare with). */
  order?: PruneOrder;
  /** Also return the variant IDs of the two lists (file order). */
  collectIds?: boolean;
  /** Pair kernel: 'wasm' (default; 64-bit hardware popcount, ldPlanes.ts) or 'js' (32-bit words, the fallback). */
  kernel?: 'wasm' | 'js';
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  chunkVariants?: number;
}

export interface IndepPairwiseResult {
  /** keep[v] = 1: in .prune.in. Indexed like the source's variants. */
  keep: Uint8Array;
  /** pruned[v] = 1: in .prune.out (monomorphic among founders or in LD with a kept variant). */
  pruned: Uint8Array;
  kept: number;
  removed: number;
  /** Variants the source yielded. */
  nVariants: number;
  /** Eligible variants (kept + removed). */
  eligible: number;
  /** Variants of chromosome 0 left out (eligible by `include` but never considered, as in plink2). */
  skippedChr0: number;
  /** Removed as monomorphic among the founders. */
  monomorphic: number;
  founders: number;
  maleFounders: number;
  /** r2 evaluations made. */
  pairs: number;
  /** Most variants held at once (the window: at most W by count); memory is about this x founders / 4 bytes. */
  peakWindow: number;
  seconds: number;
  inIds?: string[];
  outIds?: string[];
}

type ChromKind = 'diploid' | 'x' | 'y' | 'haploid';

function chromKind(norm: string): ChromKind {
  if (norm === 'X') return 'x';
  if (norm === 'Y') return 'y';
  if (norm === 'MT') return 'haploid';
  return 'diploid';
}

/** .fam sex of the source's samples when the source carries it (a .bed source, or a QC source over one). */
export function sourceSex(source: GenotypeSource): Uint8Array | undefined {
  const n = source.samples.iid.length;
  const s = source as GenotypeSource & { sex?: unknown; base?: GenotypeSource; keptSampleIndex?: Int32Array };
  if (s.sex instanceof Uint8Array && s.sex.length === n) return s.sex;
  if (s.base && s.keptSampleIndex && s.keptSampleIndex.length === n) {
    const b = sourceSex(s.base);
    if (b) return Uint8Array.from(s.keptSampleIndex, (j) => b[j]);
  }
  return undefined;
}

/** A sample group of one chromosome kind: founder sample indices, and whether hets are read as missing. */
interface Group {
  idx: Int32Array;
  /** 32-bit words of a plane: even (64-bit words for the pair kernel), the words past idx.length zero */
  words: number;
  hetMissing: boolean;
  /** true when idx is 0..n-1 (planes straight from the packed bytes through tables) */
  identity: boolean;
}

/** Per-variant aggregates of one group: calls, sum of +1/-1, sum of squares (= homozygous calls). */
interface Aggs {
  nm: number;
  sum: number;
  ssq: number;
  /**
   * How many positions (within the group) of missing calls are listed at word `missOff` of the variant's slot, when
   * there are few (at most 4 a plane word), else -1: a pair's sums over the founders called at both variants are
   * then the totals minus the values at the other variant's listed positions.
   */
  miss: number;
  missOff: number;
}

const NO_AGGS: Aggs = { nm: 0, sum: 0, ssq: 0, miss: -1, missOff: 0 };

interface Entry {
  /** load index (plink2's tvidx): increases along the stream of loaded variants */
  tv: number;
  vidx: number;
  bp: number;
  /** [homA, refhetA, homB, refhetB] words, then the groups' missing-call lists, in the arena (ldPlanes.ts) */
  slot: PlaneSlot;
  a: Aggs;
  b: Aggs;
  majfreq: number;
  removed: boolean;
  mono: boolean;
  firstUnchecked: number;
}

/** For each byte (4 samples): 4-bit hom mask (codes 00 and 11) and ref-or-het mask (codes 11 and 10). */
const HOM4 = new Uint8Array(256);
const REFHET4 = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  for (let k = 0; k < 4; k++) {
    const c = (b >> (2 * k)) & 3;
    if (c === 0 || c === 3) HOM4[b] |= 1 << k;
    if (c === 3 || c === 2) REFHET4[b] |= 1 << k;
  }
}

interface Layout {
  a: Group;
  /** chrX's nonmale founders (weight 2), or null */
  b: Group | null;
  planeWords: number;
  /** words of a slot: the planes, then room for group a's missing-call list (4 a plane word), then group b's */
  slotWords: number;
}

/** The r2 components of a pair within one group (plink2's ComputeIndepPairwiseR2Components, all six values). */
function groupComponents(arena: PlaneArena, e1: Entry, a1: Aggs, e2: Entry, a2: Aggs, off: number, words: number, nGroup: number, out: Float64Array): void {
  if (a1.miss >= 0 && a2.miss >= 0) {
    const dot = arena.dot(e1.slot, e2.slot, off, words);
    // sums of each variant over the founders called at the other: totals minus the values at the other's missing
    // positions (value of a hom call: +1 hom ref, -1 hom alt)
    const cnt = arena.counts;
    arena.missing(e1.slot, off, words, e2.slot, a2.missOff, a2.miss);
    const s1 = a1.sum - (2 * cnt[1] - cnt[0]), q1 = a1.ssq - cnt[0], common = cnt[2];
    arena.missing(e2.slot, off, words, e1.slot, a1.missOff, a1.miss);
    const s2 = a2.sum - (2 * cnt[1] - cnt[0]), q2 = a2.ssq - cnt[0];
    out[0] = nGroup - a1.miss - a2.miss + common; out[1] = s1; out[2] = q1; out[3] = s2; out[4] = q2; out[5] = dot;
    return;
  }
  const p1 = e1.slot.planes, p2 = e2.slot.planes;
  const r = off + words;
  let both = 0, neg = 0, nm = 0, q1 = 0, pl1 = 0, q2 = 0, pl2 = 0;
  for (let w = 0; w < words; w++) {
    const h1 = p1[off + w], r1 = p1[r + w], h2 = p2[off + w], r2 = p2[r + w];
    const h = h1 & h2;
    both += popcount(h);
    neg += popcount(h & (r1 ^ r2));
    const nm1 = h1 | r1, nm2 = h2 | r2;
    nm += popcount(nm1 & nm2);
    const s2 = nm1 & h2;
    q2 += popcount(s2);
    pl2 += popcount(s2 & r2);
    const s1 = nm2 & h1;
    q1 += popcount(s1);
    pl1 += popcount(s1 & r1);
  }
  out[0] = nm; out[1] = 2 * pl1 - q1; out[2] = q1; out[3] = 2 * pl2 - q2; out[4] = q2; out[5] = both - 2 * neg;
}

/** plink2's test: cov^2 > thresh var1 var2, evaluated in the same order (thresh = R2 (1 + 2^-44)). */
function inLd(first: Entry, second: Entry, t: LdTest): boolean {
  const { L, thresh, c, cb } = t;
  groupComponents(t.arena, first, first.a, second, second.a, 0, L.a.words, L.a.idx.length, c);
  let n = c[0], s1 = c[1], q1 = c[2], s2 = c[3], q2 = c[4], dot = c[5];
  if (L.b) {
    groupComponents(t.arena, first, first.b, second, second.b, 2 * L.a.words, L.b.words, L.b.idx.length, cb);
    n += 2 * cb[0]; s1 += 2 * cb[1]; q1 += 2 * cb[2]; s2 += 2 * cb[3]; q2 += 2 * cb[4]; dot += 2 * cb[5];
  }
  const cov = dot * n - s1 * s2;
  const v1 = q1 * n - s1 * s1;
  const v2 = q2 * n - s2 * s2;
  return cov * cov > thresh * v1 * v2;
}

/**
 * Fills one group's planes from a packed row and returns its aggregates. `counts` gets [REF, ALT] allele counts
 * added for the major-allele frequency, as plink2 counts them (LoadAlleleAndGenoCounts): 2 a homozygote and 1 + 1
 * a het, hets included even where r2 reads them as missing (chrY, MT, chrX males), times `freqWeight` (chrX: 1
 * for males, 2 for nonmales).
 */
function fillGroup(g: Group, packed: Uint8Array, off: number, planes: Uint32Array, pOff: number, counts: Float64Array, freqWeight: number, missOff: number): Aggs {
  const words = g.words;
  planes.fill(0, pOff, pOff + 2 * words);
  const r = pOff + words;
  let hom = 0, refhet = 0, plus = 0, hetSkipped = 0;
  if (g.identity && !g.hetMissing) {
    const n = g.idx.length;
    const full = n >> 2;
    for (let k = 0; k < full; k++) {
      const b = packed[off + k];
      const w = k >> 3;
      const sh = (k & 7) << 2;
      planes[pOff + w] |= HOM4[b] << sh;
      planes[r + w] |= REFHET4[b] << sh;
    }
    for (let j = full << 2; j < n; j++) {
      const c = (packed[off + (j >> 2)] >> ((j & 3) << 1)) & 3;
      const bit = 1 << (j & 31);
      if (c === 0 || c === 3) planes[pOff + (j >>> 5)] |= bit;
      if (c === 3 || c === 2) planes[r + (j >>> 5)] |= bit;
    }
    for (let w = 0; w < words; w++) {
      const h = planes[pOff + w], rh = planes[r + w];
      hom += popcount(h);
      refhet += popcount(rh);
      plus += popcount(h & rh);
    }
  } else {
    const idx = g.idx;
    for (let t = 0; t < idx.length; t++) {
      const j = idx[t];
      const c = (packed[off + (j >> 2)] >> ((j & 3) << 1)) & 3;
      if (c === 1) continue;
      if (c === 2 && g.hetMissing) {
        hetSkipped++;
        continue;
      }
      const w = t >>> 5;
      const bit = 1 << (t & 31);
      if (c === 0) { planes[pOff + w] |= bit; hom++; }
      else if (c === 3) { planes[pOff + w] |= bit; planes[r + w] |= bit; hom++; refhet++; plus++; }
      else { planes[r + w] |= bit; refhet++; }
    }
  }
  const minus = hom - plus;
  const nm = minus + refhet;
  const het = refhet - plus + hetSkipped;
  counts[0] += freqWeight * (2 * plus + het);
  counts[1] += freqWeight * (2 * minus + het);
  const nMiss = g.idx.length - nm;
  let miss = -1;
  if (nMiss <= 4 * words) {
    miss = nMiss;
    let k = 0;
    for (let w = 0; w < words && k < nMiss; w++) {
      const left = g.idx.length - (w << 5); // samples in this word (<= 0 in the padding)
      const valid = left >= 32 ? -1 : left > 0 ? (1 << left) - 1 : 0;
      let m = ~(planes[pOff + w] | planes[r + w]) & valid;
      while (m !== 0) {
        const low = m & -m;
        planes[missOff + k++] = (w << 5) + 31 - Math.clz32(low);
        m ^= low;
      }
    }
  }
  return { nm, sum: plus - minus, ssq: hom, miss, missOff };
}

class Growable {
  a: Uint8Array;
  constructor(n: number) {
    this.a = new Uint8Array(Math.max(16, n));
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Uint8Array(Math.max(n, this.a.length * 2));
    b.set(this.a);
    this.a = b;
  }
}

/** The window in variants (count mode) or bp (kb mode), the step, the r2 threshold with plink2's tolerance. */
interface WindowParams {
  W: number;
  step: number;
  windowKb: boolean;
  thresh: number;
  order: PruneOrder;
}

/** Checks the options as plink2 does and converts a kb window to bp (floor(W x 1000 (1 + 2^-44))). */
function windowParams(o: IndepPairwiseOptions): WindowParams {
  const order: PruneOrder = o.order ?? 'plink1';
  if (!(o.r2 >= 0 && o.r2 <= 1)) throw new LatentScanError('input', `--indep-pairwise: r2 threshold must be in [0, 1], got ${o.r2}`);
  let W: number;
  let step = 1;
  if (o.windowKb) {
    if (!(o.window > 0)) throw new LatentScanError('input', `--indep-pairwise: window must be positive, got ${o.window}kb`);
    W = Math.floor(o.window * 1000 * (1 + SMALL_EPSILON));
  } else {
    if (!Number.isInteger(o.window) || o.window < 1) throw new LatentScanError('input', `--indep-pairwise: window must be a positive integer, got ${o.window}`);
    if (!Number.isInteger(o.step) || o.step < 1) throw new LatentScanError('input', `--indep-pairwise: step must be a positive integer, got ${o.step}`);
    if (o.step > o.window) throw new LatentScanError('input', `--indep-pairwise: step (${o.step}) cannot be larger than the window (${o.window}), as in plink2`);
    W = o.window;
    step = o.step;
  }
  return { W, step, windowKb: !!o.windowKb, thresh: o.r2 * (1 + SMALL_EPSILON), order };
}

/**
 * The founders' sample groups of each chromosome kind: diploid (all founders), MT (all, hets missing), chrY (male
 * founders, hets missing), chrX (male founders with hets missing, plus the nonmale founders at weight 2).
 */
function founderLayouts(source: GenotypeSource, sex: Uint8Array | undefined): { layouts: Record<ChromKind, Layout>; founders: number; maleFounders: number } {
  const n = source.samples.iid.length;
  const founderFlag = source.samples.founder;
  const founders: number[] = [];
  for (let j = 0; j < n; j++) if (!founderFlag || founderFlag[j]) founders.push(j);
  if (founders.length < 2) throw new LatentScanError('input', `${source.name}: --indep-pairwise needs at least two founders (found ${founders.length})`);
  const males = founders.filter((j) => sex?.[j] === 1);
  const nonmales = founders.filter((j) => sex?.[j] !== 1);
  const group = (idx: number[], hetMissing: boolean): Group => ({
    idx: Int32Array.from(idx),
    words: 2 * Math.ceil(idx.length / 64),
    hetMissing,
    identity: idx.length === n,
  });
  const layouts: Record<ChromKind, Layout> = {
    diploid: { a: group(founders, false), b: null, planeWords: 0, slotWords: 0 },
    haploid: { a: group(founders, true), b: null, planeWords: 0, slotWords: 0 },
    y: { a: group(males, true), b: null, planeWords: 0, slotWords: 0 },
    x: { a: group(males, true), b: nonmales.length > 0 ? group(nonmales, false) : null, planeWords: 0, slotWords: 0 },
  };
  for (const L of Object.values(layouts)) {
    L.planeWords = 2 * L.a.words + (L.b ? 2 * L.b.words : 0);
    L.slotWords = 3 * L.planeWords;
  }
  return { layouts, founders: founders.length, maleFounders: males.length };
}

/** The r2 test of the current chromosome kind: its layout, the threshold, and scratch for the components. */
interface LdTest {
  L: Layout;
  thresh: number;
  c: Float64Array;
  cb: Float64Array;
  arena: PlaneArena;
}

/**
 * The fate of every variant (keep / pruned flags, indexed like the source's variants, growing with the stream), the
 * counters of the result, and the ID lists in file order.
 */
class Outcome {
  readonly keep: Growable;
  readonly pruned: Growable;
  readonly inIds: string[] | undefined;
  readonly outIds: string[] | undefined;
  // IDs wait until the variant's fate is final (its last window), then go out in file order
  private readonly idOf = new Map<number, string>();
  private idNext = 0; // next source index whose ID is to be emitted
  eligible = 0;
  skippedChr0 = 0;
  monomorphic = 0;
  pairs = 0;
  peakWindow = 0;

  constructor(nVariants: number, collectIds: boolean) {
    this.keep = new Growable(nVariants);
    this.pruned = new Growable(nVariants);
    this.inIds = collectIds ? [] : undefined;
    this.outIds = collectIds ? [] : undefined;
  }

  ensure(end: number): void {
    this.keep.ensure(end);
    this.pruned.ensure(end);
  }

  noteId(vidx: number, id: string): void {
    this.idOf.set(vidx, id);
  }

  /** A loaded variant: eligible, kept unless monomorphic among the founders (then pruned). */
  loaded(vidx: number, mono: boolean): void {
    this.eligible++;
    if (mono) {
      this.monomorphic++;
      this.pruned.a[vidx] = 1;
    } else this.keep.a[vidx] = 1;
  }

  markRemoved(e: Entry): void {
    if (e.removed) return;
    e.removed = true;
    this.keep.a[e.vidx] = 0;
    this.pruned.a[e.vidx] = 1;
  }

  /** The variant of a one-variant segment: plink2 never loads it, so it is kept as it is, monomorphic or not. */
  keepUnloaded(e: Entry): void {
    if (!e.removed) return;
    e.removed = false;
    this.pruned.a[e.vidx] = 0;
    this.keep.a[e.vidx] = 1;
    this.monomorphic--;
  }

  /** Emits the IDs of the variants before `upTo` (their fate final) to the in/out lists. */
  emitIds(upTo: number): void {
    const { inIds, outIds } = this;
    if (!inIds || !outIds) return;
    for (; this.idNext < upTo; this.idNext++) {
      const id = this.idOf.get(this.idNext);
      if (id === undefined) continue;
      this.idOf.delete(this.idNext);
      if (this.keep.a[this.idNext]) inIds.push(id);
      else if (this.pruned.a[this.idNext]) outIds.push(id);
    }
  }
}

/**
 * Loads one variant of a chromosome kind: its founder call planes (from `pool`), the groups' aggregates, whether it
 * is monomorphic among the founders, and its major-allele frequency (plink2's allele counts).
 */
function loadEntry(L: Layout, arena: PlaneArena, packed: Uint8Array, off: number, tv: number, vidx: number, bp: number, counts: Float64Array): Entry {
  const slot = arena.take();
  const planes = slot.planes;
  counts[0] = 0;
  counts[1] = 0;
  const a = fillGroup(L.a, packed, off, planes, 0, counts, 1, L.planeWords);
  let b = NO_AGGS;
  if (L.b) b = fillGroup(L.b, packed, off, planes, 2 * L.a.words, counts, 2, L.planeWords + 4 * L.a.words);
  const nm = a.nm + 2 * b.nm;
  const plus = (a.ssq + a.sum) / 2 + (b.ssq + b.sum); // hom REF count, nonmale doubled
  const minus = (a.ssq - a.sum) / 2 + (b.ssq - b.sum);
  const mono = (plus === 0 && minus === 0) || plus === nm || minus === nm;
  const refCt = counts[0], altCt = counts[1];
  const tot = refCt + altCt;
  const refFreq = refCt / tot;
  return {
    tv, vidx, bp, slot, a, b,
    majfreq: refCt >= altCt ? refFreq : 1 - refFreq,
    removed: mono, mono, firstUnchecked: tv + 1,
  };
}

/**
 * The 'reverse' pair order (plink2 >= 2.00a4): seconds from the window's last variant down to its first new one
 * (`split`: the carried entries at the front), firsts from second - 1 down to 0, skipping removed firsts only.
 */
function pruneReverse(win: Entry[], split: number, t: LdTest, out: Outcome): void {
  const stop = split > 0 ? split : 1;
  for (let s = win.length - 1; s >= stop; s--) {
    const E2 = win[s];
    if (E2.mono) continue; // cov = 0 against anything: never in LD
    for (let f = s - 1; f >= 0; f--) {
      const E1 = win[f];
      if (E1.removed) continue;
      out.pairs++;
      if (inLd(E1, E2, t)) {
        if (E1.majfreq <= E2.majfreq * (1 + SMALL_EPSILON)) {
          out.markRemoved(E2);
          break;
        }
        out.markRemoved(E1);
      }
    }
  }
}

/** The first entry at or after `from` that is still kept (win.length when none). */
function nextKept(win: Entry[], from: number): number {
  let s = from;
  while (s < win.length && win[s].removed) s++;
  return s;
}

function countRemoved(win: Entry[]): number {
  let ct = 0;
  for (const e of win) if (e.removed) ct++;
  return ct;
}

/**
 * One first of the PLINK 1.x order: compares win[f] with the kept seconds from its firstUnchecked load index on,
 * until a hit (the lower-MAF variant goes) or the window's end; records where the next pass resumes.
 */
function compareWithSeconds(win: Entry[], f: number, curTv: number, t: LdTest, out: Outcome): void {
  const size = win.length;
  const E1 = win[f];
  const fu = E1.firstUnchecked;
  // the first kept second with tv >= fu (tv increases along the window)
  let lo = f + 1, hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (win[mid].tv < fu) lo = mid + 1;
    else hi = mid;
  }
  let s = nextKept(win, lo);
  if (s >= size) {
    E1.firstUnchecked = curTv;
    return;
  }
  let pairs = 0;
  for (;;) {
    const E2 = win[s];
    pairs++;
    if (inLd(E1, E2, t)) {
      if (E1.majfreq > E2.majfreq * (1 + SMALL_EPSILON)) out.markRemoved(E1);
      else {
        out.markRemoved(E2);
        const nx = nextKept(win, s + 1);
        E1.firstUnchecked = nx < size ? win[nx].tv : curTv;
      }
      break;
    }
    s = nextKept(win, s + 1);
    if (s >= size) {
      E1.firstUnchecked = curTv;
      break;
    }
  }
  out.pairs += pairs;
}

/**
 * The 'plink1' pair order (plink2 2.00a3.5, PLINK 1.9): for each kept first in window order, the kept seconds not
 * compared with it yet, until a hit; passes repeat while they remove variants. `curTv`: the window's end load index.
 */
function prunePlink1(win: Entry[], curTv: number, t: LdTest, out: Outcome): void {
  let removedCt = countRemoved(win);
  let prev: number;
  do {
    prev = removedCt;
    for (let f = 0; f < win.length; f++) {
      const E1 = win[f];
      if (E1.removed) continue;
      if (E1.firstUnchecked >= curTv) continue;
      compareWithSeconds(win, f, curTv, t, out);
    }
    removedCt = countRemoved(win);
  } while (removedCt > prev);
}

/**
 * The segment and window state of the stream: eligible variants come in file order through `add`; it splits them
 * into segments (chromosomes, and kb gaps wider than the window), loads them, and prunes each complete window.
 */
class WindowPruner {
  private segChrom: string | null = null; // normalized chromosome of the current segment
  private readonly seenChroms = new Set<string>();
  private readonly arena: PlaneArena;
  private readonly ld: LdTest;
  private segLen = 0;
  private segFirst: Entry | null = null;
  private tv = 0; // load counter
  private win: Entry[] = [];
  private split = 0; // carried entries at the window's front
  private newSince = 0; // entries loaded since the last processing
  private winStartTv = 0;
  private winEndTv = 0; // count mode: exclusive end
  private lastBp = -1;
  // kb mode: (tv, bp) of every loaded variant from the window start on, removed ones included
  private kbTv: number[] = [];
  private kbBp: number[] = [];
  private kbStartBp = 0;
  private readonly counts = new Float64Array(2);

  constructor(
    private readonly p: WindowParams,
    private readonly layouts: Record<ChromKind, Layout>,
    private readonly out: Outcome,
    private readonly sourceName: string,
    kernel: 'wasm' | 'js',
  ) {
    this.arena = new PlaneArena(Math.max(...Object.values(layouts).map((L) => L.slotWords)), kernel);
    this.ld = { L: layouts.diploid, thresh: p.thresh, c: new Float64Array(6), cb: new Float64Array(6), arena: this.arena };
  }

  /** One eligible variant (not chromosome 0), in file order. */
  add(vidx: number, norm: string, bp: number, packed: Uint8Array, off: number): void {
    if (norm !== this.segChrom) this.newChromosome(norm, bp);
    else if (this.p.windowKb) this.advanceKb(norm, bp);
    if (this.p.windowKb) {
      this.kbTv.push(this.tv);
      this.kbBp.push(bp);
    }
    const loadedTv = this.tv;
    this.load(vidx, bp, packed, off);
    if (!this.p.windowKb && loadedTv + 1 === this.winEndTv) this.advanceCount();
  }

  /** Ends the last segment. */
  finish(): void {
    if (this.segChrom !== null) this.endSegment();
  }

  /** The first source index whose fate may still change: the earliest one in a window or in an undecided one-variant segment, else `end`. */
  pendingFrom(end: number): number {
    let pending = end;
    if (this.win.length > 0) pending = Math.min(pending, this.win[0].vidx);
    const single = this.segLen === 1 ? this.segFirst : null;
    if (single) pending = Math.min(pending, single.vidx);
    return pending;
  }

  private newChromosome(norm: string, bp: number): void {
    if (this.segChrom !== null) this.endSegment();
    if (this.seenChroms.has(norm)) {
      throw new LatentScanError('input', `${this.sourceName}: chromosome ${norm} is split (its variants are not contiguous); --indep-pairwise needs variants grouped by chromosome`);
    }
    this.seenChroms.add(norm);
    this.startSegment(norm, bp);
  }

  /** kb mode, same chromosome: a gap wider than the window ends the segment; a variant past the window's end completes the window. */
  private advanceKb(norm: string, bp: number): void {
    const W = this.p.W;
    if (bp < this.lastBp) throw new LatentScanError('input', `${this.sourceName}: positions not sorted on chromosome ${norm}; a kb window needs sorted positions, as in plink2`);
    if (bp - this.lastBp > W) {
      // a gap wider than the window ends the segment (plink2's subcontig split)
      this.endSegment();
      this.startSegment(norm, bp);
    } else if (bp > this.kbStartBp + W) {
      // the window [start, this variant) is complete
      if (this.newSince > 0) this.processWindow(this.tv);
      this.carry(this.nextKbStart(bp - W, bp));
    }
    this.lastBp = bp;
  }

  /** kb mode: the next window start, the first variant after the old start with bp >= minBp (else this variant, at `bp`). */
  private nextKbStart(minBp: number, bp: number): number {
    const { kbTv, kbBp } = this;
    let k = 1;
    while (k < kbTv.length && kbBp[k] < minBp) k++;
    let startTv: number;
    if (k < kbTv.length) {
      startTv = kbTv[k];
      this.kbStartBp = kbBp[k];
    } else {
      startTv = this.tv; // this variant
      this.kbStartBp = bp;
    }
    this.kbTv = kbTv.slice(k);
    this.kbBp = kbBp.slice(k);
    return startTv;
  }

  /** Count mode: the window [start, start + W) is complete; process it and move the start by the step. */
  private advanceCount(): void {
    this.processWindow(this.winEndTv);
    this.winStartTv += this.p.step;
    this.winEndTv = this.winStartTv + this.p.W;
    this.carry(this.winStartTv);
  }

  private processWindow(curTv: number): void {
    this.newSince = 0;
    if (this.p.order === 'reverse') pruneReverse(this.win, this.split, this.ld, this.out);
    else prunePlink1(this.win, curTv, this.ld, this.out);
  }

  /** Drops entries that leave the window (removed, or before the new start); the rest are carried. */
  private carry(newStartTv: number): void {
    const next: Entry[] = [];
    for (const e of this.win) {
      if (e.removed || e.tv < newStartTv) this.arena.release(e.slot);
      else next.push(e);
    }
    this.win = next;
    this.split = next.length;
  }

  private startSegment(norm: string, bp: number): void {
    this.segChrom = norm;
    const kind = chromKind(norm);
    this.ld.L = this.layouts[kind];
    this.winStartTv = this.tv;
    this.winEndTv = this.tv + this.p.W;
    this.kbStartBp = bp;
    this.lastBp = bp;
  }

  private endSegment(): void {
    if (this.segLen === 1 && this.segFirst) {
      // plink2 never loads a one-variant segment: kept as it is, monomorphic or not
      this.out.keepUnloaded(this.segFirst);
    } else if (this.segLen > 1 && this.newSince > 0) this.processWindow(this.tv);
    for (const e of this.win) this.arena.release(e.slot);
    this.win = [];
    this.split = 0;
    this.newSince = 0;
    this.segLen = 0;
    this.segFirst = null;
    this.kbTv = [];
    this.kbBp = [];
  }

  private load(vidx: number, bp: number, packed: Uint8Array, off: number): void {
    const e = loadEntry(this.ld.L, this.arena, packed, off, this.tv, vidx, bp, this.counts);
    this.tv++;
    this.segLen++;
    if (this.segLen === 1) this.segFirst = e;
    this.out.loaded(vidx, e.mono);
    this.win.push(e);
    if (this.win.length > this.out.peakWindow) this.out.peakWindow = this.win.length;
    this.newSince++;
  }
}

/**
 * Which variants plink2 `--indep-pairwise` keeps (.prune.in) and removes (.prune.out), in one streamed pass.
 * Needs hard calls (packed chunks) and at least two founders.
 */
export async function indepPairwise(source: GenotypeSource, o: IndepPairwiseOptions): Promise<IndepPairwiseResult> {
  const t0 = performance.now();
  const params = windowParams(o);
  const { layouts, founders, maleFounders } = founderLayouts(source, o.sex ?? sourceSex(source));
  const out = new Outcome(source.nVariants ?? 0, !!o.collectIds);
  const pruner = new WindowPruner(params, layouts, out, source.name, o.kernel ?? 'wasm');
  const progress = createProgress('indep-pairwise', source.nVariants ?? 0, o.onProgress, { unit: 'variants' });
  let nVariants = 0;
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal })) {
    if (!ch.packed) throw new LatentScanError('input', `${source.name}: --indep-pairwise needs hard calls (packed genotypes), not dosages`);
    const end = ch.start + ch.count;
    out.ensure(end);
    nVariants = Math.max(nVariants, end);
    for (let i = 0; i < ch.count; i++) {
      const vidx = ch.start + i;
      if (o.include && !o.include[vidx]) continue;
      const norm = normalizeChrom(ch.variants.chrom[i]);
      if (norm === '0') {
        out.skippedChr0++;
        continue;
      }
      if (out.inIds) out.noteId(vidx, ch.variants.id[i]);
      pruner.add(vidx, norm, ch.variants.pos[i], ch.packed, i * ch.bytesPerVariant);
    }
    // every variant before the earliest one still in a window (or in an undecided one-variant segment) is final
    out.emitIds(pruner.pendingFrom(end));
    progress.tick(end);
    await yieldAndCheck(o.signal);
  }
  pruner.finish();
  out.emitIds(nVariants);
  progress.finish();
  return assembleResult(out, nVariants, founders, maleFounders, t0);
}

function assembleResult(out: Outcome, nVariants: number, founders: number, maleFounders: number, t0: number): IndepPairwiseResult {
  const keep = out.keep.a.slice(0, nVariants);
  const pruned = out.pruned.a.slice(0, nVariants);
  let kept = 0;
  for (let v = 0; v < nVariants; v++) kept += keep[v];
  const { inIds, outIds } = out;
  return {
    keep,
    pruned,
    kept,
    removed: out.eligible - kept,
    nVariants,
    eligible: out.eligible,
    skippedChr0: out.skippedChr0,
    monomorphic: out.monomorphic,
    founders,
    maleFounders,
    pairs: out.pairs,
    peakWindow: out.peakWindow,
    seconds: (performance.now() - t0) / 1000,
    ...(inIds ? { inIds, outIds } : {}),
  };
}

/** .prune.in / .prune.out text: one variant ID a line, as plink2 writes them. */
export function pruneListText(ids: string[]): string {
  return ids.length ? ids.join('\n') + '\n' : '';
}

export interface IndepPairwiseParams {
  window: number;
  step: number;
  r2: number;
  windowKb: boolean;
}

/**
 * plink2's `--indep-pairwise` arguments: `W [S] R2`, `Wkb [S] R2` or `W kb [S] R2`. The step defaults to 1 and must
 * be 1 with a kb window; the step cannot exceed the window; R2 in [0, 1]. Throws a LatentScanError('input') naming
 * the bad argument.
 */
export function parseIndepPairwise(words: readonly string[]): IndepPairwiseParams {
  const w = words.flatMap((x) => x.trim().split(/\s+/)).filter((x) => x.length > 0);
  const bad = (what: string): never => {
    throw new LatentScanError('input', `--indep-pairwise ${w.join(' ')}: ${what} (expected W [S] R2, W in variants or as Nkb)`);
  };
  if (w.length === 0) bad('no arguments');
  let rest = w.slice(1);
  let head = w[0];
  let windowKb = false;
  if (/kb$/i.test(head)) {
    windowKb = true;
    head = head.slice(0, -2);
  } else if (rest.length > 0 && /^kb$/i.test(rest[0])) {
    windowKb = true;
    rest = rest.slice(1);
  }
  const num = (s: string): number => (/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN);
  const window = num(head);
  if (!(window > 0)) bad(`invalid window size '${head}'`);
  if (!windowKb && !Number.isInteger(window)) bad(`window size '${head}' must be a whole number of variants`);
  if (rest.length < 1 || rest.length > 2) bad(`${rest.length === 0 ? 'missing' : 'too many'} arguments after the window`);
  let step = 1;
  if (rest.length === 2) {
    step = num(rest[0]);
    if (!(step >= 1) || !Number.isInteger(step)) bad(`invalid window step '${rest[0]}'`);
    if (windowKb && step !== 1) bad('the step must be 1 when the window is in kb, as in plink2');
    if (!windowKb && step > window) bad('the step cannot be larger than the window, as in plink2');
  }
  const r2 = num(rest[rest.length - 1]);
  if (!(r2 >= 0 && r2 <= 1)) bad(`invalid r2 threshold '${rest[rest.length - 1]}'`);
  return { window, step, r2, windowKb };
}
