/**
 * What the steps of runSis after the first screening read and never change: the input, the responses and
 * E on all analysed rows, the variants' record, the resolved penalties and the candidate universes.
 */
import type { CovariateBasis } from './CovariateBasis';
import type { PenaltySpec } from './penalty';
import type { SisInput } from './runSis';
import type { ScreenView } from './ScreenView';
import type { VariantInfo } from './screenGenotypes';

export interface SisProblem {
  input: SisInput;
  /** Covariates (with intercept) on all analysed rows. */
  basis: CovariateBasis;
  /** Each response residualized on the covariates. */
  y: Float64Array[];
  /** All analysed rows: raw E in view.data.env, E centered and residualized in view.envRes. */
  view: ScreenView;
  envNames: string[];
  /** IDs, positions, QC and imputation means of every variant, from the first screening pass. */
  info: VariantInfo;
  /** Terms a full screening round keeps per response (d). */
  d: number;
  spec: PenaltySpec;
  /** Penalties whose paths' active sets are also scored (EBIC/BIC). */
  extraPaths: PenaltySpec[];
  /** Candidate universe size per response (counted by EBIC). */
  universe: number[];
  /** SNPs passing QC plus E factors: the main effects heredityModelCount is given. */
  mainEffects: number;
  log: (msg: string) => void;
}
