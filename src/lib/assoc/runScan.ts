/**
 * The genome-wide scan: one pass over the genotypes serves every response, every covariate and E.
 * Per chunk: kernel sums (CPU, worker pool or WebGPU) -> sparse corrections -> per-variant regression ->
 * streamed to `onChunk` and (by default) kept in a plain result object for plots and exports.
 * The next chunk is read while the current one is computed (one chunk of read-ahead).
 * Pure core: no DOM, no Node; callable from the main thread, a worker, or the CLI.
 */
import { createProgress, type ProgressCallback } from '../base/progress';
import { throwIfAborted } from '../base/cancel';
import type { GenotypeChunk, GenotypeSource, VariantFilter } from '../io/GenotypeSource';
import { buildDesign, type DesignInput, type NamedColumn, type ScanDesign } from './design';
import { chunkStats, columnTotals, missingSums, statsFromClassSums, type ChunkStats, type SampleMatrix } from './kernel';
import type { KernelPool, ScanBackend, StatsKernel } from './StatsKernel';
import { createWasmClassSums, wasmSimdAvailable } from './wasmKernel';
import { regressChunk, testNames, newTestBlock, ERRCODES, type RegressOptions, type TestBlock } from './regress';
import { normalizeChrom } from '../io/chrom';
import { sliceChunk } from '../io/chunkRuns';
import { LambdaAccumulator, lambdaFromLog10p } from './genomicControl';
import { buildOmnibus, omnibusChunk, type OmnibusBlock, type OmnibusDesign } from './omnibus';

export interface ScanOptions {
  source: GenotypeSource;
  /** Responses, one value per source sample (NaN = missing). */
  responses: NamedColumn[];
  covariates?: NamedColumn[];
  /** E of SNPxE (reported rows ADD, <E>, ADDx<E>). */
  gxe?: NamedColumn;
  backend?: ScanBackend;
  filter?: VariantFilter;
  chunkVariants?: number;
  /** Also compute the omnibus test across responses (MOSTest-style, see omnibus.ts). */
  omnibus?: boolean;
  /** plink2 --max-corr / --vif thresholds. */
  maxCorr?: number;
  vif?: number;
  /**
   * Keep every statistic in the returned result (default true). false: stream only (onChunk), memory constant
   * in the number of variants, lambda from a fine histogram of -log10 P (LambdaAccumulator).
   */
  keepResults?: boolean;
  /** Called with each chunk's results, in variant order. */
  onChunk?: (c: ScanChunkResult) => void | Promise<void>;
  /** CPU worker pool for backend 'cpu' (JS kernel) or 'wasm' (WASM SIMD kernel; JS where SIMD is missing). */
  pool?: KernelPool;
  /** Creates the WebGPU kernel (injected so the core does not import GPU code unless asked). */
  createGpuKernel?: (X: SampleMatrix) => Promise<StatsKernel>;
}

