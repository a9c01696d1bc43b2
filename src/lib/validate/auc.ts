/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random case scores higher
 * than a random control, ties counted 0.5. Computed from mid-ranks in O(n log n). Rows with a missing
 * (NaN) score or label are skipped. Returns NaN when there are no cases or no controls.
 */
export function auc(score: ArrayLike<number>, label: ArrayLike<number>): number {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i]) || Number.isNaN(label[i])) continue;
    if (label[i] !== 0 && label[i] !== 1) throw new Error(`auc: labels must be 0/1, found ${label[i]} at row ${i + 1}`);
    idx.push(i);
  }
  idx.sort((a, b) => score[a] - score[b]);
  let rankSumCases = 0;
  let cases = 0;
  let pos = 0;
  while (pos < idx.length) {
    let end = pos + 1;
    while (end < idx.length && score[idx[end]] === score[idx[pos]]) end++;
    const midRank = (pos + 1 + end) / 2; // ranks pos+1 .. end
    for (let j = pos; j < end; j++) {
      if (label[idx[j]] === 1) {
        rankSumCases += midRank;
        cases++;
      }
    }
    pos = end;
  }
  const controls = idx.length - cases;
  if (cases === 0 || controls === 0) return NaN;
  return (rankSumCases - (cases * (cases + 1)) / 2) / (cases * controls);
}
