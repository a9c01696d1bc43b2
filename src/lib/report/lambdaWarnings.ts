/**
 * The warning for a scan whose genomic-control lambda exceeds LAMBDA_WARN: residual population structure or
 * relatedness (or a highly polygenic response). Suggests the adjustment the run did not make. One wording for
 * the CLI logs, the app and the report. Lives in the report layer (rank 4) so that buildReport can use it;
 * src/lib/pipeline/lambdaWarnings.ts re-exports it for the shells.
 */
export const LAMBDA_WARN = 1.1;

export interface LambdaEntry {
  response: string;
  test: string;
  lambda: number;
}

export function lambdaWarning(e: LambdaEntry, adjusted: { pcs: number; loco: boolean }): string | null {
  if (!(e.lambda > LAMBDA_WARN)) return null;
  const missing = [adjusted.pcs > 0 ? '' : 'adjust for genetic PCs (--pca 10)', adjusted.loco ? '' : 'use the LOCO ridge step (--loco)'].filter(Boolean);
  return `warning: genomic-control lambda ${e.lambda.toFixed(2)} for ${e.response} ${e.test}: residual structure or relatedness${missing.length ? `; ${missing.join(' and ')}` : ''}`;
}

export function lambdaWarnings(list: readonly LambdaEntry[], adjusted: { pcs: number; loco: boolean }): string[] {
  return list.map((e) => lambdaWarning(e, adjusted)).filter((w): w is string => w !== null);
}
