/**
 * `npm run cli -- train --pheno FILE --latent K --out PREFIX`: prepares the phenotypes, trains the
 * autoencoder random search with a PCA baseline, rotates the HSVs, and writes PREFIX.hsv.tsv,
 * PREFIX.train.json and PREFIX.model/ (tfjs model.json + weights.bin, hsv.json, recipe.json).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { arg, UsageError, type CliCommand, type ParsedArgs } from '../args';
import { writeFileAtomic } from '../writeFileAtomic';
import { loadTable } from '../loadTable';
import { withTrainPool } from '../trainPool';
import { packageVersion } from '../../platform/node/projectRoot';
import { initTfBackend, TF_BACKENDS, type TfBackendName } from '../../platform/node/nodeTfBackend';
import { ACTIVATIONS, HSV_ROTATIONS, AE_DEFAULTS, type Activation, type BinaryLoss, type HsvRotation } from '../../lib/ae/AeConfig';
import type { AeTrainResult, CandidateSummary } from '../../lib/ae/trainAutoencoder';
import { prepareStep } from '../../lib/pipeline/prepareStep';
import { trainConfig, trainStep, type TrainSettings } from '../../lib/pipeline/trainStep';
import { finishSearch, searchPlan, trainSearchCandidate } from '../../lib/ae/trainAutoencoder';
import { checkCandidateFiles, formatCandidateFile, parseCandidateFile, searchFingerprint } from '../../lib/ae/candidateFile';
import { AE_SEARCH_DEFAULTS, TABLE_PRECISION } from '../../lib/pipeline/defaults';
import { saveAeModel, type AeModelMeta } from '../../lib/ae/modelArtifacts';
import { formatHsvTsv } from '../../lib/ae/hsvTsv';
import { suggestHsvName } from '../../lib/ae/suggestHsvName';
import { hiddenSizes } from '../../lib/ae/AeWeights';
import type { Prepared } from '../../lib/pheno/prepare';

export const command: CliCommand = {
  name: 'train',
  summary: 'Train the autoencoder (random search + PCA baseline) and write health status variables',
  details: [
    'Writes PREFIX.hsv.tsv (#FID IID HSV1..HSVK), PREFIX.train.json (candidates, best, PCA baseline, settings,',
    'seeds, recipe, versions, interpretation) and PREFIX.model/ (tfjs model.json + weights.bin, hsv.json, recipe.json;',
    'the rotation and standardization are folded into the model, so `encode` reproduces the HSVs).',
    'Example: npm run cli -- train --pheno demo/pheno.csv --latent 5 --out demo/ae --seed 1',
    '',
    'The random search as separate jobs (a cluster, workflow/Snakefile): `--candidate I` trains only candidate I',
    '(1..N) of the seeded search and writes PREFIX.candidate.json (its losses, curves and weights); `--pick FILES`',
    'reads the N candidate files, picks the best by the search\'s rule (lowest validation loss, the first of equals)',
    'and writes what a plain run writes: the same best candidate, a byte-identical PREFIX.hsv.tsv and model. Give',
    'every job the same --pheno and settings; --pick refuses candidates of another search.',
    '  npm run cli -- train --pheno demo/pheno.csv --seed 1 --candidate 3 --out demo/cand3',
    '  npm run cli -- train --pheno demo/pheno.csv --seed 1 --pick demo/cand1.candidate.json,...,demo/cand8.candidate.json --out demo/ae',
  ].join('\n'),
  options: [
    { name: 'pheno', type: 'string', help: 'phenotype table (CSV/TSV)', required: true, meta: 'FILE' },
    { name: 'pheno-name', type: 'list', help: 'phenotype columns to use (default: all usable columns)', meta: 'a,b,...' },
    { name: 'id-col', type: 'string', help: 'ID column (default IID, else the first column)', meta: 'NAME' },
    { name: 'latent', type: 'int', help: 'number of HSVs k (bottleneck size; default: prepared phenotypes / 8, in [2, 10])', meta: 'K' },
    { name: 'out', type: 'string', help: 'output prefix', required: true, meta: 'PREFIX' },
    { name: 'seed', type: 'int', help: 'master seed (split, candidates, weights)', default: AE_SEARCH_DEFAULTS.seed },
    { name: 'candidates', type: 'int', help: 'random-search candidates', default: AE_SEARCH_DEFAULTS.candidates },
    { name: 'max-epochs', type: 'int', help: 'epochs per candidate at most', default: AE_SEARCH_DEFAULTS.maxEpochs },
    { name: 'patience', type: 'int', help: 'early-stopping patience (epochs)', default: AE_SEARCH_DEFAULTS.patience },
    { name: 'activation', type: 'string', help: 'hidden activation', choices: ACTIVATIONS, default: AE_DEFAULTS.activation },
    { name: 'hidden-layers', type: 'int', help: 'hidden layers on each side (1 or 2)', default: AE_DEFAULTS.hiddenLayers },
    { name: 'hidden', type: 'list', help: 'fixed hidden sizes for every candidate (skips the random draw)', meta: 'h1[,h2]' },
    { name: 'dropout', type: 'number', help: 'dropout rate on hidden layers', default: AE_DEFAULTS.dropout },
    { name: 'input-noise', type: 'number', help: 'sd of Gaussian noise on inputs (denoising)', default: AE_DEFAULTS.inputNoise },
    { name: 'l2', type: 'number', help: 'L2 penalty on weights', default: AE_DEFAULTS.l2 },
    { name: 'batch-size', type: 'int', help: 'mini-batch size (0 = automatic: n_train/50 as a power of 2 in [32, 256])', default: AE_DEFAULTS.batchSize },
    { name: 'lr', type: 'number', help: 'Adam learning rate', default: AE_DEFAULTS.learningRate },
    { name: 'val-frac', type: 'number', help: 'fraction held out for validation', default: AE_DEFAULTS.valFrac },
    { name: 'binary-loss', type: 'string', help: 'loss on 0/1 columns', choices: ['mse', 'cross-entropy'], default: AE_DEFAULTS.binaryLoss },
    { name: 'rotate', type: 'string', help: 'rotation of the HSVs', choices: HSV_ROTATIONS, default: AE_DEFAULTS.rotate },
    { name: 'backend', type: 'string', help: 'tfjs backend', choices: TF_BACKENDS, default: 'wasm' },
    { name: 'quiet', type: 'flag', help: 'no per-candidate lines on stderr' },
    { name: 'threads', type: 'int', meta: 'N', help: 'candidates trained at once on N worker threads (default: one per core; 1 = one after another; webgpu: 1); the same candidates either way' },
    { name: 'candidate', type: 'int', meta: 'I', help: 'train only candidate I (1..N) of the search; writes PREFIX.candidate.json' },
    { name: 'pick', type: 'list', meta: 'F1,F2,...', help: 'finish the search from the candidate files of every candidate (train --candidate)' },
  ],
  async run(a) {
    const t0 = performance.now();
    const backend = await initTfBackend(arg.str(a, 'backend') as TfBackendName);
    const phenoPath = arg.str(a, 'pheno')!;
    const out = arg.str(a, 'out')!;
    const table = await loadTable(phenoPath, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.phenotypes });
    const { prepared: prep } = await prepareStep(table, { include: arg.list(a, 'pheno-name') });
    const quiet = arg.flag(a, 'quiet');
    const candidate = arg.num(a, 'candidate');
    const pick = arg.list(a, 'pick');
    if (candidate !== undefined && pick) throw new UsageError('train: give --candidate I (one candidate) or --pick FILES (finish the search), not both');
    if (candidate !== undefined) {
      await trainOneCandidate(prep, trainSettingsFromArgs(a), candidate, `${out}.candidate.json`, quiet);
      return;
    }
    const res = pick
      ? await pickCandidates(prep, trainSettingsFromArgs(a), pick, quiet, t0)
      : (await withTrainPool(backend, arg.num(a, 'threads'), (pool) => trainStep(prep, trainSettingsFromArgs(a), backend, { pool, onCandidate: quiet ? undefined : printCandidate }))).trained;
    const seconds = (performance.now() - t0) / 1000;
    await writeTrainOutputs({ hsv: `${out}.hsv.tsv`, trainJson: `${out}.train.json`, modelDir: `${out}.model` }, res, prep, backend, seconds, phenoPath);
    printTrainSummary(res, { hsv: `${out}.hsv.tsv`, trainJson: `${out}.train.json`, modelDir: `${out}.model` }, seconds);
  },
};

/** `train --candidate I`: candidate I (1-based) of the search, written to `path` (a temporary name, then renamed). */
async function trainOneCandidate(prep: Prepared, settings: TrainSettings, oneBased: number, path: string, quiet: boolean): Promise<void> {
  const plan = searchPlan(prep.matrix, trainConfig(settings, prep.matrix.p));
  const n = plan.specs.length;
  if (!Number.isInteger(oneBased) || oneBased < 1 || oneBased > n) throw new UsageError(`train: --candidate must be 1..${n} (the search has --candidates ${n}), got ${oneBased}`);
  const r = await trainSearchCandidate(plan, oneBased - 1);
  const { weights: _w, ...summary } = r;
  if (!quiet) printCandidate(summary);
  writeFileAtomic(path, formatCandidateFile(searchFingerprint(plan, prep.matrix.columns), r));
  console.log(`wrote ${path} (candidate ${oneBased}/${n}: hidden ${r.hidden.join(',')}, val ${r.valLoss.toFixed(5)})`);
}