export interface ScanHooks {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface ScanChunkResult {
  start: number;
  count: number;
  variants: GenotypeChunk['variants'];
  /** blocks[response][test], tests as in ScanResult.tests. */
  blocks: TestBlock[][];
  omnibus?: OmnibusBlock[];
}

/** One test's statistics over all scanned variants (parallel to ScanResult.variants). */
export interface TestArrays {
  test: string;
  obs: Int32Array;
  beta: Float64Array;
  se: Float64Array;
  t: Float64Array;
  p: Float64Array;
  /** -log10 P, exact also where P underflows. */
  log10p: Float64Array;
  /** Index into ERRCODES (0 = '.'). */
  err: Uint8Array;
  lambda: number;
}

export interface ResponseResult extends TestArrays {
  name: string;
  /** Samples analysed (response, covariates and E present), before per-variant missing calls. */
  nAnalysed: number;
  /** Same arrays as ScanResult.variants (shared, for plotting convenience). */
  chrom: string[];
  pos: Int32Array;
  id: string[];
  /** Every reported test (ADD first; with E also <E> and ADDx<E>). */
  tests: TestArrays[];
}

export interface ScanSummary {
  backend: string;
  nSamples: number;
  nAnalysedCommon: number;
  excludedMissingCovariate: number;
  missingResponse: Record<string, number>;
  droppedConstantCovariates: string[];
  nVariants: number;
  /** Per response and test: variants reported NA, by ERRCODE. */
  errcodeCounts: Record<string, Record<string, number>>;
  seconds: number;
}

export interface ScanResult {
  /** `a1`: the counted allele (ALT unless the source counts REF for a variant: countedAlleleSource). */
  variants: { chrom: string[]; pos: Int32Array; id: string[]; ref: string[]; alt: string[]; a1: string[] };
  tests: string[];
  responses: ResponseResult[];
  omnibus?: { tests: OmnibusArrays[]; df: number; R: Float64Array; nComplete: number };
  summary: ScanSummary;
}

export interface OmnibusArrays {
  test: string;
  obs: Int32Array;
  chisq: Float64Array;
  log10p: Float64Array;
  lambda: number;
}

/** Growable typed-array column. */
class Grow<T extends Float64Array | Int32Array | Uint8Array | Float32Array> {
  arr: T;
  len = 0;
  constructor(private make: (n: number) => T) {
    this.arr = make(1024);
  }
  push(src: ArrayLike<number>): void {
    if (this.len + src.length > this.arr.length) {
      const next = this.make(Math.max(this.arr.length * 2, this.len + src.length));
      next.set(this.arr.subarray(0, this.len) as never);
      this.arr = next;
    }
    this.arr.set(src as never, this.len);
    this.len += src.length;
  }
  done(): T {
    return this.arr.slice(0, this.len) as T;
  }
}

function cpuKernel(X: SampleMatrix): StatsKernel {
  return {
    name: 'cpu',
    async stats(chunk) {
      return chunkStats(chunk, X);
    },
    dispose() {},
  };
}

function wasmKernel(X: SampleMatrix): StatsKernel {
  const w = createWasmClassSums(X);
  const totals = columnTotals(X);
  return {
    name: 'wasm',
    async stats(chunk) {
      return chunk.packed ? statsFromClassSums(w.classSums(chunk), totals) : chunkStats(chunk, X);
    },
    dispose() {},
  };
}

function poolKernel(pool: KernelPool, kind: string): StatsKernel {
  return {
    name: `${kind} x${pool.size} workers`,
    async stats(chunk) {
      const parts = Math.max(1, Math.min(pool.size, chunk.count));
      const jobs: Promise<ChunkStats>[] = [];
      for (let p = 0; p < parts; p++) {
        const from = Math.floor((p * chunk.count) / parts);
        const to = Math.floor(((p + 1) * chunk.count) / parts);
        jobs.push(pool.stats(chunk, from, to));
      }
      return concatStats(await Promise.all(jobs));
    },
    dispose() {},
  };
}

export function concatStats(parts: ChunkStats[]): ChunkStats {
  if (parts.length === 1) return parts[0];
  const m = parts[0].m;
  const count = parts.reduce((s, p) => s + p.count, 0);
  const out: ChunkStats = { count, m, obs: new Int32Array(count), gx: new Float64Array(count * m), g2x: new Float64Array(count * m), x: new Float64Array(count * m) };
  let off = 0;
  for (const p of parts) {
    out.obs.set(p.obs, off);
    out.gx.set(p.gx, off * m);
    out.g2x.set(p.g2x, off * m);
    out.x.set(p.x, off * m);
    off += p.count;
  }
  return out;
}

async function makeKernel(opts: ScanOptions, X: SampleMatrix): Promise<StatsKernel> {
  const backend = opts.backend ?? 'cpu';
  switch (backend) {
    case 'cpu':
    case 'wasm': {
      const kind = backend === 'wasm' && wasmSimdAvailable ? 'wasm' : 'js';
      if (opts.pool) {
        await opts.pool.init(X, kind);
        return poolKernel(opts.pool, kind === 'wasm' ? 'wasm' : 'cpu');
      }
      return kind === 'wasm' ? wasmKernel(X) : cpuKernel(X);
    }
    case 'webgpu':
      if (!opts.createGpuKernel) throw new Error("runScan: backend 'webgpu' needs opts.createGpuKernel (see gpu/gpuKernel.ts)");
      return opts.createGpuKernel(X);
    default:
      throw new Error(`runScan: unknown backend '${String(backend)}'`);
  }
}

/** Runs the scan. See ScanOptions; results stream to onChunk and are returned when keepResults (default). */
export async function runScan(opts: ScanOptions, hooks: ScanHooks = {}): Promise<ScanResult> {
  const { signal, onProgress } = hooks;
  const t0 = performance.now();
  const src = opts.source;
  const n = src.samples.iid.length;
  const input: DesignInput = { nSamples: n, responses: opts.responses, covariates: opts.covariates ?? [], gxe: opts.gxe };
  const design: ScanDesign = buildDesign(input);
  const tests = testNames(design);
  const keep = opts.keepResults ?? true;
  const ctx = contextOf(design, input, opts.omnibus === true);
  const main: KernelContext = { ...ctx, kernel: await makeKernel(opts, ctx.Xk) };
  const chrX = new ChrXContext(opts, input, sexColumn(src));
  const progress = createProgress('scan', src.nVariants ?? 0, onProgress, { unit: 'variants' });
  const acc = new ScanAccumulator(design, tests, keep, main.omni ? main.omni.tests.length : 0);
  let done: number;
  try {
    done = await scanChunks(opts, signal, main, chrX, async (chunk, r) => {
      acc.add(chunk, r);
      if (opts.onChunk) await opts.onChunk({ start: chunk.start, count: chunk.count, variants: chunk.variants, blocks: r.blocks, omnibus: r.oblocks });
      progress.tick(acc.nVariants);
    });
  } finally {
    main.kernel.dispose();
    chrX.dispose();
  }
  progress.setTotal(done);
  progress.finish();
  const variants = acc.variants();
  const result: ScanResult = { variants, tests, responses: acc.responses(variants), summary: scanSummary(design, main.kernel.name, n, done, acc.errCounts, t0) };
  if (main.omni) result.omnibus = acc.omnibus(main.omni);
  return result;
}

/** A design (main, or chrX with SEX) with the kernel that computes its sums. */
type KernelContext = ScanContext & { kernel: StatsKernel };

/** One chunk's statistics: blocks[response][test], and the omnibus blocks when asked for. */
interface ChunkBlocks {
  blocks: TestBlock[][];
  oblocks?: OmnibusBlock[];
}

/**
 * The chunk loop. Pipeline: chunk i+1 is read, and its kernel sums started (on workers or the GPU), before
 * chunk i's regressions run on this thread. Chunks with chrX variants run in this thread, split into
 * runs. `emit` receives each chunk's results in order; returns the number of variants scanned.
 */
async function scanChunks(
  opts: ScanOptions,
  signal: AbortSignal | undefined,
  main: KernelContext,
  chrX: ChrXContext,
  emit: (chunk: GenotypeChunk, r: ChunkBlocks) => Promise<void>,
): Promise<number> {
  const reg = { maxCorr: opts.maxCorr, vif: opts.vif };
  const kernel = main.kernel;
  let done = 0;
  let curStats: Promise<ChunkStats> | null = null;
  try {
    const it = opts.source.chunks({ chunkVariants: opts.chunkVariants, signal, filter: opts.filter })[Symbol.asyncIterator]();
    let cur = await it.next();
    curStats = cur.done || hasChrX(cur.value) ? null : kernel.stats(cur.value);
    for (;;) {
      if (cur.done) break;
      const chunk = cur.value;
      const nextRead = it.next();
      const stats = curStats ? await curStats : null;
      throwIfAborted(signal);
      cur = await nextRead;
      curStats = cur.done || hasChrX(cur.value) ? null : kernel.stats(cur.value);
      const r = stats ? computeChunk(main, chunk, stats, reg) : await computeChrXChunk(main, chrX, chunk, reg);
      await emit(chunk, r);
      done += chunk.count;
    }
  } finally {
    curStats?.catch(() => undefined); // a read-ahead started before an error or a cancel
  }
  return done;
}

/** A chunk with chrX variants: runs of chrX and other variants, each with its own design, joined. */
async function computeChrXChunk(main: KernelContext, chrX: ChrXContext, chunk: GenotypeChunk, reg: RegressOptions): Promise<ChunkBlocks> {
  const parts: ChunkBlocks[] = [];
  for (const [from, to, x] of chrXRuns(chunk)) {
    const sub = sliceChunk(chunk, from, to);
    const ctx = x ? await chrX.get() : main;
    parts.push(computeChunk(ctx, sub, await ctx.kernel.stats(sub), reg));
  }
  const blocks = parts[0].blocks.map((row, k) => row.map((_, t) => concatBlocks(parts.map((p) => p.blocks[k][t]))));
  const oblocks = parts[0].oblocks ? parts[0].oblocks.map((_, t) => concatOmnibus(parts.map((p) => (p.oblocks as OmnibusBlock[])[t]))) : undefined;
  return { blocks, oblocks };
}

/**
 * chrX (plink2 --xchr-model default): SEX from the .fam is added as a covariate (not when a given covariate
 * already equals it); genotypes coded 0/1/2 as elsewhere. Built on the first chrX variant; its kernel runs
 * in this thread (chrX is a small share).
 */
class ChrXContext {
  private ctx: KernelContext | null = null;

