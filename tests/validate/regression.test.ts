/**
 * Logistic (IRLS), linear (OLS) and Cox (Breslow) fits against R's glm, lm and survival::coxph on seeded
 * generated data. Tolerance: coefficients and SE within 1e-4 relative (issue 9); P and CI within 1e-4
 * relative as well. Needs Rscript and r-cran-survival.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { fitLogistic } from '../../src/lib/validate/logisticRegression';
import { fitLinear } from '../../src/lib/validate/linearRegression';
import { fitCox } from '../../src/lib/validate/coxRegression';
import { tQuantile } from '../../src/lib/validate/tQuantile';
import { requireR, runR, numbers, toCsv } from './rHelper';

const REL = 1e-4;
function expectRel(ours: ArrayLike<number>, ref: number[], tol = REL): void {
  expect(ours.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1e-300);
    if (!(d < tol)) throw new Error(`entry ${i}: ours ${ours[i]} vs R ${ref[i]} (relative difference ${d})`);
  }
}

function makeData(n: number, seed: number) {
  const rng = createRng(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const x3 = new Float64Array(n);
  const yb = new Float64Array(n);
  const yq = new Float64Array(n);
  const time = new Float64Array(n);
  const event = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal();
    x2[i] = rng.next() < 0.4 ? 1 : 0;
    x3[i] = 2 + 3 * rng.normal();
    const eta = -0.7 + 0.8 * x1[i] - 0.5 * x2[i] + 0.1 * x3[i];
    yb[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    yq[i] = 1 + 0.3 * x1[i] + 0.2 * x2[i] - 0.05 * x3[i] + rng.normal();
    const hazard = Math.exp(0.6 * x1[i] + 0.4 * x2[i] - 0.08 * x3[i]);
    const t = -Math.log(1 - rng.next()) / hazard;
    const c = 3 * rng.next();
    // rounding to 0.05 makes many tied times, so Breslow's rule matters
    time[i] = Math.max(0.05, Math.round(Math.min(t, c) / 0.05) * 0.05);
    event[i] = t <= c ? 1 : 0;
  }
  return { x1, x2, x3, yb, yq, time, event };
}

function design(d: ReturnType<typeof makeData>, n: number, intercept: boolean): Float64Array {
  const q = intercept ? 4 : 3;
  const X = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    let c = 0;
    if (intercept) X[i * q + c++] = 1;
    X[i * q + c++] = d.x1[i];
    X[i * q + c++] = d.x2[i];
    X[i * q + c++] = d.x3[i];
  }
  return X;
}

describe('regressions match R', () => {
  beforeAll(() => requireR('survival'));
  for (const [n, seed] of [
    [400, 1],
    [1500, 2],
  ] as const) {
    it(`glm binomial, lm and coxph (breslow), n=${n}`, () => {
      const d = makeData(n, seed);
      const script = `
d <- read.csv("d.csv")
w <- function(v, f) writeLines(format(v, digits = 17), f)
g <- summary(glm(yb ~ x1 + x2 + x3, family = binomial, data = d, control = glm.control(epsilon = 1e-12, maxit = 100)))$coefficients
w(g[, 1], "g.b"); w(g[, 2], "g.se"); w(g[, 4], "g.p")
l <- lm(yq ~ x1 + x2 + x3, data = d); s <- summary(l)$coefficients
w(s[, 1], "l.b"); w(s[, 2], "l.se"); w(s[, 4], "l.p"); ci <- confint(l); w(ci[, 1], "l.lo"); w(ci[, 2], "l.hi")
suppressMessages(library(survival))
f <- coxph(Surv(time, event) ~ x1 + x2 + x3, data = d, ties = "breslow", control = coxph.control(eps = 1e-12, iter.max = 100))
cs <- summary(f)$coefficients
w(cs[, 1], "c.b"); w(cs[, 3], "c.se"); w(cs[, 5], "c.p"); w(f$loglik, "c.ll")
`;
      const r = runR({ 'd.csv': toCsv(d) }, script, ['g.b', 'g.se', 'g.p', 'l.b', 'l.se', 'l.p', 'l.lo', 'l.hi', 'c.b', 'c.se', 'c.p', 'c.ll']);
      const lg = fitLogistic(design(d, n, true), d.yb, n, 4);
      expect(lg.converged).toBe(true);
      expectRel(lg.beta, numbers(r['g.b']));
      expectRel(lg.se, numbers(r['g.se']));
      expectRel(lg.p, numbers(r['g.p']));
      const ln = fitLinear(design(d, n, true), d.yq, n, 4);
      expectRel(ln.beta, numbers(r['l.b']));
      expectRel(ln.se, numbers(r['l.se']));
      expectRel(ln.p, numbers(r['l.p']));
      expectRel(ln.lower, numbers(r['l.lo']));
      expectRel(ln.upper, numbers(r['l.hi']));
      const cx = fitCox(design(d, n, false), d.time, d.event, n, 3);
      expect(cx.converged).toBe(true);
      expectRel(cx.beta, numbers(r['c.b']));
      expectRel(cx.se, numbers(r['c.se']));
      expectRel(cx.p, numbers(r['c.p']));
      expectRel([cx.loglik0, cx.loglik], numbers(r['c.ll']), 1e-8);
    });
  }

  it('tQuantile matches R qt', () => {
    const r = runR({}, 'writeLines(format(c(qt(0.975, 1), qt(0.975, 5), qt(0.975, 396), qt(0.995, 30), qt(0.9, 1e6)), digits = 17), "q")', ['q']);
    expectRel([tQuantile(0.975, 1), tQuantile(0.975, 5), tQuantile(0.975, 396), tQuantile(0.995, 30), tQuantile(0.9, 1e6)], numbers(r.q), 1e-9);
  });
});

describe('regression edge cases', () => {
  it('logistic rejects a non-0/1 outcome', () => {
    expect(() => fitLogistic(new Float64Array([1, 1]), new Float64Array([0, 2]), 2, 1)).toThrow(
      'fitLogistic: outcome must be 0/1, found 2 at row 2',
    );
  });
  it('logistic flags complete separation (not converged)', () => {
    const n = 40;
    const X = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i * 2] = 1;
      X[i * 2 + 1] = i - 19.5;
      y[i] = i >= 20 ? 1 : 0;
    }
    const f = fitLogistic(X, y, n, 2);
    expect(f.separated).toBe(true);
    expect(f.converged).toBe(false);
    const ok = fitLogistic(X, Float64Array.from(y, (v, i) => (i === 3 || i === 30 ? 1 - v : v)), n, 2);
    expect(ok.separated).toBe(false);
    expect(ok.converged).toBe(true);
  });
  it('ridge penalty shrinks logistic and Cox coefficients toward 0', () => {
    const n = 300;
    const d = makeData(n, 7);
    const X = design(d, n, true);
    const free = fitLogistic(X, d.yb, n, 4);
    const ridge = fitLogistic(X, d.yb, n, 4, { penalty: new Float64Array([0, 1e3, 1e3, 1e3]) });
    for (let a = 1; a < 4; a++) expect(Math.abs(ridge.beta[a])).toBeLessThan(Math.abs(free.beta[a]));
    const Xc = design(d, n, false);
    const cf = fitCox(Xc, d.time, d.event, n, 3);
    const cr = fitCox(Xc, d.time, d.event, n, 3, { penalty: new Float64Array([1e3, 1e3, 1e3]) });
    for (let a = 0; a < 3; a++) expect(Math.abs(cr.beta[a])).toBeLessThan(Math.abs(cf.beta[a]));
  });
});
