/**
 * The one sample alignment of the study: responses (HSVs or a phenotype file), covariates and environment
 * factors, each aligned to the genotype samples (FID+IID pairs first where both sides have FIDs, then IIDs, as
 * plink2), and the complete cases (every response, covariate and E observed) for the selection, which fits
 * all responses on one sample set. Every genotyped sample left out is counted by reason.
 */
import { InputError, LatentScanError } from '../base/errors';
import type { SampleIds } from '../io/GenotypeSource';
import type { Table } from '../io/Table';
import { alignColumns } from '../assoc/alignColumns';
import type { NamedColumn } from '../assoc/design';
import type { ReasonCount } from '../report/Analysis';
import { covariateEnvOverlap } from './defaults';

export interface AlignInput {
  samples: SampleIds;
  /** Table of the responses (HSVs, or a phenotype file in `scan`/`sis`). */
  responses: Table;
  /** Response columns (default: every numeric column of `responses` that is not an E). */
  responseNames?: readonly string[];
  /** Covariate and environment table. */
  covar?: Table;
  /** Covariates adjusted for (columns of `covar`). */
  covariates: readonly string[];
  /** Environment factors (columns of `covar`, else of `responses`). */
  env: readonly string[];
}

export interface AlignedSamples {
  /** One value per genotype sample (NaN where absent or missing). */
  responses: NamedColumn[];
  covariates: NamedColumn[];
  env: NamedColumn[];
  /** Complete cases: rowOf[genotype sample] = row among the n complete cases, else -1. */
  rowOf: Int32Array;
  n: number;
  /** Genotyped samples outside the complete cases, by reason (first reason that applies). */
  dropped: ReasonCount[];
  /** Summary lines for logs: samples found in each table, missing values by column. */
  lines: string[];
}

/** Throws the covariate/E overlap error (the same message in the app and on the command line). */
export function checkCovariateEnv(covariates: readonly string[], env: readonly string[]): void {
  const overlap = covariateEnvOverlap(covariates, env);
  if (overlap) throw new LatentScanError('input', overlap);
}

export function alignSamples(input: AlignInput): AlignedSamples {
  const { samples, covar } = input;
  const iid = samples.iid;
  const fid = samples.fid;
  checkCovariateEnv(input.covariates, input.env);
  const envSet = new Set(input.env);
  const resp = alignColumns(input.responses, iid, input.responseNames, 'response', fid);
  const responses = resp.columns.filter((c) => !envSet.has(c.name));
  if (responses.length === 0) {
    throw new InputError({ file: input.responses.source, expected: 'at least one numeric response column', found: 'none' }, 'no response to analyse');
  }
  const lines = [
    `responses: ${input.responses.source}: ${responses.map((r) => r.name).join(', ')}; ${resp.matched} of ${iid.length} genotype samples found, ${resp.notInGenotypes} table rows not in the genotypes`,
  ];
  if (resp.skipped.length) lines.push(`skipped non-numeric response columns: ${resp.skipped.join(', ')}`);
  let covariates: NamedColumn[] = [];
  if (input.covariates.length) {
    if (!covar) throw new LatentScanError('input', `covariates ${input.covariates.join(', ')} were chosen but no covariate table is loaded`);
    const cv = alignColumns(covar, iid, input.covariates, 'covariate', fid);
    covariates = cv.columns;
    lines.push(`covariates: ${covar.source}: ${covariates.map((c) => c.name).join(', ')}; ${cv.matched} of ${iid.length} genotype samples found`);
  } else lines.push('covariates: none');
  const env = input.env.map((name) => envColumn(name, samples, covar, input.responses));
  if (env.length) lines.push(`environment factors: ${env.map((e) => e.name).join(', ')}`);
  const { rowOf, n, dropped } = completeCases(iid.length, responses, covariates, env);
  lines.push(`samples: ${iid.length} genotyped, ${n} with every response, covariate and E observed`);
  for (const d of dropped) lines.push(`  left out: ${d.reason}: ${d.count}`);
  return { responses, covariates, env, rowOf, n, dropped, lines };
}

/** Complete cases over the aligned columns; a left-out sample counts under the first missing column. */
function completeCases(nSamples: number, responses: NamedColumn[], covariates: NamedColumn[], env: NamedColumn[]) {
  const rowOf = new Int32Array(nSamples).fill(-1);
  const groups: [string, NamedColumn[]][] = [
    ['no response value', responses],
    ['missing covariate value', covariates],
    ['missing environment factor', env],
  ];
  const counts = new Map<string, number>();
  let n = 0;
  for (let s = 0; s < nSamples; s++) {
    let why: string | null = null;
    for (const [reason, cols] of groups) {
      for (const c of cols) {
        if (!Number.isFinite(c.values[s])) {
          why = `${reason} (${c.name})`;
          break;
        }
      }
      if (why) break;
    }
    if (why) counts.set(why, (counts.get(why) ?? 0) + 1);
    else rowOf[s] = n++;
  }
  return { rowOf, n, dropped: [...counts].map(([reason, count]) => ({ reason, count })) };
}

/** Columns restricted to the complete cases (row order of `rowOf`). */
export function pickCompleteCases(cols: readonly NamedColumn[], rowOf: Int32Array, n: number): NamedColumn[] {
  return cols.map((c) => {
    const v = new Float64Array(n);
    for (let s = 0; s < rowOf.length; s++) if (rowOf[s] >= 0) v[rowOf[s]] = c.values[s];
    return { name: c.name, values: v };
  });
}

/**
 * An environment factor by name from the covariate table (else the responses' table): numeric, or a
 * two-level factor coded 0/1 (the more common level 0).
 */
function envColumn(name: string, samples: SampleIds, covar: Table | undefined, other: Table): NamedColumn {
  for (const t of [covar, other]) {
    const col = t?.columns.find((c) => c.name === name);
    if (!t || !col) continue;
    const cols = alignColumns(t, samples.iid, [name], 'covariate', samples.fid).columns;
    if (cols.length !== 1) {
      throw new InputError({ file: t.source, column: name, expected: 'a numeric or two-level environment factor', found: `${col.levels?.length ?? 0} levels` }, 'environment factor');
    }
    return { name, values: cols[0].values };
  }
  throw new InputError({ file: covar?.source ?? other.source, column: name, expected: 'a column of the covariate table (--covar)', found: 'no such column' }, 'environment factor (--env) not found');
}
