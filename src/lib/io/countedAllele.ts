/**
 * The counted allele (A1) of the scan, as plink2 2.00a3.5 `--glm` picks it without `omit-ref`: ALT, unless ALT's
 * frequency over the founders with a call is above 0.5 (strictly), then REF. Ties, variants with no founder call
 * and cohorts without founders count ALT (plink2's frequency is then NaN). Founders: samples whose .fam line names
 * no parent; every sample of a VCF. Frequencies of dosage sources are dosage means. Pinned against plink2 in
 * tests/io/countedAllele.test.ts. 'alt' keeps ALT everywhere (plink2 `omit-ref`).
 *
 * With REF counted, the 2-bit codes 00 (two ALT) and 11 (no ALT) swap and dosages become 2 - d (dosage code
 * 32768 - u, missing stays missing), so every kernel counts A1 without knowing; the chunk's `variants.a1` names
 * the counted allele for the outputs.
 */
import type { GenotypeChunk, GenotypeSource } from './GenotypeSource';
import { chunkVariantStats, chunkVariantStatsOf } from './variantQc';
import { DOSAGE_MISSING, DOSAGE_TWO } from './dosageCode';

export type CountedAllele = 'minor' | 'alt';
export const COUNTED_ALLELE_DEFAULT: CountedAllele = 'minor';

/** Flags (1 = count REF) of a chunk's variants under the plink2 rule, from its founders' calls. */
export function refCountedFlags(c: GenotypeChunk, founderIdx: Int32Array | null): Uint8Array {
  const f = founderIdx ? chunkVariantStatsOf(c, founderIdx) : chunkVariantStats(c);
  const flip = new Uint8Array(c.count);
  for (let v = 0; v < c.count; v++) if (f.obs[v] > 0 && f.a1[v] / (2 * f.obs[v]) > 0.5) flip[v] = 1;
  return flip;
}

/** Swaps codes 00 and 11 in every 2-bit field of the bytes (01 missing and 10 het stay). */
export function flipPackedBytes(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i];
    const eq = ~(x ^ (x >> 1)) & 0x55; // low bit of each field: both bits equal (00 or 11)
    bytes[i] = x ^ (eq | (eq << 1));
  }
}

/** The chunk with REF counted where `flip` is set (a copy when anything flips; the chunk itself otherwise). */
export function applyCountedAllele(c: GenotypeChunk, flip: Uint8Array): GenotypeChunk {
  if (!flip.includes(1)) return { ...c, variants: { ...c.variants, a1: c.variants.alt } };
  const a1 = Array.from(c.variants.alt, (alt, v) => (flip[v] ? c.variants.ref[v] : alt));
  let packed = c.packed;
  if (packed) {
    packed = packed.slice();
    const b = c.bytesPerVariant;
    for (let v = 0; v < c.count; v++) if (flip[v]) flipPackedBytes(packed.subarray(v * b, (v + 1) * b));
  }
  let dosage = c.dosage;
  if (dosage) {
    dosage = dosage.slice();
    const n = c.nSamples;
    for (let v = 0; v < c.count; v++) {
      if (!flip[v]) continue;
      for (let j = v * n; j < (v + 1) * n; j++) if (dosage[j] !== DOSAGE_MISSING) dosage[j] = DOSAGE_TWO - dosage[j];
    }
  }
  return { ...c, packed, dosage, variants: { ...c.variants, a1 } };
}

/** The source with plink2's counted allele ('minor'), or the source itself ('alt'). */
export function countedAlleleSource(source: GenotypeSource, mode: CountedAllele): GenotypeSource {
  if (mode === 'alt') return source;
  const founder = source.samples.founder;
  let founderIdx: Int32Array | null = null;
  if (founder && founder.some((f) => !f)) {
    const idx: number[] = [];
    for (let j = 0; j < founder.length; j++) if (founder[j]) idx.push(j);
    founderIdx = Int32Array.from(idx);
  }
  const noFounder = founderIdx !== null && founderIdx.length === 0;
  return {
    format: source.format,
    name: source.name,
    samples: source.samples,
    nVariants: source.nVariants,
    async *chunks(opts) {
      for await (const c of source.chunks(opts)) {
        yield applyCountedAllele(c, noFounder ? new Uint8Array(c.count) : refCountedFlags(c, founderIdx));
      }
    },
  };
}
