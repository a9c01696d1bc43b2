/**
 * Association of each participant's HSV change between waves with the outcomes: as associateOutcomes, per SD
 * of the change, with the chosen covariates and, by default, the baseline value of the same HSV as an extra
 * covariate (a change partly reflects where a participant started: regression to the mean).
 */
import { associateOutcomes, type AssocRow, type Matrix } from './associateOutcomes';
import type { HsvChange } from './hsvChange';
import type { Outcome } from './Outcome';

export function associateChange(
  ch: HsvChange,
  outcomes: Outcome[],
  covariates: Matrix | null,
  opts: { adjustBaseline?: boolean; signal?: AbortSignal } = {},
): AssocRow[] {
  const k = ch.names.length;
  const n = ch.ids.length;
  const c = covariates ? covariates.names.length : 0;
  const adjust = opts.adjustBaseline ?? true;
  const perHsv: AssocRow[][] = [];
  for (let h = 0; h < k; h++) {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = ch.change[i * k + h];
    let cov: Matrix | null = covariates;
    if (adjust) {
      const w = c + 1;
      const v = new Float64Array(n * w);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < c; j++) v[i * w + j] = (covariates as Matrix).values[i * c + j];
        v[i * w + c] = ch.baseline[i * k + h];
      }
      cov = { names: [...(covariates?.names ?? []), `baseline_${ch.names[h]}`], values: v };
    }
    perHsv.push(associateOutcomes({ names: [`d${ch.names[h]}`], values: d }, outcomes, cov, { signal: opts.signal }));
  }
  // outcome-major order, as associateOutcomes
  const rows: AssocRow[] = [];
  for (let o = 0; o < outcomes.length; o++) for (let h = 0; h < k; h++) rows.push(perHsv[h][o]);
  return rows;
}
