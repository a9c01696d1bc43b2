/**
 * Browser pool for the structure step's parallel stages, the Web Worker twin of src/platform/node/nodePcaPool.ts and
 * nodeLocoPool.ts: dedicated workers started from the analysis worker (workers/structure.worker.ts, a comlink shell
 * over src/app/structureWorkerApi.ts), each answering the genetic PCA's batches (relate/pca.ts PcaPool) and the LOCO
 * step's level-0 blocks and level-1 jobs (relate/level0Block.ts LocoPool). Jobs go round robin with their arrays
 * transferred; the callers combine results in a fixed order, so the PCs and predictions are those of one thread.
 * A worker that fails (error event) rejects its pending calls instead of leaving the step waiting.
 */
import { transfer, type Remote } from 'comlink';
import { startPoolWorker } from './poolWorker';
import type { PcaPool } from '../../lib/relate/pca';
import type { Level0Block, Level0Context, LocoPool } from '../../lib/relate/level0Block';
import type { Level1Job, Level1Result } from '../../lib/relate/level1Response';

/** What a structure worker exposes over comlink (implemented by src/app/structureWorkerApi.ts). */
export interface StructureWorkerApi {
  pcaInit(n: number, l: number, founder: Uint8Array | undefined): void;
  pcaSetQ(q: Float64Array): void;
  pcaBatch(packed: Uint8Array, bpv: number, count: number): Float64Array;
  locoInit(ctx: Level0Context): void;
  locoBlock(block: Level0Block): Float32Array[];
  locoLevel1(job: Level1Job): Level1Result;
}

/** The workers seen as the PCA's pool and as the LOCO step's pool. */
export interface BrowserStructurePool {
  pca: PcaPool;
  loco: LocoPool;
  close(): void;
}

/**
 * Pool size: `requested`, else one worker per core the browser reports but one (that core stays with the page and
 * the analysis worker, which reads the genotypes); 1 means the stages run in the analysis worker (no pool).
 */
export function structurePoolSize(requested?: number): number {
  const workers = requested ?? ((globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1) - 1;
  return Math.max(1, Math.floor(workers));
}

export function createBrowserStructurePool(startWorker: () => Worker, size: number): BrowserStructurePool {
  const workers = Array.from({ length: size }, (_, k) => startPoolWorker<StructureWorkerApi>(startWorker, `structure worker ${k + 1}`));
  let rr = 0;
  const next = () => workers[rr++ % size];
  const all = (f: (api: Remote<StructureWorkerApi>) => Promise<unknown>) => Promise.all(workers.map((w) => Promise.race([f(w.api), w.dead]))).then(() => undefined);
  const pca: PcaPool = {
    size,
    init: (n, l, founder) => all((api) => api.pcaInit(n, l, founder)),
    // every worker gets its own copy of Q (structured clone)
    setQ: (q) => all((api) => api.pcaSetQ(q)),
    batch(packed, bpv, count) {
      const w = next();
      return Promise.race([w.api.pcaBatch(transfer(packed, [packed.buffer as ArrayBuffer]), bpv, count), w.dead]);
    },
  };
  const loco: LocoPool = {
    size,
    init: (ctx) => all((api) => api.locoInit(ctx)),
    run(block) {
      const w = next();
      const buf = (block.packed ?? block.dosage)!.buffer as ArrayBuffer;
      return Promise.race([w.api.locoBlock(transfer(block, [buf])), w.dead]);
    },
    level1(job) {
      const w = next();
      // the predictions move to the worker (the caller drops them); y is a copy of its own
      const bufs = [...job.preds.map((p) => p.buffer as ArrayBuffer), job.y.buffer as ArrayBuffer];
      return Promise.race([w.api.locoLevel1(transfer(job, bufs)), w.dead]);
    },
  };
  return {
    pca,
    loco,
    close() {
      for (const w of workers) w.worker.terminate();
    },
  };
}
