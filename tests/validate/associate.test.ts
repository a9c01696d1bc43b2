/**
 * associateOutcomes against R: per-SD effects on complete cases with covariates and missing values.
 * R: d <- na.omit(...); glm(y ~ scale(h) + age + sex, binomial), lm(...), coxph(..., ties = "breslow").
 * Tolerance 1e-4 relative on beta and SE, 1e-4 relative on the reported OR/HR/beta and CI bounds.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { associateOutcomes } from '../../src/lib/validate/associateOutcomes';
import { associateChange } from '../../src/lib/validate/associateChange';
import { hsvChange } from '../../src/lib/validate/hsvChange';
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

describe('associateChange matches R with the baseline HSV as a covariate', () => {
  beforeAll(() => requireR());
  it('lm(y ~ scale(change) + age + baseline) and glm binomial', () => {
    const n = 500;
    const rng = createRng(8);
    const ids = Array.from({ length: n }, (_, i) => `p${i}`);
    const b = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const f = Float64Array.from(b, (v) => 0.7 * v + 0.5 * rng.normal());
    const age = Float64Array.from({ length: n }, () => 50 + 8 * rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => 0.4 * (f[2 * i] - b[2 * i]) + 0.3 * b[2 * i] + 0.01 * age[i] + rng.normal());
    const yb = Float64Array.from({ length: n }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-(f[2 * i + 1] - b[2 * i + 1]))) ? 1 : 0));
    const ch = hsvChange({ ids, names: ['HSV1', 'HSV2'], values: b }, { ids, names: ['HSV1', 'HSV2'], values: f });
    const rows = associateChange(ch, [{ kind: 'quantitative', name: 'y', y }, { kind: 'binary', name: 'yb', y: yb }], { names: ['age'], values: age });
    expect(rows.map((r) => `${r.hsv}:${r.outcome}`)).toEqual(['dHSV1:y', 'dHSV2:y', 'dHSV1:yb', 'dHSV2:yb']);
    const d1 = Float64Array.from({ length: n }, (_, i) => f[2 * i] - b[2 * i]);
    const d2 = Float64Array.from({ length: n }, (_, i) => f[2 * i + 1] - b[2 * i + 1]);
    const b1 = Float64Array.from({ length: n }, (_, i) => b[2 * i]);
    const b2 = Float64Array.from({ length: n }, (_, i) => b[2 * i + 1]);
    const r = runR(
      { 'd.csv': toCsv({ d1, d2, b1, b2, age, y, yb }) },
      `d <- read.csv("d.csv"); w <- function(v, f) writeLines(format(v, digits = 17), f)
l1 <- summary(lm(y ~ scale(d1) + age + b1, d))$coefficients[2, ]; l2 <- summary(lm(y ~ scale(d2) + age + b2, d))$coefficients[2, ]
g2 <- summary(glm(yb ~ scale(d2) + age + b2, binomial, d, control = glm.control(epsilon = 1e-12)))$coefficients[2, ]
w(c(l1[1], l1[2], l2[1], l2[2], g2[1], g2[2]), "o")`,
      ['o'],
    );
    const ref = numbers(r.o);
    close(rows[0].beta, ref[0], 'dHSV1 y beta');
    close(rows[0].se, ref[1], 'dHSV1 y se');
    close(rows[1].beta, ref[2], 'dHSV2 y beta');
    close(rows[1].se, ref[3], 'dHSV2 y se');
    close(rows[3].beta, ref[4], 'dHSV2 yb beta');
    close(rows[3].se, ref[5], 'dHSV2 yb se');
  });
});
