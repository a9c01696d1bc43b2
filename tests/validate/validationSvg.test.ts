/** The validation figures: one panel per outcome, one mark per feature set / HSV, verdict captions, escaping. */
import { describe, it, expect } from 'vitest';
import { predictionSvg, associationSvg } from '../../src/lib/validate/validationSvg';
import type { Comparison } from '../../src/lib/validate/cvPredict';
import type { AssocRow } from '../../src/lib/validate/associateOutcomes';
import type { VerdictResult } from '../../src/lib/validate/predictionVerdict';

const res = (set: string, value: number, p: number) => ({
  set,
  metric: 'AUC' as const,
  value,
  foldValues: Float64Array.from([value - 0.01, value + 0.01, value]),
  lambdas: new Float64Array(3),
  n: 100,
  p,
});

describe('predictionSvg', () => {
  it('draws a panel per outcome with a dot per feature set and the verdict', () => {
    const comps: Comparison[] = [
      { outcome: 'disease<1>', kind: 'binary', n: 100, excluded: 0, results: [res('HSV', 0.74, 5), res('PC', 0.72, 5), res('PHENO', 0.73, 200)] },
      { outcome: 'other', kind: 'binary', n: 90, excluded: 10, results: [res('HSV', 0.6, 5), res('PC', 0.7, 5)] },
    ];
    const verdicts = [
      { verdict: 'at-least-as-well', sentence: '', difference: 0.02, se: 0.01 },
      { verdict: 'worse', sentence: '', difference: -0.1, se: 0.01 },
    ] as VerdictResult[];
    const svg = predictionSvg(comps, verdicts);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 440 260"')).toBe(true);
    expect(svg.match(/<g class="panel"/g)!.length).toBe(2);
    expect(svg.match(/<circle /g)!.length).toBe(5);
    expect(svg).toContain('data-outcome="disease&lt;1&gt;"');
    expect(svg).toContain('data-verdict="at-least-as-well">HSVs ≥ PCs</text>');
    expect(svg).toContain('data-verdict="worse">HSVs worse than PCs</text>');
    expect(svg).toContain('>all (200)</text>');
    expect(svg.match(/<g/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
    expect(svg.endsWith('</svg>')).toBe(true);
  });
});

describe('associationSvg', () => {
  it('draws a forest panel per outcome, log axis for OR/HR, significant rows in red', () => {
    const row = (hsv: string, outcome: string, effect: 'OR' | 'beta', est: number, lo: number, hi: number, p: number): AssocRow => ({
      hsv, outcome, model: effect === 'OR' ? 'logistic' : 'linear', effect, beta: 0, se: 0, estimate: est, lower: lo, upper: hi, p,
      n: 100, cases: NaN, excluded: 0, converged: true,
    });
    const rows = [
      row('HSV1', 'd', 'OR', 2, 1.5, 2.6, 1e-10),
      row('HSV2', 'd', 'OR', 1.05, 0.9, 1.2, 0.5),
      row('HSV1', 'q', 'beta', -0.3, -0.4, -0.2, 1e-8),
      row('HSV2', 'q', 'beta', NaN, NaN, NaN, NaN),
    ];
    const svg = associationSvg(rows);
    expect(svg.match(/<g class="panel"/g)!.length).toBe(2);
    expect(svg.match(/<rect x=/g)!.length).toBe(3); // the NaN row draws no mark
    expect(svg.match(/fill="#d62728"/g)!.length).toBe(2);
    expect(svg).toContain('>OR per SD</text>');
    expect(svg).toContain('>beta per SD</text>');
    expect(svg).toContain('<title>HSV1 ~ d: OR 2 (1.5-2.6), P 1.0e-10, N 100</title>');
  });
});
