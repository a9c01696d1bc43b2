/**
 * Leaf order of an average-linkage (UPGMA) hierarchical clustering on the distance 1 - |r|, for a clustered
 * correlation heatmap. NaN correlations count as distance 1. O(p^3) with p <= a few thousand columns: fine.
 * Ties are broken by the lowest index, so the order is deterministic. Within each merge the cluster holding
 * the lower original index comes first.
 */
export interface ClusterResult {
  /** Permutation of 0..p-1: heatmap row/column order. */
  order: number[];
  /** Merges in order: the two cluster ids joined (leaves 0..p-1, merge k gets id p + k) and their distance. */
  merges: { a: number; b: number; distance: number }[];
}

export function clusterOrder(r: Float64Array | number[], p: number): ClusterResult {
  if (p === 0) return { order: [], merges: [] };
  const d = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const v = r[i * p + j];
      d[i * p + j] = i === j ? 0 : v === v ? 1 - Math.abs(v) : 1;
    }
  }
  const active = new Uint8Array(p).fill(1);
  const size = new Int32Array(p).fill(1);
  const members: number[][] = Array.from({ length: p }, (_, i) => [i]);
  const id = Array.from({ length: p }, (_, i) => i);
  const merges: ClusterResult['merges'] = [];
  for (let step = 0; step < p - 1; step++) {
    let bi = -1;
    let bj = -1;
    let best = Infinity;
    for (let i = 0; i < p; i++) {
      if (!active[i]) continue;
      for (let j = i + 1; j < p; j++) {
        if (!active[j]) continue;
        const v = d[i * p + j];
        if (v < best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    // merge bj into bi (bi < bj, so bi's members hold the lower index first)
    for (let k = 0; k < p; k++) {
      if (!active[k] || k === bi || k === bj) continue;
      const v = (d[bi * p + k] * size[bi] + d[bj * p + k] * size[bj]) / (size[bi] + size[bj]);
      d[bi * p + k] = d[k * p + bi] = v;
    }
    merges.push({ a: id[bi], b: id[bj], distance: best });
    members[bi] = members[bi].concat(members[bj]);
    size[bi] += size[bj];
    active[bj] = 0;
    id[bi] = p + step;
  }
  const root = active.indexOf(1);
  return { order: members[root], merges };
}
