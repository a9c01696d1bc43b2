/**
 * Omnibus test (MOSTest-style z' R^-1 z across responses): equals a direct computation from per-response
 * OLS fits (z = ADD t statistics, R = correlation of the responses' residuals, complete cases), equals
 * T_STAT^2 for one response, and is unchanged by an orthogonal rotation of the responses.
 * Tolerances: 1e-8 relative (all in double precision).
 */
import { describe, it, expect } from 'vitest';
import { runScan } from '../../src/lib/assoc/runScan';
import { invertSpd, solveLinear } from '../../src/lib/math/linalg';
import { createRng } from '../../src/lib/math/rng';
import { randomChunk } from './helpers';
import { memSource } from './memSource';

const n = 301;
const count = 24;
const { chunk, dosage } = randomChunk({ n, count, seed: 5, missingRate: 0.04, monomorphic: [6], allMissing: [9] });
const rng = createRng(8);
const age = Float64Array.from({ length: n }, () => 30 + 40 * rng.next());
const E = Float64Array.from({ length: n }, () => rng.normal());
function responses(missing: boolean): { name: string; values: Float64Array }[] {
  const r = createRng(21);
  const base = Array.from({ length: 3 }, () => Float64Array.from({ length: n }, () => r.normal()));
  return base.map((b, k) => ({
    name: `y${k}`,
    values: Float64Array.from({ length: n }, (_, i) => {
      if (missing && r.next() < 0.05) return NaN;
      const g = dosage[(2 + k) * n + i];
      return b[i] + 0.5 * base[0][i] * (k > 0 ? 1 : 0) + 0.01 * age[i] + (Number.isNaN(g) ? 0 : 0.3 * g);
    }),
  }));
}

/** Direct: OLS per response on complete cases with a call; chisq = t' R^-1 t, R = residual correlation. */
function direct(ys: Float64Array[], v: number, withE: boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = dosage[v * n + i];
    if (Number.isNaN(g) || ys.some((y) => Number.isNaN(y[i]))) continue;
    rows.push(i);
  }
  const P = withE ? 5 : 3;
  const Z = rows.map((i) => {
    const g = dosage[v * n + i];
    return withE ? [1, age[i], E[i], g, g * E[i]] : [1, age[i], g];
  });
  const ZZ = new Float64Array(P * P);
  for (const z of Z) for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) ZZ[a * P + b] += z[a] * z[b];
  const inv = invertSpd(ZZ, P)!;
  const K = ys.length;
  const res: number[][] = [];
  const betas: Float64Array[] = [];
  for (const y of ys) {
    const Zy = new Float64Array(P);
    Z.forEach((z, r) => z.forEach((zz, a) => (Zy[a] += zz * y[rows[r]])));
    const b = solveLinear(ZZ, P, Zy)!;
    betas.push(b);
    res.push(Z.map((z, r) => y[rows[r]] - z.reduce((s, zz, a) => s + zz * b[a], 0)));
  }
  const df = rows.length - P;
  const S = new Float64Array(K * K);
  for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) S[k * K + l] = res[k].reduce((s, e, r) => s + e * res[l][r], 0) / df;
  const terms = withE ? [3, 4] : [2];
  return terms.map((j) => {
    const t = betas.map((b, k) => b[j] / Math.sqrt(S[k * K + k] * inv[j * P + j]));
    const R = new Float64Array(K * K);
    for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) R[k * K + l] = S[k * K + l] / Math.sqrt(S[k * K + k] * S[l * K + l]);
    const Ri = invertSpd(R, K)!;
    let q = 0;
    for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) q += t[k] * Ri[k * K + l] * t[l];
    return q;
  });
}

describe('omnibus', () => {
  for (const missing of [false, true])
    for (const withE of [false, true])
      it(`equals the direct computation (${missing ? 'missing responses' : 'complete responses'}${withE ? ', SNPxE' : ''})`, async () => {
        const ys = responses(missing);
        const res = await runScan({ source: memSource(chunk, 7), responses: ys, covariates: [{ name: 'age', values: age }], gxe: withE ? { name: 'E', values: E } : undefined, omnibus: true });
        const om = res.omnibus!;
        expect(om.df).toBe(3);
        expect(om.tests.map((t) => t.test)).toEqual(withE ? ['ADD', 'ADDxE'] : ['ADD']);
        let checked = 0;
        for (let v = 0; v < count; v++) {
          if (v === 6 || v === 9) {
            expect(Number.isNaN(om.tests[0].chisq[v])).toBe(true);
            continue;
          }
          const want = direct(ys.map((y) => y.values), v, withE);
          want.forEach((w, t) => expect(Math.abs(om.tests[t].chisq[v] - w)).toBeLessThanOrEqual(1e-8 * w));
          checked++;
        }
        expect(checked).toBe(count - 2);
      });

  it('for one response equals T_STAT^2 of the ADD row', async () => {
    const ys = responses(true).slice(0, 1);
    const res = await runScan({ source: memSource(chunk), responses: ys, covariates: [{ name: 'age', values: age }], omnibus: true });
    const t = res.responses[0].t;
    const q = res.omnibus!.tests[0].chisq;
    for (let v = 0; v < count; v++) {
      if (Number.isNaN(t[v])) continue;
      expect(Math.abs(q[v] - t[v] * t[v])).toBeLessThanOrEqual(1e-9 * q[v]);
      expect(res.omnibus!.tests[0].log10p[v]).toBeGreaterThan(0);
    }
  });

  it('is unchanged by an orthogonal rotation of the responses', async () => {
    const ys = responses(false);
    // Random orthogonal 3x3 from Gram-Schmidt.
    const r = createRng(77);
    const Q: number[][] = [];
    for (let a = 0; a < 3; a++) {
      let u = [r.normal(), r.normal(), r.normal()];
      for (const q of Q) {
        const d = u.reduce((s, x, i) => s + x * q[i], 0);
        u = u.map((x, i) => x - d * q[i]);
      }
      const nrm = Math.hypot(...u);
      Q.push(u.map((x) => x / nrm));
    }
    const rot = Q.map((q, j) => ({ name: `r${j}`, values: Float64Array.from({ length: n }, (_, i) => q.reduce((s, x, k) => s + x * ys[k].values[i], 0)) }));
    const a = await runScan({ source: memSource(chunk), responses: ys, covariates: [{ name: 'age', values: age }], gxe: { name: 'E', values: E }, omnibus: true });
    const b = await runScan({ source: memSource(chunk), responses: rot, covariates: [{ name: 'age', values: age }], gxe: { name: 'E', values: E }, omnibus: true });
    let changedT = 0;
    for (let t = 0; t < 2; t++)
      for (let v = 0; v < count; v++) {
        const x = a.omnibus!.tests[t].chisq[v];
        const y = b.omnibus!.tests[t].chisq[v];
        if (Number.isNaN(x)) {
          expect(Number.isNaN(y)).toBe(true);
          continue;
        }
        expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-8 * x);
        if (Math.abs(a.responses[0].tests[0].t[v] - b.responses[0].tests[0].t[v]) > 1e-3) changedT++;
      }
    expect(changedT).toBeGreaterThan(10); // the per-response statistics did change
  });
});
