/**
 * Harrell's C-index for a time-to-event outcome: among comparable pairs, the fraction where the subject with
 * the higher risk score failed first; ties in the score count 0.5. A pair (i, j) is comparable when
 * time_i < time_j and subject i had the event; pairs with tied times are not comparable (Harrell 1982; the
 * convention of Hmisc::rcorr.cens). O(n log n): subjects are visited from the latest time down, and a Fenwick
 * tree over score ranks counts, for each event, the later subjects with a lower / equal score.
 * Rows with a missing score, time or event are skipped. Returns NaN when no pair is comparable.
 */
export interface Concordance {
  cIndex: number;
  concordant: number;
  discordant: number;
  tiedScore: number;
  comparable: number;
}

export function concordanceIndex(
  score: ArrayLike<number>,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
): Concordance {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i]) || Number.isNaN(time[i]) || Number.isNaN(event[i])) continue;
    idx.push(i);
  }
  const m = idx.length;
  // score ranks 1..R (equal scores share a rank)
  const byScore = idx.slice().sort((a, b) => score[a] - score[b]);
  const rank = new Map<number, number>();
  let r = 0;
  for (let j = 0; j < m; j++) {
    if (j === 0 || score[byScore[j]] !== score[byScore[j - 1]]) r++;
    rank.set(byScore[j], r);
  }
  const R = r;
  const tree = new Float64Array(R + 1);
  const add = (k: number) => {
    for (; k <= R; k += k & -k) tree[k] += 1;
  };
  const prefix = (k: number) => {
    let s = 0;
    for (; k > 0; k -= k & -k) s += tree[k];
    return s;
  };
  const byTime = idx.slice().sort((a, b) => time[b] - time[a]);
  let inTree = 0;
  let concordant = 0;
  let tiedScore = 0;
  let comparable = 0;
  let pos = 0;
  while (pos < m) {
    let end = pos + 1;
    while (end < m && time[byTime[end]] === time[byTime[pos]]) end++;
    for (let j = pos; j < end; j++) {
      const i = byTime[j];
      if (event[i] !== 1) continue;
      const ri = rank.get(i) as number;
      const lower = prefix(ri - 1);
      const equal = prefix(ri) - lower;
      concordant += lower;
      tiedScore += equal;
      comparable += inTree;
    }
    for (let j = pos; j < end; j++) add(rank.get(byTime[j]) as number);
    inTree += end - pos;
    pos = end;
  }
  const discordant = comparable - concordant - tiedScore;
  return {
    cIndex: comparable > 0 ? (concordant + 0.5 * tiedScore) / comparable : NaN,
    concordant,
    discordant,
    tiedScore,
    comparable,
  };
}
