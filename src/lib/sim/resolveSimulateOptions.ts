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
    ...resolveStructure(o),
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
  checkStructure(r);
  return r;
}

/** Structure and relatedness options with their defaults (docs/genotypes-and-simulator.md). */
function resolveStructure(o: SimulateOptions) {
  const G = o.ancestryGroups ?? 1;
  return {
    ancestryGroups: G,
    fst: o.fst ?? (G > 1 ? 0.04 : 0),
    groupShares: o.groupShares ?? new Array(Math.max(1, Math.floor(G) || 1)).fill(1 / (Math.floor(G) || 1)),
    admixedFraction: o.admixedFraction ?? 0,
    siblingFraction: o.siblingFraction ?? 0,
    groupFactorShift: o.groupFactorShift ?? (G > 1 ? 0.5 : 0),
    polygenicShare: o.polygenicShare ?? 0,
    polygenicChromosomes: o.polygenicChromosomes ?? 'all',
    altMajorFraction: o.altMajorFraction ?? 0,
  };
}

function checkStructure(r: ResolvedSimulateOptions): void {
  const G = r.ancestryGroups;
  const fail = (m: string) => {
    throw new RangeError(`simulateCohort: ${m}`);
  };
  if (!(Number.isInteger(G) && G >= 1 && G <= 50)) fail(`ancestryGroups must be an integer in [1, 50], got ${G}`);
  if (!(r.fst >= 0 && r.fst < 1)) fail(`fst must be in [0, 1), got ${r.fst}`);
  if (!(r.groupShares.length === G && r.groupShares.every((x) => x > 0 && Number.isFinite(x)))) {
    fail(`groupShares must have ancestryGroups (${G}) positive values, got [${r.groupShares.join(', ')}]`);
  }
  if (!(r.admixedFraction >= 0 && r.admixedFraction <= 1)) fail(`admixedFraction must be in [0, 1], got ${r.admixedFraction}`);
  if (r.admixedFraction > 0 && G < 2) fail(`admixedFraction needs ancestryGroups >= 2, got ${G}`);
  if (!(r.siblingFraction >= 0 && r.siblingFraction <= 1)) fail(`siblingFraction must be in [0, 1], got ${r.siblingFraction}`);
  if (!(r.groupFactorShift >= 0 && Number.isFinite(r.groupFactorShift))) fail(`groupFactorShift must be >= 0, got ${r.groupFactorShift}`);
  if (!(r.polygenicShare >= 0 && r.polygenicShare < 1)) fail(`polygenicShare must be in [0, 1), got ${r.polygenicShare}`);
  if (!(r.altMajorFraction >= 0 && r.altMajorFraction <= 1)) fail(`altMajorFraction must be in [0, 1], got ${r.altMajorFraction}`);
}

/** Whether the structured genotype model (haplotypes of founders, siblings, polygenic scores) is needed. */
export function isStructured(r: ResolvedSimulateOptions): boolean {
  return r.ancestryGroups > 1 || r.siblingFraction > 0 || r.polygenicShare > 0;
}
