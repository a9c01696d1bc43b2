/** Test helper: a Table from plain arrays (numbers with NaN = missing, or strings for categorical columns). */
import type { Table, TableColumn } from '../../src/lib/io/Table';
import { createRng, type Rng } from '../../src/lib/math/rng';

export function numCol(name: string, values: number[]): TableColumn {
  return { name, kind: 'numeric', values: Float32Array.from(values), nonNumeric: 0 };
}

/** Categorical column from labels (null = missing); levels sorted. */
export function catCol(name: string, labels: (string | null)[]): TableColumn {
  const levels = [...new Set(labels.filter((l): l is string => l !== null))].sort();
  return {
    name,
    kind: 'categorical',
    levels,
    values: Float32Array.from(labels.map((l) => (l === null ? NaN : levels.indexOf(l)))),
    nonNumeric: 0,
  };
}

export function makeTable(source: string, ids: string[], columns: TableColumn[]): Table {
  return { source, idColumn: 'IID', fid: null, ids, columns, warnings: [] };
}

export const idsOf = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

export function normals(rng: Rng, n: number, mean = 0, sd = 1): number[] {
  return Array.from({ length: n }, () => mean + sd * rng.normal());
}

export { createRng };
