/**
 * The genome-wide scan: one pass over the genotypes serves every response, every covariate and E.
 * Per chunk: kernel sums (CPU, worker pool or WebGPU) -> sparse corrections -> per-variant regression ->
 * streamed to `onChunk` and (by default) kept in a plain result object for plots and exports.
 * The next chunk is read while the current one is computed (one chunk of read-ahead).
 * Pure core: no DOM, no Node; callable from the main thread, a worker, or the CLI.
 */
import { createProgress, type ProgressCallback } from '../compute/progress';
import { throwIfAborted } from '../compute/cancel';
import type { GenotypeChunk, GenotypeSource, VariantFilter } from '../io/GenotypeSource';
import { buildDesign, type DesignInput, type NamedColumn, type ScanDesign } from './design';
import { chunkStats, columnTotals, missingSums, statsFromClassSums, type ChunkStats, type SampleMatrix } from './kernel';
import { createWasmClassSums, wasmSimdAvailable } from './wasmKernel';
import { regressChunk, testNames, ERRCODES, type TestBlock } from './regress';
import { LambdaAccumulator, lambdaFromLog10p } from './genomicControl';
import { buildOmnibus, omnibusChunk, type OmnibusBlock, type OmnibusDesign } from './omnibus';

export type ScanBackend = 'cpu' | 'wasm' | 'webgpu';

/** Computes kernel sums for a chunk; implementations: in-thread CPU, a worker pool, WebGPU. */
export interface StatsKernel {
  readonly name: string;
  stats(chunk: GenotypeChunk): Promise<ChunkStats>;
  dispose(): void;
}

/**
 * Parallel-map hook for a CPU worker pool (e.g. node:worker_threads in the CLI, Web Workers in the app):
 * `init` receives the sample matrix once per scan, `stats` computes the sums of variants [from, to) of a chunk.
 */
