/**
 * Builds the row-major PreparedMatrix from output columns (NaN = missing), dropping the rows with no
 * observed cell at all (they carry no information for the autoencoder); those IDs are returned.
 */
import type { PreparedMatrix } from './PreparedMatrix';

export interface OutputColumn {
  name: string;
  binary: boolean;
  values: Float32Array;
}

export function assembleMatrix(
  ids: readonly string[],
  fid: readonly string[] | null,
  outputs: readonly OutputColumn[],
): { matrix: PreparedMatrix; droppedIds: string[] } {
  const nIn = ids.length;
  const p = outputs.length;
  const keep = new Uint8Array(nIn);
  for (const o of outputs) {
    const v = o.values;
    for (let i = 0; i < nIn; i++) if (v[i] === v[i]) keep[i] = 1;
  }
  const rows: number[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < nIn; i++) {
    if (keep[i]) rows.push(i);
    else dropped.push(ids[i]);
  }
  const n = rows.length;
  const values = new Float32Array(n * p);
  const mask = new Uint8Array(n * p);
  for (let j = 0; j < p; j++) {
    const v = outputs[j].values;
    for (let r = 0; r < n; r++) {
      const x = v[rows[r]];
      if (x === x) {
        values[r * p + j] = x;
        mask[r * p + j] = 1;
      }
    }
  }
  const matrix: PreparedMatrix = {
    ids: rows.map((i) => ids[i]),
    fid: fid ? rows.map((i) => fid[i]) : null,
    columns: outputs.map((o) => o.name),
    binary: Uint8Array.from(outputs.map((o) => (o.binary ? 1 : 0))),
    n,
    p,
    values,
    mask,
  };
  return { matrix, droppedIds: dropped };
}
