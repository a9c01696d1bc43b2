/**
 * Average-linkage (UPGMA) hierarchical clustering of n items from their distance matrix.
 *
 * Nearest-neighbour-chain algorithm (valid for average linkage, which is reducible): O(n^2) time and one
 * n x n distance matrix, so a few thousand items cluster in about a second; the naive "find the closest
 * pair, merge, repeat" is O(n^3). Merges are then sorted by distance (stable) and numbered as in R's hclust /
 * SciPy: leaves 0..n-1, merge k gets id n + k. In each merge the cluster holding the lower original index
 * comes first, and the leaf order lists the first child before the second, so the order is deterministic.
 * Non-finite distances (e.g. rows with no cell in common) count as very far (1e300).
 */
export interface ClusterResult {
  /** Permutation of 0..n-1: the leaf order (heatmap row/column order). */
  order: number[];
  /** Merges in order of distance: the two cluster ids joined and their distance. */
  merges: { a: number; b: number; distance: number }[];
}

/** Clusters n items given their n x n distance matrix (row-major, symmetric; the diagonal is ignored). */
export function averageLinkage(dist: ArrayLike<number>, n: number): ClusterResult {
  if (n === 0) return { order: [], merges: [] };
  const p = n;
  const d = Float64Array.from(dist);
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) d[i] = 1e300;
  const active = new Uint8Array(p).fill(1);
  const size = new Int32Array(p).fill(1);
  // raw merges between representative leaves (a cluster lives in the slot of its lowest leaf)
  const raw: { a: number; b: number; distance: number }[] = [];
  const chain: number[] = [];
  let left = p;
  while (left > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1];
    const prev = chain.length >= 2 ? chain[chain.length - 2] : -1;
    let best = prev >= 0 ? d[a * p + prev] : Infinity;
    let bi = prev;
    for (let k = 0; k < p; k++) {
      if (!active[k] || k === a) continue;
      const v = d[a * p + k];
      if (v < best) {
        best = v;
        bi = k;
      }
    }
    if (bi !== prev) {
      chain.push(bi);
      continue;
    }
    // a and prev are reciprocal nearest neighbours: merge into the lower slot
    chain.pop();
    chain.pop();
    const lo = Math.min(a, prev);
    const hi = Math.max(a, prev);
    for (let k = 0; k < p; k++) {
      if (!active[k] || k === lo || k === hi) continue;
      const v = (d[lo * p + k] * size[lo] + d[hi * p + k] * size[hi]) / (size[lo] + size[hi]);
      d[lo * p + k] = d[k * p + lo] = v;
    }
    size[lo] += size[hi];
    active[hi] = 0;
    raw.push({ a: lo, b: hi, distance: best });
    left--;
  }
  // number the merges in distance order (stable), children ordered by their lowest leaf
  const order = raw.map((_, i) => i).sort((x, y) => raw[x].distance - raw[y].distance || x - y);
  const parent = Int32Array.from({ length: p }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const nodeOf = Int32Array.from({ length: p }, (_, i) => i); // root leaf -> current cluster id
  const minLeaf = Int32Array.from({ length: p }, (_, i) => i); // by root
  const children: [number, number][] = [];
  const merges: ClusterResult['merges'] = [];
  for (const k of order) {
    const ra = find(raw[k].a);
    const rb = find(raw[k].b);
    let [x, y] = [ra, rb];
    if (minLeaf[y] < minLeaf[x]) [x, y] = [y, x];
    const id = p + merges.length;
    merges.push({ a: nodeOf[x], b: nodeOf[y], distance: raw[k].distance });
    children.push([nodeOf[x], nodeOf[y]]);
    parent[y] = x;
    nodeOf[x] = id;
    minLeaf[x] = Math.min(minLeaf[x], minLeaf[y]);
  }
  const leaves: number[] = [];
  const stack = [p === 1 ? 0 : p + merges.length - 1];
  while (stack.length) {
    const node = stack.pop()!;
    if (node < p) leaves.push(node);
    else {
      const [c1, c2] = children[node - p];
      stack.push(c2, c1);
    }
  }
  return { order: leaves, merges };
}
