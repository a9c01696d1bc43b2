/**
 * The cohort's variants: allele frequencies, positions and alleles, the planted SNPs, the packed genotype
 * calls (Hardy-Weinberg, optional LD blocks, missing calls), and the observed ALT counts and frequencies.
 */
import type { Rng } from '../math/rng';
import type { VariantBlock } from '../io/GenotypeSource';
import { genotypeCounts } from '../io/bedDecode';
import { simulateGenotypeMatrix, simulateVariantInfo, type GenotypeSimOptions } from './simulateGenotypes';
import { pickPlantedSnps, type PlantedSnps } from './pickPlantedSnps';
import type { ResolvedSimulateOptions } from './resolveSimulateOptions';
import type { SimulatedCohort } from './simulateCohort';
import { flipAltMajor, groupFrequencies, type Population } from './simulateStructure';
import { simulateStructuredGenotypes } from './simulateStructuredGenotypes';

/** The independent random streams the variants draw from. */
export interface VariantRngs {
  /** Allele frequencies, positions, alleles. */
  variant: Rng;
  /** Which SNPs carry the planted terms. */
  plant: Rng;
  /** Genotype calls. */
  geno: Rng;
  /** ALT-major flips, group frequencies, polygenic effects (streams forked after all the others). */
  alt?: Rng;
  freq?: Rng;
  poly?: Rng;
}

export interface SimulatedVariants {
  variants: VariantBlock;
  /** ALT frequency each SNP was drawn with. */
  altFreq: Float64Array;
  planted: PlantedSnps;
  /** Dosages (0/1/2, before missing calls) of every planted SNP, by variant index. */
  trueDosage: Map<number, Int8Array>;
  /** Packed .bed rows without the magic, SNP-major. */
  packed: Uint8Array;
  bytesPerVariant: number;
  variantStats: SimulatedCohort['variantStats'];
  /** Per group: ALT frequency per variant (Balding-Nichols; the ancestral one when there is one group). */
  groupFreq: Float64Array[];
  /** Per factor: raw polygenic score (sum of small effects over the non-planted SNPs), or null. */
  polygenic: Float64Array[] | null;
}

/** Simulates the variants and genotypes of `o.n` people; each part draws only from its own stream of `rngs`. */
export function simulateVariants(rngs: VariantRngs, o: ResolvedSimulateOptions, pop: Population | null = null, K = 0): SimulatedVariants {
  const { n } = o;
  const gopts: GenotypeSimOptions = {
    nSamples: n,
    nSnps: o.snps,
    mafMin: o.mafMin,
    mafMax: o.mafMax,
    missingRate: o.missingCallRate,
    ldBlock: o.ldBlock,
    ldRho: o.ldRho,
    chromosomes: o.chromosomes,
  };
  const { variants, altFreq: drawn } = simulateVariantInfo(rngs.variant, gopts);
  // Planted SNPs are picked on the drawn (minor) frequency, so ALT-major flips do not move them.
  const planted = pickPlantedSnps(rngs.plant, drawn, o);
  const altFreq = rngs.alt ? flipAltMajor(rngs.alt, drawn, o.altMajorFraction) : drawn;
  const trueDosage = new Map<number, Int8Array>();
  const plantedSet = [...planted.main, ...planted.gxe, ...planted.gxg2];
  for (const v of plantedSet) trueDosage.set(v, new Int8Array(n));
  let packed: Uint8Array;
  let groupFreq = [altFreq];
  let polygenic: Float64Array[] | null = null;
  if (pop) {
    groupFreq = groupFrequencies(rngs.freq!, altFreq, pop.G, o.fst);
    const chrom = variants.chrom;
    const polyEffects = o.polygenicShare > 0 ? polygenicEffects(rngs.poly!, altFreq, new Set(plantedSet), K) : null;
    if (polyEffects && o.polygenicChromosomes === 'odd') {
      // the same draws as 'all', then the even chromosomes' effects set to 0
      for (let v = 0; v < o.snps; v++) if (Number(chrom[v]) % 2 === 0) for (let k = 0; k < K; k++) polyEffects[k * o.snps + v] = 0;
    }
    ({ packed, polygenic } = simulateStructuredGenotypes(rngs.geno, { o: gopts, chrom, groupFreq, pop, trueDosage, polyEffects, K }));
  } else packed = simulateGenotypeMatrix(rngs.geno, gopts, altFreq, trueDosage);
  const counts = genotypeCounts(packed, n, o.snps);
  const obsAlleles = new Int32Array(o.snps);
  const obsAltFreq = new Float64Array(o.snps);
  for (let v = 0; v < o.snps; v++) {
    obsAlleles[v] = 2 * counts.obs[v];
    obsAltFreq[v] = counts.obs[v] > 0 ? counts.a1[v] / (2 * counts.obs[v]) : NaN;
  }
  return {
    variants,
    altFreq,
    planted,
    trueDosage,
    packed,
    bytesPerVariant: Math.ceil(n / 4),
    variantStats: { designAltFreq: altFreq, altCount: counts.a1, obsCount: obsAlleles, altFreq: obsAltFreq },
    groupFreq,
    polygenic,
  };
}

/** K x m effects N(0, 1 / (2 p (1 - p))) on the ALT dosage of every non-planted SNP (0 for planted ones). */
function polygenicEffects(rng: Rng, altFreq: Float64Array, planted: Set<number>, K: number): Float64Array {
  const m = altFreq.length;
  const e = new Float64Array(K * m);
  for (let k = 0; k < K; k++) {
    for (let v = 0; v < m; v++) {
      if (planted.has(v)) continue;
      const p = altFreq[v];
      e[k * m + v] = rng.normal() / Math.sqrt(2 * p * (1 - p));
    }
  }
  return e;
}
