/**
 * Leaf order of an average-linkage (UPGMA) hierarchical clustering on the distance 1 - |r|, for a clustered
 * correlation heatmap. NaN correlations count as distance 1. The clustering itself: math/averageLinkage.
 */
import { averageLinkage, type ClusterResult } from '../math/averageLinkage';

export type { ClusterResult };

export function clusterOrder(r: Float64Array | number[], p: number): ClusterResult {
  const d = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const v = r[i * p + j];
      d[i * p + j] = i === j ? 0 : v === v ? 1 - Math.abs(v) : 1;
    }
  }
  return averageLinkage(d, p);
}
