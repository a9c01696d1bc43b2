/** Node writer of PLINK 1 files from the pure formatters in src/lib/io/writeBed.ts. */
import { writeFileSync } from 'node:fs';
import type { SampleIds, VariantBlock } from '../lib/io/GenotypeSource';
import { bedBytes, formatBim, formatFam } from '../lib/io/writeBed';

export interface BedData {
  /** Packed rows without the magic bytes (nVariants x ceil(nSamples/4)). */
  packed: Uint8Array;
  variants: VariantBlock;
  samples: SampleIds;
  sex?: ArrayLike<number>;
}

/** Writes PREFIX.bed, PREFIX.bim and PREFIX.fam. */
export function writeBedFiles(prefix: string, d: BedData): void {
  writeFileSync(`${prefix}.bed`, bedBytes(d.packed));
  writeFileSync(`${prefix}.bim`, formatBim(d.variants));
  writeFileSync(`${prefix}.fam`, formatFam(d.samples, d.sex));
}
