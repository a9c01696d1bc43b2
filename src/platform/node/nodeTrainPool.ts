/**
 * Node-only (node:worker_threads) pool that trains autoencoder candidates in parallel (src/lib/ae/candidatePool.ts):
 * one worker per core, each with its own tfjs backend (wasm or cpu; single-threaded in Node) and a copy of the
 * prepared matrix. A candidate goes to an idle worker; a cancel is forwarded to the worker training it, which
 * stops after its current epoch as the in-thread search does.
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule } from './nodeRpcWorker';
import type { CandidatePool } from '../../lib/ae/candidatePool';
import type { CandidateResult, EpochReport } from '../../lib/ae/trainCandidate';
import type { TfBackendName } from './nodeTfBackend';

export function createNodeTrainPool(backend: TfBackendName, threads?: number): CandidatePool & { close(): Promise<void> } {
  const size = Math.max(1, threads ?? availableParallelism());
  const workers = Array.from({ length: size }, () => startRpcWorker<CandidateResult | null>(workerModule('nodeTrainWorker'), 'result'));
  const busy = new Array<boolean>(size).fill(false);
  let nextJob = 1;
  return {
    size,
    async init(matrix, settings) {
      await Promise.all(workers.map((w) => w.call({ type: 'init', backend, matrix, settings }, [])));
    },
    async train(index, hooks) {
      const k = busy.indexOf(false);
      if (k < 0) throw new Error(`train pool: more than ${size} candidates at once`);
      busy[k] = true;
      const job = nextJob++;
      const onAbort = () => workers[k].worker.postMessage({ type: 'cancel', job });
      hooks.signal?.addEventListener('abort', onAbort);
      try {
        const r = await workers[k].call({ type: 'train', index, job }, [], (e) => hooks.onEpoch?.(e as EpochReport));
        return r as CandidateResult;
      } finally {
        hooks.signal?.removeEventListener('abort', onAbort);
        busy[k] = false;
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