  constructor(
    private readonly opts: ScanOptions,
    private readonly input: DesignInput,
    private readonly sexValues: Float64Array | null,
  ) {}

  async get(): Promise<KernelContext> {
    if (!this.ctx) {
      const { opts, input, sexValues } = this;
      const covs = input.covariates;
      const same = sexValues && covs.some((c) => sameOnSamples(c.values, sexValues));
      const inputX: DesignInput = sexValues && !same ? { ...input, covariates: [...covs, { name: 'SEX', values: sexValues }] } : input;
      const ctx = contextOf(buildDesign(inputX), inputX, opts.omnibus === true);
      const backend = opts.backend === 'webgpu' ? 'cpu' : opts.backend;
      this.ctx = { ...ctx, kernel: await makeKernel({ ...opts, backend, pool: undefined }, ctx.Xk) };
    }
    return this.ctx;
  }

  dispose(): void {
    this.ctx?.kernel.dispose();
  }
}

/** Growable columns of one test (kept results), or only its lambda accumulator (keepResults false). */
function testColumns(keep: boolean) {
  return {
    obs: new Grow((k) => new Int32Array(k)),
    beta: new Grow((k) => new Float64Array(k)),
    se: new Grow((k) => new Float64Array(k)),
    t: new Grow((k) => new Float64Array(k)),
    log10p: new Grow((k) => new Float64Array(k)),
    err: new Grow((k) => new Uint8Array(k)),
    gc: keep ? null : new LambdaAccumulator(),
  };
}

function omnibusColumns(keep: boolean) {
  return {
    obs: new Grow((k) => new Int32Array(k)),
    chisq: new Grow((k) => new Float64Array(k)),
    log10p: new Grow((k) => new Float64Array(k)),
    gc: keep ? null : new LambdaAccumulator(),
  };
}

/** Chunk results joined over the scan: variant metadata, per-test columns, ERRCODE counts, lambdas. */
class ScanAccumulator {
  readonly errCounts: Record<string, Record<string, number>> = {};
  nVariants = 0;
  private readonly chrom: string[] = [];
  private readonly ids: string[] = [];
  private readonly ref: string[] = [];
  private readonly alt: string[] = [];
  private readonly a1: string[] = [];
  private readonly pos = new Grow((k) => new Int32Array(k));
  private readonly cols: ReturnType<typeof testColumns>[][];
  private readonly omniCols: ReturnType<typeof omnibusColumns>[];

