/**
 * Node-only (node:worker_threads) pool for the genetic PCA's passes (src/lib/relate/pca.ts PcaPool): one worker
 * per core, each holding a pass kernel (src/lib/relate/pcaPass.ts) with the pass's Q; batches go round robin with
 * their packed bytes transferred, and each answers its n x l product, which the pass adds in stream order (the
 * same bits as in one thread).
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule } from './nodeRpcWorker';
import type { PcaPool } from '../../lib/relate/pca';

export function createNodePcaPool(threads?: number): PcaPool & { close(): Promise<void> } {
  const size = Math.max(1, threads ?? availableParallelism());
  const workers = Array.from({ length: size }, () => startRpcWorker<Float64Array | null>(workerModule('nodePcaWorker'), 'result'));
  let rr = 0;
  return {
    size,
    async init(n, l, founder) {
      await Promise.all(workers.map((w) => w.call({ type: 'init', n, l, founder }, [])));
    },
    async setQ(q) {
      // one copy in shared memory that every worker reads
      const shared = new Float64Array(new SharedArrayBuffer(q.byteLength));
      shared.set(q);
      await Promise.all(workers.map((w) => w.call({ type: 'q', q: shared }, [])));
    },
    batch(packed, bpv, count) {
      return workers[rr++ % size].call({ type: 'batch', packed, bpv, count }, [packed.buffer as ArrayBuffer]) as Promise<Float64Array>;
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
