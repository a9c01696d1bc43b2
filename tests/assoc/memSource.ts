/** In-memory GenotypeSource over one packed chunk, split into chunks of `chunkVariants`. */
import type { GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';

export function memSource(chunk: GenotypeChunk, chunkVariants = 16): GenotypeSource {
  const n = chunk.nSamples;
  return {
    format: 'bed',
    name: 'memory',
    samples: { fid: Array(n).fill('0'), iid: Array.from({ length: n }, (_, i) => `s${i}`) },
    nVariants: chunk.count,
    async *chunks(opts) {
      const cv = opts?.chunkVariants ?? chunkVariants;
      const bpv = chunk.bytesPerVariant;
      for (let v0 = 0; v0 < chunk.count; v0 += cv) {
        const count = Math.min(cv, chunk.count - v0);
        const sl = <T,>(a: T[]) => a.slice(v0, v0 + count);
        yield {
          start: v0,
          count,
          nSamples: n,
          bytesPerVariant: bpv,
          packed: chunk.packed!.slice(v0 * bpv, (v0 + count) * bpv),
          variants: {
            chrom: sl(chunk.variants.chrom),
            pos: chunk.variants.pos.slice(v0, v0 + count),
            id: sl(chunk.variants.id),
            ref: sl(chunk.variants.ref),
            alt: sl(chunk.variants.alt),
          },
        };
      }
    },
  };
}