/** `train --pick FILES`: the search's result from its candidates trained as separate jobs. */
async function pickCandidates(prep: Prepared, settings: TrainSettings, files: string[], quiet: boolean, t0: number): Promise<AeTrainResult> {
  const plan = searchPlan(prep.matrix, trainConfig(settings, prep.matrix.p));
  const read = files.map((f) => ({ ...parseCandidateFile(readFileSync(f, 'utf8'), f), source: f }));
  const all = checkCandidateFiles(read, searchFingerprint(plan, prep.matrix.columns));
  if (!quiet) for (const { weights: _w, ...c } of all) printCandidate(c);
  return finishSearch(prep.matrix, plan, all.filter((c) => c.epochs > 0), { cancelled: false, t0 });
}

/** The autoencoder options of `train` (and `pipeline`), as the train step's settings. */
export function trainSettingsFromArgs(a: ParsedArgs): TrainSettings {
  const hiddenArg = arg.list(a, 'hidden')?.map(Number);
  return {
    latent: arg.num(a, 'latent'),
    seed: arg.num(a, 'seed'),
    candidates: arg.num(a, 'candidates'),
    maxEpochs: arg.num(a, 'max-epochs'),
    patience: arg.num(a, 'patience'),
    activation: arg.str(a, 'activation') as Activation | undefined,
    hiddenLayers: (hiddenArg?.length ?? arg.num(a, 'hidden-layers')) as 1 | 2 | undefined,
    hidden: hiddenArg ?? null,
    dropout: arg.num(a, 'dropout'),
    inputNoise: arg.num(a, 'input-noise'),
    l2: arg.num(a, 'l2'),
    batchSize: arg.num(a, 'batch-size'),
    learningRate: arg.num(a, 'lr'),
    valFrac: arg.num(a, 'val-frac'),
    binaryLoss: arg.str(a, 'binary-loss') as BinaryLoss | undefined,
    rotate: arg.str(a, 'rotate') as HsvRotation | undefined,
  };
}

