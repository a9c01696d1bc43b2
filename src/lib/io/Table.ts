/**
 * A parsed phenotype or covariate table, columnar. Produced by readTable (io/readTable.ts).
 * Numeric cells are Float32 (or Float64 when read with precision 'f64') with NaN = missing; categorical
 * columns hold level codes (0..levels-1, NaN missing).
 */
export type Precision = 'f32' | 'f64';

export interface TableColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  values: Float32Array | Float64Array;
  /** Level labels of a categorical column; values index into it. */
  levels?: string[];
  /** Cells that were neither a number nor a missing token in a column judged numeric (set to NaN, warned). */
  nonNumeric: number;
}

export interface Table {
  /** File name, for messages. */
  source: string;
  /** Name of the ID column used (e.g. 'IID'). */
  idColumn: string;
  /** Family IDs when the table has a FID/#FID column, else null. */
  fid: string[] | null;
  /** Participant IDs, unique, in file order. */
  ids: string[];
  columns: TableColumn[];
  /** Human-readable warnings (e.g. non-numeric cells counted as missing). */
  warnings: string[];
}
