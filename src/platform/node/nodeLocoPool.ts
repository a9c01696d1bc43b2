/**
 * Node-only (node:worker_threads) pool for the LOCO ridge step: level-0 blocks (src/lib/relate/level0Block.ts)
 * and per-response level 1 (level1Response.ts). One worker per core, each holding the shared context; jobs go
 * round robin with their arrays transferred, not copied. Used by the CLI; results equal the in-thread step's bit for bit.
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule } from './nodeRpcWorker';
import type { Level0Block, Level0Context, LocoPool } from '../../lib/relate/level0Block';
import type { Level1Job, Level1Result } from '../../lib/relate/level1Response';

export function createNodeLocoPool(threads?: number): LocoPool & { close(): Promise<void> } {
  const size = Math.max(1, threads ?? availableParallelism());
  const workers = Array.from({ length: size }, () => startRpcWorker<unknown>(workerModule('nodeLocoWorker'), 'result'));
  let rr = 0;
  return {
    size,
    async init(ctx: Level0Context) {
      await Promise.all(workers.map((w) => w.call({ type: 'init', ctx }, [])));
    },
    run(block: Level0Block) {
      const buf = (block.packed ?? block.dosage)!.buffer as ArrayBuffer;
      return workers[rr++ % size].call({ type: 'block', block }, [buf]) as Promise<Float32Array[]>;
    },
    level1(job: Level1Job) {
      // The predictions move to the worker (the caller drops them); y is a copy of its own.
      return workers[rr++ % size].call({ type: 'level1', job }, [...job.preds.map((p) => p.buffer as ArrayBuffer), job.y.buffer as ArrayBuffer]) as Promise<Level1Result>;
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
