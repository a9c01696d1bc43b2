import type { TableColumn } from '../io/Table';

/** A numeric Table column (Float32 values, as a parsed CSV gives them) from simulated values. */
export function numericColumn(name: string, v: Float64Array | number[]): TableColumn {
  return { name, kind: 'numeric', values: Float32Array.from(v), nonNumeric: 0 };
}
