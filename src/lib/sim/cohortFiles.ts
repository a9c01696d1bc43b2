/**
 * The simulated cohort as files (pure: names and contents; the CLI writes them, the UI can offer downloads):
 * geno.bed/.bim/.fam, pheno.csv (IID first), covar.csv (IID, age, sex, smoking, alcohol, exercise),
 * outcomes.csv (IID, disease, later_score, time, event), factors.csv (IID, F1..FK), truth.json, and geno.afreq:
 * the simulator's own observed ALT frequencies in plink2's .afreq layout (same columns and digits as
 * `plink2 --bfile geno --freq`, so the two files can be compared with diff).
 * Missing cells are written as NA. Numbers are written with at most 9 significant digits that read back to the same
 * Float32 value, so parsing a CSV gives exactly the in-memory table.
 */
import type { Table } from '../io/Table';
import { bedBytes, formatBim, formatFam } from '../io/writeBed';
import type { SimulatedCohort } from './simulateCohort';

export interface CohortFile {
  name: string;
  data: Uint8Array | string;
}

/**
 * Decimal text with at most 9 significant digits that reads back to the Float32 `v` (NA for NaN). Tries 7
 * digits first (trailing zeros dropped): enough for the simulator's 4-decimal values, and 10x faster than
 * searching up from 1 digit.
 */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return 'NA';
  if (Number.isInteger(v)) return String(v);
  for (let k = 7; k <= 9; k++) {
    const t = Number(v.toPrecision(k));
    if (Math.fround(t) === v) return String(t);
  }
  return String(v);
}

export function tableCsv(t: Table): string {
  const cols = t.columns;
  const lines: string[] = [['IID', ...cols.map((c) => c.name)].join(',')];
  const row: string[] = new Array(cols.length + 1);
  for (let i = 0; i < t.ids.length; i++) {
    row[0] = t.ids[i];
    for (let c = 0; c < cols.length; c++) row[c + 1] = formatFloat32(cols[c].values[i]);
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

export function factorsCsv(c: SimulatedCohort): string {
  const K = c.factorNames.length;
  const lines = [['IID', ...c.factorNames].join(',')];
  for (let i = 0; i < c.samples.iid.length; i++) {
    const r = [c.samples.iid[i]];
    for (let k = 0; k < K; k++) r.push(String(Number(c.factors[i * K + k].toPrecision(8))));
    lines.push(r.join(','));
  }
  return lines.join('\n') + '\n';
}

/** plink2-style .afreq text (#CHROM ID REF ALT ALT_FREQS OBS_CT; frequencies with 6 significant digits). */
export function afreqText(c: SimulatedCohort): string {
  const V = c.variants;
  const S = c.variantStats;
  const lines = ['#CHROM\tID\tREF\tALT\tALT_FREQS\tOBS_CT'];
  for (let v = 0; v < V.id.length; v++) {
    const f = S.obsCount[v] > 0 ? formatG6(S.altFreq[v]) : 'NA';
    lines.push(`${V.chrom[v]}\t${V.id[v]}\t${V.ref[v]}\t${V.alt[v]}\t${f}\t${S.obsCount[v]}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * C's printf %g with 6 significant digits (as plink2 prints frequencies): exact decimal digits of the double,
 * rounded half to even (so 0.2890625 -> 0.289062, as glibc does), no trailing zeros, exponent form below 1e-4.
 */
export function formatG6(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const neg = x < 0;
  const [mant, expText] = Math.abs(x).toExponential(60).split('e');
  const all = mant.replace('.', '');
  let exp = Number(expText);
  const head = all.slice(0, 6).split('').map(Number);
  const rest = all.slice(6);
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || head[5] % 2 === 1));
  if (up) {
    let i = 5;
    while (i >= 0 && head[i] === 9) head[i--] = 0;
    if (i < 0) {
      head.unshift(1);
      head.pop();
      exp++;
    } else head[i]++;
  }
  const digits = head.join('').replace(/0+$/, '') || '0';
  let out: string;
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = frac ? `${intPart}.${frac}` : intPart;
  }
  return neg ? `-${out}` : out;
}

export function cohortFiles(c: SimulatedCohort): CohortFile[] {
  return [
    { name: 'geno.bed', data: bedBytes(c.packed) },
    { name: 'geno.bim', data: formatBim(c.variants) },
    { name: 'geno.fam', data: formatFam(c.samples, c.famSex) },
    { name: 'geno.afreq', data: afreqText(c) },
    { name: 'pheno.csv', data: tableCsv(c.pheno) },
    { name: 'covar.csv', data: tableCsv(c.covar) },
    { name: 'outcomes.csv', data: tableCsv(c.outcomes) },
    { name: 'factors.csv', data: factorsCsv(c) },
    { name: 'truth.json', data: JSON.stringify(c.truth, null, 1) + '\n' },
    ...(c.truth.ancestry ? [{ name: 'ancestry.csv', data: ancestryCsv(c.samples.iid, c.truth.ancestry) }] : []),
  ];
}

/** IID, group (or 'admixed'), family (sibling pairs; blank otherwise), one ancestry proportion per group. */
function ancestryCsv(iid: string[], a: NonNullable<SimulatedCohort['truth']['ancestry']>): string {
  const lines = [['IID', 'group', 'family', ...a.groups.map((g) => `ancestry_${g}`)].join(',')];
  for (let i = 0; i < iid.length; i++) lines.push([iid[i], a.group[i], a.family[i] ?? '', ...a.proportions[i].map((x) => x.toFixed(4))].join(','));
  return lines.join('\n') + '\n';
}
