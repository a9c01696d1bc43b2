/**
 * Genotypes, streamed as chunks of variants. PLINK .bed sources hand out packed 2-bit rows as they are on
 * disk; VCF sources pack hard calls into the same layout, and give dosages only when DS is asked for;
 * plink2 .pgen sources decode their records into the same layout, or into dosages when the file stores them;
 * BGEN sources give dosages.
 *
 * Packed layout (PLINK 1 .bed, SNP-major): bytesPerVariant = ceil(nSamples / 4); sample j of a variant is
 * bits (2*(j%4), 2*(j%4)+1) of byte floor(j/4), low bits first: 00 = two copies of A1, 01 = missing,
 * 10 = one copy, 11 = zero copies. Dosage = count of A1 = ALT (.bim column 5).
 *
 * Dosage layout: count * nSamples Uint16 codes, variant-major, code = round(dosage * 16384) (plink2's dosage
 * unit; 0 .. 32768), 0xffff = missing (constants and helpers in dosageCode.ts). 2 bytes per sample, 8x the
 * packed layout; lossless for .pgen and .bgen dosages, which plink2 keeps on the same grid.
 */

export interface SampleIds {
  fid: string[];
  iid: string[];
  /**
   * 1 = founder, 0 = not (a .fam line with a father or mother ID; plink2 counts allele frequencies and HWE
   * over founders only). Absent = every sample is a founder (VCF).
   */
  founder?: Uint8Array;
}

/** Variant metadata of one chunk (parallel arrays). */
export interface VariantBlock {
  chrom: string[];
  pos: Int32Array;
  id: string[];
  /** REF: .bim column 6 (A2). */
  ref: string[];
  /** ALT: .bim column 5. The counted allele unless `a1` says otherwise. */
  alt: string[];
  /** The counted allele per variant where a source chose it (countedAlleleSource: REF or ALT); absent = ALT. */
  a1?: string[];
}

export interface GenotypeChunk {
  /** Index of the chunk's first variant among the variants the source yields (after filters). */
  start: number;
  count: number;
  variants: VariantBlock;
  nSamples: number;
  bytesPerVariant: number;
  /** count * bytesPerVariant bytes, PLINK .bed layout. Present unless the chunk carries dosages. */
  packed?: Uint8Array;
  /**
   * count * nSamples dosages of A1 as Uint16 codes (dosage * 16384, 0xffff = missing; see dosageCode.ts); only
   * for non-hard-call sources (VCF DS, .pgen dosages, .bgen).
   */
  dosage?: Uint16Array;
  /**
   * count values: each variant's IMPUTE2 info over the samples asked for with ChunkOptions.infoSamples (BGEN
   * sources only, computed from the genotype probabilities; NaN when none of those samples has a call).
   */
  info?: Float64Array;
}

export interface VariantFilter {
  /** Chromosome codes to keep ('1'..'22', 'X', 'Y', 'MT'; 'chr' prefixes are ignored). */
  chr?: string[];
  fromBp?: number;
  toBp?: number;
  /** Half-open range of variant indices in file order. */
  fromIndex?: number;
  toIndex?: number;
}

export interface ChunkOptions {
  /** Variants per chunk (default chosen by the source for ~1-8 MB chunks). */
  chunkVariants?: number;
  signal?: AbortSignal;
  filter?: VariantFilter;
  /**
   * BGEN sources: also give each variant's IMPUTE2 info (GenotypeChunk.info) over these samples (ascending
   * indices into the source's samples), or over every sample with 'all'. Other sources ignore it.
   */
  infoSamples?: Int32Array | 'all';
}

/** PLINK 1 .bed, VCF / VCF.gz, plink2 .pgen, BGEN v1.2 / v1.3. */
export type GenotypeFormat = 'bed' | 'vcf' | 'pgen' | 'bgen';

export interface GenotypeSource {
  readonly format: GenotypeFormat;
  /** Name of the main file, for messages. */
  readonly name: string;
  readonly samples: SampleIds;
  /** Number of variants before filters, or null when not known before reading (VCF). */
  readonly nVariants: number | null;
  chunks(opts?: ChunkOptions): AsyncIterable<GenotypeChunk>;
}
