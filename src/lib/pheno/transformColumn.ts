/**
 * One output column of a recipe computed from a table column: NaN marks a missing output cell. Cells that
 * cannot be transformed (log of a value <= -offset, a level the recipe does not know, text in a numeric
 * column) become missing and are counted in `invalid` with a reason, never silently.
 */
import type { TableColumn } from '../io/Table';
import type { RecipeColumn } from './Recipe';
import { numericView, levelIndexView } from './columnViews';
import { applyRankInverseNormal } from './rankInverseNormal';

export interface TransformedColumn {
  values: Float32Array;
  invalid: number;
  /** Why cells were set missing, e.g. "2 cells <= 0 cannot be logged" (null when none). */
  note: string | null;
}

export function transformColumn(rc: RecipeColumn, col: TableColumn): TransformedColumn {
  const n = col.values.length;
  const out = new Float32Array(n);
  switch (rc.transform) {
    case 'zscore':
    case 'none':
    case 'log-zscore':
    case 'rank-int': {
      const { values: x, invalid: textCells } = numericView(col);
      let note = textCells > 0 ? `${textCells} text cells are not numbers` : null;
      let invalid = textCells;
      if (rc.transform === 'rank-int') {
        applyRankInverseNormal(need(rc.int, rc, 'int'), x, out);
      } else if (rc.transform === 'none') {
        out.set(x);
      } else {
        const mean = need(rc.mean, rc, 'mean');
        const sd = need(rc.sd, rc, 'sd');
        const inv = sd > 0 ? 1 / sd : 0;
        if (rc.transform === 'zscore') {
          for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * inv;
        } else {
          const off = rc.logOffset ?? 0;
          let bad = 0;
          for (let i = 0; i < n; i++) {
            const v = x[i] + off;
            if (v > 0) out[i] = (Math.log(v) - mean) * inv;
            else {
              if (v === v) bad++;
              out[i] = NaN;
            }
          }
          if (bad > 0) {
            invalid += bad;
            const what = `${bad} cell${bad === 1 ? '' : 's'} <= ${-off} cannot be logged`;
            note = note ? `${note}; ${what}` : what;
          }
        }
      }
      return { values: out, invalid, note };
    }
    case 'binary':
    case 'one-hot': {
      const levels = need(rc.levels, rc, 'levels');
      const { index, unknown, firstUnknown } = levelIndexView(col, levels);
      const target = rc.transform === 'binary' ? 1 : levels.indexOf(need(rc.level, rc, 'level'));
      if (target < 0) throw new Error(`recipe column ${rc.output}: level '${rc.level}' is not among its levels`);
      for (let i = 0; i < n; i++) {
        const k = index[i];
        out[i] = k !== k ? NaN : k === target ? 1 : 0;
      }
      const note =
        unknown > 0 ? `${unknown} cell${unknown === 1 ? '' : 's'} with a level not in the recipe (e.g. '${firstUnknown}')` : null;
      return { values: out, invalid: unknown, note };
    }
    default:
      throw new Error(`unknown transform: ${String((rc as RecipeColumn).transform)}`);
  }
}

function need<T>(v: T | undefined, rc: RecipeColumn, what: string): T {
  if (v === undefined) throw new Error(`recipe column ${rc.output} (${rc.transform}) lacks '${what}'`);
  return v;
}
