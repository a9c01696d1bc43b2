/**
 * One spelling for chromosome names across gene tables, .bim files and VCFs: '1'..'22', 'X', 'Y', 'MT'.
 * Accepts a 'chr' prefix (any case), PLINK numeric codes 23 (X), 24 (Y), 25 (XY, the pseudo-autosomal region,
 * whose positions are X coordinates, so it maps to 'X') and 26 (MT), and M/MT/chrM/chrMT.
 * Other names (unplaced contigs such as 'chrUn_KI270302v1', other species' chromosomes) keep their
 * spelling minus the 'chr' prefix, so they still match between files that spell them alike.
 */
export function normalizeChrom(name: string): string {
  let s = name.trim();
  if (/^chr/i.test(s)) s = s.slice(3);
  const u = s.toUpperCase();
  switch (u) {
    case '23':
    case 'X':
    case '25':
    case 'XY':
      return 'X';
    case '24':
    case 'Y':
      return 'Y';
    case '26':
    case 'M':
    case 'MT':
      return 'MT';
    default:
      break;
  }
  if (/^0*\d+$/.test(s)) return String(Number(s));
  return s;
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
