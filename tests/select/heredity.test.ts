/**
 * Weak heredity in the penalized selection (selectPenalized `heredity`, SisOptions.heredity): an interaction is
 * selected only next to one of its parents. Columns: a strong main effect m1, its interaction i1 (parent m1),
 * an interaction i2 whose parent m2 has no effect, and noise; y = m1 + i1 + i2 + noise. Without heredity all three
 * effects are selected; with it i2 goes (no parent in any scored set) and m1, i1 stay.
 */
import { describe, it, expect } from 'vitest';
import { selectPenalized } from '../../src/lib/select/selectPenalized';
import { penaltySpec } from '../../src/lib/select/penalty';
import { standardizeColumns } from '../../src/lib/select/standardizeColumns';
import { interactionParents } from '../../src/lib/select/heredityModelCount';
import { createRng } from '../../src/lib/math/rng';

describe('weak heredity', () => {
  it('interactionParents: null for mains, parent columns (screened ones only) for interactions', () => {
    const f = (type: 'SNP' | 'ENV' | 'GxE' | 'GxG', variant: number, aux: number) => ({ type, variant, aux, score: 0 });
    const parents = interactionParents([f('SNP', 3, -1), f('ENV', -1, 0), f('GxE', 3, 0), f('GxG', 3, 9), f('GxG', 7, 8)]);
    expect(parents).toEqual([null, null, [0, 1], [0], []]);
  });

  it('drops an interaction without a parent in the set, keeps one next to its parent', () => {
    const n = 1500, d = 40;
    const rng = createRng(5);
    const x = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) x[i] = rng.normal();
    // columns: 0 = m1, 1 = i1 (parent 0), 2 = i2 (parent 3 = m2, no effect), 3 = m2, 4.. noise
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = 0.5 * x[i] + 0.3 * x[n + i] + 0.3 * x[2 * n + i] + rng.normal();
    const std = standardizeColumns(x, n, d);
    const yc = Float64Array.from(y);
    const mean = yc.reduce((a, b) => a + b, 0) / n;
    for (let i = 0; i < n; i++) yc[i] -= mean;
    const base = { penalty: penaltySpec('mcp'), extraPaths: [penaltySpec('lasso')], tune: 'ebic' as const, universe: 100_000 };
    const heredity: (number[] | null)[] = Array.from({ length: d }, () => null);
    heredity[1] = [0];
    heredity[2] = [3];
    const free = selectPenalized(std.x, yc, n, d, base);
    const weak = selectPenalized(std.x, yc, n, d, { ...base, heredity });
    expect(Array.from(free.active)).toEqual([0, 1, 2]);
    expect(Array.from(weak.active)).toEqual([0, 1]);
    expect(weak.betaRefit.length).toBe(2);
  });
});
