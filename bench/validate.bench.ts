/**
 * Outcome-validation fits: our logistic (IRLS), Cox (Breslow) and OLS against R's glm, coxph(ties =
 * "breslow") and lm on the same generated data. R's time is measured inside R around the fit only (no start-up,
 * no CSV reading); ours is the fit only too. Plus the cross-validated comparison (no reference tool).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchRow } from './types';
import { createRng } from '../src/lib/math/rng';
import { fitLogistic } from '../src/lib/validate/logisticRegression';
import { fitCox } from '../src/lib/validate/coxRegression';
import { fitLinear } from '../src/lib/validate/linearRegression';
import { compareFeatureSets } from '../src/lib/validate/cvPredict';

function time<T>(f: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 20_000 : 200_000;
  const q = 8;
  const rng = createRng(11);
  const X = new Float64Array(n * (q + 1));
  const Xc = new Float64Array(n * q);
  const yb = new Float64Array(n);
  const yq = new Float64Array(n);
  const time_ = new Float64Array(n);
  const event = new Float64Array(n);
  const cols: string[] = [];
  for (let i = 0; i < n; i++) {
    X[i * (q + 1)] = 1;
    let lin = 0;
    for (let a = 0; a < q; a++) {
      const v = rng.normal();
      X[i * (q + 1) + 1 + a] = v;
      Xc[i * q + a] = v;
      lin += (a % 3 === 0 ? 0.3 : -0.1) * v;
    }
    yb[i] = rng.next() < 1 / (1 + Math.exp(-lin)) ? 1 : 0;
    yq[i] = lin + rng.normal();
    const t = -Math.log(1 - rng.next()) / Math.exp(lin);
    const c = 2 * rng.next();
    time_[i] = Math.round(Math.min(t, c) * 100) / 100 + 0.01;
    event[i] = t <= c ? 1 : 0;
    cols.push([...Array.from(Xc.subarray(i * q, i * q + q), (v) => v.toPrecision(10)), yb[i], yq[i].toPrecision(10), time_[i], event[i]].join(','));
  }
  const names = [...Array.from({ length: q }, (_, a) => `x${a + 1}`), 'yb', 'yq', 'time', 'event'];
  writeFileSync(join(opts.workDir, 'd.csv'), names.join(',') + '\n' + cols.join('\n') + '\n');
  const form = names.slice(0, q).join(' + ');
  const script = `
suppressMessages(library(survival))
d <- read.csv("d.csv")
tm <- function(e) { t0 <- proc.time()[["elapsed"]]; force(e); proc.time()[["elapsed"]] - t0 }
a <- tm(glm(yb ~ ${form}, binomial, d))
b <- tm(coxph(Surv(time, event) ~ ${form}, d, ties = "breslow"))
c <- tm(lm(yq ~ ${form}, d))
writeLines(format(c(a, b, c), digits = 6), "t")
`;
  writeFileSync(join(opts.workDir, 'run.R'), script);
  execFileSync('Rscript', ['run.R'], { cwd: opts.workDir, stdio: 'pipe' });
  const [rGlm, rCox, rLm] = readFileSync(join(opts.workDir, 't'), 'utf8').trim().split(/\s+/).map(Number);
  const size = `n=${n} covariates=${q}`;
  const lg = time(() => fitLogistic(X, yb, n, q + 1));
  const cx = time(() => fitCox(Xc, time_, event, n, q));
  const ln = time(() => fitLinear(X, yq, n, q + 1));
  const rows: BenchRow[] = [
    { area: 'validate', name: 'logistic regression (IRLS)', size, ours: { seconds: lg.seconds }, reference: { tool: 'R glm', seconds: rGlm } },
    { area: 'validate', name: 'Cox PH (Breslow)', size, ours: { seconds: cx.seconds }, reference: { tool: 'R coxph', seconds: rCox } },
    { area: 'validate', name: 'linear regression', size, ours: { seconds: ln.seconds }, reference: { tool: 'R lm', seconds: rLm } },
  ];
  // cross-validated comparison, 5 folds x 7 lambdas x 3 inner folds, binary outcome
  const m = opts.quick ? 2000 : 4000;
  const p = opts.quick ? 50 : 200;
  const F = Float64Array.from({ length: m * p }, () => rng.normal());
  const y = Float64Array.from({ length: m }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-F[i * p])) ? 1 : 0));
  const cv = time(() => compareFeatureSets([{ name: 'all', values: F, p }], { kind: 'binary', name: 'y', y }, { folds: 5, seed: 1 }));
  rows.push({
    area: 'validate',
    name: 'CV ridge logistic (5 folds, inner 3-fold lambda)',
    size: `n=${m} features=${p}`,
    ours: { seconds: cv.seconds },
    note: `AUC ${cv.value.results[0].value.toFixed(3)}`,
  });
  return rows;
}
