/**
 * The level-0 block plan of the LOCO ridge step (locoRidge.ts): which of the step's variants make up each block,
 * fixed before any block is computed, so that a run over the whole genome and runs over groups of blocks (`cli
 * structure --level0 I/N`, docs/workflow.md) cut the same blocks. A block holds `blockSize` consecutive step-1
 * variants of one chromosome and one row kind (packed hard calls or dosage rows); the last block of a run of
 * such variants may have fewer. The plan is made from the runs of included variants (one pass over the
 * variants' chromosomes, which structureStep's variant pass already makes), not from the genotypes.
 */
import { throwIfAborted } from '../base/cancel';
import { normalizeChrom } from '../io/chrom';
import type { GenotypeChunk, GenotypeSource } from '../io/GenotypeSource';

export const DEFAULT_BLOCK_SIZE = 200;
export const MAX_DEFAULT_BLOCKS = 250;

/**
 * Variants per level-0 block: `blockSize`, or by default 200, raised so that there are at most about
 * MAX_DEFAULT_BLOCKS blocks: level 1 works on (blocks x 5) predictors and costs their number cubed.
 */
export function level0BlockSize(M: number, blockSize?: number): number {
  if (blockSize !== undefined) return Math.max(1, blockSize);
  return Math.max(DEFAULT_BLOCK_SIZE, Math.ceil(M / MAX_DEFAULT_BLOCKS));
}

export type RowKind = 'packed' | 'dosage';

/** Kind of the genotype rows of chunk `ch`. */
export function rowKind(ch: GenotypeChunk): RowKind {
  return ch.packed ? 'packed' : 'dosage';
}

/** Consecutive step-1 variants (in source order) of one chromosome (normalized) and one row kind. */
export interface IncludedRun {
  chrom: string;
  kind: RowKind;
  count: number;
}

/** Collects the runs of included variants, one variant at a time in source order. */
export class IncludedRuns {
  readonly runs: IncludedRun[] = [];
  add(chrom: string, kind: RowKind): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.chrom === chrom && last.kind === kind) last.count++;
    else this.runs.push({ chrom, kind, count: 1 });
  }
}

/** The runs of the variants `include` marks (all when absent): a pass over the source's chunks. */
export async function includedRuns(
  source: GenotypeSource, o: { include?: Uint8Array; chunkVariants?: number; signal?: AbortSignal },
): Promise<IncludedRun[]> {
  const runs = new IncludedRuns();
  for await (const ch of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal })) {
    throwIfAborted(o.signal);
    const kind = rowKind(ch);
    for (let v = 0; v < ch.count; v++) {
      if (o.include && !o.include[ch.start + v]) continue;
      runs.add(normalizeChrom(ch.variants.chrom[v]), kind);
    }
  }
  return runs.runs;
}

export interface Level0PlanBlock {
  /** Chromosome (normalized). */
  chrom: string;
  /** Variants in the block. */
  m: number;
}

export interface Level0Plan {
  /** Step-1 variants M (the level-0 shrinkage grid's scale). */
  nVariants: number;
  /** Variants per block at most. */
  blockSize: number;
  /** The blocks in source order: block b holds the next blocks[b].m step-1 variants after block b - 1's. */
  blocks: Level0PlanBlock[];
}

export function level0Plan(runs: readonly IncludedRun[], blockSize?: number): Level0Plan {
  const M = runs.reduce((s, r) => s + r.count, 0);
  const bs = level0BlockSize(M, blockSize);
  const blocks: Level0PlanBlock[] = [];
  for (const r of runs) {
    for (let left = r.count; left > 0; left -= bs) blocks.push({ chrom: r.chrom, m: Math.min(bs, left) });
  }
  return { nVariants: M, blockSize: bs, blocks };
}

/** Half-open range of block indices. */
export interface BlockRange {
  from: number;
  to: number;
}

/**
 * Blocks of group `index` (1-based) of `count` contiguous groups of `nBlocks` blocks: floor((index - 1) B / N) ..
 * floor(index B / N); the groups cover every block once (a group is empty when N > B).
 */
export function level0Group(nBlocks: number, index: number, count: number): BlockRange {
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) {
    throw new RangeError(`level-0 group ${index} of ${count}: expected 1 <= I <= N`);
  }
  return { from: Math.floor(((index - 1) * nBlocks) / count), to: Math.floor((index * nBlocks) / count) };
}
