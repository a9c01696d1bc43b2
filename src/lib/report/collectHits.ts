/**
 * The hits worth annotating: every SNP part of a selected term, and every variant below the genome-wide
 * threshold in any scan (clumped to the strongest variant per `clumpBp` window per response, so one locus is
 * one hit), each with its nearest genes from a GeneIndex.
 */
import type { AnnotatedHit, ScanResult, SelectedTermSummary } from './Analysis';
import type { GeneIndex } from '../annotate/GeneIndex';
import { annotatePosition, DEFAULT_GENE_WINDOW } from '../annotate/annotatePosition';
import { normalizeChrom } from '../annotate/normalizeChrom';
import { splitTerm, termCandidates } from '../annotate/annotateTable';
import { mlog10pOf } from './pValues';

export interface CollectHitsOptions {
  /** Genome-wide threshold (default 5e-8). */
  threshold?: number;
  /** Gene window in bp (default 100,000). */
  window?: number;
  /** Keep only the strongest significant variant within this many bp per response (default 500,000). */
  clumpBp?: number;
  /** At most this many significant hits per response (default 50). */
  maxPerResponse?: number;
}

export function collectHits(scans: readonly ScanResult[], selected: readonly SelectedTermSummary[], genes: GeneIndex, opts: CollectHitsOptions = {}): AnnotatedHit[] {
  const thr = -Math.log10(opts.threshold ?? 5e-8);
  const window = opts.window ?? DEFAULT_GENE_WINDOW;
  const clump = opts.clumpBp ?? 500_000;
  const maxPer = opts.maxPerResponse ?? 50;
  const hits: AnnotatedHit[] = [];
  // positions only of the IDs that selected terms can name (not of every scanned variant)
  const wanted = new Set<string>();
  for (const t of selected) for (const c of termCandidates(t.term)) wanted.add(c);
  const where = new Map<string, { chrom: string; pos: number }>();
  const byResponse = new Map<string, ScanResult>();
  for (const s of scans) if (!byResponse.has(s.response)) byResponse.set(s.response, s);
  const ann = (h: AnnotatedHit): AnnotatedHit => {
    const a = annotatePosition(genes, h.chrom, h.pos, { window });
    return {
      ...h,
      nearestGene: a.nearest.map((x) => x.symbol).join(','),
      distance: a.nearest.length ? a.nearest[0].distance : undefined,
      strand: a.nearest.map((x) => x.strand).join(','),
      genesInWindow: a.genesInWindow,
    };
  };
  for (const s of scans) {
    const m = mlog10pOf(s);
    const sig: number[] = [];
    for (let i = 0; i < m.length; i++) if (m[i] > thr) sig.push(i);
    sig.sort((a, b) => m[b] - m[a] || a - b);
    const kept: number[] = [];
    for (const i of sig) {
      if (kept.length >= maxPer) break;
      const c = normalizeChrom(s.chrom[i]);
      if (kept.some((j) => normalizeChrom(s.chrom[j]) === c && Math.abs(s.pos[j] - s.pos[i]) <= clump)) continue;
      kept.push(i);
    }
    for (const i of kept) {
      hits.push(ann({ id: s.id[i], chrom: normalizeChrom(s.chrom[i]), pos: s.pos[i], hsv: s.response + (s.test && s.test !== 'ADD' ? ` ${s.test}` : ''), p: Math.pow(10, -m[i]), beta: s.beta ? s.beta[i] : undefined }));
    }
    if (wanted.size) {
      for (let i = 0; i < s.id.length; i++) {
        if (wanted.has(s.id[i]) && !where.has(s.id[i])) where.set(s.id[i], { chrom: normalizeChrom(s.chrom[i]), pos: s.pos[i] });
      }
    }
  }
  const seen = new Set(hits.map((h) => `${h.id}\t${h.hsv}`));
  for (const t of selected) {
    // a term's own CHROM/POS (selected.tsv) places its SNP when no scan lists it: the whole term for SNP,
    // the part before the last ':' for GxE (SNPID:E); GxG terms need the scans
    if (t.chrom !== undefined && t.pos !== undefined) {
      const snp = t.type === 'SNP' ? t.term : t.type === 'GxE' && t.term.includes(':') ? t.term.slice(0, t.term.lastIndexOf(':')) : null;
      if (snp && !where.has(snp)) where.set(snp, { chrom: normalizeChrom(t.chrom), pos: t.pos });
    }
    for (const id of splitTerm(t.term, (x) => where.has(x))) {
      const key = `${id}\t${t.hsv}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const w = where.get(id);
      if (!w) continue;
      const scan = byResponse.get(t.hsv);
      let p = t.p;
      if (scan && p === undefined) {
        const k = Array.prototype.indexOf.call(scan.id, id) as number;
        if (k >= 0) p = Math.pow(10, -mlog10pOf({ id: [scan.id[k]], p: scan.p ? [scan.p[k]] : undefined, mlog10p: scan.mlog10p ? [scan.mlog10p[k]] : undefined })[0]);
      }
      hits.push(ann({ id, chrom: w.chrom, pos: w.pos, hsv: t.hsv, p, beta: t.beta }));
    }
  }
  return hits;
}
