/**
 * Browser pool that trains autoencoder candidates in parallel (src/lib/ae/candidatePool.ts), the Web Worker twin
 * of src/platform/node/nodeTrainPool.ts: dedicated workers started from the analysis worker (workers/train.worker.ts,
 * a comlink shell over src/app/trainWorkerApi.ts), each with its own single-threaded tfjs backend (wasm or cpu) and
 * a copy of the prepared matrix. Each rebuilds the same SearchPlan (searchPlan is deterministic) and trains the
 * candidates it is given, so a candidate's result does not depend on the worker or on how many there are. A cancel
 * is forwarded to the worker training the candidate, which stops after its current epoch. A worker that fails
 * (error event) rejects its pending calls instead of leaving the search waiting.
 */
import { proxy } from 'comlink';
import { startPoolWorker } from './poolWorker';
import { slotTrainer, type CandidatePool } from '../../lib/ae/candidatePool';
import type { AeConfig } from '../../lib/ae/AeConfig';
import type { PreparedMatrix } from '../../lib/pheno/PreparedMatrix';
import type { CandidateResult, EpochReport } from '../../lib/ae/trainCandidate';

export type TrainBackendName = 'wasm' | 'cpu';

/** What a train worker exposes over comlink (implemented by src/app/trainWorkerApi.ts). */
export interface TrainWorkerApi {
  /** Starts the backend (once) and rebuilds the search's plan. Returns the backend that runs. */
  init(backend: TrainBackendName, wasmPath: string, matrix: PreparedMatrix, settings: Partial<AeConfig> & { latent: number }): Promise<string>;
  /** Trains candidate `index`; `job` names it for cancel. */
  train(index: number, job: number, onEpoch: (e: EpochReport) => void): Promise<CandidateResult>;
  cancel(job: number): void;
}

export interface BrowserTrainPool extends CandidatePool {
  /** Terminates every worker (after the search, or after a cancel). */
  close(): void;
}

/**
 * Pool size for a search of `candidates` candidates: `requested`, else one worker per core the browser reports
 * but one (that core stays with the page, so the UI keeps answering while every other core trains: with a
 * worker on every core of a 2-core machine the demo run's page saw tasks of 120-330 ms, docs/app.md), at most
 * one per candidate; 1 means train in the calling worker (no pool).
 */
export function trainPoolSize(candidates: number, requested?: number): number {
  const workers = requested ?? ((globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1) - 1;
  return Math.max(1, Math.min(Math.floor(workers), candidates));
}

export function createBrowserTrainPool(startWorker: () => Worker, size: number, backend: TrainBackendName, wasmPath: string): BrowserTrainPool {
  const workers = Array.from({ length: size }, (_, k) => startPoolWorker<TrainWorkerApi>(startWorker, `train worker ${k + 1}`));
  return {
    size,
    async init(matrix, settings) {
      await Promise.all(workers.map((w) => Promise.race([w.api.init(backend, wasmPath, matrix, settings), w.dead])));
    },
    train: slotTrainer(
      size,
      async (k, index, job, onEpoch) => (await Promise.race([workers[k].api.train(index, job, proxy(onEpoch)), workers[k].dead])) as CandidateResult,
      (k, job) => void workers[k].api.cancel(job),
    ),
    close() {
      for (const w of workers) w.worker.terminate();
    },
  };
}
