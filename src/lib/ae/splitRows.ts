import { createRng, permutation } from '../math/rng';
import type { RowSplit } from './trainCandidate';

/**
 * Seeded train/validation split of the given rows: a permutation of `rows`, the first round(valFrac * m)
 * (at least 1, at most m - 1) go to validation. Both parts are returned in ascending row order.
 */
export function splitRows(rows: Int32Array, valFrac: number, seed: number): RowSplit {
  const m = rows.length;
  if (m < 2) throw new RangeError(`train/validation split: need at least 2 participants with data, found ${m}`);
  const nVal = Math.min(m - 1, Math.max(1, Math.round(valFrac * m)));
  const perm = permutation(m, createRng(seed));
  const val = new Int32Array(nVal);
  const train = new Int32Array(m - nVal);
  for (let i = 0; i < nVal; i++) val[i] = rows[perm[i]];
  for (let i = nVal; i < m; i++) train[i - nVal] = rows[perm[i]];
  val.sort();
  train.sort();
  return { train, val };
}
