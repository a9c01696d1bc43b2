/**
 * Workers that train the candidates of one random search in parallel (node worker_threads in the CLI):
 * each worker rebuilds the same SearchPlan from the same matrix and settings (searchPlan is deterministic)
 * and trains the candidates it is given with trainSearchCandidate, so a candidate's result does not depend on
 * the thread that trained it or on how many there are.
 */
import type { AeConfig } from './AeConfig';
import type { PreparedMatrix } from '../pheno/PreparedMatrix';
import type { CandidateResult, EpochReport } from './trainCandidate';

export interface CandidatePool {
  readonly size: number;
  /** Sends the search's inputs to every worker (once per search). */
  init(matrix: PreparedMatrix, settings: Partial<AeConfig> & { latent: number }): Promise<void>;
  /** Trains candidate `index` (0-based) of that search on an idle worker; at most `size` at a time. */
  train(index: number, hooks: { onEpoch?: (e: EpochReport) => void; signal?: AbortSignal }): Promise<CandidateResult>;
}

/**
 * The `train` of a CandidatePool over `size` workers (the Node and the browser pools): a candidate goes to an
 * idle worker k under a fresh job number, `run` trains it there, and an abort of its signal is forwarded as
 * `cancel(k, job)` (the worker stops after its current epoch).
 */
export function slotTrainer(
  size: number,
  run: (k: number, index: number, job: number, onEpoch: (e: EpochReport) => void) => Promise<CandidateResult>,
  cancel: (k: number, job: number) => void,
): CandidatePool['train'] {
  const busy = new Array<boolean>(size).fill(false);
  let nextJob = 1;
  return async (index, hooks) => {
    const k = busy.indexOf(false);
    if (k < 0) throw new Error(`train pool: more than ${size} candidates at once`);
    busy[k] = true;
    const job = nextJob++;
    const onAbort = () => cancel(k, job);
    hooks.signal?.addEventListener('abort', onAbort);
    try {
      return await run(k, index, job, (e) => hooks.onEpoch?.(e));
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      busy[k] = false;
    }
  };
}

/** The buffers of a trained candidate's weights, to transfer (not copy) from a train worker. */
export function weightBuffers(result: CandidateResult): ArrayBuffer[] {
  return [...new Set(result.weights.layers.flatMap((l) => [l.kernel.buffer as ArrayBuffer, l.bias.buffer as ArrayBuffer]))];
}
