/**
 * SCAD, MCP, lasso and elastic net: on an orthonormal design (X^T X / n = I) the fitted path equals the
 * closed-form thresholds of z = X^T y / n at every lambda (tolerance 1e-10); on correlated designs the KKT
 * conditions hold at every solution of the path (tolerance 1e-6 on the standardized gradient scale).
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { coordinateDescentPath } from '../../src/lib/select/coordinateDescentPath';
import { kktViolation } from '../../src/lib/select/kktViolation';
import { penaltySpec, threshold, type PenaltyKind } from '../../src/lib/select/penalty';
import { standardizeColumns } from '../../src/lib/select/standardizeColumns';

const KINDS: PenaltyKind[] = ['lasso', 'enet', 'scad', 'mcp'];

function orthonormalDesign(n: number, p: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    for (let i = 0; i < n; i++) x[o + i] = rng.normal();
    // Orthogonal to the intercept and to the previous columns (modified Gram-Schmidt, twice for accuracy).
    for (let pass = 0; pass < 2; pass++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[o + i] / n;
      for (let i = 0; i < n; i++) x[o + i] -= m;
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += x[o + i] * x[k * n + i];
        d /= n;
        for (let i = 0; i < n; i++) x[o + i] -= d * x[k * n + i];
      }
    }
    let ss = 0;
    for (let i = 0; i < n; i++) ss += x[o + i] ** 2;
    const s = Math.sqrt(ss / n);
    for (let i = 0; i < n; i++) x[o + i] /= s;
  }
  return x;
}

describe('closed-form thresholds on an orthonormal design', () => {
  it('threshold functions: SCAD (a = 3.7) and MCP (gamma = 3) pieces', () => {
    const scad = penaltySpec('scad');
    const mcp = penaltySpec('mcp');
    expect(scad.concavity).toBe(3.7);
    expect(mcp.concavity).toBe(3);
    const l = 1;
    // SCAD: soft threshold up to 2 lambda, linear interpolation to a lambda, identity beyond.
    expect(threshold(0.9, l, scad)).toBe(0);
    expect(threshold(1.5, l, scad)).toBeCloseTo(0.5, 14);
    expect(threshold(3, l, scad)).toBeCloseTo(((3.7 - 1) * 3 - 3.7) / (3.7 - 2), 12);
    expect(threshold(-3, l, scad)).toBeCloseTo(-((3.7 - 1) * 3 - 3.7) / (3.7 - 2), 12);
    expect(threshold(4, l, scad)).toBe(4);
    // MCP: firm threshold: gamma/(gamma-1) * soft(z, lambda) up to gamma lambda, identity beyond.
    expect(threshold(0.5, l, mcp)).toBe(0);
    expect(threshold(2, l, mcp)).toBeCloseTo((3 / 2) * 1, 14);
    expect(threshold(3.5, l, mcp)).toBe(3.5);
    // Continuity at the knots.
    expect(threshold(2, l, scad)).toBeCloseTo(threshold(2 + 1e-12, l, scad), 9);
    expect(threshold(3.7, l, scad)).toBeCloseTo(3.7, 9);
    expect(threshold(3, l, mcp)).toBeCloseTo(3, 12);
  });

  for (const kind of KINDS) {
    it(`${kind}: path equals the thresholds of X^T y / n`, () => {
      const n = 200;
      const p = 12;
      const x = orthonormalDesign(n, p, 3);
      const rng = createRng(9);
      const y = new Float64Array(n);
      const truth = [3, -2.5, 1.6, 1.1, -0.7, 0.4, 0, 0, 0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        let s = rng.normal() * 0.8;
        for (let j = 0; j < p; j++) s += truth[j] * x[j * n + i];
        y[i] = s;
      }
      let m = 0;
      for (let i = 0; i < n; i++) m += y[i] / n;
      for (let i = 0; i < n; i++) y[i] -= m;
      const pen = penaltySpec(kind);
      const path = coordinateDescentPath(x, y, n, p, { penalty: pen, nLambda: 60, minRatio: 0.01, tol: 1e-20 });
      expect(path.nFit).toBe(60);
      const z = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        for (let i = 0; i < n; i++) z[j] += x[j * n + i] * y[i];
        z[j] /= n;
      }
      let worst = 0;
      let sawMiddle = false;
      for (let l = 0; l < path.nFit; l++) {
        for (let j = 0; j < p; j++) {
          const want = threshold(z[j], path.lambdas[l], pen);
          worst = Math.max(worst, Math.abs(path.betas[l * p + j] - want));
          if (kind === 'scad' && Math.abs(z[j]) > 2 * path.lambdas[l] && Math.abs(z[j]) < 3.7 * path.lambdas[l]) sawMiddle = true;
          if (kind === 'mcp' && Math.abs(z[j]) > path.lambdas[l] && Math.abs(z[j]) < 3 * path.lambdas[l]) sawMiddle = true;
        }
      }
      expect(worst).toBeLessThan(1e-10);
      if (kind === 'scad' || kind === 'mcp') expect(sawMiddle).toBe(true);
    });
  }
});

describe('KKT conditions at every solution of the path (correlated design)', () => {
  for (const kind of KINDS) {
    it(`${kind}`, () => {
      const n = 250;
      const p = 60;
      const rng = createRng(21);
      const raw = new Float64Array(n * p);
      const f = new Float64Array(n);
      for (let i = 0; i < n; i++) f[i] = rng.normal();
      for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) raw[j * n + i] = 0.7 * f[i] + rng.normal() + (j % 5);
      const std = standardizeColumns(raw, n, p);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = 2 * std.x[i] - 1.5 * std.x[5 * n + i] + std.x[9 * n + i] + 0.5 * std.x[30 * n + i] + rng.normal();
      let m = 0;
      for (let i = 0; i < n; i++) m += y[i] / n;
      for (let i = 0; i < n; i++) y[i] -= m;
      const pen = penaltySpec(kind);
      const path = coordinateDescentPath(std.x, y, n, p, { penalty: pen, nLambda: 50, minRatio: 0.02, tol: 1e-18 });
      expect(path.nFit).toBe(50);
      for (let l = 0; l < path.nFit; l++) {
        const v = kktViolation(std.x, y, n, p, path.betas.subarray(l * p, (l + 1) * p), path.lambdas[l], pen);
        expect(v, `lambda index ${l}`).toBeLessThan(1e-6);
      }
      // The path selects the planted columns along the way.
      const last = path.betas.subarray((path.nFit - 1) * p);
      for (const j of [0, 5, 9, 30]) expect(last[j]).not.toBe(0);
    });
  }
});

describe('EBIC model counts', () => {
  it('logChoose, auto gamma and the heredity count', async () => {
    const { logChoose, ebicGammaAuto, ebic } = await import('../../src/lib/select/ebic');
    const { heredityModelCount } = await import('../../src/lib/select/heredityModelCount');
    expect(logChoose(10, 3)).toBeCloseTo(Math.log(120), 12);
    expect(logChoose(538728, 0)).toBe(0);
    // kappa = log p / log n; gamma = 1 - 1/(2 kappa): n = 4,000, p = 538,728 -> 0.686.
    expect(ebicGammaAuto(538728, 4000)).toBeCloseTo(1 - Math.log(4000) / (2 * Math.log(538728)), 12);
    expect(ebicGammaAuto(538728, 4000)).toBeCloseTo(0.686, 3);
    expect(ebic(50, 100, 2, 1000, 1)).toBeCloseTo(100 * Math.log(0.5) + 2 * Math.log(100) + 2 * logChoose(1000, 2), 10);
    const feats = [
      { type: 'SNP' as const, variant: 5, aux: -1, score: 0 },
      { type: 'GxG' as const, variant: 9, aux: 5, score: 0 },
      { type: 'GxE' as const, variant: 7, aux: 0, score: 0 },
    ];
    const count = heredityModelCount(feats, 1e6, 1000);
    // The SNPxSNP term next to its selected parent rs6 counts against 1,000 partners, the rest against p.
    expect(count([0, 1])).toBeCloseTo(Math.log(1e6) + Math.log(1000) - Math.log(2), 12);
    expect(count([1])).toBeCloseTo(Math.log(1e6), 12);
    expect(count([0, 2])).toBeCloseTo(2 * Math.log(1e6) - Math.log(2), 12);
  });
});
