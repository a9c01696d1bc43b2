/**
 * EBIC's model-space prior by class of term (He & Chen 2016; selectPenalized `ebicClasses`, SisOptions.ebicPrior).
 * The universe of the structured-cohort runs of docs/selection.md: 5,000 SNP + 3 E main effects and 263,671
 * interactions (15,000 SNPxE + 248,671 SNPxSNP) at n = 2,000. A main effect with |t| about 5.3 (between the
 * by-class bar for main effects, about 4.96, and the pooled bar, about 5.70): the pooled prior drops it, the
 * by-class prior keeps it; an interaction of the same strength is still dropped, because the interactions
 * count against their own (large) universe.
 */
import { describe, it, expect } from 'vitest';
import { selectPenalized } from '../../src/lib/select/selectPenalized';
import { penaltySpec } from '../../src/lib/select/penalty';
import { standardizeColumns } from '../../src/lib/select/standardizeColumns';
import { logChoose, logClassCount } from '../../src/lib/select/ebic';
import { ebicClassesFor } from '../../src/lib/select/ebicPrior';
import { olsRefit } from '../../src/lib/select/olsRefit';
import { createRng } from '../../src/lib/math/rng';

const MAIN = 5_003;
const INTER = 263_671;
const SEED_INTERACTION = 12;

describe('EBIC prior by class of term', () => {
  it('logClassCount sums log C(p_c, k_c) over the classes; ebicClassesFor puts SNP and E in class 0', () => {
    const f = (type: 'SNP' | 'ENV' | 'GxE' | 'GxG') => ({ type, variant: 0, aux: 0, score: 0 });
    const c = ebicClassesFor([f('SNP'), f('GxE'), f('ENV'), f('GxG'), f('SNP')], MAIN, MAIN + INTER);
    expect(Array.from(c.classOf)).toEqual([0, 1, 0, 1, 0]);
    expect(c.universe).toEqual([MAIN, INTER]);
    expect(logClassCount(c, [0, 1, 4])).toBeCloseTo(logChoose(MAIN, 2) + logChoose(INTER, 1), 12);
    expect(logClassCount(c, [])).toBe(0);
  });

  /** n 2,000 x 30 normal columns, y = 0.118 x_col + noise: the effect's likelihood-ratio |t| is about 5.3. */
  function data(seed: number, col: number) {
    const n = 2000, d = 30;
    const rng = createRng(seed);
    const x = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) x[i] = rng.normal();
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = 0.118 * x[col * n + i] + rng.normal();
    const std = standardizeColumns(x, n, d);
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const yc = y.map((v) => v - mean);
    const t = Math.sqrt(n * Math.log(yc.reduce((a, v) => a + v * v, 0) / olsRefit(std.x, yc, n, [col]).rss));
    return { n, d, x: std.x, y: yc, t };
  }
  // column 0 = a SNP main effect, column 1 = an interaction, 2.. noise (main effects and interactions)
  const types = Array.from({ length: 30 }, (_, j) => (j === 0 ? 'SNP' : j === 1 ? 'GxE' : j % 2 ? 'GxG' : 'SNP') as 'SNP' | 'GxE' | 'GxG');
  const classes = ebicClassesFor(types.map((type) => ({ type, variant: 0, aux: 0, score: 0 })), MAIN, MAIN + INTER);
  const base = { penalty: penaltySpec('mcp'), extraPaths: [penaltySpec('lasso')], tune: 'ebic' as const, universe: MAIN + INTER };

  it('keeps a main effect at |t| about 5.3 that the pooled prior drops', () => {
    const { n, d, x, y, t } = data(6, 0);
    // Between the two bars (about 4.96 by class, 5.70 pooled), so the test tells the priors apart.
    expect(t).toBeGreaterThan(5.1);
    expect(t).toBeLessThan(5.6);
    expect(Array.from(selectPenalized(x, y, n, d, base).active)).toEqual([]);
    expect(Array.from(selectPenalized(x, y, n, d, { ...base, ebicClasses: classes }).active)).toEqual([0]);
  });

  it('still drops an interaction of the same strength (it counts against the 263,671 interactions)', () => {
    const { n, d, x, y, t } = data(SEED_INTERACTION, 1);
    expect(t).toBeGreaterThan(5.1);
    expect(t).toBeLessThan(5.6);
    expect(Array.from(selectPenalized(x, y, n, d, { ...base, ebicClasses: classes }).active)).toEqual([]);
  });
});
