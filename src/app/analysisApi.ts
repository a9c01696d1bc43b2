/**
 * The object the analysis worker exposes over comlink (workers/analysis.worker.ts is only `expose(api)`).
 * It owns the worker's tfjs backend, the analysis session (data stays here), and the job registry that makes
 * `cancel(jobId)` work across the boundary. Errors leave as a typed PlainError `{ kind, name, message, details }`
 * thrown as it is: comlink re-throws the same plain object on the page (readWorkerError).
 */
import { JobRegistry } from './jobs';
import { TfBackend, selfTest, type BackendStatus, type SelfTestResult } from '../platform/browser/tfBackend';
import { createBrowserTrainPool, trainPoolSize } from '../platform/browser/browserTrainPool';
import { createBrowserStructurePool, structurePoolSize } from '../platform/browser/browserStructurePool';
import type { BackendRequest } from '../lib/compute/backend';
import type { ScanBackend } from '../lib/assoc/StatsKernel';
import { toPlainError } from '../lib/base/errors';
import type { ProgressCallback } from '../lib/base/progress';
import { blobSource } from '../lib/io/ByteSource';
import type { Analysis } from '../lib/report/Analysis';
import type { HitFilter } from '../lib/report/hitFilter';
import { AnalysisSession } from './analysisSession';
import type { AssocSettings, DemoOptions, ExportKind, GenoOpenOptions, SelectSettings, PrepareSettings, TableKind, TrainSettings } from './protocol';

export interface InitBackendOptions {
  wasmPath: string;
  request?: BackendRequest;
  /**
   * Train workers for the random search on wasm/cpu (default navigator.hardwareConcurrency - 1, at most one per
   * candidate; 1 = the candidates one after another in this worker). The page's `?trainWorkers=N` sets it.
   */
  trainWorkers?: number;
  /**
   * Workers of the structure step's genetic PCA and LOCO ridge step (default navigator.hardwareConcurrency - 1;
   * 1 = in this worker). The page's `?structureWorkers=N` sets it.
   */
  structureWorkers?: number;
}

export interface AnalysisApiOptions {
  /** Starts one train worker (workers/train.worker.ts); without it the search trains in this worker. */
  startTrainWorker?: () => Worker;
  /** Starts one structure worker (workers/structure.worker.ts); without it the structure step runs in this worker. */
  startStructureWorker?: () => Worker;
}

async function plain<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toPlainError(e);
  }
}

/**
 * Kernel for the genome scan: the WGSL kernel on a hardware WebGPU adapter (or when the user forces webgpu),
 * plain JavaScript when the user forces cpu, else the WASM SIMD kernel (also on software adapters: SwiftShader
 * runs the shader far slower than wasm on the same cores).
 */
export function scanBackend(s: BackendStatus): ScanBackend {
  switch (s.request) {
    case 'cpu':
      return 'cpu';
    case 'wasm':
      return 'wasm';
    case 'webgpu':
      return s.env.adapter ? 'webgpu' : 'wasm';
    case 'auto':
      return s.env.adapter && !s.env.adapter.software ? 'webgpu' : 'wasm';
    default:
      throw new Error(`unknown backend request: ${String(s.request)}`);
  }
}

