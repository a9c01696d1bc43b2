/**
 * REGENIE step 1 for many quantitative responses in one streamed pass over the genotypes (docs/relatedness.md):
 * level 0 (ridgeLevel0.ts) per block of consecutive variants of one chromosome, level 1 (ridgeLevel1.ts) per
 * response over that response's level-0 predictors, then leave-one-chromosome-out (LOCO) predictions.
 */
import { createProgress, type ProgressCallback } from '../base/progress';
import { throwIfAborted, yieldAndCheck } from '../base/cancel';
import { InputError } from '../base/errors';
import { solveLinear } from '../math/linalg';
import { createRng, permutation } from '../math/rng';
import { normalizeChrom } from '../io/chrom';
import type { GenotypeChunk, GenotypeSource, SampleIds } from '../io/GenotypeSource';
import { foldOffsets } from './ridgeLevel0';
import { level0Block, level0Scratch, type Level0Block, type Level0Context, type LocoPool } from './level0Block';
import { level1Response, type Level1Job } from './level1Response';
import type { Level1Fit } from './ridgeLevel1';

export interface LocoColumn { name: string; values: ArrayLike<number> }
export interface LocoOptions {
  /** Variants per level-0 block (default: level0BlockSize); blocks never span chromosomes. */
  blockSize?: number;
  /** Cross-validation folds (default 5). */
  folds?: number;
  /** Seed of the fold permutation (default 1). */
  seed?: number;
  /** variant indices (chunk.start + i, in source order) to use; absent = all */
  include?: Uint8Array;
  chunkVariants?: number;
  /** Workers for the level-0 blocks and the per-response level 1 (same results as in-thread); in-thread when absent or of size 1. */
  pool?: LocoPool;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}
export interface LocoResult {
  responses: string[];
  /** Chromosomes of the step-1 variants, normalized (normalizeChrom), in source order. */
  chromosomes: string[];
  nAnalysed: number;
  nVariants: number;
  nBlocks: number;
  /** Variants per level-0 block (the last block of a chromosome may have fewer). */
  blockSize: number;
  /** per response: the level-1 lambda chosen and the out-of-fold R^2 of the whole-genome prediction */
  level1: { lambda: number; r2: number }[];
  /** LOCO prediction of response r for variants on chromosome chrom: one value per genotype sample (NaN where not analysed). A chromosome with no step-1 variants gets the full-genome prediction. */
  prediction(r: number, chrom: string): Float64Array;
  seconds: number;
}

/** regenie's heritability grid; level 0: lambda = M (1 - h2) / h2, level 1: tau = (blocks R0) (1 - h2) / h2. */
export const H2_GRID = [0.01, 0.25, 0.5, 0.75, 0.99] as const;
export const DEFAULT_BLOCK_SIZE = 200;
export const MAX_DEFAULT_BLOCKS = 250;

export function shrinkageGrid(scale: number): number[] {
  return H2_GRID.map((h2) => (scale * (1 - h2)) / h2);
}

interface Prepared {
  /** Genotype sample index of each analysed sample. */
  idx: Int32Array;
  /** Scaled residual responses, column-major na x R, 0 where missing. */
  y: Float64Array;
  sd: Float64Array;
  obs: Uint8Array[];
}

/** Residual of y on the covariate matrix c (na x p, column-major) over the observed samples `ok`. */
function residualize(c: Float64Array, na: number, p: number, y: Float64Array, ok: Uint8Array): void {
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let u = 0; u < p; u++) {
    for (let v = 0; v <= u; v++) {
      let s = 0;
      for (let i = 0; i < na; i++) if (ok[i]) s += c[u * na + i] * c[v * na + i];
      a[u * p + v] = a[v * p + u] = s;
    }
    let s = 0;
    for (let i = 0; i < na; i++) if (ok[i]) s += c[u * na + i] * y[i];
    b[u] = s;
  }
  let beta = solveLinear(a, p, b);
  if (!beta) {
    // Collinear covariates (e.g. a constant one): a tiny ridge gives the same fitted values.
    let tr = 0;
    for (let u = 0; u < p; u++) tr += a[u * p + u];
    for (let u = 0; u < p; u++) a[u * p + u] += 1e-10 * tr;
    beta = solveLinear(a, p, b) ?? new Float64Array(p);
  }
  for (let i = 0; i < na; i++) {
    if (!ok[i]) { y[i] = 0; continue; }
    let f = 0;
    for (let u = 0; u < p; u++) f += c[u * na + i] * beta[u];
    y[i] -= f;
  }
}

