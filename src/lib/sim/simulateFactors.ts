/**
 * The K latent health factors: each the signed sum of its planted terms (standardized raw features, each with
 * its variance share), covariate effects and noise, then standardized (mean 0, sd 1).
 */
import type { Rng } from '../math/rng';
import type { CovariatePlan, TermFeature } from './plantTerms';
import { meanSd, standardize } from './simStats';

export interface SimulatedFactors {
  /** n x K, row-major, standardized factors. */
  F: Float64Array;
  /** SD of each factor before standardizing. */
  factorSd: number[];
  /** Per term: its sign times the SD of its raw feature (the term's beta is derived from it). */
  signedSd: Map<TermFeature, number>;
}

export interface SimulateFactorsInput {
  n: number;
  factorNames: string[];
  /** Genetic then environment terms, in that order (the order of the sign draws). */
  terms: TermFeature[];
  covariates: CovariatePlan[];
  /** Per factor: raw polygenic score, standardized and given `polygenicShare` of the variance (no draws). */
  polygenic?: Float64Array[] | null;
  polygenicShare?: number;
  /** Per factor: group mean shift of each person, added before the factors are standardized (no draws). */
  shift?: Float64Array[] | null;
}

/**
 * Builds the factors one by one; for each, draws a sign per term (in `terms` order) and then the n noise values
 * from `rng`. Throws a RangeError when a factor's shares sum to 1 or more.
 */
export function simulateFactors(rng: Rng, input: SimulateFactorsInput): SimulatedFactors {
  const { n, factorNames, terms, covariates } = input;
  const K = factorNames.length;
  const F = new Float64Array(n * K);
  const factorRaw: Float64Array[] = [];
  const sdRawOf = new Map<TermFeature, number>();
  for (let k = 0; k < K; k++) {
    const f = new Float64Array(n);
    let used = 0;
    const add = (x: Float64Array, share: number, sign: number) => {
      const z = standardize(x);
      const a = sign * Math.sqrt(share);
      for (let i = 0; i < n; i++) f[i] += a * z[i];
      used += share;
    };
    for (const r of terms) {
      if (r.term.factor !== factorNames[k]) continue;
      // A SNPxSNP term pushes the same way as its marginal parent (so the parent's marginal effect is not
      // cancelled by the product it is strongly correlated with).
      const drawn = rng.next() < 0.5 ? -1 : 1;
      const sign = r.signOf && sdRawOf.has(r.signOf) ? Math.sign(sdRawOf.get(r.signOf)!) : drawn;
      add(r.x, r.term.varianceShare, sign);
      sdRawOf.set(r, sign * meanSd(r.x)[1]);
    }
    for (const c of covariates) if (c.k === k) add(c.x, c.share, c.sign);
    if (input.polygenic && input.polygenicShare) add(input.polygenic[k], input.polygenicShare, 1);
    if (used >= 1) throw new RangeError(`simulateCohort: variance shares of factor F${k + 1} sum to ${used} >= 1`);
    const s = Math.sqrt(1 - used);
    for (let i = 0; i < n; i++) f[i] += s * rng.normal();
    const shift = input.shift?.[k];
    if (shift) for (let i = 0; i < n; i++) f[i] += shift[i];
    factorRaw.push(f);
  }
  const factorSd: number[] = [];
  for (let k = 0; k < K; k++) {
    const [m, sd] = meanSd(factorRaw[k]);
    factorSd.push(sd);
    for (let i = 0; i < n; i++) F[i * K + k] = (factorRaw[k][i] - m) / sd;
  }
  return { F, factorSd, signedSd: sdRawOf };
}
