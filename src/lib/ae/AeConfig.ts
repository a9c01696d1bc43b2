/**
 * Settings of autoencoder training (src/lib/ae). Every field is optional at the API; `resolveAeConfig` fills
 * the defaults and checks ranges, so a run's full settings can be recorded in train.json.
 */
import type { RotationMethod } from './rotation';

export type Activation = 'elu' | 'tanh' | 'relu' | 'linear';
export const ACTIVATIONS: readonly Activation[] = ['elu', 'tanh', 'relu', 'linear'];

/** Rotations offered on the CLI and in the UI (oblimin exists in rotation.ts but is not exposed). */
export type HsvRotation = Extract<RotationMethod, 'none' | 'varimax' | 'promax'>;
export const HSV_ROTATIONS: readonly HsvRotation[] = ['none', 'varimax', 'promax'];

/** Loss on 0/1 columns: masked squared error like the others, or cross-entropy on a logit output. */
export type BinaryLoss = 'mse' | 'cross-entropy';

export interface AeConfig {
  /** Bottleneck size k: the number of HSVs. */
  latent: number;
  /** Number of random-search candidates (default 8). */
  candidates: number;
  /** Master seed: split, candidate hidden sizes and candidate seeds derive from it. */
  seed: number;
  activation: Activation;
  /** 1 = input -> h1 -> k -> h1 -> output; 2 adds a second hidden layer h2 on each side. */
  hiddenLayers: 1 | 2;
  /**
   * Range of the first hidden layer's size, as fractions of the input dimension p: h1 is drawn uniformly in
   * [round(min * p), round(max * p)], clamped to [2k, maxHidden]. h2 is drawn in [2k, h1].
   */
  hiddenFracMin: number;
  hiddenFracMax: number;
  /** Upper bound on any hidden layer (keeps a 5,000-column input tractable). */
  maxHidden: number;
  /** Fixed hidden sizes for every candidate (skips the random draw); used by tests and benchmarks. */
  hidden: number[] | null;
  /** Dropout rate on hidden layers during training (0 = none). */
  dropout: number;
  /** Standard deviation of Gaussian noise added to observed inputs during training (denoising; 0 = none). */
  inputNoise: number;
  /** L2 penalty on kernels: l2 * sum(W^2) added to the loss. */
  l2: number;
  /** Mini-batch size; 0 = automatic: about 1/50 of the training rows as a power of two, in [32, 256]. */
  batchSize: number;
  learningRate: number;
  maxEpochs: number;
  /** Early stopping: epochs without improvement of the validation loss before stopping. */
  patience: number;
  /** Relative improvement that counts (val < best * (1 - minDelta)). */
  minDelta: number;
  /** Fraction of participants held out for validation (early stopping and model choice). */
  valFrac: number;
  binaryLoss: BinaryLoss;
  rotate: HsvRotation;
  /** Rows used to measure each HSV's share of the reconstruction (seeded subsample). */
  shareRows: number;
  /** Number of top phenotypes listed per HSV. */
  topPhenotypes: number;
}

export const AE_DEFAULTS: Omit<AeConfig, 'latent'> = {
  candidates: 8,
  seed: 1,
  activation: 'elu',
  hiddenLayers: 1,
  hiddenFracMin: 0.25,
  hiddenFracMax: 1,
  maxHidden: 512,
  hidden: null,
  dropout: 0,
  inputNoise: 0,
  l2: 0,
  batchSize: 0,
  learningRate: 0.001,
  maxEpochs: 200,
  patience: 10,
  minDelta: 1e-4,
  valFrac: 0.2,
  binaryLoss: 'mse',
  rotate: 'varimax',
  shareRows: 5000,
  topPhenotypes: 10,
};

export function resolveAeConfig(partial: Partial<AeConfig> & { latent: number }): AeConfig {
  const c: AeConfig = { ...AE_DEFAULTS, ...stripUndefined(partial) } as AeConfig;
  const bad = (what: string, v: unknown) => {
    throw new RangeError(`autoencoder settings: ${what}, found ${String(v)}`);
  };
  if (!Number.isInteger(c.latent) || c.latent < 1) bad('latent must be an integer >= 1', c.latent);
  if (!Number.isInteger(c.candidates) || c.candidates < 1) bad('candidates must be an integer >= 1', c.candidates);
  if (!Number.isInteger(c.seed)) bad('seed must be an integer', c.seed);
  if (!ACTIVATIONS.includes(c.activation)) bad(`activation must be one of ${ACTIVATIONS.join('|')}`, c.activation);
  if (c.hiddenLayers !== 1 && c.hiddenLayers !== 2) bad('hiddenLayers must be 1 or 2', c.hiddenLayers);
  if (!(c.hiddenFracMin > 0 && c.hiddenFracMax >= c.hiddenFracMin)) bad('need 0 < hiddenFracMin <= hiddenFracMax', `${c.hiddenFracMin}, ${c.hiddenFracMax}`);
  if (c.hidden && (c.hidden.length !== c.hiddenLayers || c.hidden.some((h) => !Number.isInteger(h) || h < 1))) {
    bad(`hidden must list ${c.hiddenLayers} positive integer size(s)`, c.hidden.join(','));
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) bad('dropout must be in [0, 1)', c.dropout);
  if (!(c.inputNoise >= 0)) bad('inputNoise must be >= 0', c.inputNoise);
  if (!(c.l2 >= 0)) bad('l2 must be >= 0', c.l2);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 0) bad('batchSize must be an integer >= 1 (0 = automatic)', c.batchSize);
  if (!(c.learningRate > 0)) bad('learningRate must be > 0', c.learningRate);
  if (!Number.isInteger(c.maxEpochs) || c.maxEpochs < 1) bad('maxEpochs must be an integer >= 1', c.maxEpochs);
  if (!Number.isInteger(c.patience) || c.patience < 1) bad('patience must be an integer >= 1', c.patience);
  if (!(c.valFrac > 0 && c.valFrac < 1)) bad('valFrac must be in (0, 1)', c.valFrac);
  if (c.binaryLoss !== 'mse' && c.binaryLoss !== 'cross-entropy') bad('binaryLoss must be mse|cross-entropy', c.binaryLoss);
  if (!HSV_ROTATIONS.includes(c.rotate)) bad(`rotate must be one of ${HSV_ROTATIONS.join('|')}`, c.rotate);
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  return out;
}

/** The automatic batch size for `trainRows` training rows: 2^round(log2(trainRows / 50)) within [32, 256]. */
export function autoBatchSize(trainRows: number): number {
  const b = 2 ** Math.round(Math.log2(Math.max(1, trainRows / 50)));
  return Math.min(256, Math.max(32, b));
}