function prepare(nSamples: number, input: { responses: LocoColumn[]; covariates: LocoColumn[] }): Prepared {
  for (const col of [...input.responses, ...input.covariates]) {
    if (col.values.length !== nSamples) {
      throw new InputError({ file: col.name, expected: `${nSamples} values (one per genotype sample)`, found: `${col.values.length}` }, 'column length');
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < nSamples; i++) if (input.covariates.every((col) => !Number.isNaN(col.values[i]))) keep.push(i);
  const idx = Int32Array.from(keep);
  const na = idx.length;
  const p = input.covariates.length + 1;
  const c = new Float64Array(na * p);
  for (let i = 0; i < na; i++) c[i] = 1;
  input.covariates.forEach((col, u) => { for (let i = 0; i < na; i++) c[(u + 1) * na + i] = col.values[idx[i]]; });
  const R = input.responses.length;
  const y = new Float64Array(na * R);
  const sd = new Float64Array(R);
  const obs: Uint8Array[] = [];
  input.responses.forEach((col, r) => {
    const ok = new Uint8Array(na);
    const yr = y.subarray(r * na, (r + 1) * na);
    let nObs = 0;
    for (let i = 0; i < na; i++) {
      const v = col.values[idx[i]];
      if (!Number.isNaN(v)) { ok[i] = 1; yr[i] = v; nObs++; }
    }
    if (nObs <= p + 1) throw new InputError({ file: col.name, expected: `more than ${p + 1} observed values`, found: `${nObs}` }, 'response');
    residualize(c, na, p, yr, ok);
    let ss = 0;
    for (let i = 0; i < na; i++) ss += yr[i] * yr[i];
    sd[r] = Math.sqrt(ss / (nObs - 1));
    if (sd[r] > 0) for (let i = 0; i < na; i++) yr[i] /= sd[r];
    obs.push(ok);
  });
  return { idx, y, sd, obs };
}

/** Number of step-1 variants M (for the level-0 grid): the include count, or the source's, or a counting pass. */
async function countVariants(source: GenotypeSource, o: LocoOptions): Promise<number> {
  if (o.include) { let s = 0; for (let i = 0; i < o.include.length; i++) s += o.include[i] ? 1 : 0; return s; }
  if (source.nVariants !== null) return source.nVariants;
  let m = 0;
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal })) m += ch.count;
  return m;
}

/** Level-0 predictions: per block its chromosome, and per response L columns of na Float32 values. */
interface Level0Store {
  chrom: string[];
  preds: Float32Array[][];
}

/**
 * Variants per level-0 block: `blockSize`, or by default 200, raised so that there are at most about
 * MAX_DEFAULT_BLOCKS blocks: level 1 works on (blocks x 5) predictors and costs their number cubed.
 */
export function level0BlockSize(M: number, blockSize?: number): number {
  if (blockSize !== undefined) return Math.max(1, blockSize);
  return Math.max(DEFAULT_BLOCK_SIZE, Math.ceil(M / MAX_DEFAULT_BLOCKS));
}

/** Collects the genotype rows of one block (at most `capacity` variants, one kind: packed or dosage). */
class BlockBuffer {
  m = 0;
  kind: 'packed' | 'dosage' | null = null;
  private bytes: Uint8Array | null = null;
  private dose: Uint16Array | null = null;
  constructor(private readonly capacity: number, private readonly nSamples: number, private readonly bytesPerVariant: number) {}

  /** Kind of the rows of chunk `ch`. */
  static kindOf(ch: GenotypeChunk): 'packed' | 'dosage' {
    return ch.packed ? 'packed' : 'dosage';
  }

  add(ch: GenotypeChunk, v: number): void {
    this.kind = BlockBuffer.kindOf(ch);
    if (ch.packed) {
      this.bytes ??= new Uint8Array(this.capacity * this.bytesPerVariant);
      this.bytes.set(ch.packed.subarray(v * ch.bytesPerVariant, (v + 1) * ch.bytesPerVariant), this.m * this.bytesPerVariant);
    } else {
      this.dose ??= new Uint16Array(this.capacity * this.nSamples);
      this.dose.set(ch.dosage!.subarray(v * ch.nSamples, (v + 1) * ch.nSamples), this.m * this.nSamples);
    }
    this.m++;
  }

