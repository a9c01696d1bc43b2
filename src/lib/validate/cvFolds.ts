/**
 * Seeded assignment of rows to K cross-validation folds. With `strata` (e.g. a binary outcome or an event
 * indicator) the rows of each stratum are shuffled and dealt round-robin, continuing the count across
 * strata, so every fold gets its share of cases and fold sizes differ by at most one.
 */
import { createRng, permutation } from '../math/rng';

export function cvFolds(n: number, k: number, seed: number, strata?: ArrayLike<number>): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new Error(`cvFolds: need at least 2 folds, got ${k}`);
  if (n < k) throw new Error(`cvFolds: ${n} rows cannot fill ${k} folds`);
  const rng = createRng(seed);
  const fold = new Int32Array(n);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const s = strata ? strata[i] : 0;
    const key = Number.isNaN(s) ? -1 : s;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  let c = 0;
  for (const key of keys) {
    const rows = groups.get(key) as number[];
    const perm = permutation(rows.length, rng);
    for (let j = 0; j < rows.length; j++) fold[rows[perm[j]]] = c++ % k;
  }
  return fold;
}