  constructor(
    private readonly design: ScanDesign,
    private readonly tests: string[],
    private readonly keep: boolean,
    nOmnibusTests: number,
  ) {
    this.cols = Array.from({ length: design.K }, () => Array.from({ length: tests.length }, () => testColumns(keep)));
    this.omniCols = Array.from({ length: nOmnibusTests }, () => omnibusColumns(keep));
    for (const r of design.responseNames) for (const t of tests) this.errCounts[`${r} ${t}`] = {};
  }

  add(chunk: GenotypeChunk, { blocks, oblocks }: ChunkBlocks): void {
    const { design, tests, keep } = this;
    for (let k = 0; k < design.K; k++)
      for (let t = 0; t < tests.length; t++) {
        const b = blocks[k][t];
        const ec = this.errCounts[`${design.responseNames[k]} ${tests[t]}`];
        for (let v = 0; v < chunk.count; v++) if (b.err[v]) ec[ERRCODES[b.err[v]]] = (ec[ERRCODES[b.err[v]]] ?? 0) + 1;
        const c = this.cols[k][t];
        if (c.gc) c.gc.add(b.log10p);
        if (keep) {
          c.log10p.push(b.log10p);
          c.obs.push(b.obs);
          c.beta.push(b.beta);
          c.se.push(b.se);
          c.t.push(b.t);
          c.err.push(b.err);
        }
      }
    if (oblocks)
      for (let t = 0; t < oblocks.length; t++) {
        const c = this.omniCols[t];
        c.gc?.add(oblocks[t].log10p);
        if (keep) {
          c.log10p.push(oblocks[t].log10p);
          c.obs.push(oblocks[t].obs);
          c.chisq.push(oblocks[t].chisq);
        }
      }
    if (keep) {
      const vb = chunk.variants;
      for (let v = 0; v < chunk.count; v++) {
        this.chrom.push(vb.chrom[v]);
        this.ids.push(vb.id[v]);
        this.ref.push(vb.ref[v]);
        this.alt.push(vb.alt[v]);
        this.a1.push(vb.a1 ? vb.a1[v] : vb.alt[v]);
      }
      this.pos.push(vb.pos);
    }
    this.nVariants += chunk.count;
  }