  /** A copy of the block so far (its own buffer, which a worker may take), and the buffer emptied for the next. */
  take(): Level0Block {
    const b: Level0Block = { m: this.m, bytesPerVariant: this.bytesPerVariant };
    if (this.kind === 'packed') b.packed = this.bytes!.slice(0, this.m * this.bytesPerVariant);
    else b.dosage = this.dose!.slice(0, this.m * this.nSamples);
    this.m = 0;
    this.kind = null;
    return b;
  }
}

async function streamLevel0(source: GenotypeSource, ctx: Level0Context, M: number, o: LocoOptions): Promise<Level0Store> {
  const R = ctx.obs.length;
  const bs = level0BlockSize(M, o.blockSize);
  const nSamples = source.samples.iid.length;
  const store: Level0Store = { chrom: [], preds: Array.from({ length: R }, () => []) };
  const pool = o.pool && o.pool.size > 1 ? o.pool : undefined;
  if (pool) await pool.init(ctx);
  const inFlight: Promise<void>[] = [];
  const scratch = level0Scratch();
  let buf: BlockBuffer | null = null;
  let chrom = '';
  let done = 0;
  const flush = async () => {
    if (!buf || buf.m === 0) return;
    const b = store.chrom.length;
    store.chrom.push(chrom);
    const block = buf.take();
    const keep = (preds: Float32Array[]) => { for (let r = 0; r < R; r++) store.preds[r][b] = preds[r]; };
    if (!pool) { keep(level0Block(ctx, block, scratch)); return; }
    const job = pool.run(block).then(keep);
    job.catch(() => {}); // awaited below; this only keeps a failure from being reported as unhandled first
    inFlight.push(job);
    // At most two blocks per worker in flight (bounded memory); the oldest finishes first in a round robin.
    if (inFlight.length >= 2 * pool.size) await inFlight.shift();
  };
  const progress = createProgress('loco', M, o.onProgress, { unit: 'variants' });
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal })) {
    buf ??= new BlockBuffer(bs, nSamples, ch.bytesPerVariant);
    for (let v = 0; v < ch.count; v++) {
      if (o.include && !o.include[ch.start + v]) continue;
      const c = normalizeChrom(ch.variants.chrom[v]);
      // A block holds consecutive variants of one chromosome, of one kind (packed or dosage rows).
      if (c !== chrom || buf.m === bs || (buf.kind !== null && buf.kind !== BlockBuffer.kindOf(ch))) { await flush(); chrom = c; }
      buf.add(ch, v);
      done++;
      if (buf.m === bs) {
        await flush();
        progress.tick(done);
        await yieldAndCheck(o.signal);
      }
    }
    progress.tick(done);
    await yieldAndCheck(o.signal);
  }
  await flush();
  await Promise.all(inFlight);
  progress.finish();
  return store;
}

/**
 * The analysed samples reordered so that each cross-validation fold is a contiguous range: fold labels from
 * a seeded permutation (sample perm[t] gets fold floor(t K / na)), then samples sorted by fold, keeping
 * their order within a fold. Returns the new order (positions in the old one) and the fold offsets.
 */
function foldOrder(na: number, K: number, seed: number): { order: Int32Array; offsets: Int32Array } {
  const perm = permutation(na, createRng(seed));
  const fold = new Int32Array(na);
  for (let t = 0; t < na; t++) fold[perm[t]] = Math.floor((t * K) / na);
  const sizes = new Int32Array(K);
  for (let i = 0; i < na; i++) sizes[fold[i]]++;
  const offsets = foldOffsets(sizes);
  const at = offsets.slice(0, K);
  const order = new Int32Array(na);
  for (let i = 0; i < na; i++) order[at[fold[i]]++] = i;
  return { order, offsets };
}

function reorder(prep: Prepared, order: Int32Array): Prepared {
  const na = order.length;
  const R = prep.obs.length;
  const y = new Float64Array(na * R);
  for (let r = 0; r < R; r++) for (let t = 0; t < na; t++) y[r * na + t] = prep.y[r * na + order[t]];
  return {
    idx: Int32Array.from(order, (i) => prep.idx[i]),
    y,
    sd: prep.sd,
    obs: prep.obs.map((ok) => Uint8Array.from(order, (i) => ok[i])),
  };
}

