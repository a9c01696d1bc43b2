/**
 * Omnibus test across all responses (MOSTest-style), per variant and per SNPxE term:
 *   CHISQ = z' R^-1 z,  DF = k (number of responses),  P = chi-square upper tail,
 * where z_k is the ADD (or ADDxE) t statistic of response k and R the correlation matrix of the responses'
 * residuals, both on the samples that have every response (complete cases) and a call for the variant.
 * With z_k = b_k / sqrt(c * S_kk) (b_k the term's coefficient, c = (Z'Z)^-1 of the term, S the residual
 * covariance of the multivariate fit) this equals b' S^-1 b / c, the multivariate Wald statistic, so:
 *   - for k = 1 it is exactly T_STAT^2 of the ordinary regression on the same samples;
 *   - any invertible transformation of the responses (an orthogonal rotation of HSVs in particular) leaves
 *     it unchanged, exactly.
 * The complete-case samples reuse the main kernel sums when no response has a missing value; otherwise they
 * get their own kernel columns (X below).
 */
import { chi2UpperLog10P } from '../math/dist';
import { buildDesign, colHB, colHH, colHY, upperIndex, type DesignInput, type NamedColumn, type ScanDesign } from './design';
import { missingSums, type ChunkStats, type SampleMatrix } from './kernel';
import type { GenotypeChunk } from '../io/GenotypeSource';
import { ERR_CONST_ALLELE, ERR_INVALID, ERR_SAMPLE_CT, ERR_VIF_INF, checkCorrVif, cholInto, cholSolveInto, cholInverseDiagInto } from './regress';

export interface OmnibusDesign {
  /** Design on complete cases (all responses present). */
  d: ScanDesign;
  /** Kernel columns of its own, or null when the main design's sums serve (no missing responses). */
  X: SampleMatrix | null;
  /** Missing-call matrix: BB' upper, y_k B_c per response, y_k y_l upper. */
  Qo: SampleMatrix;
  /** Precomputed y_k y_l over the complete cases (K x K). */
  YY: Float64Array;
  tests: string[];
  df: number;
  /** Residual correlation of the responses given the covariates (covariate-only model), for display. */
  R: Float64Array;
  nComplete: number;
}

export interface OmnibusBlock {
  obs: Int32Array;
  chisq: Float64Array;
  log10p: Float64Array;
  err: Uint8Array;
}

export function buildOmnibus(main: ScanDesign, input: DesignInput): OmnibusDesign {
  const responses = input.responses;
  const n = main.n;
  const K = responses.length;
  const complete = new Uint8Array(n);
  let anyMissing = false;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const r of responses) if (!Number.isFinite(r.values[i])) ok = false;
    complete[i] = ok ? 1 : 0;
  }
  // Does any W-sample miss a response? Then complete cases differ from the main design's sets.
  for (let k = 0; k < K; k++) if (main.missingResponse[k] > 0) anyMissing = true;
  const masked: NamedColumn[] = responses.map((r) => ({
    name: r.name,
    values: Float64Array.from({ length: n }, (_, i) => (complete[i] ? r.values[i] : NaN)),
  }));
  const d = anyMissing ? buildDesign({ ...input, responses: masked }) : main;
  const nComplete = d.nS[0];
  // Missing-call matrix and YY.
  const { p1 } = d;
  const qBB = d.qBB;
  const nyy = (K * (K + 1)) / 2;
  const mq = qBB + K * p1 + nyy;
  const Qd = new Float64Array(n * mq);
  const YY = new Float64Array(K * K);
  const B = new Float64Array(p1);
  const y = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const xo = i * d.X.m;
    if (d.X.data[xo + colHB(d, 0, 0)] !== 1) continue; // not in W (intercept column is w)
    let inAll = true;
    for (let k = 0; k < K; k++) {
      const v = masked[k].values[i];
      if (!Number.isFinite(v)) inAll = false;
      y[k] = d.X.data[xo + colHY(d, 0, k)];
    }
    if (!inAll) continue;
    for (let c = 0; c < p1; c++) B[c] = d.X.data[xo + colHB(d, 0, c)];
    const o = i * mq;
    for (let a = 0; a < p1; a++) for (let b = a; b < p1; b++) Qd[o + upperIndex(a, b, p1)] = B[a] * B[b];
    for (let k = 0; k < K; k++) for (let c = 0; c < p1; c++) Qd[o + qBB + k * p1 + c] = y[k] * B[c];
    for (let k = 0; k < K; k++)
      for (let l = k; l < K; l++) {
        const v = y[k] * y[l];
        Qd[o + qBB + K * p1 + upperIndex(k, l, K)] = v;
        YY[k * K + l] += v;
      }
  }
  for (let k = 0; k < K; k++) for (let l = 0; l < k; l++) YY[k * K + l] = YY[l * K + k];
  // Residual correlation given covariates (display only).
  const R = residualCorrelation(d, YY);
  const tests = d.H === 1 ? ['ADD'] : ['ADD', `ADDx${d.eName}`];
  return { d, X: anyMissing ? d.X : null, Qo: { n, m: mq, data: Qd }, YY, tests, df: K, R, nComplete };
}

