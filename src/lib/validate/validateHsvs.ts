/**
 * One call for the whole outcome validation of a set of HSVs (used by the CLI, and meant for the validation
 * worker / report): covariate-adjusted association of every HSV with every outcome, and the cross-validated
 * comparison HSVs vs the same number of PCs vs all phenotypes, with the plain verdict per outcome.
 * All matrices are aligned to the HSV rows (NaN = missing).
 */
import { associateOutcomes, type AssocRow, type Matrix } from './associateOutcomes';
import { compareFeatureSets, type Comparison, type FeatureSet } from './cvPredict';
import { predictionVerdict, type VerdictResult } from './predictionVerdict';
import { principalComponents } from './principalComponents';
import type { Outcome } from './Outcome';
import type { ProgressCallback } from '../base/progress';

export interface ValidateInput {
  hsv: Matrix;
  outcomes: Outcome[];
  covariates?: Matrix | null;
  /** PCs (at least k columns; the first k are used). When absent and `phenotypes` is given, computed from it. */
  pcs?: Matrix | null;
  /** All prepared phenotypes (the "all phenotypes" ridge model). */
  phenotypes?: Matrix | null;
  /** Skip the predictive comparison. */
  noPredict?: boolean;
  folds?: number;
  seed?: number;
  innerFolds?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface ValidateResult {
  assoc: AssocRow[];
  comparisons: Comparison[];
  verdicts: VerdictResult[];
  /** Where the PCs came from: 'given', 'computed' or 'none'. */
  pcSource: 'given' | 'computed' | 'none';
}

export function validateHsvs(input: ValidateInput): ValidateResult {
  const k = input.hsv.names.length;
  const n = k > 0 ? input.hsv.values.length / k : 0;
  const assoc = associateOutcomes(input.hsv, input.outcomes, input.covariates ?? null, { signal: input.signal });
  const comparisons: Comparison[] = [];
  const verdicts: VerdictResult[] = [];
  let pcSource: ValidateResult['pcSource'] = 'none';
  if (!input.noPredict) {
    const sets: FeatureSet[] = [{ name: 'HSV', values: input.hsv.values, p: k }];
    if (input.pcs) {
      const w = input.pcs.names.length;
      if (w < k) throw new Error(`validateHsvs: ${w} PCs given, need at least ${k} (one per HSV)`);
      const v = new Float64Array(n * k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) v[i * k + j] = input.pcs.values[i * w + j];
      sets.push({ name: 'PC', values: v, p: k });
      pcSource = 'given';
    } else if (input.phenotypes) {
      sets.push({ name: 'PC', values: principalComponents(input.phenotypes.values, n, input.phenotypes.names.length, k), p: k });
      pcSource = 'computed';
    }
    if (input.phenotypes) sets.push({ name: 'PHENO', values: input.phenotypes.values, p: input.phenotypes.names.length });
    for (const o of input.outcomes) {
      const c = compareFeatureSets(sets, o, {
        folds: input.folds,
        seed: input.seed,
        innerFolds: input.innerFolds,
        onProgress: input.onProgress,
        signal: input.signal,
      });
      comparisons.push(c);
      verdicts.push(predictionVerdict(c));
    }
  }
  return { assoc, comparisons, verdicts, pcSource };
}
