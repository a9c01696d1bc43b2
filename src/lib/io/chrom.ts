/**
 * Chromosome codes as users write them ('chr1', '1', 'X', '23', 'chrM', 'MT') reduced to one form:
 * no 'chr' prefix, PLINK numeric codes 23/24/25/26 as X/Y/XY/MT, 'M' as MT, letters upper-case.
 */
export function normalizeChrom(code: string): string {
  let c = code;
  if (c.length > 3 && (c.charCodeAt(0) | 32) === 99 && (c.charCodeAt(1) | 32) === 104 && (c.charCodeAt(2) | 32) === 114) {
    c = c.slice(3);
  }
  c = c.toUpperCase();
  switch (c) {
    case '23':
      return 'X';
    case '24':
      return 'Y';
    case '25':
      return 'XY';
    case '26':
    case 'M':
      return 'MT';
    default:
      return c;
  }
}