function residualCorrelation(d: ScanDesign, YY: Float64Array): Float64Array {
  const K = d.K;
  const p1 = d.p1;
  // Covariate-only fit on complete cases: residual cross-products = YY - (B'Y)' (B'B)^-1 (B'Y).
  const bb = d.bbS[0];
  const L = new Float64Array(p1 * p1);
  const R = new Float64Array(K * K);
  if (!cholInto(bb, p1, L)) return R.fill(NaN);
  const sol: Float64Array[] = [];
  const tmp = new Float64Array(p1);
  for (let k = 0; k < K; k++) {
    const x = new Float64Array(p1);
    cholSolveInto(L, p1, d.byS[k], x, tmp);
    sol.push(x);
  }
  const S = new Float64Array(K * K);
  for (let k = 0; k < K; k++)
    for (let l = 0; l < K; l++) {
      let f = 0;
      for (let c = 0; c < p1; c++) f += sol[k][c] * d.byS[l][c];
      S[k * K + l] = YY[k * K + l] - f;
    }
  for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) R[k * K + l] = S[k * K + l] / Math.sqrt(S[k * K + k] * S[l * K + l]);
  return R;
}

/** Omnibus statistics of a chunk; `stats` are the kernel sums of od.d.X (or the main X when od.X is null). */
export function omnibusChunk(od: OmnibusDesign, chunk: GenotypeChunk, stats: ChunkStats, opts: { maxCorr?: number; vif?: number } = {}): OmnibusBlock[] {
  const maxCorr = opts.maxCorr ?? 0.999;
  const vifMax = opts.vif ?? 50;
  const d = od.d;
  const { K, p1, H } = d;
  const P = p1 + H;
  const count = chunk.count;
  const qm = missingSums(chunk, od.Qo);
  const mq = od.Qo.m;
  const qBB = d.qBB;
  const out: OmnibusBlock[] = od.tests.map(() => ({
    obs: new Int32Array(count),
    chisq: new Float64Array(count).fill(NaN),
    log10p: new Float64Array(count).fill(NaN),
    err: new Uint8Array(count),
  }));
  const ZZ = new Float64Array(P * P);
  const L = new Float64Array(P * P);
  const Zy = new Float64Array(K * P);
  const beta = new Float64Array(K * P);
  const tmp = new Float64Array(P);
  const bk = new Float64Array(P);
  const inv = new Float64Array(P * P);
  const S = new Float64Array(K * K);
  const Ls = new Float64Array(K * K);
  const b = new Float64Array(K);
  const x = new Float64Array(K);
  const cor = new Float64Array((P - 1) * (P - 1));
  const Lc = new Float64Array((P - 1) * (P - 1));
  const sd = new Float64Array(P - 1);
  const terms = H === 1 ? [p1] : [p1, p1 + 1];
  const nS = d.nS[0];
  for (let v = 0; v < count; v++) {
    const so = v * stats.m;
    const qo = v * mq;
    const n = nS - qm[qo];
    for (const o of out) o.obs[v] = n;
    const setErr = (e: number) => {
      for (const o of out) o.err[v] = e;
    };
    if (n <= P + K - 1) {
      setErr(ERR_SAMPLE_CT);
      continue;
    }
    for (let a = 0; a < p1; a++)
      for (let c = a; c < p1; c++) {
        const val = d.bbS[0][a * p1 + c] - qm[qo + upperIndex(a, c, p1)];
        ZZ[a * P + c] = val;
        ZZ[c * P + a] = val;
      }
    for (let a = 0; a < H; a++) {
      for (let c = 0; c < p1; c++) {
        const val = stats.gx[so + colHB(d, a, c)];
        ZZ[(p1 + a) * P + c] = val;
        ZZ[c * P + p1 + a] = val;
      }
      for (let c = a; c < H; c++) {
        const val = stats.g2x[so + colHH(d, a, c)];
        ZZ[(p1 + a) * P + p1 + c] = val;
        ZZ[(p1 + c) * P + p1 + a] = val;
      }
    }
    const sg = ZZ[p1];
    const sg2 = ZZ[p1 * P + p1];
    if (n * sg2 - sg * sg <= 1e-9 * n * Math.max(1, sg2)) {
      setErr(ERR_CONST_ALLELE);
      continue;
    }
    const e0 = checkCorrVif(ZZ, P, n, maxCorr, vifMax, cor, Lc, sd);
    if (e0) {
      setErr(e0);
      continue;
    }
    if (!cholInto(ZZ, P, L)) {
      setErr(ERR_VIF_INF);
      continue;
    }
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < p1; c++) Zy[k * P + c] = d.byS[k][c] - qm[qo + qBB + k * p1 + c];
      for (let a = 0; a < H; a++) Zy[k * P + p1 + a] = stats.gx[so + colHY(d, a, k)];
      cholSolveInto(L, P, Zy.subarray(k * P, (k + 1) * P), bk, tmp);
      beta.set(bk, k * P);
    }
    const df = n - P;
    for (let k = 0; k < K; k++)
      for (let l = k; l < K; l++) {
        let f = 0;
        for (let c = 0; c < P; c++) f += beta[k * P + c] * Zy[l * P + c];
        const yy = od.YY[k * K + l] - qm[qo + qBB + K * p1 + upperIndex(k, l, K)];
        const s = (yy - f) / df;
        S[k * K + l] = s;
        S[l * K + k] = s;
      }
    cholInverseDiagInto(L, P, terms, inv, tmp);
    if (!cholInto(S, K, Ls)) {
      setErr(ERR_INVALID);
      continue;
    }
    for (let t = 0; t < terms.length; t++) {
      const j = terms[t];
      const c = inv[j * P + j];
      for (let k = 0; k < K; k++) b[k] = beta[k * P + j];
      // chisq = b' S^-1 b / c = ||Ls^-1 b||^2 / c
      let q = 0;
      for (let r = 0; r < K; r++) {
        let s = b[r];
        for (let cc = 0; cc < r; cc++) s -= Ls[r * K + cc] * x[cc];
        x[r] = s / Ls[r * K + r];
        q += x[r] * x[r];
      }
      const chisq = q / c;
      out[t].chisq[v] = chisq;
      out[t].log10p[v] = chi2UpperLog10P(chisq, K);
    }
  }
  return out;
}
