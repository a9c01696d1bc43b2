/**
 * HSV change between two waves of the same cohort: participants matched by ID (IID), change = wave 2 - wave 1
 * per HSV. Both waves must have the same HSV names in the same order (the same model encoded both).
 * Participants in only one wave are counted, not silently dropped.
 */
export interface HsvWave {
  ids: string[];
  names: string[];
  /** n x names.length, row-major. */
  values: Float64Array;
}

export interface HsvChange {
  ids: string[];
  names: string[];
  /** Rows of `ids`: baseline values, follow-up values and change (follow-up - baseline), each n x k. */
  baseline: Float64Array;
  followUp: Float64Array;
  change: Float64Array;
  onlyBaseline: number;
  onlyFollowUp: number;
}

export function hsvChange(baseline: HsvWave, followUp: HsvWave): HsvChange {
  const k = baseline.names.length;
  if (followUp.names.length !== k || followUp.names.some((n, j) => n !== baseline.names[j])) {
    throw new Error(
      `hsvChange: the waves have different HSVs (${baseline.names.join(',')} vs ${followUp.names.join(',')}); encode both with the same model`,
    );
  }
  const pos = new Map<string, number>();
  followUp.ids.forEach((id, i) => pos.set(id, i));
  const ids: string[] = [];
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  for (let i = 0; i < baseline.ids.length; i++) {
    const j = pos.get(baseline.ids[i]);
    if (j === undefined) continue;
    ids.push(baseline.ids[i]);
    rowsA.push(i);
    rowsB.push(j);
  }
  const n = ids.length;
  const b = new Float64Array(n * k);
  const f = new Float64Array(n * k);
  const d = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let h = 0; h < k; h++) {
      const x = baseline.values[rowsA[r] * k + h];
      const y = followUp.values[rowsB[r] * k + h];
      b[r * k + h] = x;
      f[r * k + h] = y;
      d[r * k + h] = y - x;
    }
  }
  return {
    ids,
    names: baseline.names.slice(),
    baseline: b,
    followUp: f,
    change: d,
    onlyBaseline: baseline.ids.length - n,
    onlyFollowUp: followUp.ids.length - n,
  };
}
