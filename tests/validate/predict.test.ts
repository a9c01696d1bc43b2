/**
 * Ridge models (stationarity of the penalized objective, to 1e-6) and the cross-validated comparison:
 * informative features beat noise features on AUC, C-index and R^2 on seeded data; same seed, same numbers.
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { fitRidge } from '../../src/lib/validate/ridgeModel';
import { compareFeatureSets, innerSubset } from '../../src/lib/validate/cvPredict';
import type { Outcome } from '../../src/lib/validate/Outcome';
import { predictionVerdict } from '../../src/lib/validate/predictionVerdict';

function makeData(n: number, seed: number) {
  const rng = createRng(seed);
  const p = 6;
  const X = new Float64Array(n * p);
  for (let i = 0; i < n * p; i++) X[i] = rng.normal();
  const lin = (i: number) => 0.9 * X[i * p] - 0.6 * X[i * p + 1] + 0.3 * X[i * p + 2];
  const yb = Float64Array.from({ length: n }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-lin(i))) ? 1 : 0));
  const yq = Float64Array.from({ length: n }, (_, i) => lin(i) + rng.normal());
  const time = new Float64Array(n);
  const event = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = -Math.log(1 - rng.next()) / Math.exp(lin(i));
    const c = 2 * rng.next();
    time[i] = Math.min(t, c);
    event[i] = t <= c ? 1 : 0;
  }
  return { X, p, yb, yq, time, event };
}

describe('ridge models solve their penalized equations', () => {
  const n = 300;
  const d = makeData(n, 3);
  const lam = 0.05;
  it("linear: X_c'(y_c - X_c b) = n lambda b", () => {
    const m = fitRidge('quantitative', d.X, n, d.p, { y: d.yq }, lam);
    const r = Float64Array.from({ length: n }, (_, i) => {
      let f = m.intercept;
      for (let a = 0; a < d.p; a++) f += d.X[i * d.p + a] * m.beta[a];
      return d.yq[i] - f;
    });
    let sr = 0;
    for (let i = 0; i < n; i++) sr += r[i];
    expect(Math.abs(sr)).toBeLessThan(1e-8); // intercept unpenalized
    for (let a = 0; a < d.p; a++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += d.X[i * d.p + a] * r[i];
      expect(Math.abs(g - n * lam * m.beta[a])).toBeLessThan(1e-6);
    }
  });
  it("logistic: X'(y - mu) = n lambda b", () => {
    const m = fitRidge('binary', d.X, n, d.p, { y: d.yb }, lam);
    const r = Float64Array.from({ length: n }, (_, i) => {
      let f = m.intercept;
      for (let a = 0; a < d.p; a++) f += d.X[i * d.p + a] * m.beta[a];
      return d.yb[i] - 1 / (1 + Math.exp(-f));
    });
    expect(Math.abs(r.reduce((s, v) => s + v, 0))).toBeLessThan(1e-6);
    for (let a = 0; a < d.p; a++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += d.X[i * d.p + a] * r[i];
      expect(Math.abs(g - n * lam * m.beta[a])).toBeLessThan(1e-6);
    }
  });
  it('cox: score of the Breslow partial likelihood = n lambda b', () => {
    const m = fitRidge('survival', d.X, n, d.p, { time: d.time, event: d.event }, lam);
    const eta = Float64Array.from({ length: n }, (_, i) => {
      let f = 0;
      for (let a = 0; a < d.p; a++) f += d.X[i * d.p + a] * m.beta[a];
      return f;
    });
    // brute-force score: sum over events of x_i - sum_{t_j >= t_i} x_j e^eta_j / sum e^eta_j
    const g = new Float64Array(d.p);
    for (let i = 0; i < n; i++) {
      if (d.event[i] !== 1) continue;
      let s0 = 0;
      const s1 = new Float64Array(d.p);
      for (let j = 0; j < n; j++) {
        if (d.time[j] < d.time[i]) continue;
        const w = Math.exp(eta[j]);
        s0 += w;
        for (let a = 0; a < d.p; a++) s1[a] += w * d.X[j * d.p + a];
      }
      for (let a = 0; a < d.p; a++) g[a] += d.X[i * d.p + a] - s1[a] / s0;
    }
    for (let a = 0; a < d.p; a++) expect(Math.abs(g[a] - n * lam * m.beta[a])).toBeLessThan(1e-6);
  });
});

describe('compareFeatureSets', () => {
  const n = 600;
  const d = makeData(n, 9);
  const rng = createRng(77);
  const noise = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const sets = [
    { name: 'informative', values: d.X, p: d.p },
    { name: 'noise', values: noise, p: 3 },
  ];
  const outcomes: Outcome[] = [
    { kind: 'binary', name: 'disease', y: d.yb },
    { kind: 'quantitative', name: 'later', y: d.yq },
    { kind: 'survival', name: 'tte', time: d.time, event: d.event },
  ];
  it('ranks informative features above noise for every outcome kind, reproducibly', () => {
    for (const o of outcomes) {
      const c = compareFeatureSets(sets, o, { folds: 5, seed: 3 });
      const [inf, noi] = c.results;
      expect(c.n).toBe(n);
      expect(inf.foldValues.length).toBe(5);
      if (o.kind === 'quantitative') {
        // true R^2 = var(lin) / (var(lin) + 1) = 1.26 / 2.26 = 0.56
        expect(inf.value).toBeGreaterThan(0.45);
        expect(inf.value).toBeLessThan(0.65);
        expect(noi.value).toBeLessThan(0.02);
      } else {
        expect(inf.value).toBeGreaterThan(0.7);
        expect(Math.abs(noi.value - 0.5)).toBeLessThan(0.06);
      }
      const again = compareFeatureSets(sets, o, { folds: 5, seed: 3 });
      expect(again.results[0].value).toBe(inf.value);
    }
  });
  it('drops rows with a missing outcome and counts them; imputes missing features', () => {
    const y = Float64Array.from(d.yb);
    for (let i = 0; i < 40; i++) y[i * 3] = NaN;
    const X = Float64Array.from(d.X);
    X[5] = NaN;
    const c = compareFeatureSets([{ name: 'x', values: X, p: d.p }], { kind: 'binary', name: 'd', y }, { folds: 4, seed: 1 });
    expect(c.n).toBe(n - 40);
    expect(c.excluded).toBe(40);
    expect(c.results[0].value).toBeGreaterThan(0.7);
  });
});

describe('predictionVerdict', () => {
  const mk = (h: number[], p: number[], hv: number, pv: number) => ({
    outcome: 'o',
    kind: 'binary' as const,
    n: 100,
    excluded: 0,
    results: [
      { set: 'HSV', metric: 'AUC' as const, value: hv, foldValues: Float64Array.from(h), lambdas: new Float64Array(h.length), n: 100, p: 3 },
      { set: 'PC', metric: 'AUC' as const, value: pv, foldValues: Float64Array.from(p), lambdas: new Float64Array(p.length), n: 100, p: 3 },
    ],
  });
  it('says at least as well, within noise, or NOT as well', () => {
    const a = predictionVerdict(mk([0.7, 0.72, 0.71], [0.69, 0.7, 0.7], 0.71, 0.70));
    expect(a.verdict).toBe('at-least-as-well');
    expect(a.sentence).toBe(
      'o: the HSVs predict at least as well as the same number of PCs (cross-validated AUC 0.710 from 3 HSVs vs 0.700 from 3 PCs, difference +0.0100 (paired fold SE 0.0033), n = 100, 3 folds).',
    );
    // fold differences -0.03, +0.01, 0.00: mean -0.0067, SD 0.0208, SE 0.0120; pooled difference -0.005 < 2 SE
    const b = predictionVerdict(mk([0.68, 0.71, 0.7], [0.71, 0.7, 0.7], 0.695, 0.7));
    expect(b.verdict).toBe('within-noise');
    expect(b.se).toBeCloseTo(0.0120185, 6);
    const c = predictionVerdict(mk([0.6, 0.61, 0.6], [0.7, 0.7, 0.71], 0.603, 0.703));
    expect(c.verdict).toBe('worse');
    expect(c.sentence).toMatch(/^o: the HSVs do NOT predict as well as the same number of PCs/);
  });
});

describe('inner lambda search on wide feature sets', () => {
  it('keeps max(2000, work / p^2) training rows, seeded, in order', () => {
    const train = Array.from({ length: 5000 }, (_, i) => 2 * i);
    expect(innerSubset(train, 5, 2e8, 1)).toBe(train); // 8e6 rows allowed
    const a = innerSubset(train, 500, 2e8, 1); // 800 -> 2000
    expect(a.length).toBe(2000);
    expect(a.every((v, i) => i === 0 || v > a[i - 1])).toBe(true);
    expect(a.every((v) => v % 2 === 0 && v < 10000)).toBe(true);
    expect(innerSubset(train, 500, 2e8, 1)).toEqual(a);
    expect(innerSubset(train, 100, 2e8, 1).length).toBe(5000); // 20000 >= 5000
    expect(innerSubset(train, 200, 2e8, 1).length).toBe(5000);
    expect(innerSubset(train, 250, 2e8, 1).length).toBe(3200);
  });
  it('still predicts when the inner search runs on a subset', () => {
    const n = 3000;
    const d = makeData(n, 13);
    const o: Outcome = { kind: 'binary', name: 'd', y: d.yb };
    const sub = compareFeatureSets([{ name: 'x', values: d.X, p: d.p }], o, { folds: 5, seed: 2, innerWork: 1 });
    const full = compareFeatureSets([{ name: 'x', values: d.X, p: d.p }], o, { folds: 5, seed: 2 });
    expect(sub.results[0].value).toBeGreaterThan(0.7);
    expect(Math.abs(sub.results[0].value - full.results[0].value)).toBeLessThan(0.01);
  });
});
