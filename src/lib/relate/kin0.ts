/**
 * plink2 2.00a3.5 `--make-king-table` output (.kin0) and a summary of related pairs by degree.
 *
 * Default columns (plink2's maybefid,id,maybesid,nsnp,hethet,ibs0,kinship): `#FID1 IID1 FID2 IID2 NSNP HETHET
 * IBS0 KINSHIP`, tab-separated; FID1/FID2 are printed when the input had a FID column (a .fam always does, a
 * VCF does not). HETHET and IBS0 are proportions of NSNP; numbers as C printf %g (6 significant digits).
 * Rows: for i = 2..n, for j = 1..i-1, sample i first.
 */
import type { KingResult } from './kingRobust';

/** KING's degree bounds on the kinship coefficient (Manichaikul et al. 2010), lower bound inclusive. */
export const KING_DEGREES = [
  { name: 'duplicate/MZ twin', min: 0.354 },
  { name: 'first degree', min: 0.177 },
  { name: 'second degree', min: 0.0884 },
  { name: 'third degree', min: 0.0442 },
] as const;

const BANKER8 = [0.499999995, 0.500000005];

/** plink2's BankerRoundD: round half to even, with ties widened to +-5e-9 (absorbs scaling error). */
function bankerRound(x: number): number {
  const r = Math.trunc(x);
  return r + Math.trunc(x - r + BANKER8[r & 1]);
}

/** 6 significant digits of a mantissa in [1, 10) as plink2 prints them ('1.23456', trailing zeros cut). */
function mantissa6(m: number): string {
  const x = bankerRound(m * 100000);
  const q = Math.floor(x / 100000);
  const rest = String(x - q * 100000).padStart(5, '0').replace(/0+$/, '');
  return rest ? `${q}.${rest}` : String(q);
}

/**
 * Numbers as plink2 2.00a3.5 prints KING columns (its dtoa_g, a %g with 6 significant digits): the value is
 * scaled by powers of ten in double arithmetic and rounded half to even with a 5e-9 tie window, so
 * -0.1328125 prints -0.132812 and a double just below -0.01796875 prints -0.0179688. 'nan', 'inf', '-inf'.
 */
export function formatKing(x: number): string {
  if (x !== x) return 'nan';
  if (x === 0) return '0';
  const sign = x < 0 ? '-' : '';
  let d = Math.abs(x);
  if (d === Infinity) return `${sign}inf`;
  if (d < 9.9999949999999e-5) {
    let xp = 0;
    for (const k of [256, 128, 64, 32, 16, 8, 4, 2, 1]) {
      if (d < Number(`9.9999949999999e-${k}`)) {
        d *= Number(`1e${k}`);
        xp += k;
      }
    }
    return `${sign}${mantissa6(d)}e-${String(xp).padStart(2, '0')}`;
  }
  if (d >= 999999.49999999) {
    const e = Math.floor(Math.log10(d));
    return `${sign}${mantissa6(d / 10 ** e)}e+${String(e).padStart(2, '0')}`;
  }
  if (d >= 0.99999949999999) {
    const e = d >= 99999.949999999 ? 5 : d >= 9999.9949999999 ? 4 : d >= 999.99949999999 ? 3 : d >= 99.999949999999 ? 2 : d >= 9.9999949999999 ? 1 : 0;
    const x6 = bankerRound(d * 10 ** (5 - e));
    const digits = String(x6);
    const int = digits.slice(0, digits.length - (5 - e));
    const frac = digits.slice(digits.length - (5 - e)).replace(/0+$/, '');
    return `${sign}${int}${frac ? `.${frac}` : ''}`;
  }
  let prefix = '0.';
  if (d < 9.9999949999999e-3) {
    d *= 100;
    prefix += '00';
  }
  if (d < 9.9999949999999e-2) {
    d *= 10;
    prefix += '0';
  }
  return `${sign}${prefix}${String(bankerRound(d * 1000000)).replace(/0+$/, '')}`;
}

export const KIN0_HEADER_FID = '#FID1\tIID1\tFID2\tIID2\tNSNP\tHETHET\tIBS0\tKINSHIP';
export const KIN0_HEADER_IID = '#IID1\tIID2\tNSNP\tHETHET\tIBS0\tKINSHIP';

/**
 * The .kin0 lines (header first) of rows [fromRow, toRow) of sample i (1-based row blocks let a caller
 * write a large table in pieces); the whole table without arguments.
 */
export function kin0Lines(r: KingResult, withFid: boolean, fromRow = 1, toRow = r.nSamples): string[] {
  const { fid, iid } = r.samples;
  const lines = fromRow === 1 ? [withFid ? KIN0_HEADER_FID : KIN0_HEADER_IID] : [];
  for (let i = fromRow; i < toRow; i++) {
    const base = (i * (i - 1)) / 2;
    const idI = withFid ? `${fid[i]}\t${iid[i]}` : iid[i];
    for (let j = 0; j < i; j++) {
      const p = base + j;
      const nsnp = r.nsnp[p];
      const idJ = withFid ? `${fid[j]}\t${iid[j]}` : iid[j];
      lines.push(`${idI}\t${idJ}\t${nsnp}\t${formatKing(r.hethet[p] / nsnp)}\t${formatKing(r.ibs0[p] / nsnp)}\t${formatKing(r.kinship[p])}`);
    }
  }
  return lines;
}

export interface DegreeSummary {
  /** Pairs at or above each KING_DEGREES bound and below the next one up, in KING_DEGREES order. */
  counts: number[];
  pairs: number;
  /** Related pairs (kinship >= the second-degree bound 0.0884) as [i, j] sample indices, i > j. */
  related: Array<[number, number]>;
  lines: string[];
}

export function summarizeDegrees(r: KingResult): DegreeSummary {
  const counts = KING_DEGREES.map(() => 0);
  const related: Array<[number, number]> = [];
  for (let i = 1; i < r.nSamples; i++) {
    const base = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) {
      const k = r.kinship[base + j];
      const d = KING_DEGREES.findIndex((g) => k >= g.min);
      if (d < 0) continue;
      counts[d]++;
      if (d <= 2) related.push([i, j]);
    }
  }
  const pairs = r.kinship.length;
  const lines = [
    `KING-robust kinship: ${r.nSamples} samples, ${pairs} pairs, ${r.nVariants} autosomal variants` +
      (r.skippedNonAutosomal > 0 ? ` (${r.skippedNonAutosomal} non-autosomal variants skipped)` : ''),
    ...KING_DEGREES.map((g, d) => `  ${g.name} (kinship >= ${g.min}${d > 0 ? ` and < ${KING_DEGREES[d - 1].min}` : ''}): ${counts[d]} pairs`),
  ];
  return { counts, pairs, related, lines };
}
