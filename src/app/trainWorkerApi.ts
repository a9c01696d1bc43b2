/**
 * The object a train worker exposes over comlink (workers/train.worker.ts is only `expose(api)`): sets up the
 * training backend, rebuilds the search's plan from the matrix and settings it is sent, and trains the candidates
 * it is asked for, reporting each epoch. Errors leave as Error objects (comlink re-throws them in the pool).
 * The browser twin of src/platform/node/nodeTrainWorker.ts.
 */
import { transfer } from 'comlink';
import { searchPlan, trainSearchCandidate, type SearchPlan } from '../lib/ae/trainAutoencoder';
import { initTrainBackend } from '../platform/browser/trainBackend';
import { weightBuffers } from '../lib/ae/candidatePool';
import type { TrainWorkerApi } from '../platform/browser/browserTrainPool';

export function createTrainWorkerApi(): TrainWorkerApi {
  let plan: SearchPlan | null = null;
  const running = new Map<number, AbortController>();
  return {
    async init(backend, wasmPath, matrix, settings) {
      const b = await initTrainBackend(backend, wasmPath);
      plan = searchPlan(matrix, settings);
      return b;
    },
    async train(index, job, onEpoch) {
      if (!plan) throw new Error('train worker: init first');
      const ctl = new AbortController();
      running.set(job, ctl);
      try {
        const result = await trainSearchCandidate(plan, index, { signal: ctl.signal, onEpoch: (e) => void onEpoch(e) });
        return transfer(result, weightBuffers(result));
      } finally {
        running.delete(job);
      }
    },
    cancel(job) {
      running.get(job)?.abort();
    },
  };
}
