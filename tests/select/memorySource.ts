/** In-memory GenotypeSource for tests: dosages (0/1/2, NaN = missing) packed into the .bed layout; index filters only. */
import type { GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';

/** `chromOf(v)`: chromosome of variant v (default '1' for all). */
export function memorySource(dosage: Float64Array[], nSamples: number, chunkVariants = 64, chromOf: (v: number) => string = () => '1'): GenotypeSource {
  const bpv = Math.ceil(nSamples / 4);
  const M = dosage.length;
  const packed = new Uint8Array(M * bpv);
  for (let v = 0; v < M; v++) {
    for (let i = 0; i < nSamples; i++) {
      const g = dosage[v][i];
      const code = g !== g ? 1 : g === 2 ? 0 : g === 1 ? 2 : 3;
      packed[v * bpv + (i >> 2)] |= code << (2 * (i & 3));
    }
  }
  const ids = Array.from({ length: M }, (_, v) => `rs${v + 1}`);
  return {
    format: 'bed',
    name: 'memory.bed',
    samples: { fid: ids.slice(0, 0), iid: Array.from({ length: nSamples }, (_, i) => `s${i}`) },
    nVariants: M,
    async *chunks(opts = {}): AsyncIterable<GenotypeChunk> {
      const cv = opts.chunkVariants ?? chunkVariants;
      // Index filters as the file sources: chunk starts count the kept variants from 0.
      const from = Math.max(0, opts.filter?.fromIndex ?? 0);
      const to = Math.min(M, opts.filter?.toIndex ?? M);
      for (let s = from; s < to; s += cv) {
        const count = Math.min(cv, to - s);
        yield {
          start: s - from,
          count,
          nSamples,
          bytesPerVariant: bpv,
          packed: packed.subarray(s * bpv, (s + count) * bpv),
          variants: {
            chrom: Array.from({ length: count }, (_, k) => chromOf(s + k)),
            pos: Int32Array.from({ length: count }, (_, k) => 1000 * (s + k + 1)),
            id: ids.slice(s, s + count),
            ref: new Array(count).fill('A'),
            alt: new Array(count).fill('G'),
          },
        };
      }
    },
  };
}

/** Binomial(2, maf) dosages with a missing rate. */
export function randomGenotypes(rng: { next(): number }, n: number, M: number, missing = 0.02): Float64Array[] {
  const out: Float64Array[] = [];
  for (let v = 0; v < M; v++) {
    const maf = 0.05 + 0.45 * rng.next();
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g[i] = (rng.next() < maf ? 1 : 0) + (rng.next() < maf ? 1 : 0);
      if (rng.next() < missing) g[i] = NaN;
    }
    out.push(g);
  }
  return out;
}
