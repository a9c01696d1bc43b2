/**
 * Node-only (node:worker_threads) CPU pool for the scan kernel: one worker per core, each holding the sample
 * matrix X; a chunk is split into one contiguous variant range per worker. Used by the CLI; the browser app
 * gives runScan its own pool of Web Workers through the same KernelPool interface.
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule } from './nodeRpcWorker';
import type { GenotypeChunk } from '../../lib/io/GenotypeSource';
import type { ChunkStats, SampleMatrix } from '../../lib/assoc/kernel';
import type { KernelPool } from '../../lib/assoc/StatsKernel';

export async function createNodeKernelPool(threads?: number): Promise<KernelPool & { close(): Promise<void> }> {
  const size = Math.max(1, threads ?? availableParallelism());
  const url = workerModule('nodeKernelWorker');
  const workers = Array.from({ length: size }, () => startRpcWorker<ChunkStats>(url, 'stats'));
  let rr = 0;
  return {
    size,
    async init(X: SampleMatrix, kind: 'js' | 'wasm' = 'js') {
      // One copy into shared memory that every worker reads (a pass with the LOCO adjustment sends a new X per
      // chromosome: per-worker copies of a 100 MB matrix would cost more than the kernel work of a chromosome).
      const data = new Float64Array(new SharedArrayBuffer(X.data.byteLength));
      data.set(X.data);
      await Promise.all(workers.map((w) => w.call({ type: 'init', kind, n: X.n, m: X.m, data }, [])));
    },
    stats(chunk: GenotypeChunk, from: number, to: number) {
      const w = workers[rr++ % size];
      const count = to - from;
      if (chunk.packed) {
        const packed = chunk.packed.slice(from * chunk.bytesPerVariant, to * chunk.bytesPerVariant);
        return w.call({ type: 'stats', count, nSamples: chunk.nSamples, bytesPerVariant: chunk.bytesPerVariant, packed }, [packed.buffer]);
      }
      // Uint16 dosage codes (dosageCode.ts): 2 bytes a sample to copy and transfer
      const dosage = (chunk.dosage as Uint16Array).slice(from * chunk.nSamples, to * chunk.nSamples);
      return w.call({ type: 'stats', count, nSamples: chunk.nSamples, bytesPerVariant: chunk.bytesPerVariant, dosage }, [dosage.buffer]);
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
