/**
 * The coordinates of a Manhattan plot: chromosomes (normalized names, observed extents) in genome order, each
 * given its observed span plus a gap of 1% of the genome between chromosomes, alternating colour parity, and
 * the y range (up to the strongest -log10 P or just above the lowest threshold line).
 */
import { chromOrder, normalizeChrom } from '../annotate/normalizeChrom';
import type { ScanResult } from './Analysis';

export interface ManhattanLayout {
  /** Plot margins (px). */
  m: { left: number; right: number; top: number; bottom: number };
  /** Plot area width and height (px). */
  pw: number;
  ph: number;
  /** Normalized chromosome names, in order of first appearance; `chromIdx[i]`: variant i's chromosome. */
  chromNames: string[];
  chromIdx: Int32Array;
  /** Smallest and largest position per chromosome. */
  chromMin: number[];
  chromMax: number[];
  /** Chromosome indices in genome order. */
  order: number[];
  /** Colour index (0, 1) per chromosome, alternating in genome order. */
  parity: Uint8Array;
  /** Variants with a -log10 P. */
  valid: number;
  /** Top of the y axis (-log10 P). */
  yTop: number;
  /** Pixel x of position `pos` on chromosome `ci`, pixel y of -log10 P `v` (clipped at yTop). */
  x: (ci: number, pos: number) => number;
  y: (v: number) => number;
}

const MARGIN = { left: 52, right: 12, top: 26, bottom: 40 };

/** Layout of `scan` (its -log10 P: `mlp`) in a width x height plot with `thresholds` (P) drawn. */
export function manhattanLayout(scan: ScanResult, mlp: Float64Array, width: number, height: number, thresholds: number[]): ManhattanLayout {
  const m = { ...MARGIN };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const { chromNames, chromIdx, chromMin, chromMax, valid, maxY } = indexChromosomes(scan, mlp);
  const order = chromNames.map((_, i) => i).sort((a, b) => chromOrder(chromNames[a]) - chromOrder(chromNames[b]) || (chromNames[a] < chromNames[b] ? -1 : 1));
  // x offsets: each chromosome gets its observed span, plus a gap of 1% of the genome between chromosomes
  const spans = chromNames.map((_, i) => Math.max(1, chromMax[i] - Math.min(chromMin[i], 0)));
  const total = spans.reduce((a, b) => a + b, 0);
  const gap = order.length > 1 ? total * 0.01 : 0;
  const offset = new Float64Array(chromNames.length);
  let acc = 0;
  for (const ci of order) {
    offset[ci] = acc;
    acc += spans[ci] + gap;
  }
  const xTotal = Math.max(1, acc - gap);
  const parity = new Uint8Array(chromNames.length);
  order.forEach((ci, k) => (parity[ci] = k & 1));
  const yTop = Math.max(-Math.log10(Math.min(...thresholds)) + 0.5, maxY * 1.05, 1);
  const x = (ci: number, pos: number) => m.left + ((offset[ci] + pos) / xTotal) * pw;
  const y = (v: number) => m.top + ph - (Math.min(v, yTop) / yTop) * ph;
  return { m, pw, ph, chromNames, chromIdx, chromMin, chromMax, order, parity, valid, yTop, x, y };
}

/** Chromosomes of the variants (normalized names, cached per raw spelling), their extents, and the y extent. */
function indexChromosomes(scan: ScanResult, mlp: Float64Array) {
  const n = scan.id.length;
  const rawToChrom = new Map<string, number>();
  const chromNames: string[] = [];
  const chromIdx = new Int32Array(n);
  const chromMax: number[] = [];
  const chromMin: number[] = [];
  const chromNameIdx = new Map<string, number>();
  let valid = 0;
  let maxY = 0;
  for (let i = 0; i < n; i++) {
    const raw = scan.chrom[i];
    let ci = rawToChrom.get(raw);
    if (ci === undefined) {
      const c = normalizeChrom(raw);
      ci = chromNameIdx.get(c);
      if (ci === undefined) {
        ci = chromNames.length;
        chromNameIdx.set(c, ci);
        chromNames.push(c);
        chromMax.push(-Infinity);
        chromMin.push(Infinity);
      }
      rawToChrom.set(raw, ci);
    }
    chromIdx[i] = ci;
    const p = scan.pos[i];
    if (p > chromMax[ci]) chromMax[ci] = p;
    if (p < chromMin[ci]) chromMin[ci] = p;
    const y = mlp[i];
    if (!Number.isNaN(y)) {
      valid++;
      if (Number.isFinite(y) && y > maxY) maxY = y;
    }
  }
  return { chromNames, chromIdx, chromMin, chromMax, valid, maxY };
}
