/**
 * The planted terms' effects as the truth reports them, on the standardized factors: beta per unit of the raw
 * feature, the t of the factor on the feature alone, and (interactions) the t with both parents in the model.
 */
import type { CohortTruth } from './simulateCohort';
import type { CovariatePlan, TermFeature } from './plantTerms';
import type { SimulatedFactors } from './simulateFactors';
import { meanSd, olsLastT } from './simStats';

export interface MeasureTermEffectsInput {
  n: number;
  factorNames: string[];
  factors: SimulatedFactors;
  /** Genetic and environment terms; their `beta`, `tOnFactor` and `tWithParents` are filled in. */
  terms: TermFeature[];
  covariates: CovariatePlan[];
}

/** Fills in each term's beta and t values (in place) and returns the covariate effects. No random draws. */
export function measureTermEffects(input: MeasureTermEffectsInput): CohortTruth['covariateEffects'] {
  const { n, factorNames } = input;
  const { F, factorSd, signedSd: sdRawOf } = input.factors;
  const K = factorNames.length;
  const factorCol = (k: number) => Float64Array.from({ length: n }, (_, i) => F[i * K + k]);
  for (const r of input.terms) {
    const k = factorNames.indexOf(r.term.factor);
    const signedSd = sdRawOf.get(r)!;
    r.term.beta = Math.sign(signedSd) * Math.sqrt(r.term.varianceShare) / Math.abs(signedSd) / factorSd[k];
    const y = factorCol(k);
    r.term.tOnFactor = olsLastT(y, [r.x]);
    r.term.tWithParents = r.parents.length ? olsLastT(y, [...r.parents, r.x]) : r.term.tOnFactor;
  }
  return input.covariates.map((c) => ({
    covariate: c.covariate,
    factor: factorNames[c.k],
    beta: (c.sign * Math.sqrt(c.share)) / meanSd(c.x)[1] / factorSd[c.k],
    varianceShare: c.share,
  }));
}
