/**
 * `--covar FILE [--covar-name c1,c2]` of scan, sis and pipeline: the covariate table (read as doubles) and
 * the covariates adjusted for: the named ones, else every column that is not an environment factor (the
 * pipeline's rule, defaultCovariateNames; plink2's --covar default, less the E).
 */
import { arg, UsageError, type ParsedArgs } from './args';
import { loadTable } from './loadTable';
import type { Table } from '../lib/io/Table';
import { TABLE_PRECISION, defaultCovariateNames } from '../lib/pipeline/defaults';

export async function covariateInputs(a: ParsedArgs, env: readonly string[], command: string): Promise<{ covar?: Table; covariates: string[] }> {
  const path = arg.str(a, 'covar');
  const names = arg.list(a, 'covar-name');
  if (!path) {
    if (names) throw new UsageError(`${command}: --covar-name needs --covar FILE`);
    return { covariates: [] };
  }
  const covar = await loadTable(path, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.covariates });
  return { covar, covariates: names ?? defaultCovariateNames(covar.columns.map((c) => c.name), env, covar.idColumn) };
}
