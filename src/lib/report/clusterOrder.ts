/**
 * Leaf orders for clustered heatmaps: rows of a matrix by Euclidean distance, variables of a correlation
 * matrix by 1 - |r|. Both use the average-linkage clustering of math/averageLinkage.
 */
import { averageLinkage } from '../math/averageLinkage';

/** Leaf order from an n x n distance matrix (row-major, symmetric, zero diagonal). */
export function clusterOrderFromDistances(dist: ArrayLike<number>, n: number): number[] {
  return averageLinkage(dist, n).order;
}

/** Leaf order of the rows of an nRows x nCols matrix, by Euclidean distance between rows (NaN cells skipped). */
export function clusterRows(values: ArrayLike<number | null>, nRows: number, nCols: number): number[] {
  const dist = new Float64Array(nRows * nRows);
  for (let i = 0; i < nRows; i++) {
    for (let j = i + 1; j < nRows; j++) {
      let s = 0, c = 0;
      for (let k = 0; k < nCols; k++) {
        const a = values[i * nCols + k];
        const b = values[j * nCols + k];
        if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b)) continue;
        s += (a - b) * (a - b);
        c++;
      }
      const v = c > 0 ? Math.sqrt((s * nCols) / c) : Infinity;
      dist[i * nRows + j] = v;
      dist[j * nRows + i] = v;
    }
  }
  return clusterOrderFromDistances(dist, nRows);
}

/** Leaf order of a correlation matrix's variables, by distance 1 - |r| (sign ignored: r = -1 is near). */
export function clusterCorrelation(r: ArrayLike<number | null>, n: number): number[] {
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    const v = r[i];
    dist[i] = v === null || Number.isNaN(v) ? 1 : 1 - Math.abs(v);
  }
  for (let i = 0; i < n; i++) dist[i * n + i] = 0;
  return clusterOrderFromDistances(dist, n);
}
