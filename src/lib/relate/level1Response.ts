/**
 * Level 1 of the LOCO ridge step for one response, as a self-contained job (in-thread or on a worker, the same
 * results): the cross-validated ridge over the response's level-0 predictions (ridgeLevel1.ts), then its
 * whole-genome prediction split by chromosome: sums[c][i] = the part of sample i's prediction from the blocks
 * on chromosome c (fold models: row i of fold k uses beta_k). The LOCO prediction for c is the total minus
 * sums[c].
 */
import { columns } from '../math/denseKernels';
import { ridgeLevel1, type Level1Fit } from './ridgeLevel1';

export interface Level1Job {
  /** Per level-0 block: L prediction columns of na values (0 where the response is missing). */
  preds: Float32Array[];
  /** Chromosome of each block. */
  blockChrom: string[];
  /** Scaled residual response (fold order, 0 where missing). */
  y: Float64Array;
  nObs: number;
  offsets: Int32Array;
  taus: number[];
  /** Shrinkage values per level-0 block. */
  L: number;
}

export interface Level1Result {
  fit: Level1Fit;
  /** Per chromosome (in block order) the part of the prediction from its blocks. */
  sums: [string, Float64Array][];
}

export function level1Response(job: Level1Job): Level1Result {
  const { preds, blockChrom, y, offsets, L } = job;
  const na = y.length;
  const x = preds.flatMap((p) => columns(p, na, L));
  const fit = ridgeLevel1(x, y, offsets, job.nObs, job.taus);
  const sums = new Map<string, Float64Array>();
  preds.forEach((_, b) => {
    const c = blockChrom[b];
    if (!sums.has(c)) sums.set(c, new Float64Array(na));
    const acc = sums.get(c)!;
    for (let k = 0; k + 1 < offsets.length; k++) {
      const beta = fit.beta[k];
      for (let l = 0; l < L; l++) {
        const w = beta[b * L + l];
        const col = x[b * L + l];
        for (let i = offsets[k]; i < offsets[k + 1]; i++) acc[i] += col[i] * w;
      }
    }
  });
  return { fit, sums: [...sums] };
}
