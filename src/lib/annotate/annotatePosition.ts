/**
 * Nearest-gene annotation of one variant: the gene(s) it lies in, else the nearest gene within the window,
 * with the distance in bp (0 inside a gene) and the gene's strand; plus every gene within +-window.
 */
import type { Gene } from './Gene';
import type { GeneIndex } from './GeneIndex';

/** Default window for the nearest gene and GENES_IN_WINDOW: 100 kb either side. */
export const DEFAULT_GENE_WINDOW = 100_000;

export interface GeneHit {
  symbol: string;
  /** 0 inside the gene, else bp from the variant to the gene's nearest end. */
  distance: number;
  strand: '+' | '-' | '.';
  /**
   * Where the variant lies relative to the gene's transcription: 'inside', 'upstream' (5' of the gene) or
   * 'downstream' (3'); 'left'/'right' in genome order when the strand is unknown.
   */
  side: 'inside' | 'upstream' | 'downstream' | 'left' | 'right';
  gene: Gene;
}

export interface PositionAnnotation {
  /** Genes containing the variant (possibly several, overlapping), in start order. */
  overlapping: GeneHit[];
  /** The overlapping genes, or else the one nearest gene within the window; [] when none. */
  nearest: GeneHit[];
  /** Unique symbols of every gene intersecting [pos - window, pos + window], in genome order. */
  genesInWindow: string[];
}

export interface AnnotateOptions {
  /** bp either side (default 100,000). */
  window?: number;
}

/** Distance from 1-based position pos to a gene (0 inside); the gene covers 1-based start+1..end. */
export function geneDistance(g: Gene, pos: number): number {
  if (pos <= g.start) return g.start + 1 - pos;
  if (pos > g.end) return pos - g.end;
  return 0;
}

function hit(g: Gene, pos: number): GeneHit {
  const distance = geneDistance(g, pos);
  let side: GeneHit['side'];
  if (distance === 0) side = 'inside';
  else {
    const leftOfGene = pos <= g.start;
    switch (g.strand) {
      case '+':
        side = leftOfGene ? 'upstream' : 'downstream';
        break;
      case '-':
        side = leftOfGene ? 'downstream' : 'upstream';
        break;
      case '.':
        side = leftOfGene ? 'left' : 'right';
        break;
      default:
        throw new Error(`unknown strand ${String(g.strand)}`);
    }
  }
  return { symbol: g.symbol, distance, strand: g.strand, side, gene: g };
}

/** Annotates a variant at 1-based position `pos` on `chrom` (any spelling: chr1, 23, chrM ...). */
export function annotatePosition(index: GeneIndex, chrom: string, pos: number, opts: AnnotateOptions = {}): PositionAnnotation {
  const window = opts.window ?? DEFAULT_GENE_WINDOW;
  if (!(window >= 0)) throw new RangeError(`gene window must be >= 0 bp, got ${window}`);
  const overlapping = index.overlapping(chrom, pos, pos).map((g) => hit(g, pos));
  const inWindow = index.overlapping(chrom, Math.max(1, pos - window), pos + window);
  const seen = new Set<string>();
  const genesInWindow: string[] = [];
  for (const g of inWindow) {
    if (!seen.has(g.symbol)) {
      seen.add(g.symbol);
      genesInWindow.push(g.symbol);
    }
  }
  let nearest: GeneHit[] = overlapping;
  if (nearest.length === 0) {
    const left = index.nextLeft(chrom, pos);
    const right = index.nextRight(chrom, pos);
    const l = left ? hit(left, pos) : null;
    const r = right ? hit(right, pos) : null;
    // ties go to the gene on the left (lower coordinate): deterministic
    const best = l && r ? (r.distance < l.distance ? r : l) : (l ?? r);
    nearest = best && best.distance <= window ? [best] : [];
  } else {
    // one entry per symbol (a gene with several loci, or duplicated rows)
    const uniq = new Map<string, GeneHit>();
    for (const h of nearest) if (!uniq.has(h.symbol)) uniq.set(h.symbol, h);
    nearest = [...uniq.values()];
  }
  return { overlapping, nearest, genesInWindow };
}
