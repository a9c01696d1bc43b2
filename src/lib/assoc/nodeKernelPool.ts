/**
 * Node-only (node:worker_threads) CPU pool for the scan kernel: one worker per core, each holding the sample
 * matrix X; a chunk is split into one contiguous variant range per worker. Used by the CLI; the browser app
 * gives runScan its own pool of Web Workers through the same KernelPool interface.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { GenotypeChunk } from '../io/GenotypeSource';
import type { ChunkStats, SampleMatrix } from './kernel';
import type { KernelPool } from './runScan';

interface Pending {
  resolve: (s: ChunkStats) => void;
  reject: (e: Error) => void;
}

export async function createNodeKernelPool(threads?: number): Promise<KernelPool & { close(): Promise<void> }> {
  const size = Math.max(1, threads ?? availableParallelism());
  const url = new URL('./nodeKernelWorker.ts', import.meta.url);
  // Under tsx (the CLI), a worker must register tsx's loader before importing a .ts module.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let rr = 0;
  for (let w = 0; w < size; w++) {
    const worker = new Worker(boot, { eval: true });
    worker.on('message', (msg: { id: number; stats?: ChunkStats; error?: string }) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.stats as ChunkStats);
    });
    worker.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
    workers.push(worker);
  }
  const call = (w: Worker, msg: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<ChunkStats> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ ...msg, id }, transfer);
    });
  return {
    size,
    async init(X: SampleMatrix, kind: 'js' | 'wasm' = 'js') {
      await Promise.all(workers.map((w) => call(w, { type: 'init', kind, n: X.n, m: X.m, data: Float64Array.from(X.data) }, [])));
    },
    stats(chunk: GenotypeChunk, from: number, to: number) {
      const w = workers[rr++ % size];
      const count = to - from;
      if (chunk.packed) {
        const packed = chunk.packed.slice(from * chunk.bytesPerVariant, to * chunk.bytesPerVariant);
        return call(w, { type: 'stats', count, nSamples: chunk.nSamples, bytesPerVariant: chunk.bytesPerVariant, packed }, [packed.buffer]);
      }
      const dosage = (chunk.dosage as Float32Array).slice(from * chunk.nSamples, to * chunk.nSamples);
      return call(w, { type: 'stats', count, nSamples: chunk.nSamples, bytesPerVariant: chunk.bytesPerVariant, dosage }, [dosage.buffer]);
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
