/**
 * Node-only (node:worker_threads) pool that trains autoencoder candidates in parallel (src/lib/ae/candidatePool.ts):
 * one worker per core, each with its own tfjs backend (wasm or cpu; single-threaded in Node) and a copy of the
 * prepared matrix. A candidate goes to an idle worker; a cancel is forwarded to the worker training it, which
 * stops after its current epoch as the in-thread search does.
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule } from './nodeRpcWorker';
import { slotTrainer, type CandidatePool } from '../../lib/ae/candidatePool';
import type { CandidateResult, EpochReport } from '../../lib/ae/trainCandidate';
import type { TfBackendName } from './nodeTfBackend';

export function createNodeTrainPool(backend: TfBackendName, threads?: number): CandidatePool & { close(): Promise<void> } {
  const size = Math.max(1, threads ?? availableParallelism());
  const workers = Array.from({ length: size }, () => startRpcWorker<CandidateResult | null>(workerModule('nodeTrainWorker'), 'result'));
  return {
    size,
    async init(matrix, settings) {
      await Promise.all(workers.map((w) => w.call({ type: 'init', backend, matrix, settings }, [])));
    },
    train: slotTrainer(
      size,
      async (k, index, job, onEpoch) => (await workers[k].call({ type: 'train', index, job }, [], (e) => onEpoch(e as EpochReport))) as CandidateResult,
      (k, job) => workers[k].worker.postMessage({ type: 'cancel', job }),
    ),
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
