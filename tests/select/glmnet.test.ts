/**
 * Oracle: our lasso / elastic-net path against R glmnet (standardize = TRUE, intercept, gaussian) on data
 * generated here, at glmnet's own lambda values. Tolerance: 1e-4 absolute on every coefficient of every fit
 * (glmnet run with thresh = 1e-14 so its own convergence error is far below that).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRng } from '../../src/lib/math/rng';
import { fitPenalizedPath } from '../../src/lib/select/fitPenalizedPath';
import { penaltySpec } from '../../src/lib/select/penalty';
import { requireRscriptWith } from './requireTool';

function makeData(n: number, p: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float64Array(n * p); // column-major
  const rows: string[] = [];
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.normal();
  for (let j = 0; j < p; j++) {
    const scale = 0.5 + 3 * rng.next();
    const shift = 10 * rng.next() - 5;
    for (let i = 0; i < n; i++) x[j * n + i] = shift + scale * (0.5 * z[i] + rng.normal());
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 2 + 1.5 * x[0 * n + i] - 0.8 * x[3 * n + i] + 0.3 * x[7 * n + i] + 0.2 * x[11 * n + i] + 2 * rng.normal();
    const cells = [y[i].toPrecision(17)];
    for (let j = 0; j < p; j++) cells.push(x[j * n + i].toPrecision(17));
    rows.push(cells.join(','));
  }
  return { x, y, csv: rows.join('\n') + '\n' };
}

function runGlmnet(dir: string, csv: string, alpha: number): { lambda: number[]; coef: number[][] } {
  writeFileSync(join(dir, 'd.csv'), csv);
  const script = `suppressMessages(library(glmnet))
d <- as.matrix(read.csv("${join(dir, 'd.csv')}", header = FALSE))
y <- d[, 1]; x <- d[, -1]
f <- glmnet(x, y, family = "gaussian", alpha = ${alpha}, standardize = TRUE, thresh = 1e-14, maxit = 1e7)
b <- as.matrix(coef(f))
write.table(f$lambda, "${join(dir, 'lambda.txt')}", row.names = FALSE, col.names = FALSE)
write.table(t(b), "${join(dir, 'coef.txt')}", row.names = FALSE, col.names = FALSE)
`;
  writeFileSync(join(dir, 'run.R'), script);
  const r = spawnSync('Rscript', [join(dir, 'run.R')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Rscript failed: ${r.stderr}`);
  const lambda = readFileSync(join(dir, 'lambda.txt'), 'utf8').trim().split('\n').map(Number);
  const coef = readFileSync(join(dir, 'coef.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  return { lambda, coef };
}

describe('lasso and elastic-net path vs R glmnet', () => {
  for (const alpha of [1, 0.5]) {
    it(`alpha = ${alpha}: coefficients within 1e-4 at every glmnet lambda`, () => {
      requireRscriptWith('glmnet');
      const dir = mkdtempSync(join(tmpdir(), 'ls-glmnet-'));
      try {
        const n = 300;
        const p = 40;
        const { x, y, csv } = makeData(n, p, 11 + alpha * 10);
        const ref = runGlmnet(dir, csv, alpha);
        expect(ref.lambda.length).toBeGreaterThan(20);
        // glmnet scales y to unit (1/n) variance inside the gaussian family; on y's scale that divides the
        // ridge part of the elastic net by sd(y) (documented in docs/selection.md).
        let ym = 0;
        for (let i = 0; i < n; i++) ym += y[i] / n;
        let vy = 0;
        for (let i = 0; i < n; i++) vy += (y[i] - ym) ** 2 / n;
        const penalty = alpha === 1 ? penaltySpec('lasso') : { ...penaltySpec('enet', { alpha }), ridgeFactor: 1 / Math.sqrt(vy) };
        const fit = fitPenalizedPath(x, y, n, p, {
          penalty,
          lambdas: ref.lambda,
          tol: 1e-16,
        });
        expect(fit.path.nFit).toBe(ref.lambda.length);
        let worst = 0;
        for (let l = 0; l < ref.lambda.length; l++) {
          worst = Math.max(worst, Math.abs(fit.intercept[l] - ref.coef[l][0]));
          for (let j = 0; j < p; j++) worst = Math.max(worst, Math.abs(fit.coef[l * p + j] - ref.coef[l][j + 1]));
        }
        expect(worst).toBeLessThan(1e-4);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
