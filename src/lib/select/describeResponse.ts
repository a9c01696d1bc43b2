/**
 * The result of one response: its selected terms on the features' own scale with their marginal tests and
 * parents, and its screened terms ranked by round then |score|.
 */
import { tTwoSidedP } from '../math/dist';
import type { Candidate } from './Candidate';
import { residualize } from './CovariateBasis';
import { imputedDosage, type VariantRow } from './collectVariants';
import { featureName, parentNames } from './Feature';
import { dot, orthonormal } from './orthonormal';
import type { ResponseSelection, ScreenedTerm, SelectedTerm } from './runSis';
import type { Selection } from './selectPenalized';
import type { SisProblem } from './SisProblem';
import type { Standardized } from './standardizeColumns';

/** One response's fit: its candidates' feature matrix, standardized, and the selection made on it. */
export interface ResponseFit {
  /** n x d feature matrix of `candidates` (featureMatrix). */
  z: Float64Array;
  std: Standardized;
  candidates: Candidate[];
  selection: Selection;
  /** Genotype rows of every variant the candidates use. */
  rows: Map<number, VariantRow>;
}

/**
 * Describes response k: refitted and penalized betas per unit of the feature, the partial correlation with
 * its t test as the scan tests the term, parents and whether they were selected. Stability is left null
 * (stabilitySelection fills it in).
 */
export function describeResponse(p: SisProblem, k: number, fit: ResponseFit, isisRounds: number): ResponseSelection {
  const { z, std, candidates: cands, selection: sel, rows } = fit;
  const { input, basis, info: vinfo, envNames } = p;
  const n = input.n;
  const d = cands.length;
  const scratch = new Float32Array(input.rowOf.length);
  const snpRes = (v: number) => residualize(basis, imputedDosage(rows.get(v) as VariantRow, input.rowOf, n, vinfo.mean[v], scratch));
  const selectedNames = new Set(Array.from(sel.active, (j) => featureName(cands[j].feature, vinfo.ids, envNames)));
  const selected: SelectedTerm[] = Array.from(sel.active, (j, a) => {
    const f = cands[j].feature;
    const scale = std.scale[j];
    // Marginal statistic as the scan tests it: the term with the covariates (and, for an interaction, both
    // parents) in the model; t test of the partial correlation.
    const parentCols: Float64Array[] =
      f.type === 'GxE' ? [snpRes(f.variant), p.view.envRes[f.aux]] : f.type === 'GxG' ? [snpRes(f.variant), snpRes(f.aux)] : [];
    const r = partialCorrelation(z.subarray(j * n, (j + 1) * n), parentCols, p.y[k]);
    const df = n - basis.q1 - 1 - parentCols.length;
    const t = r * Math.sqrt(df / Math.max(1e-300, 1 - r * r));
    const parents = parentNames(f, vinfo.ids, envNames);
    return {
      feature: f,
      term: featureName(f, vinfo.ids, envNames),
      type: f.type,
      chrom: f.variant >= 0 ? vinfo.chrom[f.variant] : '',
      pos: f.variant >= 0 ? vinfo.pos[f.variant] : 0,
      a1: f.type === 'ENV' ? '' : f.type === 'GxG' ? `${vinfo.a1[f.variant]}:${vinfo.a1[f.aux]}` : vinfo.a1[f.variant],
      beta: scale > 0 ? sel.betaRefit[a] / scale : 0,
      betaPenalized: scale > 0 ? sel.betaPenalized[a] / scale : 0,
      marginalR: r,
      p: tTwoSidedP(t, df),
      stability: null,
      parents,
      parentsSelected: parents.map((q) => selectedNames.has(q)),
    };
  });
  const screened: ScreenedTerm[] = cands
    .map((c) => ({ feature: c.feature, term: featureName(c.feature, vinfo.ids, envNames), type: c.feature.type, score: c.feature.score, rank: 0, round: c.round }))
    .sort((a, b) => a.round - b.round || Math.abs(b.score) - Math.abs(a.score));
  screened.forEach((s, i) => (s.rank = i + 1));
  return {
    response: input.responses[k].name,
    n,
    universe: p.universe[k],
    d,
    screened,
    selected,
    lambda: sel.lambda,
    gamma: sel.gamma,
    isisRounds,
    stoppedAtDfMax: sel.stoppedAtDfMax,
  };
}

/** Correlation of f and y after removing their projections on `on` (all vectors already orthogonal to C). */
function partialCorrelation(f: ArrayLike<number>, on: Float64Array[], y: Float64Array): number {
  const fr = Float64Array.from(f);
  const yr = Float64Array.from(y);
  for (const q of orthonormal(on)) {
    const df = dot(q, fr);
    const dy = dot(q, yr);
    for (let i = 0; i < fr.length; i++) {
      fr[i] -= df * q[i];
      yr[i] -= dy * q[i];
    }
  }
  const den = Math.sqrt(dot(fr, fr) * dot(yr, yr));
  return den > 0 ? dot(fr, yr) / den : 0;
}
