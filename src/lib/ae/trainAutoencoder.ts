/**
 * Health status variables from prepared phenotypes: random search over autoencoder candidates, PCA
 * baseline, rotation folded into the model, HSVs and their interpretation. Pure TypeScript on tfjs; the
 * caller picks and initializes the tfjs backend (CLI: cpu or wasm in Node; UI: a Web Worker).
 *
 * Steps: rows with at least one observed phenotype -> seeded train/validation split -> N candidates (hidden
 * sizes and weight seeds drawn from the master seed), each trained with early stopping on the validation
 * loss -> the candidate with the lowest validation loss -> PCA with the same k on the same training rows,
 * scored on the same validation cells -> codes of every row -> rotation (none | varimax | promax) and
 * standardization, folded into the bottleneck and the next layer -> HSVs = encoder of the folded model
 * (float64 JavaScript, encodeRows: what `encode` runs later) -> interpretation.
 *
 * Cancel (signal): the running candidate stops at the next batch, no further candidate starts, and the
 * result is built from the best candidate so far (result.cancelled = true). If no epoch had finished, a
 * CancelledError is thrown.
 */
import * as tf from '@tensorflow/tfjs';
import type { PreparedMatrix } from '../pheno/PreparedMatrix';
import { resolveAeConfig, type AeConfig } from './AeConfig';
import { encodeRows, type AeWeights } from './AeWeights';
import { drawCandidates } from './drawCandidates';
import { foldHsvTransform } from './foldHsvTransform';
import { hsvTransform } from './hsvTransform';
import { interpretHsv, type HsvInterpretation } from './interpretHsv';
import { pcaBaseline, pcaScores, type PcaModel } from './pcaBaseline';
import { splitRows } from './splitRows';
import { trainCandidate, type AeData, type CandidateResult, type CandidateSpec, type EpochReport, type RowSplit } from './trainCandidate';
import { CancelledError } from '../base/errors';
import { createProgress, type ProgressCallback, type ProgressTracker } from '../base/progress';
import type { CandidatePool } from './candidatePool';

/** A trained candidate without its weights (only the best network's weights are kept). */
export type CandidateSummary = Omit<CandidateResult, 'weights'>;

export interface TrainAutoencoderOptions {
  /** After every epoch of every candidate (leaderboard, live loss curves). */
  onEpoch?: (r: EpochReport) => void;
  /** When a candidate has finished (or stopped on cancel). */
  onCandidate?: (c: CandidateSummary) => void;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Workers that train candidates in parallel (the same candidates as one thread); one at a time when absent. */
  pool?: CandidatePool;
}

export interface PcaSummary {
  k: number;
  trainLoss: number;
  valLoss: number;
  valLossZeroFill: number;
  emRounds: number;
  /** Variance of the training scores per component. */
  variance: number[];
  seconds: number;
}

export interface AeTrainResult {
  config: AeConfig;
  backend: string;
  /** Prepared input columns (model order). */
  inputs: string[];
  /** Matrix rows that get HSVs (at least one observed phenotype), ascending. */
  rows: Int32Array;
  /** Rows excluded because every phenotype was missing. */
  excludedRows: number;
  split: RowSplit;
  candidates: CandidateSummary[];
  best: number;
  pca: PcaSummary;
  pcaModel: PcaModel;
  /** The chosen model with the rotation and standardization folded in. */
  weights: AeWeights;
  /** rows.length x k, row-major. */
  hsv: Float64Array;
  hsvNames: string[];
  rotation: { method: AeConfig['rotate']; loadingsBefore: Float64Array | null; loadingsAfter: Float64Array | null };
  interpretation: HsvInterpretation;
  cancelled: boolean;
  seconds: number;
}

/**
 * What every candidate of a search shares: the resolved settings, the rows that get HSVs, the seeded
 * train/validation split, the training data and the drawn candidates (hidden sizes and seeds). A candidate
 * trained alone (`trainSearchCandidate`, `train --candidate I`) sees exactly what it sees inside the search.
 */
export interface SearchPlan {
  config: AeConfig;
  rows: Int32Array;
  split: RowSplit;
  data: AeData;
  specs: CandidateSpec[];
}

