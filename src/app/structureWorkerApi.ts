/**
 * The object a structure worker exposes over comlink (workers/structure.worker.ts is only `expose(api)`): the genetic
 * PCA's pass kernel (relate/pcaPass.ts) and the LOCO step's level-0 blocks and level-1 jobs, for the analysis worker's
 * pool (src/platform/browser/browserStructurePool.ts). The browser twin of src/platform/node/nodePcaWorker.ts and
 * nodeLocoWorker.ts; results go back transferred.
 */
import { transfer } from 'comlink';
import { createPcaPass, type PcaPassKernel } from '../lib/relate/pcaPass';
import { level0Block, level0Scratch, type Level0Context } from '../lib/relate/level0Block';
import { level1Response } from '../lib/relate/level1Response';
import type { StructureWorkerApi } from '../platform/browser/browserStructurePool';

export function createStructureWorkerApi(): StructureWorkerApi {
  let pca: PcaPassKernel | null = null;
  let ctx: Level0Context | null = null;
  let scratch = level0Scratch();
  return {
    pcaInit(n, l, founder) {
      pca = createPcaPass(n, l, founder);
    },
    pcaSetQ(q) {
      if (!pca) throw new Error('structure worker: pcaInit first');
      pca.setQ(q);
    },
    pcaBatch(packed, bpv, count) {
      if (!pca) throw new Error('structure worker: pcaInit first');
      const y = pca.batch(packed, bpv, count);
      return transfer(y, [y.buffer as ArrayBuffer]);
    },
    locoInit(c) {
      ctx = c;
      scratch = level0Scratch();
    },
    locoBlock(block) {
      if (!ctx) throw new Error('structure worker: locoInit first');
      const preds = level0Block(ctx, block, scratch);
      return transfer(preds, preds.map((p) => p.buffer as ArrayBuffer));
    },
    locoLevel1(job) {
      const result = level1Response(job);
      return transfer(result, result.sums.map(([, a]) => a.buffer as ArrayBuffer));
    },
  };
}
