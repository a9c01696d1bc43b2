/**
 * The penalized selection of some responses on their current candidates: path and tuning per response
 * (honest CV first when tune = cv), in as many lanes as the select pool has workers, each result described
 * as soon as it is selected (the last round's description stands).
 */
import { throwIfAborted } from '../base/cancel';
import { createProgress } from '../base/progress';
import { yieldTurn } from '../base/steps';
import type { Rng } from '../math/rng';
import { rowsFor, type Candidate } from './Candidate';
import type { VariantRow } from './collectVariants';
import { describeResponse } from './describeResponse';
import { featureMatrix } from './featureMatrix';
import { ebicClassesOf } from './ebicPrior';
import { heredityModelCount, interactionParents } from './heredityModelCount';
import { honestCrossValidation, type HonestCv } from './honestCrossValidation';
import type { ResponseSelection, SisOptions } from './runSis';
import type { ScreenStats } from './screenRound';
import { selectPenalized, type Selection } from './selectPenalized';
import type { PlainSelectOptions, SelectPool } from './selectPool';
import type { SisProblem } from './SisProblem';
import { standardizeColumns } from './standardizeColumns';

/** Per response: the candidates, the latest selection on them, its description and its ISIS round. */
export interface SelectionState {
  candidates: Candidate[][];
  selections: (Selection | null)[];
  results: ResponseSelection[];
  rounds: number[];
}

/**
 * Selects and describes the responses `which` (into `state.selections` and `state.results`); returns the
 * seconds it took. `rng` gives the CV folds first, then one fork per response in response order, forked
 * before any runs (deterministic with a pool too).
 */
export async function selectResponses(
  p: SisProblem,
  o: SisOptions,
  state: SelectionState,
  which: number[],
  rng: Rng,
  stats: ScreenStats,
): Promise<number> {
  const t = performance.now();
  const rows = await rowsFor(p.input.source, which.map((k) => state.candidates[k]), o);
  // Honest CV: the full-data path's lambdas first (the folds are fitted at them), then the fold errors.
  const cv = o.tune === 'cv' ? await honestCrossValidation(p, o, which, state.candidates, rows, rng, stats) : null;
  const progress = createProgress('penalized selection', which.length, o.onProgress, { unit: 'responses', intervalMs: 0 });
  const rngs = which.map(() => rng.fork());
  // Lanes: as many responses in flight as the pool has workers (1 without a pool). Between responses the
  // event loop gets a turn: in a worker, a cancel gets through there.
  let next = 0;
  const lane = async () => {
    while (next < which.length) {
      const i = next++;
      progress.tick(i);
      if (i > 0) await yieldTurn();
      throwIfAborted(o.signal);
      await selectOne(p, o, state, which[i], rows, cv, rngs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.selectPool?.size ?? 1, which.length)) }, lane));
  progress.finish();
  return (performance.now() - t) / 1000;
}

/** Selects response k on its candidates (in the select pool when the options allow) and describes it. */
async function selectOne(
  p: SisProblem,
  o: SisOptions,
  state: SelectionState,
  k: number,
  rows: Map<number, VariantRow>,
  cv: HonestCv | null,
  rng: Rng,
): Promise<void> {
  const n = p.input.n;
  const cands = state.candidates[k];
  const zs = featureMatrix(cands.map((c) => c.feature), rows, p.input.rowOf, p.info, p.view.data.env, p.basis);
  const d = cands.length;
  const std = standardizeColumns(zs, n, d);
  const plain: PlainSelectOptions = {
    penalty: p.spec,
    extraPaths: p.extraPaths,
    tune: o.tune,
    universe: p.universe[k],
    ebicGamma: o.ebicGamma,
    folds: o.folds,
    lambdas: cv?.lambdas[k],
    cvErrors: cv?.errors[k],
    dfMax: o.dfMax,
    heredity: o.heredity === 'weak' ? interactionParents(cands.map((c) => c.feature)) : undefined,
    ebicClasses: ebicClassesOf(o.ebicPrior, cands.map((c) => c.feature), p.mainEffects, p.universe[k]),
  };
  const logModelCount = o.ebicHeredity ? heredityModelCount(cands.map((c) => c.feature), p.universe[k], p.mainEffects, o.ebicPrior ?? 'by-class') : undefined;
  // The pool takes plain options only: the heredity count (a function) and fold-split CV (an rng) stay here.
  const pooled = o.selectPool && !logModelCount && !(o.tune === 'cv' && !cv);
  const sel = (state.selections[k] = pooled
    ? await (o.selectPool as SelectPool).select({ x: std.x, y: p.y[k], n, d, options: plain })
    : selectPenalized(std.x, p.y[k], n, d, { ...plain, logModelCount, rng, signal: o.signal }));
  // Described now (the last round's description stands), so the feature matrix is built once.
  state.results[k] = describeResponse(p, k, { z: zs, std, candidates: cands, selection: sel, rows }, state.rounds[k]);
}