export function searchPlan(matrix: PreparedMatrix, settings: Partial<AeConfig> & { latent: number }): SearchPlan {
  const config = resolveAeConfig(settings);
  const { n, p } = matrix;
  const k = config.latent;
  if (k > p) throw new RangeError(`autoencoder: latent k = ${k} exceeds the number of input columns (${p})`);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let j = 0; j < p && !any; j++) any = matrix.mask[i * p + j] === 1;
    if (any) keep.push(i);
  }
  const rows = Int32Array.from(keep);
  const split = splitRows(rows, config.valFrac, config.seed);
  const data = { values: matrix.values, mask: matrix.mask, n, p, binary: matrix.binary };
  return { config, rows, split, data, specs: drawCandidates(p, config) };
}

/** Candidate `index` (0-based) of the plan's search, trained as the search trains it. */
export async function trainSearchCandidate(plan: SearchPlan, index: number, opts: Pick<TrainAutoencoderOptions, 'onEpoch' | 'signal'> = {}): Promise<CandidateResult> {
  const spec = plan.specs[index];
  if (!spec) throw new RangeError(`autoencoder: candidate ${index + 1} does not exist (the search has ${plan.specs.length} candidates)`);
  return trainCandidate(plan.data, plan.split, spec, plan.config, opts);
}

/** The search's choice: the candidate with the lowest finite validation loss (the first of equals). */
export function bestCandidate(candidates: readonly Pick<CandidateSummary, 'valLoss'>[]): number {
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i].valLoss;
    if (Number.isFinite(v) && (best < 0 || v < candidates[best].valLoss)) best = i;
  }
  if (best < 0) throw new Error('autoencoder: every candidate diverged (validation loss not finite); lower the learning rate');
  return best;
}

export async function trainAutoencoder(
  matrix: PreparedMatrix,
  settings: Partial<AeConfig> & { latent: number },
  opts: TrainAutoencoderOptions = {},
): Promise<AeTrainResult> {
  const t0 = performance.now();
  const plan = searchPlan(matrix, settings);
  const { config, specs } = plan;
  const progress = createProgress('train', specs.length * config.maxEpochs, opts.onProgress, { unit: 'epochs' });
  const { trained, cancelled } = opts.pool && opts.pool.size > 1
    ? await trainOnPool(opts.pool, matrix, settings, plan, opts, progress)
    : await trainInThread(plan, opts, progress);
  if (trained.length === 0) throw new CancelledError('training cancelled before the first epoch finished');
  progress.finish('candidates done');
  return finishSearch(matrix, plan, trained, { cancelled, t0 });
}

type Trained = { trained: CandidateResult[]; cancelled: boolean };

/** The candidates one after another; a cancel stops the running one and starts no other. */
async function trainInThread(plan: SearchPlan, opts: TrainAutoencoderOptions, progress: ProgressTracker): Promise<Trained> {
  const { config, specs } = plan;
  const trained: CandidateResult[] = [];
  let epochsDone = 0;
  for (const spec of specs) {
    if (opts.signal?.aborted) return { trained, cancelled: true };
    const r = await trainSearchCandidate(plan, spec.index, {
      signal: opts.signal,
      onEpoch: (e) => {
        progress.tick(epochsDone + e.epoch, `candidate ${spec.index + 1}/${specs.length}, epoch ${e.epoch}`);
        opts.onEpoch?.(e);
      },
    });
    epochsDone += config.maxEpochs;
    if (r.epochs > 0) trained.push(r);
    const { weights: _w, ...summary } = r;
    opts.onCandidate?.(summary);
    if (r.cancelled) return { trained, cancelled: true };
  }
  return { trained, cancelled: false };
}

/**
 * The candidates on the pool's workers, `size` at a time, largest first as workers free up. Results are
 * reported (onCandidate) and kept in candidate order, so the search's outputs equal one thread's. A cancel
 * stops the running candidates and starts no other.
 */
