/**
 * Columns of a table as a numeric matrix aligned to a list of participant IDs (by IID; IDs absent from the
 * table give missing rows, counted). Categorical columns expand to 0/1 indicators of every level but the
 * first ('name=level'), as R's treatment contrasts; numeric columns are taken as they are.
 */
import type { Table } from '../io/Table';
import { InputError } from '../base/errors';
import type { Matrix } from './associateOutcomes';

export interface AlignedMatrix extends Matrix {
  /** IDs of the target list that the table lacks. */
  absent: number;
}

export function rowIndexById(table: Table, ids: readonly string[]): { index: Int32Array; absent: number } {
  const pos = new Map<string, number>();
  table.ids.forEach((id, i) => pos.set(id, i));
  const index = new Int32Array(ids.length);
  let absent = 0;
  ids.forEach((id, i) => {
    const r = pos.get(id);
    index[i] = r === undefined ? -1 : r;
    if (r === undefined) absent++;
  });
  return { index, absent };
}

export function tableMatrix(table: Table, names: readonly string[] | null, ids: readonly string[]): AlignedMatrix {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const chosen = names ?? table.columns.map((c) => c.name);
  const missing = chosen.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new InputError(
      { file: table.source, expected: `columns ${chosen.join(', ')}`, found: table.columns.map((c) => c.name).slice(0, 12).join(', ') },
      `column${missing.length === 1 ? '' : 's'} not found: ${missing.join(', ')}`,
    );
  }
  const { index, absent } = rowIndexById(table, ids);
  const outNames: string[] = [];
  const getters: Array<(r: number) => number> = [];
  for (const name of chosen) {
    const col = byName.get(name)!;
    if (col.kind === 'numeric') {
      outNames.push(name);
      getters.push((r) => col.values[r]);
    } else {
      const levels = col.levels ?? [];
      for (let l = 1; l < levels.length; l++) {
        outNames.push(`${name}=${levels[l]}`);
        getters.push((r) => (Number.isNaN(col.values[r]) ? NaN : col.values[r] === l ? 1 : 0));
      }
    }
  }
  const k = outNames.length;
  const values = new Float64Array(ids.length * k);
  for (let i = 0; i < ids.length; i++) {
    const r = index[i];
    for (let j = 0; j < k; j++) values[i * k + j] = r < 0 ? NaN : getters[j](r);
  }
  return { names: outNames, values, absent };
}
