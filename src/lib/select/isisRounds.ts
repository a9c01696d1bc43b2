/**
 * Vanilla ISIS: screen the remaining features against the residual of each response's selected model, add
 * the best d - |A| of them to A, select again; a response stops when A does not change or fills d.
 */
import { featureKey, type Feature } from './Feature';
import type { Selection } from './selectPenalized';
import type { SelectionState } from './selectResponses';
import type { SisProblem } from './SisProblem';

/** How isisRounds screens (all analysed rows, the first round's SNPxSNP partners) and selects. */
export interface IsisSteps {
  /** Kept features per response, best first, for these targets, keep counts and excluded feature keys. */
  screen(targets: Float64Array[], keep: number[], exclude: Set<string>[]): Promise<Feature[][]>;
  /** Selects the responses `which` on `state.candidates` (into `state.selections` and `state.results`). */
  select(which: number[]): Promise<void>;
}

/** Runs up to `iter` ISIS rounds after the first selection, updating `state` (candidates, rounds, selections). */
export async function isisRounds(p: SisProblem, iter: number, state: SelectionState, steps: IsisSteps): Promise<void> {
  const { y, d: d0 } = p;
  const K = y.length;
  const { candidates, selections, rounds } = state;
  let open = Array.from({ length: K }, (_, k) => k);
  for (let r = 1; r <= iter && open.length > 0; r++) {
    const targets = y.map((yk, k) => (open.includes(k) ? (selections[k] as Selection).residual : yk));
    const keep = new Array<number>(K).fill(0);
    const exclude: Set<string>[] = Array.from({ length: K }, () => new Set<string>());
    const activeFeatures: Feature[][] = [];
    for (const k of open) {
      const sel = selections[k] as Selection;
      activeFeatures[k] = Array.from(sel.active, (j) => candidates[k][j].feature);
      for (const f of activeFeatures[k]) exclude[k].add(featureKey(f));
      keep[k] = d0 - activeFeatures[k].length;
    }
    open = open.filter((k) => keep[k] > 0);
    if (open.length === 0) break;
    p.log(`ISIS round ${r}`);
    const found = await steps.screen(targets, keep, exclude);
    for (const k of open) {
      const prev = candidates[k];
      const sel = selections[k] as Selection;
      candidates[k] = [...Array.from(sel.active, (j) => prev[j]), ...found[k].map((feature) => ({ feature, round: r }))];
    }
    const before = new Map(open.map((k) => [k, activeFeatures[k].map(featureKey).sort().join('|')]));
    for (const k of open) rounds[k] = r;
    await steps.select(open);
    open = open.filter((k) => {
      const sel = selections[k] as Selection;
      const now = Array.from(sel.active, (j) => featureKey(candidates[k][j].feature)).sort().join('|');
      return now !== before.get(k);
    });
  }
}
