/**
 * Table columns aligned to the samples of a genotype source: one value per genotype sample (NaN where the
 * sample is not in the table or the cell is missing). Categorical covariates become 0/1 indicator columns
 * named NAME=LEVEL, the most common level omitted (plink2's handling of categorical covariates).
 */
import { InputError } from '../base/errors';
import type { Table, TableColumn } from '../io/Table';
import type { NamedColumn } from './design';

export interface AlignedColumns {
  columns: NamedColumn[];
  /** Genotype samples found in the table. */
  matched: number;
  /** Table rows whose ID is not among the genotype samples. */
  notInGenotypes: number;
  /** Columns skipped (non-numeric, when no names were asked for). */
  skipped: string[];
}

export type ColumnRole = 'response' | 'covariate';

/**
 * `sampleFids`: family IDs of the genotype samples; when both sides have them, (FID, IID) pairs are matched
 * first (as plink2 does), then IIDs alone.
 */
export function alignColumns(
  table: Table,
  sampleIds: readonly string[],
  names: readonly string[] | undefined,
  role: ColumnRole,
  sampleFids?: readonly string[],
): AlignedColumns {
  const rowOf = new Map<string, number>();
  table.ids.forEach((id, r) => rowOf.set(id, r));
  // VCF sample names written by plink2 --export vcf are FID_IID: accept that form too.
  if (table.fid) table.ids.forEach((id, r) => {
    const key = `${table.fid![r]}_${id}`;
    if (!rowOf.has(key)) rowOf.set(key, r);
  });
  const n = sampleIds.length;
  const rows = new Int32Array(n);
  let matched = 0;
  const geno = new Set(sampleIds);
  const pairRow = new Map<string, number>();
  if (table.fid && sampleFids) table.ids.forEach((id, r) => pairRow.set(`${table.fid![r]}\t${id}`, r));
  for (let i = 0; i < n; i++) {
    const r = (sampleFids && pairRow.size ? pairRow.get(`${sampleFids[i]}\t${sampleIds[i]}`) : undefined) ?? rowOf.get(sampleIds[i]);
    rows[i] = r ?? -1;
    if (r !== undefined) matched++;
  }
  let notInGenotypes = 0;
  table.ids.forEach((id, r) => {
    if (!geno.has(id) && !(table.fid && geno.has(`${table.fid[r]}_${id}`))) notInGenotypes++;
  });
  if (matched === 0 && n > 0) {
    throw new InputError(
      { file: table.source, column: table.idColumn, expected: `IDs of the genotype samples (e.g. ${sampleIds.slice(0, 3).join(', ')})`, found: `${table.ids.slice(0, 3).join(', ')}${table.ids.length > 3 ? ', ...' : ''}` },
      'no sample of the table is in the genotypes',
    );
  }
  const skip = new Set(['FID', '#FID', 'IID', '#IID', table.idColumn].map((s) => s.toUpperCase()));
  let chosen: TableColumn[];
  const skipped: string[] = [];
  if (names && names.length) {
    chosen = names.map((name) => {
      const col = table.columns.find((c) => c.name === name);
      if (!col) {
        throw new InputError(
          { file: table.source, column: name, expected: `one of ${table.columns.map((c) => c.name).join(', ')}`, found: 'no such column' },
          `unknown ${role} column`,
        );
      }
      if (role === 'response' && col.kind !== 'numeric') {
        throw new InputError({ file: table.source, column: name, expected: 'a numeric response', found: `categorical (${col.levels?.length ?? 0} levels)` }, 'response is not numeric');
      }
      return col;
    });
  } else {
    chosen = table.columns.filter((c) => {
      if (skip.has(c.name.toUpperCase())) return false;
      if (c.kind !== 'numeric' && role === 'response') {
        skipped.push(c.name);
        return false;
      }
      return true;
    });
  }
  const columns: NamedColumn[] = [];
  for (const col of chosen) {
    if (col.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = rows[i] < 0 ? NaN : col.values[rows[i]];
      columns.push({ name: col.name, values });
    } else {
      // Indicator columns; omit the most common level among the matched samples.
      const levels = col.levels ?? [];
      const counts = new Int32Array(levels.length);
      for (let i = 0; i < n; i++) {
        const v = rows[i] < 0 ? NaN : col.values[rows[i]];
        if (Number.isFinite(v)) counts[v]++;
      }
      let most = 0;
      for (let l = 1; l < levels.length; l++) if (counts[l] > counts[most]) most = l;
      for (let l = 0; l < levels.length; l++) {
        if (l === most || counts[l] === 0) continue;
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i] < 0 ? NaN : col.values[rows[i]];
          values[i] = Number.isFinite(v) ? (v === l ? 1 : 0) : NaN;
        }
        columns.push({ name: `${col.name}=${levels[l]}`, values });
      }
    }
  }
  return { columns, matched, notInGenotypes, skipped };
}
