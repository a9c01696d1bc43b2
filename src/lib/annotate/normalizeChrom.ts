/**
 * Chromosome names for annotation: the shared spelling of io/chrom.ts ('chr' prefix dropped, 23/24/26 as
 * X/Y/MT, M as MT) with two additions for matching genes: PLINK's XY (code 25, the pseudo-autosomal region,
 * whose positions are X coordinates) maps to 'X', and leading zeros of numeric names are dropped ('01' = '1').
 * Other names (unplaced contigs, other species) keep the shared spelling, so they match between files.
 */
import { normalizeChrom as ioNormalizeChrom } from '../io/chrom';

export function normalizeChrom(name: string): string {
  const c = ioNormalizeChrom(name.trim());
  if (c === 'XY') return 'X';
  if (c === 'CHRM' || c === 'CHRMT') return 'MT';
  if (/^0+\d+$/.test(c)) return String(Number(c));
  return c;
}

/** Sort key for normalized chromosome names: 1..22, X, Y, MT, then others alphabetically. */
export function chromOrder(chrom: string): number {
  const c = normalizeChrom(chrom);
  if (/^\d+$/.test(c)) return Number(c);
  switch (c) {
    case 'X':
      return 23;
    case 'Y':
      return 24;
    case 'MT':
      return 26;
    default:
      return 1000;
  }
}

/** Compares two chromosome names in genome order (1..22, X, Y, MT, then others by name). */
export function compareChrom(a: string, b: string): number {
  const d = chromOrder(a) - chromOrder(b);
  if (d !== 0) return d;
  const na = normalizeChrom(a);
  const nb = normalizeChrom(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}
