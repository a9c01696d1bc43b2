/**
 * plink2 2.00a3.5 `--king-cutoff T`: drop samples until no remaining pair has kinship > T, with plink2's
 * greedy rule (plink2_matrix_calc.cc KinshipPruneDestructive): while pairs above T remain, (a) if some
 * sample has exactly one such partner, remove the partner of the first (lowest-index) such sample; else
 * (b) remove the first sample of the largest number of partners. Pairs with an undefined kinship (NaN)
 * are no constraint.
 */
import type { SampleIds } from '../io/GenotypeSource';
import type { KingResult } from './kingRobust';

export interface KingCutoffResult {
  threshold: number;
  /** Kept sample indices (file order). */
  kept: number[];
  /** Removed sample indices (file order). */
  removed: number[];
  /** Pairs above the threshold before pruning. */
  constraints: number;
}

export function kingCutoff(r: KingResult, threshold: number): KingCutoffResult {
  const n = r.nSamples;
  const adj: Array<Set<number>> = Array.from({ length: n }, () => new Set<number>());
  let constraints = 0;
  for (let i = 1; i < n; i++) {
    const base = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) {
      if (r.kinship[base + j] > threshold) {
        adj[i].add(j);
        adj[j].add(i);
        constraints++;
      }
    }
  }
  const removedFlag = new Uint8Array(n);
  for (;;) {
    let prune = -1;
    const one = adj.findIndex((s) => s.size === 1);
    if (one >= 0) prune = adj[one].values().next().value as number;
    else {
      let best = 0;
      for (let s = 0; s < n; s++) {
        if (adj[s].size > best) {
          best = adj[s].size;
          prune = s;
        }
      }
    }
    if (prune < 0) break;
    for (const nb of adj[prune]) adj[nb].delete(prune);
    adj[prune].clear();
    removedFlag[prune] = 1;
  }
  const kept: number[] = [];
  const removed: number[] = [];
  for (let s = 0; s < n; s++) (removedFlag[s] ? removed : kept).push(s);
  return { threshold, kept, removed, constraints };
}

/** A .king.cutoff.in.id / .out.id file: `#FID IID` (or `#IID` without FIDs) and one sample a line. */
export function cutoffIdText(samples: SampleIds, indices: number[], withFid: boolean): string {
  const lines = [withFid ? '#FID\tIID' : '#IID'];
  for (const s of indices) lines.push(withFid ? `${samples.fid[s]}\t${samples.iid[s]}` : samples.iid[s]);
  return lines.join('\n') + '\n';
}