export function createAnalysisApi(opts: AnalysisApiOptions = {}) {
  const backend = new TfBackend();
  let init: InitBackendOptions | null = null;
  /** A pool of train workers for a wasm/cpu search of `candidates` candidates (webgpu: one device, no pool). */
  const trainPool = (b: string) => (candidates: number) => {
    if (!opts.startTrainWorker || !init || (b !== 'wasm' && b !== 'cpu')) return undefined;
    const size = trainPoolSize(candidates, init.trainWorkers);
    return size > 1 ? createBrowserTrainPool(opts.startTrainWorker, size, b, init.wasmPath) : undefined;
  };
  /** A pool of structure workers, or undefined for one (the step then runs in this worker). */
  const structurePool = () => {
    const size = structurePoolSize(init?.structureWorkers);
    return opts.startStructureWorker && size > 1 ? createBrowserStructurePool(opts.startStructureWorker, size) : undefined;
  };
  const jobs = new JobRegistry();
  let session = new AnalysisSession();

  return {
    /** Probes WebGPU/wasm, picks and starts a backend. `onChange` is told about device loss fallbacks. */
    async initBackend(o: InitBackendOptions, onChange?: (s: BackendStatus) => void): Promise<BackendStatus> {
      init = o;
      return await plain(() => backend.init({ ...o, onChange }));
    },
    async backendStatus(): Promise<BackendStatus> {
      return await plain(() => backend.current);
    },
    /** Tiny matMul on the active backend, compared with the tfjs cpu backend and a float64 reference. */
    async selfTest(n = 64): Promise<SelfTestResult> {
      return await plain(() => selfTest(n));
    },
    /** Test hook: destroys the WebGPU device (same path as a real device loss). */
    async loseDevice(): Promise<boolean> {
      return backend.loseDevice();
    },
    /** Test hook: an uncaught error after this call returns, as a real crash would (the page must recover). */
    async crashForTest(): Promise<void> {
      setTimeout(() => {
        throw new Error('simulated worker crash (test hook)');
      }, 0);
    },
    /** Aborts a running job; false when none of that id runs. */
    async cancel(jobId: string): Promise<boolean> {
      return jobs.cancel(jobId);
    },
    /** Forgets everything loaded (new analysis). */
    async reset(): Promise<void> {
      jobs.cancelAll();
      session = new AnalysisSession();
    },

    async loadTable(jobId: string, kind: TableKind, file: Blob, name: string, onProgress?: ProgressCallback, idCol?: string) {
      return await plain(() => jobs.run(jobId, (signal) => session.loadTableFile(kind, file, name, onProgress, signal, idCol)));
    },
    async loadGenotypes(jobId: string, files: { name: string; blob: Blob }[], onProgress?: ProgressCallback, opts: GenoOpenOptions = {}) {
      return await plain(() =>
        jobs.run(jobId, (signal) =>
          session.loadGenotypes(files.map((f) => ({ name: f.name, src: blobSource(f.blob, f.name) })), signal, onProgress, opts),
        ),
      );
    },
    async loadDemo(jobId: string, opts: DemoOptions, onProgress?: ProgressCallback) {
      return await plain(() => jobs.run(jobId, (signal) => session.loadDemo(opts, onProgress, signal)));
    },
    async overlap() {
      return await plain(() => session.overlap());
    },
    async preparePhenotypes(jobId: string, settings: PrepareSettings, onProgress?: ProgressCallback) {
      return await plain(() => jobs.run(jobId, (signal) => session.preparePhenotypes(settings, signal, onProgress)));
    },
    async train(jobId: string, settings: TrainSettings, onProgress?: ProgressCallback) {
      return await plain(() =>
        jobs.run(jobId, async (signal) => {
          const st = backend.current;
          const b = await backend.activate(st.plan.train);
          try {
            return await session.train(settings, b === st.active ? st.label : b, onProgress, signal, trainPool(b));
          } finally {
            await backend.activate(st.plan.compute);
          }
        }),
      );
    },
    async structure(jobId: string, settings: AssocSettings, onProgress?: ProgressCallback) {
      return await plain(() => jobs.run(jobId, (signal) => session.structure(settings, onProgress, signal, structurePool)));
    },
    async scan(jobId: string, settings: AssocSettings, onProgress?: ProgressCallback) {
      return await plain(() => jobs.run(jobId, (signal) => session.scan(settings, onProgress, signal, scanBackend(backend.current))));
    },
    async select(jobId: string, settings: SelectSettings, onProgress?: ProgressCallback) {
      return await plain(() => jobs.run(jobId, (signal) => session.select(settings, onProgress, signal)));
    },
    /** Result views; `appBase` lets the worker fetch the built-in gene table from the app's origin. */
    async results(topN?: number, appBase?: string) {
      return await plain(async () => {
        if (appBase) await session.ensureGenes(appBase);
        return session.results(topN);
      });
    },
    /** Search and filter over every tested variant (Results step). */
    async hits(filter: HitFilter, topN?: number, appBase?: string) {
      return await plain(async () => {
        if (appBase) await session.ensureGenes(appBase);
        return session.hits(filter, topN);
      });
    },
    async loadGenes(jobId: string, file: Blob, name: string) {
      return await plain(() => jobs.run(jobId, (signal) => session.loadGeneFile(blobSource(file, name), signal)));
    },
    async reportHtml(jobId: string, appBase: string) {
      return await plain(() => jobs.run(jobId, (signal) => session.reportHtml(appBase, signal)));
    },
    async exportText(kind: ExportKind) {
      return await plain(() => session.exportText(kind));
    },
    /** Reopens a saved analysis (results only; the data itself is not stored). */
    async restoreAnalysis(a: Analysis) {
      return await plain(() => {
        session = new AnalysisSession();
        session.restore(a);
      });
    },
    async analysis() {
      return await plain(() => session.snapshot());
    },
  };
}
