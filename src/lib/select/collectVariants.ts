/**
 * Keeps the genotype rows of chosen variants from one pass over the source: packed rows are copied as they
 * are (n/4 bytes each), dosage rows as their Uint16 codes (2n bytes, dosageCode.ts); `imputedDosage` decodes
 * one on demand to the analysed samples, with missing calls set to the analysed mean.
 */
import { decodeDosages } from '../io/bedDecode';
import { DOSAGE_MISSING, DOSAGE_SCALE } from '../io/dosageCode';
import type { GenotypeSource } from '../io/GenotypeSource';
import { throwIfAborted } from '../base/cancel';

export type VariantRow = { packed: Uint8Array } | { dosage: Uint16Array };

export async function collectVariants(
  source: GenotypeSource,
  wanted: Set<number>,
  opts: { signal?: AbortSignal; chunkVariants?: number } = {},
): Promise<Map<number, VariantRow>> {
  const out = new Map<number, VariantRow>();
  if (wanted.size === 0) return out;
  let maxWanted = -1;
  for (const v of wanted) maxWanted = Math.max(maxWanted, v);
  for await (const chunk of source.chunks({ signal: opts.signal, chunkVariants: opts.chunkVariants })) {
    throwIfAborted(opts.signal);
    for (let v = 0; v < chunk.count; v++) {
      const vi = chunk.start + v;
      if (!wanted.has(vi)) continue;
      if (chunk.packed) {
        const bpv = chunk.bytesPerVariant;
        out.set(vi, { packed: chunk.packed.slice(v * bpv, (v + 1) * bpv) });
      } else if (chunk.dosage) {
        const n = chunk.nSamples;
        out.set(vi, { dosage: chunk.dosage.slice(v * n, (v + 1) * n) });
      } else throw new Error('collectVariants: chunk carries neither packed genotypes nor dosages');
    }
    if (chunk.start + chunk.count > maxWanted) break;
  }
  return out;
}

/** Mean-imputed dosage of a kept row on the analysed rows (rowOf: source sample -> row or -1). */
export function imputedDosage(row: VariantRow, rowOf: Int32Array, nA: number, mean: number, scratch?: Float32Array): Float64Array {
  const nS = rowOf.length;
  const out = new Float64Array(nA);
  if ('dosage' in row) {
    const u = row.dosage;
    for (let s = 0; s < nS; s++) {
      const i = rowOf[s];
      if (i >= 0) out[i] = u[s] === DOSAGE_MISSING ? mean : u[s] * DOSAGE_SCALE;
    }
    return out;
  }
  const d = scratch && scratch.length >= nS ? scratch : new Float32Array(nS);
  decodeDosages(row.packed, 0, nS, d);
  for (let s = 0; s < nS; s++) {
    const i = rowOf[s];
    if (i < 0) continue;
    const g = d[s];
    out[i] = g === g ? g : mean;
  }
  return out;
}
