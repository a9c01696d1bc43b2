/**
 * Hard calls from dosages, as plink2 makes them (--hard-call-threshold 0.1, its default): a dosage within 0.1
 * of 0, 1 or 2 becomes that genotype, any other is a missing call. `hardCallSource` wraps a source so that
 * every chunk is packed (.bed layout): packed chunks pass through unchanged, dosage chunks (VCF DS, a dosage
 * .pgen, a .bgen) are converted. The steps that need hard calls (LD pruning, genetic PCA, KING kinship) read
 * dosage inputs through it, as plink2 does for --indep-pairwise, --pca and --make-king.
 */
import type { ChunkOptions, GenotypeChunk, GenotypeSource } from './GenotypeSource';
import { packDosages } from './writeBed';
import { decodeDosage } from './dosageCode';

/** plink2's default --hard-call-threshold. */
export const HARD_CALL_THRESHOLD = 0.1;

/** The hard call of a dosage (0, 1, 2), or -1 (missing) when it is NaN or more than 0.1 from an integer. */
export function hardCall(d: number): number {
  if (Number.isNaN(d)) return -1;
  const r = Math.round(d);
  return Math.abs(d - r) <= HARD_CALL_THRESHOLD ? r : -1;
}

/** A dosage chunk as a packed chunk of its hard calls; a packed chunk unchanged. */
export function hardCallChunk(c: GenotypeChunk): GenotypeChunk {
  if (c.packed) return c;
  const codes = new Int8Array(c.count * c.nSamples);
  const d = c.dosage!;
  for (let i = 0; i < codes.length; i++) codes[i] = hardCall(decodeDosage(d[i]));
  const { dosage: _d, ...rest } = c;
  return { ...rest, packed: packDosages(codes, c.nSamples, c.count), bytesPerVariant: Math.ceil(c.nSamples / 4) };
}

export function hardCallSource(source: GenotypeSource): GenotypeSource {
  return {
    format: source.format,
    name: source.name,
    samples: source.samples,
    nVariants: source.nVariants,
    async *chunks(o: ChunkOptions = {}) {
      for await (const c of source.chunks(o)) yield hardCallChunk(c);
    },
  };
}