export async function locoRidge(
  source: GenotypeSource, input: { responses: LocoColumn[]; covariates: LocoColumn[] }, o: LocoOptions = {},
): Promise<LocoResult> {
  const t0 = performance.now();
  const n = source.samples.iid.length;
  const K = Math.max(2, o.folds ?? 5);
  const prepared = prepare(n, input);
  const na = prepared.idx.length;
  if (na < 2 * K) throw new InputError({ file: source.name, expected: `at least ${2 * K} samples with every covariate`, found: `${na}` }, 'samples');
  const { order, offsets } = foldOrder(na, K, o.seed ?? 1);
  const prep = reorder(prepared, order);
  const M = await countVariants(source, o);
  const ctx: Level0Context = { nSamples: n, idx: prep.idx, y: prep.y, obs: prep.obs, offsets, lambdas: shrinkageGrid(M) };
  const store = await streamLevel0(source, ctx, M, o);
  const B = store.chrom.length;
  const L = H2_GRID.length;
  const taus = shrinkageGrid(B * L);
  const R = prep.obs.length;
  const fits: Level1Fit[] = [];
  const chromSums: Map<string, Float64Array>[] = [];
  const progress = createProgress('loco level 1', R, o.onProgress, { unit: 'responses' });
  let finished = 0;
  const pool = o.pool && o.pool.size > 1 ? o.pool : undefined;
  const level1 = async (r: number) => {
    const job: Level1Job = {
      preds: store.preds[r], blockChrom: store.chrom, y: prep.y.slice(r * na, (r + 1) * na),
      nObs: prep.obs[r].reduce((s, v) => s + v, 0), offsets, taus, L,
    };
    store.preds[r] = [];
    const res = pool ? await pool.level1(job) : level1Response(job);
    fits[r] = res.fit;
    chromSums[r] = new Map(res.sums);
    progress.tick(++finished);
  };
  // On a pool every response at once; in-thread one after another, checking for a cancel between them.
  if (pool) await Promise.all(Array.from({ length: R }, (_, r) => level1(r)));
  else {
    for (let r = 0; r < R; r++) {
      await level1(r);
      await yieldAndCheck(o.signal);
    }
  }
  throwIfAborted(o.signal);
  progress.finish();
  const chromosomes = [...new Set(store.chrom)];
  const totals = chromSums.map((sums) => {
    const t = new Float64Array(na);
    for (const acc of sums.values()) for (let i = 0; i < na; i++) t[i] += acc[i];
    return t;
  });
  const prediction = (r: number, chromCode: string): Float64Array => {
    if (!(r >= 0 && r < fits.length)) throw new RangeError(`response ${r} out of range`);
    const left = chromSums[r].get(normalizeChrom(chromCode));
    const total = totals[r];
    const out = new Float64Array(n).fill(NaN);
    for (let i = 0; i < na; i++) out[prep.idx[i]] = (total[i] - (left ? left[i] : 0)) * prep.sd[r];
    return out;
  };
  return {
    responses: input.responses.map((c) => c.name),
    chromosomes,
    nAnalysed: na,
    nVariants: M,
    nBlocks: B,
    blockSize: level0BlockSize(M, o.blockSize),
    level1: fits.map((f) => ({ lambda: f.tau, r2: f.r2 })),
    prediction,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** regenie's numeric chromosome codes in .loco files (X = 23, Y = 24, XY = 25, MT = 26). */
function locoChromCode(c: string): string {
  return { X: '23', Y: '24', XY: '25', MT: '26' }[c] ?? c;
}

/** regenie's .loco file text for one response: header FID_IID ..., then one line per chromosome */
export function locoFileText(r: LocoResult, response: number, samples: SampleIds): string {
  const lines = ['FID_IID ' + samples.iid.map((iid, i) => `${samples.fid[i]}_${iid}`).join(' ')];
  for (const c of r.chromosomes) {
    const p = r.prediction(response, c);
    const vals: string[] = new Array(p.length);
    for (let i = 0; i < p.length; i++) vals[i] = Number.isNaN(p[i]) ? 'NA' : String(p[i]);
    lines.push(`${locoChromCode(c)} ${vals.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
