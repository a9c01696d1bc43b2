/**
 * REGENIE step 1 for many quantitative responses in one streamed pass over the genotypes (docs/relatedness.md):
 * level 0 (ridgeLevel0.ts) per block of consecutive variants of one chromosome, level 1 (ridgeLevel1.ts) per
 * response over that response's level-0 predictors, then leave-one-chromosome-out (LOCO) predictions.
 * The pieces are exported for a step split across processes (`cli structure --level0 I/N`, `--level1-from`):
 * locoPlan (the blocks, level0Plan.ts), locoSetup (samples, folds, scaled responses), locoLevel0 (any range of the
 * plan's blocks) and locoLevel1 (every block's level-0 predictions, in plan order); locoRidge runs them in turn.
 */
import { createProgress, type ProgressCallback } from '../base/progress';
import { throwIfAborted, yieldAndCheck } from '../base/cancel';
import { InputError } from '../base/errors';
import { solveLinear } from '../math/linalg';
import { createRng, permutation } from '../math/rng';
import { normalizeChrom } from '../io/chrom';
import type { GenotypeChunk, GenotypeSource, SampleIds } from '../io/GenotypeSource';
import { foldOffsets, releaseGramEngine } from './ridgeLevel0';
import { level0Block, level0Scratch, type Level0Block, type Level0Context, type LocoPool } from './level0Block';
import { level1Response, type Level1Job } from './level1Response';
import type { Level1Fit } from './ridgeLevel1';
import { includedRuns, level0Plan, rowKind, type BlockRange, type IncludedRun, type Level0Plan, type RowKind } from './level0Plan';

export { DEFAULT_BLOCK_SIZE, MAX_DEFAULT_BLOCKS, level0BlockSize } from './level0Plan';

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
  /** The runs of the included variants (level0Plan.ts), when the caller's own pass collected them; else a pass here. */
  runs?: IncludedRun[];
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

export function shrinkageGrid(scale: number): number[] {
  return H2_GRID.map((h2) => (scale * (1 - h2)) / h2);
}

export interface Prepared {
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

/** Level-0 predictions of the blocks `range` of the plan: per block its chromosome, per response and block L columns of na Float32 values. */
export interface Level0Part {
  range: BlockRange;
  /** Chromosome of each block of the range. */
  chrom: string[];
  /** preds[r][b - range.from]: block b's L x na predictions of response r (column l at l * na). */
  preds: Float32Array[][];
}

/** Collects the genotype rows of one block (at most `capacity` variants, one kind: packed or dosage). */
class BlockBuffer {
  m = 0;
  kind: RowKind | null = null;
  private bytes: Uint8Array | null = null;
  private dose: Uint16Array | null = null;
  constructor(private readonly capacity: number, private readonly nSamples: number, private readonly bytesPerVariant: number) {}

