/**
 * Which SNPs carry the planted terms. Planted SNPs are common (ALT frequency >= 0.2, or the top half when the
 * range is lower) so that effects of the chosen size are stable; with LD blocks, at most one planted SNP per
 * block. Every SNP is used once over all the terms.
 */
import type { Rng } from '../math/rng';
import type { ResolvedSimulateOptions } from './resolveSimulateOptions';

/** Variant indices of the planted SNPs, by role. */
export interface PlantedSnps {
  /** Marginal SNP terms (also the first parent of the SNPxSNP terms). */
  main: number[];
  /** SNPs of the SNPxE terms. */
  gxe: number[];
  /** Second parents of the SNPxSNP terms. */
  gxg2: number[];
}

type PickOptions = Pick<ResolvedSimulateOptions, 'snps' | 'mafMin' | 'mafMax' | 'ldBlock' | 'plantedSnp' | 'plantedGxe' | 'plantedGxg'>;

function pickDistinct(rng: Rng, pool: number[], k: number, taken: Set<number>): number[] {
  const out: number[] = [];
  let guard = 0;
  while (out.length < k) {
    if (++guard > 1_000_000) throw new RangeError('simulateCohort: not enough SNPs to plant the terms');
    const v = pool[rng.int(pool.length)];
    if (taken.has(v)) continue;
    taken.add(v);
    out.push(v);
  }
  return out;
}

/** Draws the main, SNPxE and second SNPxSNP SNPs, in that order, from `rng` (the planting stream). */
export function pickPlantedSnps(rng: Rng, altFreq: Float64Array, o: PickOptions): PlantedSnps {
  const common: number[] = [];
  const thr = Math.min(0.2, (o.mafMin + o.mafMax) / 2);
  for (let v = 0; v < o.snps; v++) if (altFreq[v] >= thr) common.push(v);
  const taken = new Set<number>();
  const blockOf = (v: number) => (o.ldBlock > 1 ? Math.floor(v / o.ldBlock) : v);
  const takenBlocks = new Set<number>();
  const pick = (k: number): number[] => {
    const out: number[] = [];
    while (out.length < k) {
      const [v] = pickDistinct(rng, common, 1, taken);
      if (takenBlocks.has(blockOf(v))) continue;
      takenBlocks.add(blockOf(v));
      out.push(v);
    }
    return out;
  };
  const main = pick(o.plantedSnp);
  const gxe = pick(o.plantedGxe);
  const gxg2 = pick(o.plantedGxg);
  return { main, gxe, gxg2 };
}