async function trainOnPool(
  pool: CandidatePool, matrix: PreparedMatrix, settings: Partial<AeConfig> & { latent: number }, plan: SearchPlan,
  opts: TrainAutoencoderOptions, progress: ProgressTracker,
): Promise<Trained> {
  const { config, specs } = plan;
  await pool.init(matrix, settings);
  const results: CandidateResult[] = [];
  const epochs = new Array<number>(specs.length).fill(0);
  let next = 0;
  let reported = 0;
  const reportInOrder = () => {
    for (; reported < specs.length && results[reported]; reported++) {
      const { weights: _w, ...summary } = results[reported];
      opts.onCandidate?.(summary);
    }
  };
  // Largest candidates first (longest-processing-time order), so that the lanes end together.
  const order = [...specs].sort((a, b) => candidateCost(b.hidden, matrix.p, config.latent) - candidateCost(a.hidden, matrix.p, config.latent) || a.index - b.index).map((s) => s.index);
  const lane = async () => {
    while (next < specs.length && !opts.signal?.aborted) {
      const i = order[next++];
      results[i] = await pool.train(i, {
        signal: opts.signal,
        onEpoch: (e) => {
          epochs[i] = e.epoch;
          progress.tick(epochs.reduce((a, b) => a + b, 0), `candidate ${i + 1}/${specs.length}, epoch ${e.epoch}`);
          opts.onEpoch?.(e);
        },
      });
      epochs[i] = config.maxEpochs;
      reportInOrder();
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.size, specs.length) }, lane));
  const done = results.filter((r) => r !== undefined);
  return { trained: done.filter((r) => r.epochs > 0), cancelled: !!opts.signal?.aborted || done.some((r) => r.cancelled) };
}

/** Weights of an autoencoder p -> hidden -> k -> hidden reversed -> p: its work per epoch, up to a factor. */
export function candidateCost(hidden: readonly number[], p: number, k: number): number {
  const dims = [p, ...hidden, k];
  let w = 0;
  for (let l = 1; l < dims.length; l++) w += dims[l - 1] * dims[l];
  return 2 * w;
}

/**
 * The search's result from its trained candidates (those with at least one epoch, in candidate order): the
 * best one, the PCA baseline, the rotation folded into the model, the HSVs and their interpretation. The
 * search runs it after its last candidate; `train --pick` runs it on candidates trained as separate jobs.
 */
export async function finishSearch(
  matrix: PreparedMatrix,
  plan: SearchPlan,
  trained: readonly CandidateResult[],
  run: { cancelled: boolean; t0: number },
): Promise<AeTrainResult> {
  const { config, rows, split, data } = plan;
  const { p } = matrix;
  const k = config.latent;
  const candidates: CandidateSummary[] = trained.map(({ weights: _w, ...rest }) => rest);
  const best = bestCandidate(candidates);
  const pcaRes = pcaBaseline(data, split.train, split.val, k, { seed: config.seed });
  const pca: PcaSummary = {
    k,
    trainLoss: pcaRes.trainLoss,
    valLoss: pcaRes.valLoss,
    valLossZeroFill: pcaRes.valLossZeroFill,
    emRounds: pcaRes.model.emRounds,
    variance: Array.from(pcaRes.model.variance),
    seconds: pcaRes.seconds,
  };

  const chosen = trained[best].weights;
  const sub = gatherRows(matrix.values, rows, p);
  const raw = encodeRows(chosen, sub, rows.length);
  const tr = hsvTransform(raw, k, { values: matrix.values, mask: matrix.mask, p }, rows, config.rotate);
  const folded = foldHsvTransform(chosen, tr.mean, tr.A);
  const hsv = encodeRows(folded, sub, rows.length);
  const logitColumns = config.binaryLoss === 'cross-entropy' ? Uint8Array.from(matrix.binary) : null;
  const interpretation = await interpretHsv(folded, hsv, k, { values: matrix.values, mask: matrix.mask, p }, rows, {
    columns: matrix.columns,
    topPhenotypes: config.topPhenotypes,
    shareRows: config.shareRows,
    seed: config.seed,
    logitColumns,
  });
  return {
    config,
    backend: tf.getBackend(),
    inputs: [...matrix.columns],
    rows,
    excludedRows: matrix.n - rows.length,
    split,
    candidates,
    best,
    pca,
    pcaModel: pcaRes.model,
    weights: folded,
    hsv,
    hsvNames: Array.from({ length: k }, (_, h) => `HSV${h + 1}`),
    rotation: { method: config.rotate, loadingsBefore: tr.loadingsBefore, loadingsAfter: tr.loadingsAfter },
    interpretation,
    cancelled: run.cancelled,
    seconds: (performance.now() - run.t0) / 1000,
  };
}

/** Rows of a row-major n x p matrix, packed. */
export function gatherRows(values: Float32Array, rows: Int32Array, p: number): Float32Array {
  const out = new Float32Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) out.set(values.subarray(rows[r] * p, rows[r] * p + p), r * p);
  return out;
}

/** PCA scores (least squares on observed cells) of the given rows, e.g. to compare with the HSVs. */
export function pcaScoresOf(model: PcaModel, matrix: PreparedMatrix, rows: Int32Array): Float64Array {
  return pcaScores(model, matrix, rows, 'least-squares');
}