  add(ch: GenotypeChunk, v: number): void {
    const kind = rowKind(ch);
    if (this.kind !== null && this.kind !== kind) throw new Error('LOCO level 0: packed and dosage rows in one planned block (the chunks changed kind between passes)');
    this.kind = kind;
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

function planMismatch(source: GenotypeSource, what: string): Error {
  return new Error(`LOCO level 0: ${source.name}: ${what} than the block plan made from it (the genotypes changed during the step?)`);
}

/**
 * Streams the source and computes the level-0 blocks of `range` (the plan's block indices): every step-1 variant
 * is counted into its planned block, the genotype rows of blocks outside the range are skipped, and the stream
 * stops after the range's last block.
 */
async function streamLevel0(source: GenotypeSource, ctx: Level0Context, plan: Level0Plan, range: BlockRange, o: LocoOptions): Promise<Level0Part> {
  const R = ctx.obs.length;
  const blocks = plan.blocks;
  const part: Level0Part = { range, chrom: blocks.slice(range.from, range.to).map((b) => b.chrom), preds: Array.from({ length: R }, () => []) };
  if (range.from >= range.to) return part;
  const nSamples = source.samples.iid.length;
  const pool = o.pool && o.pool.size > 1 ? o.pool : undefined;
  if (pool) await pool.init(ctx);
  const inFlight: Promise<void>[] = [];
  const scratch = level0Scratch();
  let buf: BlockBuffer | null = null;
  let b = 0;
  let inBlock = 0;
  let done = 0;
  const flush = async (at: number) => {
    const block = buf!.take();
    const keep = (preds: Float32Array[]) => { for (let r = 0; r < R; r++) part.preds[r][at - range.from] = preds[r]; };
    if (!pool) { keep(level0Block(ctx, block, scratch)); return; }
    const job = pool.run(block).then(keep);
    job.catch(() => {}); // awaited below; this only keeps a failure from being reported as unhandled first
    inFlight.push(job);
    // At most two blocks per worker in flight (bounded memory); the oldest finishes first in a round robin.
    if (inFlight.length >= 2 * pool.size) await inFlight.shift();
  };
  const progress = createProgress('loco', plan.nVariants, o.onProgress, { unit: 'variants' });
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal })) {
    buf ??= new BlockBuffer(plan.blockSize, nSamples, ch.bytesPerVariant);
    for (let v = 0; v < ch.count && b < range.to; v++) {
      if (o.include && !o.include[ch.start + v]) continue;
      if (b >= blocks.length) throw planMismatch(source, 'more step-1 variants');
      if (normalizeChrom(ch.variants.chrom[v]) !== blocks[b].chrom) throw planMismatch(source, 'other chromosomes');
      if (b >= range.from) buf.add(ch, v);
      done++;
      if (++inBlock < blocks[b].m) continue;
      if (b >= range.from) await flush(b);
      b++;
      inBlock = 0;
      progress.tick(done);
      await yieldAndCheck(o.signal);
    }
    progress.tick(done);
    await yieldAndCheck(o.signal);
    if (b >= range.to) break;
  }
  if (b < range.to) throw planMismatch(source, 'fewer step-1 variants');
  await Promise.all(inFlight);
  progress.finish();
  return part;
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

/** What level 0 and level 1 of one run share: the analysed samples in fold order, scaled responses, folds, plan. */
export interface LocoSetup {
  /** Genotype samples. */
  nSamples: number;
  responses: string[];
  prep: Prepared;
  plan: Level0Plan;
  /** The level-0 context (sent to each worker). */
  ctx: Level0Context;
}

/** The block plan of a run: from `o.runs` (the caller's pass over the variants), else a pass of its own. */
export async function locoPlan(source: GenotypeSource, o: LocoOptions = {}): Promise<Level0Plan> {
  return level0Plan(o.runs ?? (await includedRuns(source, o)), o.blockSize);
}

/**
 * Residual responses on the covariates, scaled, in fold order (the folds from o.seed), and the level-0 context
 * for the plan's shrinkage grid. Depends only on the responses, the covariates and the plan, so the jobs of a
 * sharded step rebuild it identically. `sourceName` names the genotypes in errors.
 */
export function locoSetup(
  nSamples: number, sourceName: string, input: { responses: LocoColumn[]; covariates: LocoColumn[] }, plan: Level0Plan, o: LocoOptions = {},
): LocoSetup {
  const K = Math.max(2, o.folds ?? 5);
  const prepared = prepare(nSamples, input);
  const na = prepared.idx.length;
  if (na < 2 * K) throw new InputError({ file: sourceName, expected: `at least ${2 * K} samples with every covariate`, found: `${na}` }, 'samples');
  const { order, offsets } = foldOrder(na, K, o.seed ?? 1);
  const prep = reorder(prepared, order);
  const ctx: Level0Context = { nSamples, idx: prep.idx, y: prep.y, obs: prep.obs, offsets, lambdas: shrinkageGrid(plan.nVariants) };
  return { nSamples, responses: input.responses.map((c) => c.name), prep, plan, ctx };
}

/** Level 0 of the blocks `range` of the setup's plan (all blocks when absent). */
export async function locoLevel0(source: GenotypeSource, setup: LocoSetup, o: LocoOptions = {}, range?: BlockRange): Promise<Level0Part> {
  if (source.samples.iid.length !== setup.nSamples) throw new RangeError(`LOCO level 0: ${source.samples.iid.length} genotype samples, the setup has ${setup.nSamples}`);
  return streamLevel0(source, setup.ctx, setup.plan, range ?? { from: 0, to: setup.plan.blocks.length }, o);
}

/**
 * Level 1 of every response over the level-0 predictions of all the plan's blocks (`level0`, which it empties as
 * it goes), then the LOCO predictions per chromosome.
 */
export async function locoLevel1(setup: LocoSetup, level0: Level0Part, o: LocoOptions = {}): Promise<LocoResult> {
  const t0 = performance.now();
  const { prep, plan, nSamples: n } = setup;
  const B = plan.blocks.length;
  if (level0.range.from !== 0 || level0.range.to !== B) throw new RangeError(`LOCO level 1: level-0 blocks ${level0.range.from}..${level0.range.to}, the plan has ${B}`);
  const na = prep.idx.length;
  const offsets = setup.ctx.offsets;
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
      preds: level0.preds[r], blockChrom: level0.chrom, y: prep.y.slice(r * na, (r + 1) * na),
      nObs: prep.obs[r].reduce((s, v) => s + v, 0), offsets, taus, L,
    };
    level0.preds[r] = [];
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
  releaseGramEngine(); // this thread's Gram memory (the workers' goes with them)
  throwIfAborted(o.signal);
  progress.finish();
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
    responses: setup.responses,
    chromosomes: [...new Set(level0.chrom)],
    nAnalysed: na,
    nVariants: plan.nVariants,
    nBlocks: B,
    blockSize: plan.blockSize,
    level1: fits.map((f) => ({ lambda: f.tau, r2: f.r2 })),
    prediction,
    seconds: (performance.now() - t0) / 1000,
  };
}

export async function locoRidge(
  source: GenotypeSource, input: { responses: LocoColumn[]; covariates: LocoColumn[] }, o: LocoOptions = {},
): Promise<LocoResult> {
  const t0 = performance.now();
  const plan = await locoPlan(source, o);
  const setup = locoSetup(source.samples.iid.length, source.name, input, plan, o);
  const level0 = await locoLevel0(source, setup, o);
  const result = await locoLevel1(setup, level0, o);
  return { ...result, seconds: (performance.now() - t0) / 1000 };
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
