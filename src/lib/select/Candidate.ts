/**
 * A screened term of one response with the round that screened it in, and the genotype rows a list of
 * them needs (every SNP and SNPxSNP partner they use).
 */
import type { GenotypeSource } from '../io/GenotypeSource';
import { collectVariants, type VariantRow } from './collectVariants';
import type { Feature } from './Feature';

export interface Candidate {
  feature: Feature;
  round: number;
}

/** Genotype rows (one pass over the source) of every variant the candidates use, as parent or partner. */
export async function rowsFor(
  source: GenotypeSource,
  lists: Candidate[][],
  o: { signal?: AbortSignal; chunkVariants?: number },
): Promise<Map<number, VariantRow>> {
  const want = new Set<number>();
  for (const l of lists) {
    for (const c of l) {
      if (c.feature.variant >= 0) want.add(c.feature.variant);
      if (c.feature.type === 'GxG') want.add(c.feature.aux);
    }
  }
  return collectVariants(source, want, { signal: o.signal, chunkVariants: o.chunkVariants });
}
