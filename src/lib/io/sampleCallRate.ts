/**
 * Per-sample missing call counts over a stream of genotype chunks (as plink2 --missing's .smiss, and the
 * input of --mind). Packed rows: one lookup per byte gives the missing flags of its 4 samples.
 */
import type { GenotypeChunk } from './GenotypeSource';
import { DOSAGE_MISSING } from './dosageCode';

/** MISS4[b] bit k set when sample k of byte b is missing (code 01). */
const MISS4 = new Uint8Array(256);
for (let b = 0; b < 256; b++) for (let k = 0; k < 4; k++) if (((b >> (2 * k)) & 3) === 1) MISS4[b] |= 1 << k;

/** Adds the chunk's missing calls per sample into `missing` (length nSamples). */
export function addSampleMissing(chunk: GenotypeChunk, missing: Int32Array): void {
  const n = chunk.nSamples;
  if (chunk.packed) {
    const bpv = chunk.bytesPerVariant;
    const p = chunk.packed;
    for (let v = 0; v < chunk.count; v++) {
      const off = v * bpv;
      for (let k = 0; k < bpv; k++) {
        const m = MISS4[p[off + k]];
        if (m === 0) continue;
        const j = k << 2;
        if (m & 1) missing[j]++;
        if (m & 2 && j + 1 < n) missing[j + 1]++;
        if (m & 4 && j + 2 < n) missing[j + 2]++;
        if (m & 8 && j + 3 < n) missing[j + 3]++;
      }
    }
  } else if (chunk.dosage) {
    const d = chunk.dosage;
    for (let v = 0; v < chunk.count; v++) for (let j = 0; j < n; j++) if (d[v * n + j] === DOSAGE_MISSING) missing[j]++;
  }
}