  /** The variants (call once: the responses share these arrays). */
  variants(): ScanResult['variants'] {
    return { chrom: this.chrom, pos: this.pos.done(), id: this.ids, ref: this.ref, alt: this.alt, a1: this.a1 };
  }

  responses(variants: ScanResult['variants']): ResponseResult[] {
    const { design, tests, keep } = this;
    const responses: ResponseResult[] = [];
    for (let k = 0; k < design.K; k++) {
      const ta: TestArrays[] = [];
      for (let t = 0; t < tests.length; t++) {
        const c = this.cols[k][t];
        const log10p = c.log10p.done();
        const p = keep ? log10p.map((x) => 10 ** -x) : new Float64Array(0);
        ta.push({
          test: tests[t],
          obs: c.obs.done(),
          beta: c.beta.done(),
          se: c.se.done(),
          t: c.t.done(),
          p,
          log10p: keep ? log10p : new Float64Array(0),
          err: c.err.done(),
          lambda: c.gc ? c.gc.lambda() : lambdaFromLog10p(log10p),
        });
      }
      responses.push({ ...ta[0], name: design.responseNames[k], nAnalysed: design.nS[k], chrom: variants.chrom, pos: variants.pos, id: variants.id, tests: ta });
    }
    return responses;
  }

  omnibus(omni: OmnibusDesign): NonNullable<ScanResult['omnibus']> {
    const keep = this.keep;
    return {
      df: omni.df,
      R: omni.R,
      nComplete: omni.nComplete,
      tests: omni.tests.map((test, t) => {
        const c = this.omniCols[t];
        const log10p = c.log10p.done();
        return { test, obs: c.obs.done(), chisq: c.chisq.done(), log10p: keep ? log10p : new Float64Array(0), lambda: c.gc ? c.gc.lambda() : lambdaFromLog10p(log10p) };
      }),
    };
  }
}

function scanSummary(design: ScanDesign, backend: string, nSamples: number, nVariants: number, errcodeCounts: ScanSummary['errcodeCounts'], t0: number): ScanSummary {
  const missingResponse: Record<string, number> = {};
  design.responseNames.forEach((r, k) => (missingResponse[r] = design.missingResponse[k]));
  return {
    backend,
    nSamples,
    nAnalysedCommon: design.nW,
    excludedMissingCovariate: design.excludedCovariate,
    missingResponse,
    droppedConstantCovariates: design.droppedConstant,
    nVariants,
    errcodeCounts,
    seconds: (performance.now() - t0) / 1000,
  };
}

function hstack(a: SampleMatrix, b: SampleMatrix): SampleMatrix {
  const m = a.m + b.m;
  const data = new Float64Array(a.n * m);
  for (let i = 0; i < a.n; i++) {
    for (let c = 0; c < a.m; c++) data[i * m + c] = a.data[i * a.m + c];
    for (let c = 0; c < b.m; c++) data[i * m + a.m + c] = b.data[i * b.m + c];
  }
  return { n: a.n, m, data };
}

function sliceColumns(s: ChunkStats, from: number, to: number): ChunkStats {
  const m = to - from;
  const out: ChunkStats = { count: s.count, m, obs: s.obs, gx: new Float64Array(s.count * m), g2x: new Float64Array(s.count * m), x: new Float64Array(s.count * m) };
  for (let v = 0; v < s.count; v++)
    for (let c = 0; c < m; c++) {
      out.gx[v * m + c] = s.gx[v * s.m + from + c];
      out.g2x[v * m + c] = s.g2x[v * s.m + from + c];
      out.x[v * m + c] = s.x[v * s.m + from + c];
    }
  return out;
}

interface ScanContext {
  design: ScanDesign;
  omni: OmnibusDesign | null;
  /** Kernel matrix: the design's X, plus the omnibus group's columns when it needs its own. */
  Xk: SampleMatrix;
  omniOffset: number;
}

function contextOf(design: ScanDesign, input: DesignInput, omnibus: boolean): ScanContext {
  const omni = omnibus ? buildOmnibus(design, input) : null;
  if (omni && omni.X) return { design, omni, Xk: hstack(design.X, omni.X), omniOffset: design.X.m };
  return { design, omni, Xk: design.X, omniOffset: 0 };
}

function computeChunk(ctx: ScanContext, chunk: GenotypeChunk, stats: ChunkStats, reg: { maxCorr?: number; vif?: number }): { blocks: TestBlock[][]; oblocks?: OmnibusBlock[] } {
  const { design, omni, omniOffset } = ctx;
  const qmiss = missingSums(chunk, design.Q);
  const mainStats = omni && omni.X ? sliceColumns(stats, 0, design.X.m) : stats;
  const blocks = regressChunk(design, chunk, mainStats, qmiss, reg);
  let oblocks: OmnibusBlock[] | undefined;
  if (omni) {
    const ostats = omni.X ? sliceColumns(stats, omniOffset, omniOffset + omni.X.m) : stats;
    oblocks = omnibusChunk(omni, chunk, ostats, reg);
  }
  return { blocks, oblocks };
}

/** Sex from the source (.fam: 1 male, 2 female, else unknown -> NaN), or null when none is known. */
function sexColumn(src: GenotypeSource): Float64Array | null {
  const sex = (src as { sex?: ArrayLike<number> }).sex;
  if (!sex || sex.length !== src.samples.iid.length) return null;
  const out = Float64Array.from(sex, (x) => (x === 1 || x === 2 ? x : NaN));
  return out.some((x) => !Number.isNaN(x)) ? out : null;
}

function sameOnSamples(a: ArrayLike<number>, b: Float64Array): boolean {
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i]) || Number.isNaN(a[i])) continue;
    if (a[i] !== b[i]) return false;
  }
  return true;
}

