/**
 * SIS screening against a direct computation: every feature (SNP, E, SNPxE, SNPxSNP top-M x all) built
 * explicitly as a vector (raw products of mean-imputed dosages), residualized on the covariates (interactions:
 * on the covariates and both parents), correlated with the response residualized the same way; the default d = floor(n / log n) and the ranking of the top d must match the
 * kernel-based screening exactly (scores within 1e-9). ISIS: a SNP jointly but not marginally important.
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { runSis, defaultNsis, pairsInUniverse, type SisOptions } from '../../src/lib/select/runSis';
import { memorySource, randomGenotypes } from './memorySource';

const BASE: SisOptions = {
  gxg: 'top',
  gxgTop: 5,
  penalty: 'lasso',
  tune: 'ebic',
  iter: 0,
  stability: 0,
  seed: 1,
  qc: { maf: 0.01, geno: 0.1 },
};

function centeredImputed(g: Float64Array): Float64Array {
  let s = 0;
  let c = 0;
  for (const v of g) if (v === v) (s += v), c++;
  const mu = s / c;
  return Float64Array.from(g, (v) => (v === v ? v - mu : 0));
}

function imputed(g: Float64Array): Float64Array {
  let s = 0;
  let c = 0;
  for (const v of g) if (v === v) (s += v), c++;
  return Float64Array.from(g, (v) => (v === v ? v : s / c));
}

function residualizeOn(cols: Float64Array[], v: Float64Array): Float64Array {
  // Gram-Schmidt against the (orthonormalized) covariate columns.
  const out = Float64Array.from(v);
  for (const q of cols) {
    let d = 0;
    for (let i = 0; i < v.length; i++) d += q[i] * out[i];
    for (let i = 0; i < v.length; i++) out[i] -= d * q[i];
  }
  return out;
}

function orthonormal(cols: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of cols) {
    const v = residualizeOn(out, c);
    const r = residualizeOn(out, v); // twice for accuracy
    let s = 0;
    for (const x of r) s += x * x;
    out.push(Float64Array.from(r, (x) => x / Math.sqrt(s)));
  }
  return out;
}

/** Correlation of f and y after both are residualized on the columns `on`. */
function partialCorr(f: Float64Array, on: Float64Array[], y: Float64Array): number {
  const q = orthonormal(on);
  return corr(residualizeOn(q, f), residualizeOn(q, y));
}

