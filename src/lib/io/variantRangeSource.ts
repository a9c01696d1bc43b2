/**
 * A view of a genotype source restricted to a half-open range of variant indices (file order), each chunk
 * reported at its index in the whole file: sharded screening and the `--gxg all` pair passes (which need only
 * the variants after their first partner) read just that range.
 */
import type { ChunkOptions, GenotypeSource } from './GenotypeSource';

/** Half-open range of variant indices (file order); `to` null = to the end of the file. */
export interface ShardRange {
  from: number;
  to: number | null;
}

/** A source yielding only the variants [from, to) of `source`, each chunk at its index in the whole file. */
export function variantRangeSource(source: GenotypeSource, range: ShardRange): GenotypeSource {
  return {
    format: source.format,
    name: source.name,
    samples: source.samples,
    nVariants: source.nVariants,
    async *chunks(opts: ChunkOptions = {}) {
      const filter = { ...opts.filter, fromIndex: range.from, ...(range.to !== null ? { toIndex: range.to } : {}) };
      for await (const c of source.chunks({ ...opts, filter })) yield { ...c, start: c.start + range.from };
    },
  };
}
