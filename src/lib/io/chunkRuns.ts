/**
 * Parts of a genotype chunk: a slice of consecutive variants (views, no copy of the genotypes), and the runs of
 * one chromosome each (passes whose sample side changes with the chromosome: the LOCO-adjusted responses).
 */
import { normalizeChrom } from './chrom';
import type { GenotypeChunk } from './GenotypeSource';

/** Variants [from, to) of a chunk; packed rows, dosages and info are subarray views. */
export function sliceChunk(c: GenotypeChunk, from: number, to: number): GenotypeChunk {
  const vb = c.variants;
  return {
    start: c.start + from,
    count: to - from,
    nSamples: c.nSamples,
    bytesPerVariant: c.bytesPerVariant,
    packed: c.packed ? c.packed.subarray(from * c.bytesPerVariant, to * c.bytesPerVariant) : undefined,
    dosage: c.dosage ? c.dosage.subarray(from * c.nSamples, to * c.nSamples) : undefined,
    ...(c.info ? { info: c.info.subarray(from, to) } : {}),
    variants: { chrom: vb.chrom.slice(from, to), pos: vb.pos.subarray(from, to), id: vb.id.slice(from, to), ref: vb.ref.slice(from, to), alt: vb.alt.slice(from, to), ...(vb.a1 ? { a1: vb.a1.slice(from, to) } : {}) },
  };
}

/** The chunk split into runs of consecutive variants on one chromosome (normalized code); the chunk itself when it holds one. */
export function chromosomeRuns(c: GenotypeChunk): { chrom: string; chunk: GenotypeChunk }[] {
  const runs: { chrom: string; chunk: GenotypeChunk }[] = [];
  let from = 0;
  let chrom = c.count > 0 ? normalizeChrom(c.variants.chrom[0]) : '';
  for (let v = 1; v <= c.count; v++) {
    const next = v < c.count ? normalizeChrom(c.variants.chrom[v]) : null;
    if (next === chrom) continue;
    runs.push({ chrom, chunk: from === 0 && v === c.count ? c : sliceChunk(c, from, v) });
    from = v;
    chrom = next ?? '';
  }
  return runs;
}