const isChrX = (c: string): boolean => normalizeChrom(c) === 'X';

function hasChrX(chunk: GenotypeChunk): boolean {
  return chunk.variants.chrom.some(isChrX);
}

/** Maximal runs [from, to) of a chunk's variants that are all chrX or all not. */
function chrXRuns(chunk: GenotypeChunk): [number, number, boolean][] {
  const runs: [number, number, boolean][] = [];
  let from = 0;
  for (let v = 1; v <= chunk.count; v++) {
    if (v === chunk.count || isChrX(chunk.variants.chrom[v]) !== isChrX(chunk.variants.chrom[from])) {
      runs.push([from, v, isChrX(chunk.variants.chrom[from])]);
      from = v;
    }
  }
  return runs;
}

function concatBlocks(parts: TestBlock[]): TestBlock {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((s, p) => s + p.obs.length, 0);
  const out = newTestBlock(count);
  let o = 0;
  for (const p of parts) {
    out.obs.set(p.obs, o);
    out.beta.set(p.beta, o);
    out.se.set(p.se, o);
    out.t.set(p.t, o);
    out.log10p.set(p.log10p, o);
    out.err.set(p.err, o);
    o += p.obs.length;
  }
  return out;
}

function concatOmnibus(parts: OmnibusBlock[]): OmnibusBlock {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((s, p) => s + p.obs.length, 0);
  const out: OmnibusBlock = { obs: new Int32Array(count), chisq: new Float64Array(count), log10p: new Float64Array(count), err: new Uint8Array(count) };
  let o = 0;
  for (const p of parts) {
    out.obs.set(p.obs, o);
    out.chisq.set(p.chisq, o);
    out.log10p.set(p.log10p, o);
    out.err.set(p.err, o);
    o += p.obs.length;
  }
  return out;
}
