import { createRng } from '../math/rng';
import type { AeConfig } from './AeConfig';
import type { CandidateSpec } from './trainCandidate';

/**
 * The random search's candidates: for each, hidden sizes drawn uniformly in a range scaled to the input
 * dimension p (h1 in [round(hiddenFracMin p), round(hiddenFracMax p)] clamped to [2k, maxHidden]; a second
 * layer h2 in [2k, h1]) and a seed for the initial weights, all from the master seed.
 */
export function drawCandidates(
  p: number,
  c: Pick<AeConfig, 'latent' | 'candidates' | 'seed' | 'hiddenLayers' | 'hiddenFracMin' | 'hiddenFracMax' | 'maxHidden' | 'hidden'>,
): CandidateSpec[] {
  const rng = createRng(c.seed ^ 0x5eed);
  const k = c.latent;
  const lo1 = clamp(Math.round(c.hiddenFracMin * p), 2 * k, c.maxHidden);
  const hi1 = clamp(Math.round(c.hiddenFracMax * p), lo1, Math.max(lo1, c.maxHidden));
  const out: CandidateSpec[] = [];
  for (let i = 0; i < c.candidates; i++) {
    let hidden: number[];
    const h1 = lo1 + rng.int(hi1 - lo1 + 1);
    if (c.hiddenLayers === 2) {
      const lo2 = Math.min(2 * k, h1);
      const h2 = lo2 + rng.int(h1 - lo2 + 1);
      hidden = [h1, h2];
    } else hidden = [h1];
    const seed = 1 + rng.int(2 ** 31 - 1);
    out.push({ index: i, hidden: c.hidden ? [...c.hidden] : hidden, seed });
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
