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

/** The independent random streams the variants draw from. */
export interface VariantRngs {
  /** Allele frequencies, positions, alleles. */
  variant: Rng;
  /** Which SNPs carry the planted terms. */
  plant: Rng;
  /** Genotype calls. */
  geno: Rng;
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
}

/** Simulates the variants and genotypes of `o.n` people; each part draws only from its own stream of `rngs`. */
export function simulateVariants(rngs: VariantRngs, o: ResolvedSimulateOptions): SimulatedVariants {
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
  const { variants, altFreq } = simulateVariantInfo(rngs.variant, gopts);
  const planted = pickPlantedSnps(rngs.plant, altFreq, o);
  const trueDosage = new Map<number, Int8Array>();
  for (const v of [...planted.main, ...planted.gxe, ...planted.gxg2]) trueDosage.set(v, new Int8Array(n));
  const packed = simulateGenotypeMatrix(rngs.geno, gopts, altFreq, trueDosage);
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
  };
}
