/**
 * The simulated cohort as files (pure: names and contents; the CLI writes them, the UI can offer downloads):
 * geno.bed/.bim/.fam, pheno.csv (IID first), covar.csv (IID, age, sex, smoking, alcohol, exercise),
 * outcomes.csv (IID, disease, later_score, time, event), factors.csv (IID, F1..FK), truth.json.
 * Missing cells are written as NA. Numbers are written with the fewest digits that read back to the same
 * Float32 value, so parsing a CSV gives exactly the in-memory table.
 */
import type { Table } from '../io/Table';
import { bedBytes, formatBim, formatFam } from '../io/writeBed';
import type { SimulatedCohort } from './simulateCohort';

export interface CohortFile {
  name: string;
  data: Uint8Array | string;
}

/** Shortest decimal text whose Float32 rounding is `v` (NA for NaN). */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return 'NA';
  if (Number.isInteger(v)) return String(v);
  for (let k = 1; k <= 9; k++) {
    const s = v.toPrecision(k);
    if (Math.fround(Number(s)) === v) return String(Number(s));
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

export function cohortFiles(c: SimulatedCohort): CohortFile[] {
  return [
    { name: 'geno.bed', data: bedBytes(c.packed) },
    { name: 'geno.bim', data: formatBim(c.variants) },
    { name: 'geno.fam', data: formatFam(c.samples, c.famSex) },
    { name: 'pheno.csv', data: tableCsv(c.pheno) },
    { name: 'covar.csv', data: tableCsv(c.covar) },
    { name: 'outcomes.csv', data: tableCsv(c.outcomes) },
    { name: 'factors.csv', data: factorsCsv(c) },
    { name: 'truth.json', data: JSON.stringify(c.truth, null, 1) + '\n' },
  ];
}
