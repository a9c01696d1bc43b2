/**
 * The study's defaults, in one place: the app (src/app, src/ui), every CLI command (src/cli) and the docs read
 * them from here, so the same cohort gives the same analysis from either side.
 */
import { AE_DEFAULTS } from '../ae/AeConfig';
import type { Precision } from '../io/Table';
import { DEFAULT_SELECTION, type SelectionSettings } from '../select/selectionSettings';
import type { VariantQcOptions } from '../io/variantQc';

/** Autoencoder random search: candidates, epochs and patience (the rest of AE_DEFAULTS as it is). */
export const AE_SEARCH_DEFAULTS = {
  candidates: AE_DEFAULTS.candidates,
  maxEpochs: AE_DEFAULTS.maxEpochs,
  patience: AE_DEFAULTS.patience,
  activation: AE_DEFAULTS.activation,
  rotate: AE_DEFAULTS.rotate,
  seed: AE_DEFAULTS.seed,
} as const;

/** Number of HSVs when none is asked for: about one per 8 prepared phenotypes, between 2 and 10. */
export function defaultLatent(phenotypes: number): number {
  return Math.max(2, Math.min(10, Math.round(phenotypes / 8)));
}

/**
 * Number precision of the tables read. Phenotypes feed the autoencoder, which trains in float32; responses,
 * covariates and environment factors enter regressions, read as doubles so BETA and SE equal plink2's digit
 * for digit.
 */
export const TABLE_PRECISION: Readonly<Record<'phenotypes' | 'covariates' | 'responses', Precision>> = Object.freeze({
  phenotypes: 'f32',
  covariates: 'f64',
  responses: 'f64',
});

/**
 * Covariates when none are named: every column of the covariate table except its ID columns and the columns
 * chosen as environment factors (plink2's --covar without --covar-name uses every column; an E is screened,
 * not adjusted for). `columns`: the table's column names.
 */
export function defaultCovariateNames(columns: readonly string[], env: readonly string[], idColumn?: string): string[] {
  const ids = new Set(['FID', '#FID', 'IID', '#IID', ...(idColumn ? [idColumn] : [])].map((s) => s.toUpperCase()));
  const e = new Set(env);
  return columns.filter((c) => !ids.has(c.toUpperCase()) && !e.has(c));
}

/**
 * A column is either adjusted for or screened: names given both as covariate and as environment factor, or
 * null when there is none. The error is the same in the app and on the command line.
 */
export function covariateEnvOverlap(covariates: readonly string[], env: readonly string[]): string | null {
  const both = covariates.filter((c) => env.includes(c));
  return both.length ? `${both.join(', ')} given both as covariate and as environment factor; a term is either adjusted for or screened` : null;
}

/** Genotype QC before the scan and the selection: off unless asked for, as in plink2. */
export const GENOTYPE_QC_DEFAULTS: Readonly<VariantQcOptions> = Object.freeze({});

/** Factor discovery (SIS + penalized regression): SNPxSNP top-50 x every SNP, MCP, EBIC. */
export const SELECTION_DEFAULTS: Readonly<SelectionSettings> = DEFAULT_SELECTION;

/**
 * Population structure in the whole study (app, `pipeline`): 10 genetic PCs as covariates and the LOCO
 * whole-genome ridge step. `scan` and `sis` stay plink2-exact unless asked (--pca K, --loco).
 */
export const STRUCTURE_DEFAULTS: Readonly<{ pcs: number; loco: boolean }> = Object.freeze({ pcs: 10, loco: true });

/** Genome scan kernel when none is asked for (the app picks webgpu on a hardware adapter itself). */
export const SCAN_BACKEND_DEFAULT = 'wasm' as const;
