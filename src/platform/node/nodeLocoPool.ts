/**
 * Node-only (node:worker_threads) pool for the LOCO ridge step's level-0 blocks (src/lib/relate/level0Block.ts):
 * one worker per core, each holding the shared context; blocks go round robin with their genotype rows
 * transferred, not copied. Used by the CLI; results equal the in-thread step's bit for bit.
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule } from './nodeRpcWorker';
import type { Level0Block, Level0Context, Level0Pool } from '../../lib/relate/level0Block';

export function createNodeLocoPool(threads?: number): Level0Pool & { close(): Promise<void> } {
  const size = Math.max(1, threads ?? availableParallelism());
  const workers = Array.from({ length: size }, () => startRpcWorker<Float32Array[]>(workerModule('nodeLocoWorker'), 'preds'));
  let rr = 0;
  return {
    size,
    async init(ctx: Level0Context) {
      await Promise.all(workers.map((w) => w.call({ type: 'init', ctx }, [])));
    },
    run(block: Level0Block) {
      const buf = (block.packed ?? block.dosage)!.buffer as ArrayBuffer;
      return workers[rr++ % size].call({ type: 'block', block }, [buf]);
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
