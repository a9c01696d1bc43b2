/** Keeps a subset of samples (ascending indices) of packed .bed rows or dosage rows (Uint16 codes), repacking as needed. */

export function subsetPackedSamples(packed: Uint8Array, nSamples: number, count: number, keep: Int32Array): Uint8Array {
  const bpvIn = Math.ceil(nSamples / 4);
  const m = keep.length;
  const bpvOut = Math.ceil(m / 4);
  const out = new Uint8Array(count * bpvOut);
  for (let v = 0; v < count; v++) {
    const inOff = v * bpvIn;
    const outOff = v * bpvOut;
    for (let t = 0; t < m; t++) {
      const j = keep[t];
      const code = (packed[inOff + (j >> 2)] >> ((j & 3) << 1)) & 3;
      out[outOff + (t >> 2)] |= code << ((t & 3) << 1);
    }
  }
  return out;
}

export function subsetDosageSamples(dosage: Uint16Array, nSamples: number, count: number, keep: Int32Array): Uint16Array {
  const m = keep.length;
  const out = new Uint16Array(count * m);
  for (let v = 0; v < count; v++) for (let t = 0; t < m; t++) out[v * m + t] = dosage[v * nSamples + keep[t]];
  return out;
}
