/**
 * Honest K-fold CV (tune = cv): each fold's training rows are screened again from scratch (SNP, E, SNPxE,
 * SNPxSNP with that fold's own top SNPs as partners), the fold's d terms are fitted at the full-data path's
 * lambdas and scored on the held-out rows. Screening once on every row and then splitting only the
 * screened columns lets each held-out part vote for the terms it helped choose (about 100 of 144 kept on
 * pure-noise terms; docs/selection.md). Covariates, the variants' QC and imputation means come from all
 * rows (they do not use the response).
 */
import { throwIfAborted } from '../base/cancel';
import { createProgress } from '../base/progress';
import { yieldTurn } from '../base/steps';
import type { Rng } from '../math/rng';
import { rowsFor, type Candidate } from './Candidate';
import type { VariantRow } from './collectVariants';
import { lambdaMax, lambdaPath } from './coordinateDescentPath';
import { featureMatrix } from './featureMatrix';
import type { SisOptions } from './runSis';
import { screenRound, type ScreenStats } from './screenRound';
import { foldView } from './ScreenView';
import { addFoldSse, foldOf } from './selectPenalized';
import type { SisProblem } from './SisProblem';
import { standardizeColumns } from './standardizeColumns';

/** Full-data lambda paths (the folds are fitted at them) and mean held-out squared errors, per response. */
export interface HonestCv {
  /** Indexed by response; only the responses selected have a path. */
  lambdas: Float64Array[];
  errors: Float64Array[];
}

/**
 * Honest CV of the responses `which` on their current candidates (`rows`: the candidates' genotype rows):
 * the full-data paths first, then the folds, each screened again.
 */
export async function honestCrossValidation(
  p: SisProblem,
  o: SisOptions,
  which: number[],
  candidates: Candidate[][],
  rows: Map<number, VariantRow>,
  rng: Rng,
  stats: ScreenStats,
): Promise<HonestCv> {
  const K = p.y.length;
  const lambdas = which.map((k) => fullDataLambdas(p, k, candidates[k], rows));
  const all: Float64Array[] = new Array(K);
  which.forEach((k, i) => (all[k] = lambdas[i]));
  p.log(`cross-validation: screening redone in each of ${Math.max(2, Math.min(o.folds ?? 5, p.input.n))} folds`);
  const errors = await screenedCvErrors(p, o, Array.from({ length: K }, (_, k) => all[k] ?? new Float64Array(0)), rng, stats);
  return { lambdas: all, errors };
}

/** The lambda path of response k's full-data fit on its candidates (100 values down from lambda max). */
function fullDataLambdas(p: SisProblem, k: number, cands: Candidate[], rows: Map<number, VariantRow>): Float64Array {
  const n = p.input.n;
  const d = cands.length;
  const std = standardizeColumns(featureMatrix(cands.map((c) => c.feature), rows, p.input.rowOf, p.info, p.view.data.env, p.basis), n, d);
  const lmax = lambdaMax(std.x, p.y[k], n, d, p.spec);
  return lambdaPath(lmax > 0 ? lmax : 1e-300, 100, n > d ? 1e-4 : 0.01);
}

/** Mean held-out squared error per lambda per response, over folds that each redo the screening. */
async function screenedCvErrors(p: SisProblem, o: SisOptions, lambdas: Float64Array[], rng: Rng, stats: ScreenStats): Promise<Float64Array[]> {
  const { input, basis, info, y } = p;
  const n = input.n;
  const K = y.length;
  const envRaw = p.view.data.env;
  const F = Math.max(2, Math.min(o.folds ?? 5, n));
  const fold = foldOf(n, F, rng.fork());
  const sse = lambdas.map((l) => new Float64Array(l.length));
  const progress = createProgress('cross-validation folds', F, o.onProgress, { unit: 'folds', intervalMs: 0 });
  for (let f = 0; f < F; f++) {
    progress.tick(f);
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? te : tr).push(i);
    const { view, targets } = foldView(input, envRaw, tr);
    const sf = await screenRound({ view, targets, keep: new Array<number>(K).fill(p.d), info }, o, p.log, stats);
    const rows = await rowsFor(input.source, sf.features.map((fs) => fs.map((feature) => ({ feature, round: 0 }))), o);
    for (let k = 0; k < K; k++) {
      await yieldTurn();
      throwIfAborted(o.signal);
      const z = featureMatrix(sf.features[k], rows, input.rowOf, info, envRaw, basis);
      addFoldSse(z, y[k], n, sf.features[k].length, tr, te, lambdas[k], { penalty: p.spec, dfMax: o.dfMax, signal: o.signal }, sse[k]);
    }
  }
  progress.finish();
  return sse.map((e) => e.map((v) => v / n));
}
