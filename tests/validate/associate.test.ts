/**
 * associateOutcomes against R: per-SD effects on complete cases with covariates and missing values.
 * R: d <- na.omit(...); glm(y ~ scale(h) + age + sex, binomial), lm(...), coxph(..., ties = "breslow").
 * Tolerance 1e-4 relative on beta and SE, 1e-4 relative on the reported OR/HR/beta and CI bounds.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { associateOutcomes } from '../../src/lib/validate/associateOutcomes';
import type { Outcome } from '../../src/lib/validate/Outcome';
import { requireR, runR, numbers, toCsv } from './rHelper';

const REL = 1e-4;
function close(ours: number, ref: number, what: string): void {
  const d = Math.abs(ours - ref) / Math.max(Math.abs(ref), 1e-300);
  if (!(d < REL)) throw new Error(`${what}: ours ${ours} vs R ${ref} (relative difference ${d})`);
}

describe('associateOutcomes matches R', () => {
  beforeAll(() => requireR('survival'));
  it('logistic, linear and Cox per SD of the HSV, complete cases, covariates', () => {
    const n = 800;
    const rng = createRng(21);
    const h = new Float64Array(n);
    const age = new Float64Array(n);
    const sex = new Float64Array(n);
    const yb = new Float64Array(n);
    const yq = new Float64Array(n);
    const time = new Float64Array(n);
    const event = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      h[i] = 3 + 2 * rng.normal();
      age[i] = 50 + 10 * rng.normal();
      sex[i] = rng.next() < 0.5 ? 1 : 0;
      const lin = 0.25 * (h[i] - 3) + 0.02 * (age[i] - 50) + 0.3 * sex[i];
      yb[i] = rng.next() < 1 / (1 + Math.exp(-lin)) ? 1 : 0;
      yq[i] = lin + rng.normal();
      const t = -Math.log(1 - rng.next()) / Math.exp(lin);
      const c = 1.5 * rng.next();
      time[i] = Math.round(Math.min(t, c) * 50) / 50 + 0.02;
      event[i] = t <= c ? 1 : 0;
    }
    // missing values in HSV, covariate and outcomes
    for (let i = 0; i < n; i += 37) h[i] = NaN;
    for (let i = 5; i < n; i += 41) age[i] = NaN;
    for (let i = 7; i < n; i += 29) yb[i] = NaN;
    for (let i = 9; i < n; i += 31) time[i] = NaN;
    const outcomes: Outcome[] = [
      { kind: 'binary', name: 'yb', y: yb },
      { kind: 'quantitative', name: 'yq', y: yq },
      { kind: 'survival', name: 'tte', time, event },
    ];
    const rows = associateOutcomes(
      { names: ['HSV1'], values: h },
      outcomes,
      { names: ['age', 'sex'], values: Float64Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? age[j >> 1] : sex[j >> 1])) },
    );
    const script = `
d <- read.csv("d.csv")
suppressMessages(library(survival))
w <- function(v, f) writeLines(format(v, digits = 17), f)
a <- na.omit(d[, c("h", "age", "sex", "yb")]); a$hs <- as.numeric(scale(a$h))
g <- glm(yb ~ hs + age + sex, binomial, a, control = glm.control(epsilon = 1e-12)); cg <- summary(g)$coefficients["hs", ]
w(c(cg[1], cg[2], cg[4], exp(confint.default(g)["hs", ]), nrow(a)), "g")
b <- na.omit(d[, c("h", "age", "sex", "yq")]); b$hs <- as.numeric(scale(b$h))
l <- lm(yq ~ hs + age + sex, b); cl <- summary(l)$coefficients["hs", ]
w(c(cl[1], cl[2], cl[4], confint(l)["hs", ], nrow(b)), "l")
e <- na.omit(d[, c("h", "age", "sex", "time", "event")]); e$hs <- as.numeric(scale(e$h))
f <- coxph(Surv(time, event) ~ hs + age + sex, e, ties = "breslow", control = coxph.control(eps = 1e-12)); cf <- summary(f)$coefficients["hs", ]
w(c(cf[1], cf[3], cf[5], exp(confint(f)["hs", ]), nrow(e)), "c")
`;
    const r = runR({ 'd.csv': toCsv({ h, age, sex, yb, yq, time, event }).replace(/NaN/g, 'NA') }, script, ['g', 'l', 'c']);
    const check = (row: (typeof rows)[number], ref: number[], exp: boolean) => {
      close(row.beta, ref[0], `${row.outcome} beta`);
      close(row.se, ref[1], `${row.outcome} se`);
      close(row.p, ref[2], `${row.outcome} p`);
      close(row.lower, ref[3], `${row.outcome} lower`);
      close(row.upper, ref[4], `${row.outcome} upper`);
      close(row.estimate, exp ? Math.exp(ref[0]) : ref[0], `${row.outcome} estimate`);
      expect(row.n).toBe(ref[5]);
      expect(row.excluded).toBe(n - ref[5]);
      expect(row.converged).toBe(true);
    };
    expect(rows.map((x) => x.model)).toEqual(['logistic', 'linear', 'cox']);
    check(rows[0], numbers(r.g), true);
    check(rows[1], numbers(r.l), false);
    check(rows[2], numbers(r.c), true);
  });
});
