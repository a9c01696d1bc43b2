/**
 * The genomic-control lambda warning (one wording for the CLI logs, the app and the report): defined in
 * src/lib/report/lambdaWarnings.ts, where the report (a lower layer) can use it too; re-exported here.
 */
export { LAMBDA_WARN, lambdaWarning, lambdaWarnings, type LambdaEntry } from '../report/lambdaWarnings';
