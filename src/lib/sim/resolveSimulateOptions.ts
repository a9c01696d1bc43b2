/** The simulator's defaults and the checks on its options (every error names the option and its bound). */
import type { CohortTruth, SimulateOptions } from './simulateCohort';

/** Every option of simulateCohort filled in (what the truth object reports). */
export type ResolvedSimulateOptions = CohortTruth['options'];

/**
 * Default variance shares: 5 SNP, 2 SNPxE, 2 SNPxSNP terms. Interaction shares are larger because only part of
 * a raw product's variance is not explained by its parents (measured t values: docs/genotypes-and-simulator.md).
 */
const DEFAULT_SHARES = [0.03, 0.02, 0.025, 0.02, 0.02, 0.022, 0.02, 0.022, 0.02];

/** Options with their defaults; throws a RangeError for a size, fraction or rate out of range. */
export function resolveSimulateOptions(o: SimulateOptions): ResolvedSimulateOptions {
  const r = {
    n: o.n ?? 2000,
    snps: o.snps ?? 5000,
    phenos: o.phenos ?? 100,
    seed: o.seed ?? 1,
    factors: o.factors ?? 5,
    mafMin: o.mafMin ?? 0.05,
    mafMax: o.mafMax ?? 0.5,
    missingCallRate: o.missingCallRate ?? 0.01,
    missingCellRate: o.missingCellRate ?? 0.02,
    ldBlock: o.ldBlock ?? 0,
    ldRho: o.ldRho ?? 0.9,
    chromosomes: o.chromosomes ?? 22,
    plantedSnp: o.plantedSnp ?? 5,
    plantedGxe: o.plantedGxe ?? 2,
    plantedGxg: o.plantedGxg ?? 2,
    termShares: o.termShares ?? DEFAULT_SHARES,
    noiseFraction: o.noiseFraction ?? 0.1,
    binaryFraction: o.binaryFraction ?? 0.15,
    nonlinearFraction: o.nonlinearFraction ?? 0.25,
  };
  const need = r.plantedSnp + 2 * r.plantedGxg + r.plantedGxe;
  if (!(r.n >= 10)) throw new RangeError(`simulateCohort: n must be at least 10, got ${r.n}`);
  if (!(r.snps >= need + 2)) throw new RangeError(`simulateCohort: snps must be at least ${need + 2} for the planted terms, got ${r.snps}`);
  if (!(r.phenos >= 1)) throw new RangeError(`simulateCohort: phenos must be at least 1, got ${r.phenos}`);
  if (!(r.factors >= 1)) throw new RangeError(`simulateCohort: factors must be at least 1, got ${r.factors}`);
  if (r.plantedGxg > 0 && r.plantedSnp === 0) throw new RangeError('simulateCohort: SNPxSNP terms need at least one planted SNP (the marginal parent)');
  if (!(r.mafMin > 0 && r.mafMax <= 0.5 && r.mafMin <= r.mafMax)) throw new RangeError('simulateCohort: need 0 < mafMin <= mafMax <= 0.5');
  if (!(r.noiseFraction >= 0 && r.binaryFraction >= 0 && r.nonlinearFraction >= 0 && r.noiseFraction + r.binaryFraction + r.nonlinearFraction <= 1)) {
    throw new RangeError('simulateCohort: noise, binary and nonlinear fractions must be >= 0 and sum to at most 1');
  }
  if (!(r.missingCallRate >= 0 && r.missingCallRate < 1 && r.missingCellRate >= 0 && r.missingCellRate < 1)) {
    throw new RangeError('simulateCohort: missing rates must be in [0, 1)');
  }
  return r;
}
