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
