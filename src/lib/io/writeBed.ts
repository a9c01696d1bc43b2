/**
 * PLINK 1 .bed/.bim/.fam writers, pure: they return bytes and strings; the Node side (src/cli/writeBedFiles.ts)
 * writes the files. Codes per sample: dosage of A1 (0, 1, 2) or -1 for a missing call.
 */
import { BED_MAGIC } from './bed';
import type { SampleIds, VariantBlock } from './GenotypeSource';

/** 2-bit .bed code of an A1 dosage: 2 -> 00, 1 -> 10, 0 -> 11, missing -> 01. */
export const CODE_OF_DOSAGE = [0b11, 0b10, 0b00] as const;
export const MISSING_CODE = 0b01;

export function bytesPerVariant(nSamples: number): number {
  return Math.ceil(nSamples / 4);
}

/** Packs one variant's dosages (0/1/2, anything else = missing) into `out` at `offset` (bpv bytes, zero padding). */
export function packRow(dosage: ArrayLike<number>, nSamples: number, out: Uint8Array, offset: number): void {
  const bpv = bytesPerVariant(nSamples);
  out.fill(0, offset, offset + bpv);
  for (let j = 0; j < nSamples; j++) {
    const d = dosage[j];
    const code = d === 0 ? 0b11 : d === 1 ? 0b10 : d === 2 ? 0b00 : MISSING_CODE;
    out[offset + (j >> 2)] |= code << ((j & 3) << 1);
  }
}

/** Dosage codes (count x nSamples, variant-major; -1 missing) to packed rows without the magic. */
export function packDosages(codes: ArrayLike<number>, nSamples: number, count: number): Uint8Array {
  const bpv = bytesPerVariant(nSamples);
  const out = new Uint8Array(count * bpv);
  const row = new Int8Array(nSamples);
  for (let v = 0; v < count; v++) {
    for (let j = 0; j < nSamples; j++) row[j] = codes[v * nSamples + j];
    packRow(row, nSamples, out, v * bpv);
  }
  return out;
}

/** A complete .bed file: magic bytes followed by the packed rows. */
export function bedBytes(packed: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + packed.length);
  out.set(BED_MAGIC, 0);
  out.set(packed, 3);
  return out;
}

export function bedHeader(): Uint8Array {
  return Uint8Array.from(BED_MAGIC);
}

/** .bim text: CHR ID CM POS A1 A2, tab-separated, A1 = alt (counted), A2 = ref. */
export function formatBim(v: VariantBlock): string {
  const n = v.id.length;
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = `${v.chrom[i]}\t${v.id[i]}\t0\t${v.pos[i]}\t${v.alt[i]}\t${v.ref[i]}\n`;
  return parts.join('');
}

/** .fam text: FID IID 0 0 SEX PHENO (-9 = missing phenotype), tab-separated. */
export function formatFam(s: SampleIds, sex?: ArrayLike<number>): string {
  const n = s.iid.length;
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = `${s.fid[i]}\t${s.iid[i]}\t0\t0\t${sex ? sex[i] : 0}\t-9\n`;
  return parts.join('');
}
