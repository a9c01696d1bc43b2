/**
 * Per-chromosome index of gene loci for overlap and nearest-gene queries. Genes are sorted by start; a
 * running maximum of ends lets an overlap query stop early, so one query costs O(log n + genes near it).
 */
import type { Gene } from './Gene';
import { normalizeChrom } from './normalizeChrom';

interface ChromIndex {
  genes: Gene[];
  starts: Float64Array;
  ends: Float64Array;
  /** maxEnd[i] = max(ends[0..i]). */
  maxEnd: Float64Array;
  /** Genes sorted by end, for the nearest gene to the left. */
  byEnd: Gene[];
  endsSorted: Float64Array;
}

export class GeneIndex {
  readonly source: string;
  readonly size: number;
  private readonly byChrom = new Map<string, ChromIndex>();

  constructor(genes: readonly Gene[], source = 'genes') {
    this.source = source;
    this.size = genes.length;
    const groups = new Map<string, Gene[]>();
    for (const g of genes) {
      const c = normalizeChrom(g.chrom);
      let arr = groups.get(c);
      if (!arr) groups.set(c, (arr = []));
      arr.push(g);
    }
    for (const [c, arr] of groups) {
      arr.sort((a, b) => a.start - b.start || a.end - b.end || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
      const n = arr.length;
      const starts = new Float64Array(n);
      const ends = new Float64Array(n);
      const maxEnd = new Float64Array(n);
      let m = -Infinity;
      for (let i = 0; i < n; i++) {
        starts[i] = arr[i].start;
        ends[i] = arr[i].end;
        m = Math.max(m, arr[i].end);
        maxEnd[i] = m;
      }
      const byEnd = arr.slice().sort((a, b) => a.end - b.end || a.start - b.start);
      const endsSorted = Float64Array.from(byEnd, (g) => g.end);
      this.byChrom.set(c, { genes: arr, starts, ends, maxEnd, byEnd, endsSorted });
    }
  }

  private bySymbol: Map<string, Gene[]> | null = null;

  /** Loci of a gene symbol (case-insensitive; a gene may have several), built on first use. */
  lociOf(symbol: string): Gene[] {
    if (!this.bySymbol) {
      this.bySymbol = new Map();
      for (const ci of this.byChrom.values()) {
        for (const g of ci.genes) {
          const k = g.symbol.toUpperCase();
          const l = this.bySymbol.get(k);
          if (l) l.push(g);
          else this.bySymbol.set(k, [g]);
        }
      }
    }
    return this.bySymbol.get(symbol.trim().toUpperCase()) ?? [];
  }

  /** Chromosomes present (normalized). */
  chromosomes(): string[] {
    return [...this.byChrom.keys()];
  }

  /**
   * Genes whose locus intersects the 1-based closed interval [from, to] (from <= to), in start order.
   * A gene covers 1-based bases start+1..end.
   */
  overlapping(chrom: string, from: number, to: number): Gene[] {
    const ci = this.byChrom.get(normalizeChrom(chrom));
    if (!ci) return [];
    // genes with start+1 <= to, i.e. start < to: indices [0, hi)
    const hi = lowerBound(ci.starts, to);
    const out: Gene[] = [];
    for (let i = hi - 1; i >= 0; i--) {
      if (ci.maxEnd[i] < from) break; // no gene at or before i reaches from
      if (ci.ends[i] >= from) out.push(ci.genes[i]);
    }
    out.reverse();
    return out;
  }

  /**
   * Nearest gene start at or after 1-based position `pos` (strictly right of pos: start+1 > pos), or null.
   * Among ties, the first in index order.
   */
  nextRight(chrom: string, pos: number): Gene | null {
    const ci = this.byChrom.get(normalizeChrom(chrom));
    if (!ci) return null;
    const i = lowerBound(ci.starts, pos); // first start >= pos, i.e. start+1 > pos
    return i < ci.genes.length ? ci.genes[i] : null;
  }

  /** Gene whose end lies closest left of 1-based `pos` (end < pos), or null. */
  nextLeft(chrom: string, pos: number): Gene | null {
    const ci = this.byChrom.get(normalizeChrom(chrom));
    if (!ci) return null;
    const i = lowerBound(ci.endsSorted, pos) - 1; // last end < pos
    return i >= 0 ? ci.byEnd[i] : null;
  }
}

/** First index i with a[i] >= x (a sorted ascending). */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
