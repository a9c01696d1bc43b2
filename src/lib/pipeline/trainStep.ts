/**
 * Pipeline step 2, the health status variables: the autoencoder random search with its PCA baseline and
 * rotation (src/lib/ae) on the prepared matrix, and its part of the Analysis record (candidates with loss
 * curves, the best one, loadings before and after rotation, each HSV's top phenotypes and suggested name).
 * `hsvTable` gives the HSVs as a table keyed by participant, the responses of the scan and the selection.
 */
import type { ProgressCallback } from '../base/progress';
import type { Table } from '../io/Table';
import type { Prepared } from '../pheno/prepare';
import type { AeConfig } from '../ae/AeConfig';
import { trainAutoencoder, type AeTrainResult, type TrainAutoencoderOptions } from '../ae/trainAutoencoder';
import { suggestHsvName } from '../ae/suggestHsvName';
import { writtenHsvValue } from '../ae/hsvTsv';
import type { HsvInterpretation, LabelledMatrix, TrainingSummary } from '../report/Analysis';
import { AE_SEARCH_DEFAULTS, defaultLatent } from './defaults';

/** Autoencoder settings; unset fields take AE_SEARCH_DEFAULTS / AE_DEFAULTS, latent defaultLatent(p). */
export type TrainSettings = Partial<AeConfig>;

export interface TrainStepResult {
  trained: AeTrainResult;
  /** The Analysis record's `training`, `interpretation` and `hsvCorrelation`. */
  training: TrainingSummary;
  interpretation: HsvInterpretation[];
  hsvCorrelation: LabelledMatrix;
}

export interface TrainHooks extends Pick<TrainAutoencoderOptions, 'onEpoch' | 'onCandidate' | 'pool'> {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** The full settings a run uses (defaults filled in, k clamped to the number of prepared columns). */
export function trainConfig(s: TrainSettings, phenotypes: number): Partial<AeConfig> & { latent: number } {
  const latent = Math.max(1, Math.min(s.latent ?? defaultLatent(phenotypes), phenotypes));
  return { ...AE_SEARCH_DEFAULTS, ...dropUndefined(s), latent };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function trainStep(prepared: Prepared, s: TrainSettings, backend: string, hooks: TrainHooks = {}): Promise<TrainStepResult> {
  const m = prepared.matrix;
  const r = await trainAutoencoder(m, trainConfig(s, m.p), hooks);
  const training: TrainingSummary = {
    backend,
    latent: r.hsvNames.length,
    activation: r.config.activation,
    candidates: r.candidates.map((c) => ({
      hidden: c.hidden,
      seed: c.seed,
      epochs: c.epochs,
      trainLoss: c.trainLoss,
      valLoss: c.valLoss,
      seconds: c.seconds,
      trainCurve: c.history.trainLoss,
      valCurve: c.history.valLoss,
    })),
    best: r.best,
    pca: { trainLoss: r.pca.trainLoss, valLoss: r.pca.valLoss },
    rotation: r.rotation.method,
    loadingsBefore: r.rotation.loadingsBefore ? { rows: r.inputs, cols: r.hsvNames, values: r.rotation.loadingsBefore } : undefined,
    loadingsAfter: r.rotation.loadingsAfter ? { rows: r.inputs, cols: r.hsvNames, values: r.rotation.loadingsAfter } : undefined,
    varianceShare: r.interpretation.share,
    seconds: r.seconds,
  };
  const interpretation: HsvInterpretation[] = r.hsvNames.map((h, i) => {
    const top = r.interpretation.top[i].map((t) => ({ phenotype: t.column, r: t.corr }));
    return { hsv: h, name: suggestHsvName(top), top, share: r.interpretation.share[i] };
  });
  return { trained: r, training, interpretation, hsvCorrelation: { rows: r.hsvNames, cols: r.inputs, values: r.interpretation.correlations } };
}

/**
 * The HSVs as a table (one row per participant with HSVs, float64 columns HSV1..HSVk), named `source`, with
 * the values hsv.tsv holds (9 significant digits, writtenHsvValue): the scan and the selection of the pipeline
 * and the app equal `scan`/`sis --pheno hsv.tsv` (and a workflow's shards) byte for byte.
 */
export function hsvTable(prepared: Prepared, trained: AeTrainResult, source = 'health status variables'): Table {
  const m = prepared.matrix;
  const k = trained.hsvNames.length;
  const rows = trained.rows;
  return {
    source,
    idColumn: 'IID',
    fid: m.fid ? Array.from(rows, (r) => m.fid![r]) : null,
    ids: Array.from(rows, (r) => m.ids[r]),
    columns: trained.hsvNames.map((name, h) => {
      const values = new Float64Array(rows.length);
      for (let j = 0; j < rows.length; j++) values[j] = writtenHsvValue(trained.hsv[j * k + h]);
      return { name, kind: 'numeric' as const, values, nonNumeric: 0 };
    }),
    warnings: [],
  };
}