export interface KernelPool {
  readonly size: number;
  /** `kind`: 'wasm' = WASM SIMD class sums where available (default 'js'). */
  init(X: SampleMatrix, kind?: 'js' | 'wasm'): Promise<void>;
  stats(chunk: GenotypeChunk, from: number, to: number): Promise<ChunkStats>;
}

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
  variants: { chrom: string[]; pos: Int32Array; id: string[]; ref: string[]; alt: string[] };
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
  const omni: OmnibusDesign | null = opts.omnibus ? buildOmnibus(design, input) : null;

  // X for the kernel: the main design, plus the omnibus group's columns when it needs its own.
  let Xk = design.X;
  let omniOffset = 0;
  if (omni && omni.X) {
    omniOffset = design.X.m;
    Xk = hstack(design.X, omni.X);
  }
  const kernel = await makeKernel(opts, Xk);
  const progress = createProgress('scan', src.nVariants ?? 0, onProgress, { unit: 'variants' });

  const K = design.K;
  const nT = tests.length;
  const chrom: string[] = [];
  const ids: string[] = [];
  const ref: string[] = [];
  const alt: string[] = [];
  const pos = new Grow((k) => new Int32Array(k));
  const cols = Array.from({ length: K }, () =>
    Array.from({ length: nT }, () => ({
      obs: new Grow((k) => new Int32Array(k)),
      beta: new Grow((k) => new Float64Array(k)),
      se: new Grow((k) => new Float64Array(k)),
      t: new Grow((k) => new Float64Array(k)),
      log10p: new Grow((k) => new Float64Array(k)),
      err: new Grow((k) => new Uint8Array(k)),
      gc: keep ? null : new LambdaAccumulator(),
    })),
  );
  const omniCols = omni
    ? Array.from({ length: omni.tests.length }, () => ({
        obs: new Grow((k) => new Int32Array(k)),
        chisq: new Grow((k) => new Float64Array(k)),
        log10p: new Grow((k) => new Float64Array(k)),
        gc: keep ? null : new LambdaAccumulator(),
      }))
    : [];
  const errCounts: Record<string, Record<string, number>> = {};
  for (const r of design.responseNames) for (const t of tests) errCounts[`${r} ${t}`] = {};

  let done = 0;
  let curStats: Promise<ChunkStats> | null = null;
  try {
    const it = src.chunks({ chunkVariants: opts.chunkVariants, signal, filter: opts.filter })[Symbol.asyncIterator]();
    // Pipeline: chunk i+1 is read, and its kernel sums started (on workers or the GPU), before chunk i's
    // regressions run on this thread.
    let cur = await it.next();
    curStats = cur.done ? null : kernel.stats(cur.value);
    for (;;) {
      if (cur.done) break;
      const chunk = cur.value;
      const nextRead = it.next();
      const stats = await (curStats as Promise<ChunkStats>);
      throwIfAborted(signal);
      cur = await nextRead;
      curStats = cur.done ? null : kernel.stats(cur.value);
      const qmiss = missingSums(chunk, design.Q);
      const mainStats = omni && omni.X ? sliceColumns(stats, 0, design.X.m) : stats;
      const blocks = regressChunk(design, chunk, mainStats, qmiss, { maxCorr: opts.maxCorr, vif: opts.vif });
      let oblocks: OmnibusBlock[] | undefined;
      if (omni) {
        const ostats = omni.X ? sliceColumns(stats, omniOffset, omniOffset + omni.X.m) : stats;
        oblocks = omnibusChunk(omni, chunk, ostats, { maxCorr: opts.maxCorr, vif: opts.vif });
      }
      for (let k = 0; k < K; k++)
        for (let t = 0; t < nT; t++) {
          const b = blocks[k][t];
          const ec = errCounts[`${design.responseNames[k]} ${tests[t]}`];
          for (let v = 0; v < chunk.count; v++) if (b.err[v]) ec[ERRCODES[b.err[v]]] = (ec[ERRCODES[b.err[v]]] ?? 0) + 1;
          const c = cols[k][t];
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
          omniCols[t].gc?.add(oblocks[t].log10p);
          if (keep) {
            omniCols[t].log10p.push(oblocks[t].log10p);
            omniCols[t].obs.push(oblocks[t].obs);
            omniCols[t].chisq.push(oblocks[t].chisq);
          }
        }
      if (keep) {
        const vb = chunk.variants;
        for (let v = 0; v < chunk.count; v++) {
          chrom.push(vb.chrom[v]);
          ids.push(vb.id[v]);
          ref.push(vb.ref[v]);
          alt.push(vb.alt[v]);
        }
        pos.push(vb.pos);
      }
      if (opts.onChunk) await opts.onChunk({ start: chunk.start, count: chunk.count, variants: chunk.variants, blocks, omnibus: oblocks });
      done += chunk.count;
      progress.tick(done);
    }
  } finally {
    curStats?.catch(() => undefined); // a read-ahead started before an error or a cancel
    kernel.dispose();
  }
  progress.setTotal(done);
  progress.finish();

  const variants = { chrom, pos: pos.done(), id: ids, ref, alt };
  const responses: ResponseResult[] = [];
  for (let k = 0; k < K; k++) {
    const ta: TestArrays[] = [];
    for (let t = 0; t < nT; t++) {
      const c = cols[k][t];
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
    responses.push({ ...ta[0], name: design.responseNames[k], nAnalysed: design.nS[k], chrom, pos: variants.pos, id: ids, tests: ta });
  }
  const missingResponse: Record<string, number> = {};
  design.responseNames.forEach((r, k) => (missingResponse[r] = design.missingResponse[k]));
  const result: ScanResult = {
    variants,
    tests,
    responses,
    summary: {
      backend: kernel.name,
      nSamples: n,
      nAnalysedCommon: design.nW,
      excludedMissingCovariate: design.excludedCovariate,
      missingResponse,
      droppedConstantCovariates: design.droppedConstant,
      nVariants: done,
      errcodeCounts: errCounts,
      seconds: (performance.now() - t0) / 1000,
    },
  };
  if (omni) {
    result.omnibus = {
      df: omni.df,
      R: omni.R,
      nComplete: omni.nComplete,
      tests: omni.tests.map((test, t) => {
        const log10p = omniCols[t].log10p.done();
        const gc = omniCols[t].gc;
        return { test, obs: omniCols[t].obs.done(), chisq: omniCols[t].chisq.done(), log10p: keep ? log10p : new Float64Array(0), lambda: gc ? gc.lambda() : lambdaFromLog10p(log10p) };
      }),
    };
  }
  return result;
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
