/**
 * Selection stability: the selection (path + tuning) repeated on subsamples of the analysed rows with the
 * screening fixed; each selected term gets the fraction of subsamples that select it.
 */
import { throwIfAborted } from '../base/cancel';
import { createProgress } from '../base/progress';
import { yieldTurn } from '../base/steps';
import { permutation, type Rng } from '../math/rng';
import { rowsFor } from './Candidate';
import type { VariantRow } from './collectVariants';
import type { EbicClasses } from './ebic';
import { ebicClassesOf } from './ebicPrior';
import { featureMatrix } from './featureMatrix';
import { interactionParents } from './heredityModelCount';
import type { PenaltySpec } from './penalty';
import type { SisOptions } from './runSis';
import { selectPenalized, type Selection, type TuneKind } from './selectPenalized';
import type { SelectionState } from './selectResponses';
import type { SisProblem } from './SisProblem';
import { standardizeColumns } from './standardizeColumns';

/**
 * Runs o.stability subsamples per response (one rng fork per response, in response order) and sets the
 * stability of every selected term in `state.results`; returns the seconds it took (0 when off).
 */
export async function stabilitySelection(p: SisProblem, o: SisOptions, state: SelectionState, rng: Rng): Promise<number> {
  const { input, y } = p;
  const n = input.n;
  const K = y.length;
  const tStab = performance.now();
  const rowsAll = o.stability > 0 ? await rowsFor(input.source, state.candidates, o) : new Map<number, VariantRow>();
  const stabProgress = createProgress('stability subsamples', K * o.stability, o.onProgress, { unit: 'fits', intervalMs: 0 });
  for (let k = 0; k < K && o.stability > 0; k++) {
    stabProgress.tick(k * o.stability);
    if (k > 0) await yieldTurn();
    throwIfAborted(o.signal);
    const cands = state.candidates[k];
    const d = cands.length;
    const z = featureMatrix(cands.map((c) => c.feature), rowsAll, input.rowOf, p.info, p.view.data.env, p.basis);
    const fr = stabilityFrequencies(z, y[k], n, d, o.stability, o.stabilityFraction ?? 0.5, rng.fork(), {
      spec: p.spec,
      extraPaths: p.extraPaths,
      tune: o.tune,
      universe: p.universe[k],
      ebicClasses: ebicClassesOf(o.ebicPrior, cands.map((c) => c.feature), p.mainEffects, p.universe[k]),
      heredity: o.heredity === 'weak' ? interactionParents(cands.map((c) => c.feature)) : undefined,
      ebicGamma: o.ebicGamma,
      folds: o.folds,
      dfMax: o.dfMax,
      signal: o.signal,
    });
    const sel = state.selections[k] as Selection;
    state.results[k].selected.forEach((t, a) => (t.stability = fr[sel.active[a]]));
  }
  if (o.stability > 0) stabProgress.finish();
  return o.stability > 0 ? (performance.now() - tStab) / 1000 : 0;
}

interface StabilityOptions {
  spec: PenaltySpec;
  extraPaths: PenaltySpec[];
  tune: TuneKind;
  universe: number;
  ebicClasses?: EbicClasses;
  heredity?: (number[] | null)[];
  ebicGamma?: number | 'auto';
  folds?: number;
  dfMax?: number;
  signal?: AbortSignal;
}

/** Selection frequency of each column over B subsamples of floor(fraction * n) rows without replacement. */
export function stabilityFrequencies(
  z: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  B: number,
  fraction: number,
  rng: Rng,
  o: StabilityOptions,
): Float64Array {
  const m = Math.max(2, Math.floor(fraction * n));
  const counts = new Float64Array(d);
  const zs = new Float64Array(m * d);
  const ys = new Float64Array(m);
  for (let b = 0; b < B; b++) {
    throwIfAborted(o.signal);
    const perm = permutation(n, rng);
    const rows = Array.from(perm.subarray(0, m)).sort((a, c) => a - c);
    for (let j = 0; j < d; j++) for (let a = 0; a < m; a++) zs[j * m + a] = z[j * n + rows[a]];
    let ym = 0;
    for (let a = 0; a < m; a++) ym += y[rows[a]];
    ym /= m;
    for (let a = 0; a < m; a++) ys[a] = y[rows[a]] - ym;
    const std = standardizeColumns(zs, m, d);
    const sel = selectPenalized(std.x, ys, m, d, {
      penalty: o.spec,
      extraPaths: o.extraPaths,
      tune: o.tune,
      universe: o.universe,
      ebicClasses: o.ebicClasses,
      heredity: o.heredity,
      ebicGamma: o.ebicGamma,
      folds: o.folds,
      rng: rng.fork(),
      dfMax: o.dfMax,
      signal: o.signal,
    });
    for (const j of sel.active) counts[j]++;
  }
  for (let j = 0; j < d; j++) counts[j] /= B;
  return counts;
}