export function printCandidate(c: CandidateSummary): void {
  console.error(
    `candidate ${c.index + 1}: hidden ${c.hidden.join(',')} seed ${c.seed}: ${c.epochs} epochs (best ${c.bestEpoch}), ` +
      `train ${c.trainLoss.toFixed(5)} val ${c.valLoss.toFixed(5)}, ${c.seconds.toFixed(1)} s`,
  );
}

export interface TrainOutputPaths {
  /** #FID IID HSV1..HSVk */
  hsv: string;
  trainJson: string;
  /** tfjs model.json + weights.bin, hsv.json, recipe.json */
  modelDir: string;
}

/** Writes the HSV table, train.json and the model folder of a training run. */
export async function writeTrainOutputs(paths: TrainOutputPaths, res: AeTrainResult, prep: Prepared, backend: string, seconds: number, phenoPath: string): Promise<void> {
  const meta: AeModelMeta = {
    format: 'latentscan-ae',
    version: 1,
    inputs: res.inputs,
    latent: res.config.latent,
    hidden: hiddenSizes(res.weights),
    activation: res.config.activation,
    bottleneck: res.weights.bottleneck,
    rotate: res.config.rotate,
    binaryLoss: res.config.binaryLoss,
    logitColumns: res.config.binaryLoss === 'cross-entropy' ? Array.from(prep.matrix.binary) : res.inputs.map(() => 0),
    hsvNames: res.hsvNames,
    backend,
    versions: versions(),
    trainedOn: { file: phenoPath, rows: res.rows.length, seed: res.config.seed },
  };
  const files = await saveAeModel(res.weights, meta, prep.recipe);
  mkdirSync(dirname(paths.hsv) || '.', { recursive: true });
  mkdirSync(paths.modelDir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(paths.modelDir, name), data);
  writeFileSync(paths.hsv, formatHsvTsv(prep.matrix.ids, prep.matrix.fid, res.rows, res.hsv, res.hsvNames));
  writeFileSync(paths.trainJson, JSON.stringify(trainJson(res, prep, backend, seconds, phenoPath), null, 1) + '\n');
}