function corr(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

describe('SIS screening', () => {
  it('default d and the ranking equal a direct computation (SNP, E, SNPxE, SNPxSNP top-M)', async () => {
    const rng = createRng(5);
    const n = 300;
    const M = 120;
    const geno = randomGenotypes(rng, n, M);
    const age = Float64Array.from({ length: n }, () => 40 + 10 * rng.normal());
    const sex = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
    const e1 = Float64Array.from({ length: n }, (_, i) => (rng.next() < 0.3 ? 1 : 0) + 0.01 * age[i]);
    const e2 = Float64Array.from({ length: n }, () => 2 + rng.normal());
    const g = geno.map(imputed);
    // Raw products, as the simulator plants them; the SNPxSNP term has one marginal parent (rs11).
    const yv = Float64Array.from({ length: n }, (_, i) => 0.02 * age[i] + 0.8 * g[3][i] + 0.5 * g[7][i] * e2[i] + 0.6 * g[10][i] + 0.9 * g[10][i] * g[20][i] + rng.normal());
    const gc = geno.map(centeredImputed);
    const run = await runSis(
      {
        source: memorySource(geno, n, 32),
        rowOf: Int32Array.from({ length: n }, (_, i) => i),
        n,
        responses: [{ name: 'y', values: yv }],
        covariates: [
          { name: 'age', values: age },
          { name: 'sex', values: sex },
        ],
        env: [
          { name: 'e1', values: e1 },
          { name: 'e2', values: e2 },
        ],
      },
      BASE,
    );
    // Direct computation.
    const Q0 = [new Float64Array(n).fill(1), age, sex];
    const Q = orthonormal(Q0);
    const yr = residualizeOn(Q, yv);
    const envC = [e1, e2];
    const gi = g;
    const feats: { term: string; r: number }[] = [];
    const snpR = gc.map((g) => corr(residualizeOn(Q, g), yr));
    gc.forEach((g, v) => feats.push({ term: `rs${v + 1}`, r: snpR[v] }));
    envC.forEach((e, k) => {
      feats.push({ term: `e${k + 1}`, r: corr(residualizeOn(Q, e), yr) });
      gi.forEach((g, v) => feats.push({ term: `rs${v + 1}:e${k + 1}`, r: partialCorr(Float64Array.from(g, (x, i) => x * e[i]), [...Q0, g, e], yv) }));
    });
    const top = snpR
      .map((r, v) => ({ r: Math.abs(r), v }))
      .sort((a, b) => b.r - a.r)
      .slice(0, 5)
      .map((x) => x.v);
    const rankOf = new Map(top.map((v, r) => [v, r]));
    for (const a of top) {
      for (let b = 0; b < M; b++) {
        // Both top SNPs: once, under the better-ranked partner.
        if (b === a || (rankOf.has(b) && (rankOf.get(b) as number) < (rankOf.get(a) as number))) continue;
        const name = `rs${a + 1}:rs${b + 1}`; // the (better-ranked) top partner first
        feats.push({ term: name, r: partialCorr(Float64Array.from(gi[a], (x, i) => x * gi[b][i]), [...Q0, gi[a], gi[b]], yv) });
      }
    }
    expect(feats.length).toBe(M + 2 + 2 * M + pairsInUniverse('top', M, 5));
    const d = Math.floor(n / Math.log(n));
    expect(defaultNsis(n)).toBe(d);
    expect(d).toBe(52);
    feats.sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
    const want = feats.slice(0, d);
    const res = run.responses[0];
    expect(res.d).toBe(d);
    expect(res.universe).toBe(feats.length);
    expect(res.screened.map((s) => s.term)).toEqual(want.map((w) => w.term));
    for (let i = 0; i < d; i++) {
      expect(res.screened[i].rank).toBe(i + 1);
      expect(Math.abs(res.screened[i].score - want[i].r)).toBeLessThan(1e-9);
    }
    // The planted terms (SNPxSNP with one marginal parent) are screened in and selected.
    const sel = res.selected.map((s) => s.term);
    expect(sel).toEqual(expect.arrayContaining(['rs4', 'rs8:e2', 'rs11', 'rs11:rs21']));
    // Interactions enter the selection with their parents projected out (the same "beyond its parents"
    // meaning as the screening score and P), so the main-effect part of a raw product shows as its parents:
    // 0.5 g8 e2 has E[e2] = 2, i.e. 1.0 per allele of rs8; 0.9 g11 g21 gives rs21 0.9 E[g11]. Nothing else.
    for (const t of sel) expect(['rs4', 'rs8:e2', 'rs11', 'rs11:rs21', 'rs8', 'e2', 'rs21']).toContain(t);
    const gxg = res.selected.find((s) => s.term === 'rs11:rs21');
    expect(gxg?.parents).toEqual(['rs11', 'rs21']);
    expect(gxg?.parentsSelected).toEqual([true, sel.includes('rs21')]);
  });

  it('ISIS adds a SNP that is jointly but not marginally important', async () => {
    const rng = createRng(17);
    const n = 600;
    const M = 300;
    const geno = randomGenotypes(rng, n, M, 0);
    // rs3 tracks rs1 + rs2 (copy one of them half the time), and y's coefficient on rs3 is chosen so that
    // rs3 has zero sample covariance with y's signal: marginally invisible, jointly important.
    for (let i = 0; i < n; i++) geno[2][i] = rng.next() < 0.5 ? geno[0][i] : rng.next() < 0.5 ? geno[1][i] : rng.int(3);
    const gc = geno.map(centeredImputed);
    const s = Float64Array.from({ length: n }, (_, i) => gc[0][i] + gc[1][i]);
    let cs = 0;
    let c3 = 0;
    for (let i = 0; i < n; i++) {
      cs += gc[2][i] * s[i];
      c3 += gc[2][i] * gc[2][i];
    }
    const c = -cs / c3;
    expect(c).toBeLessThan(-0.5);
    const noise = Float64Array.from({ length: n }, () => 0.5 * rng.normal());
    const yv = Float64Array.from({ length: n }, (_, i) => s[i] + c * gc[2][i] + noise[i]);
    const input = {
      source: memorySource(geno, n),
      rowOf: Int32Array.from({ length: n }, (_, i) => i),
      n,
      responses: [{ name: 'y', values: yv }],
      covariates: [],
      env: [],
    };
    const opts: SisOptions = { ...BASE, gxg: 'none', nsis: 6 };
    const sis = await runSis(input, opts);
    const rank3 = sis.responses[0].screened.findIndex((t) => t.term === 'rs3');
    expect(rank3).toBe(-1);
    expect(sis.responses[0].selected.map((t) => t.term)).not.toContain('rs3');
    const isis = await runSis(input, { ...opts, iter: 3 });
    const sel = isis.responses[0].selected.map((t) => t.term);
    expect(sel).toEqual(expect.arrayContaining(['rs1', 'rs2', 'rs3']));
    expect(isis.responses[0].isisRounds).toBeGreaterThanOrEqual(1);
    const t3 = isis.responses[0].screened.find((t) => t.term === 'rs3');
    expect(t3?.round).toBeGreaterThanOrEqual(1);
  });
});
