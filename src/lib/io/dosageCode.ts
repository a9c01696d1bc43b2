/**
 * The fixed-point form of dosage chunks (GenotypeChunk.dosage): one Uint16 per sample, the dosage of A1 in
 * units of 1/16384 (plink2's internal dosage unit, kDosageMid in plink2_base.h; a .pgen stores its dosages so,
 * and our readers put .pgen, .bgen and VCF DS dosages on that grid), 0xffff = missing. 2 bytes per sample:
 * 8x the packed 2-bit hard calls, where Float32 was 16x. Every grid value is exact in float32 and float64,
 * and `u * DOSAGE_SCALE` (a power of two) decodes exactly.
 */

/** Dosage units per allele copy: code = round(dosage * 16384). */
export const DOSAGE_UNIT = 16384;
/** 1 / DOSAGE_UNIT (exact: a power of two). */
export const DOSAGE_SCALE = 1 / DOSAGE_UNIT;
/** The code of a missing dosage. */
export const DOSAGE_MISSING = 0xffff;
/** The code of dosage 2; the other allele's code is DOSAGE_TWO - u. */
export const DOSAGE_TWO = 2 * DOSAGE_UNIT;

/** The code of a dosage in [0, 2] (rounded to the nearest 1/16384, halves up, as plink2 imports DS); NaN -> missing. */
export function encodeDosage(d: number): number {
  return d === d ? Math.round(d * DOSAGE_UNIT) : DOSAGE_MISSING;
}

/** The dosage of a code; NaN for missing. */
export function decodeDosage(u: number): number {
  return u === DOSAGE_MISSING ? NaN : u * DOSAGE_SCALE;
}

/** Codes of dosages in [0, 2] (NaN = missing). */
export function encodeDosages(d: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = encodeDosage(d[i]);
  return out;
}

/** Dosages of codes[from, from + count) into out[0, count) (NaN = missing); a new Float64Array when out is absent. */
export function decodeDosageRow<T extends Float32Array | Float64Array = Float64Array>(codes: Uint16Array, from = 0, count = codes.length - from, out?: T): T {
  const o = out ?? (new Float64Array(count) as T);
  for (let i = 0; i < count; i++) {
    const u = codes[from + i];
    o[i] = u === DOSAGE_MISSING ? NaN : u * DOSAGE_SCALE;
  }
  return o;
}
