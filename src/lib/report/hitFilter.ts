/**
 * The Results step's search over every tested variant: a variant ID (or part of one), a gene symbol (its
 * loci plus the annotation window on each side), or a region chr:start-end (1-based, inclusive; commas
 * allowed). parseHitText decides which, variantMask turns it into a per-variant mask for one scan.
 */
import type { GeneIndex } from '../annotate/GeneIndex';
import { normalizeChrom } from '../annotate/normalizeChrom';

export interface HitFilter {
  /** Only this response (HSV). */
  response?: string;
  /** Only this test (ADD, ADDx<E>). */
  test?: string;
  /** Variant ID, gene symbol or region. */
  text?: string;
}

export type HitText =
  | { kind: 'none' }
  | { kind: 'region'; chrom: string; from: number; to: number }
  | { kind: 'gene'; symbol: string; regions: { chrom: string; from: number; to: number }[] }
  | { kind: 'id'; needle: string };

const REGION = /^(?:chr)?([0-9]{1,2}|X|Y|MT|M|XY)\s*:\s*([\d,]+)\s*-\s*([\d,]+)$/i;

/**
 * What the search text means: a region; else a gene symbol the gene table knows (not for rs<digits>, which
 * is always a variant ID); else a fragment of variant IDs.
 */
export function parseHitText(text: string | undefined, genes: GeneIndex | null, window: number): HitText {
  const t = (text ?? '').trim();
  if (!t) return { kind: 'none' };
  const m = REGION.exec(t);
  if (m) {
    const from = Number(m[2].replace(/,/g, ''));
    const to = Number(m[3].replace(/,/g, ''));
    if (!(from <= to)) throw new RangeError(`region ${t}: the start must not be after the end`);
    return { kind: 'region', chrom: normalizeChrom(m[1]), from, to };
  }
  // dbSNP-style IDs are variant IDs even where a gene has that symbol (RS1 is a gene on chrX).
  const loci = /^rs\d+$/i.test(t) ? [] : (genes?.lociOf(t) ?? []);
  if (loci.length) {
    return {
      kind: 'gene',
      symbol: loci[0].symbol,
      // Gene loci are 0-based half-open: 1-based bases start+1..end, widened by the window.
      regions: loci.map((g) => ({ chrom: normalizeChrom(g.chrom), from: Math.max(1, g.start + 1 - window), to: g.end + window })),
    };
  }
  return { kind: 'id', needle: t.toLowerCase() };
}

/** One line for the page, e.g. "gene APOE ± 100 kb (chr19:44,805,706-45,012,095)". */
export function describeHitText(h: HitText, window: number): string {
  const f = (x: number) => x.toLocaleString('en-US');
  switch (h.kind) {
    case 'none':
      return 'all variants';
    case 'region':
      return `region chr${h.chrom}:${f(h.from)}-${f(h.to)}`;
    case 'gene':
      return `gene ${h.symbol} ± ${window / 1000} kb (${h.regions.map((r) => `chr${r.chrom}:${f(r.from)}-${f(r.to)}`).join(', ')})`;
    case 'id':
      return `variant IDs containing '${h.needle}'`;
  }
}

/** 1 for the variants the text selects (null = all). Chromosomes compared after normalization. */
export function variantMask(h: HitText, v: { chrom: ArrayLike<string>; pos: ArrayLike<number>; id: ArrayLike<string> }): Uint8Array | null {
  if (h.kind === 'none') return null;
  const n = v.id.length;
  const mask = new Uint8Array(n);
  if (h.kind === 'id') {
    for (let i = 0; i < n; i++) if (v.id[i].toLowerCase().includes(h.needle)) mask[i] = 1;
    return mask;
  }
  const regions = h.kind === 'region' ? [h] : h.regions;
  const chromCache = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const raw = v.chrom[i];
    let c = chromCache.get(raw);
    if (c === undefined) chromCache.set(raw, (c = normalizeChrom(raw)));
    const p = v.pos[i];
    for (const r of regions) {
      if (r.chrom === c && p >= r.from && p <= r.to) {
        mask[i] = 1;
        break;
      }
    }
  }
  return mask;
}