export function printTrainSummary(res: AeTrainResult, paths: TrainOutputPaths, seconds: number): void {
  const bestC = res.candidates[res.best];
  const gain = 1 - bestC.valLoss / res.pca.valLoss;
  console.log(
    `best candidate ${res.best + 1}/${res.candidates.length} (hidden ${bestC.hidden.join(',')}): val ${bestC.valLoss.toFixed(5)}; ` +
      `PCA k=${res.config.latent}: val ${res.pca.valLoss.toFixed(5)} -> autoencoder ${gain >= 0 ? 'better' : 'worse'} by ${Math.abs(100 * gain).toFixed(1)}%`,
  );
  console.log(`wrote ${paths.hsv} (${res.rows.length} participants x ${res.config.latent} HSVs, rotation ${res.config.rotate}), ${paths.trainJson}, ${paths.modelDir}/ in ${seconds.toFixed(1)} s`);
  if (res.cancelled) console.log('training was cancelled: results come from the best candidate so far');
}

function round(v: number, d = 6): number {
  return Number.isFinite(v) ? Number(v.toPrecision(d)) : v;
}

function matrixRows(m: Float64Array | null, rows: number, cols: number): number[][] | null {
  if (!m) return null;
  return Array.from({ length: rows }, (_, i) => Array.from(m.subarray(i * cols, (i + 1) * cols), (v) => round(v, 4)));
}

function trainJson(res: AeTrainResult, prep: Prepared, backend: string, seconds: number, phenoPath: string) {
  const k = res.config.latent;
  const p = res.inputs.length;
  const best = res.candidates[res.best];
  const it = res.interpretation;
  return {
    tool: 'latentscan train',
    versions: versions(),
    backend,
    pheno: phenoPath,
    inputs: res.inputs,
    n: { table: prep.report.rowsIn, prepared: prep.matrix.n, withHsv: res.rows.length, excludedAllMissing: res.excludedRows, train: res.split.train.length, val: res.split.val.length },
    settings: res.config,
    seeds: { master: res.config.seed, split: res.config.seed, candidates: res.candidates.map((c) => c.seed) },
    candidates: res.candidates.map((c) => ({
      hidden: c.hidden,
      seed: c.seed,
      epochs: c.epochs,
      bestEpoch: c.bestEpoch,
      trainLoss: round(c.trainLoss, 8),
      valLoss: round(c.valLoss, 8),
      seconds: round(c.seconds, 4),
      stoppedEarly: c.stoppedEarly,
      cancelled: c.cancelled,
      history: { trainLoss: c.history.trainLoss.map((v) => round(v)), valLoss: c.history.valLoss.map((v) => round(v)) },
    })),
    best: res.best,
    pca: {
      k,
      valLoss: round(res.pca.valLoss, 8),
      trainLoss: round(res.pca.trainLoss, 8),
      valLossZeroFill: round(res.pca.valLossZeroFill, 8),
      emRounds: res.pca.emRounds,
      variance: res.pca.variance.map((v) => round(v)),
      seconds: round(res.pca.seconds, 4),
      method: 'EM (iterative) PCA on the training rows; scores by least squares on observed cells; masked MSE on validation cells',
    },
    autoencoderVsPca: {
      valLoss: round(best.valLoss, 8),
      pcaValLoss: round(res.pca.valLoss, 8),
      relativeGain: round(1 - best.valLoss / res.pca.valLoss, 4),
      verdict: best.valLoss < res.pca.valLoss ? 'autoencoder reconstructs validation cells better than PCA' : 'PCA reconstructs validation cells at least as well as the autoencoder',
    },
    rotate: res.config.rotate,
    hsv: {
      names: res.hsvNames,
      share: it.share.map((v) => round(v, 4)),
      r2: it.r2.map((v) => round(v, 4)),
      top: it.top.map((t) => t.map((x) => ({ column: x.column, corr: round(x.corr, 4) }))),
      /** Short names from the top phenotypes (suggestHsvName: |r| >= 0.4 and >= 0.8 x the strongest, at most 3). */
      suggestedNames: it.top.map((t) => suggestHsvName(t.map((x) => ({ phenotype: x.column, r: x.corr })))),
      correlations: matrixRows(it.correlations, k, p),
      phenotypeOrder: it.phenotypeOrder,
      loadingsBefore: matrixRows(res.rotation.loadingsBefore, p, k),
      loadingsAfter: matrixRows(res.rotation.loadingsAfter, p, k),
    },
    prepare: { report: prep.report },
    recipe: prep.recipe,
    cancelled: res.cancelled,
    seconds: round(seconds, 4),
  };
}

let cachedVersions: Record<string, string> | null = null;
export function versions(): Record<string, string> {
  if (cachedVersions) return cachedVersions;
  let latentscan = 'unknown';
  try {
    latentscan = packageVersion();
  } catch {
    latentscan = 'unknown (package.json not readable)';
  }
  cachedVersions = { latentscan, tfjs: tf.version.tfjs, node: process.version };
  return cachedVersions;
}
