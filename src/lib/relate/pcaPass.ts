/**
 * One pass of the genetic PCA's subspace iteration (pca.ts): Y = X^T (X Q) summed over a stream of variants, X
 * the standardized genotype rows (plink2's rule: (g - 2p) / sqrt(2p(1-p)), g counting the minor allele among
 * founders, p its founder frequency, missing calls 0). Per variant, in two sweeps over its packed codes:
 *   z = s^2 x^T Q  from the class sums of Q's rows (het, hom-minor, missing; the most frequent class derived from
 *                  Q's column totals), then
 *   Y_j += (x_j s) z  for every sample j: a weight per 2-bit class, scattered to the samples' rows.
 * Two implementations with the same arithmetic up to the order of additions: WASM SIMD (compute/wasmClassEngine:
 * both sweeps skip the most frequent class, whose scatter weight is added to every row once at the end) and plain
 * JS (the fallback where WASM SIMD is missing). Batches are independent, so a pool of workers can each compute
 * some and the caller adds them up in order.
 */
import { countRowCodes } from '../io/bedDecode';
import { completeClassSums, createClassEngine, wasmSimdAvailable } from '../compute/wasmClassEngine';

export type PcaKernelKind = 'wasm' | 'js';

export interface PcaPassKernel {
  /** Sets Q (n x l, row-major) for the batches that follow. */
  setQ(q: Float64Array): void;
  /**
   * X_b^T (X_b Q) of one batch b of `count` variants, `bpv` packed bytes each (.bed layout); monomorphic variants
   * add 0. A new n x l row-major array: the caller sums the batches in its own order, so the pass gives the same
   * bits however many workers computed it.
   */
  batch(packed: Uint8Array, bpv: number, count: number): Float64Array;
}

/** The fastest kernel this engine runs (`kind` forces one; 'wasm' falls back to 'js' without WASM SIMD). */
export function createPcaPass(n: number, l: number, founder?: Uint8Array, kind: PcaKernelKind = 'wasm'): PcaPassKernel {
  return kind === 'wasm' && wasmSimdAvailable ? wasmPass(n, l, founder) : jsPass(n, l, founder);
}

/** Founder allele statistics of one variant: A1 frequency and the standardization; null when monomorphic. */
interface Standardized {
  /** A1 (code 00) is the minor allele among founders. */
  a1Minor: boolean;
  /** Minor allele frequency among founders. */
  p: number;
  /** 1 / (2p(1-p)). */
  s2: number;
}

/** From founder counts of codes 0 (hom A1), 2 (het), 3 (hom other). */
function standardize(c0: number, c2: number, c3: number): Standardized | null {
  const called = c0 + c2 + c3;
  if (called === 0) return null;
  const pA1 = (2 * c0 + c2) / (2 * called);
  const v = 2 * pA1 * (1 - pA1);
  if (!(v > 1e-12)) return null;
  const a1Minor = pA1 <= 0.5;
  return { a1Minor, p: a1Minor ? pA1 : 1 - pA1, s2: 1 / v };
}

/** MASKED[(mask << 8) | b]: counts of codes 0..3 among the samples of byte b selected by the 4-bit mask (8-bit fields). */
const MASKED = (() => {
  const t = new Uint32Array(16 * 256);
  for (let mask = 0; mask < 16; mask++)
    for (let b = 0; b < 256; b++) for (let j = 0; j < 4; j++) if (mask & (1 << j)) t[(mask << 8) | b] += 1 << (8 * ((b >> (2 * j)) & 3));
  return t;
})();

/** Code counts over the samples of `mask` (4 bits a byte of the packed row), n samples. */
function countMasked(packed: Uint8Array, base: number, n: number, mask: Uint8Array, cnt: Int32Array): void {
  cnt[0] = cnt[1] = cnt[2] = cnt[3] = 0;
  const nBytes = (n + 3) >> 2;
  for (let q0 = 0; q0 < nBytes; q0 += 63) {
    const q1 = Math.min(nBytes, q0 + 63);
    let acc = 0;
    for (let q = q0; q < q1; q++) acc += MASKED[(mask[q] << 8) | packed[base + q]];
    cnt[0] += acc & 0xff;
    cnt[1] += (acc >>> 8) & 0xff;
    cnt[2] += (acc >>> 16) & 0xff;
    cnt[3] += acc >>> 24;
  }
}

/** 4 bits per byte of a packed row: which of its samples are founders (all samples when founder is absent). */
function founderMask(n: number, founder?: Uint8Array): Uint8Array {
  const mask = new Uint8Array((n + 3) >> 2);
  for (let j = 0; j < n; j++) if (!founder || founder[j]) mask[j >> 2] |= 1 << (j & 3);
  return mask;
}

function wasmPass(n: number, l: number, founder?: Uint8Array): PcaPassKernel {
  const engine = createClassEngine(n, l, 2); // rows 0: Q, rows 1: Y
  const mp = engine.mp;
  const mask = founderMask(n, founder);
  const full = n >> 2;
  const tail = n & 3;
  const colSum = new Float64Array(l);
  const constant = new Float64Array(l);
  const local = new Float64Array(4 * l);
  const w = new Float64Array(4 * l);
  const cnt = new Int32Array(4);
  const fc = new Int32Array(4);
  let q: Float64Array = new Float64Array(0);
  let dropped = new Uint8Array(64);
  let stats: (Standardized | null)[] = [];
  return {
    setQ(qIn) {
      q = qIn;
      const qv = engine.rows(0);
      colSum.fill(0);
      for (let j = 0; j < n; j++) for (let t = 0; t < l; t++) { qv[j * mp + t] = q[j * l + t]; colSum[t] += q[j * l + t]; }
    },
    batch(packed, bpv, count) {
      constant.fill(0);
      if (dropped.length < count) dropped = new Uint8Array(count);
      stats = new Array(count);
      for (let v = 0; v < count; v++) {
        const base = v * bpv;
        dropped[v] = countRowCodes(packed, base, n, cnt);
        if (founder) countMasked(packed, base, n, mask, fc);
        stats[v] = founder ? standardize(fc[0], fc[2], fc[3]) : standardize(cnt[0], cnt[2], cnt[3]);
      }
      engine.load(packed, bpv, count, dropped);
      engine.gather(0);
      const s = engine.scratch();
      const y = engine.rows(1);
      y.fill(0);
      for (let v = 0; v < count; v++) {
        const so = v * 4 * mp;
        const d = dropped[v];
        const tailByte = tail ? packed[v * bpv + full] : 0;
        completeClassSums(s, mp, v, d, tailByte, n, q, l, colSum, local);
        const st = stats[v];
        if (st) classWeights(st, local, l, w);
        else w.fill(0);
        // scatter w_c - w_d to the samples of class c != d; w_d to every row (at the end)
        for (let k = 0; k < 4; k++) for (let t = 0; t < l; t++) s[so + k * mp + t] = w[k * l + t] - w[d * l + t];
        for (let t = 0; t < l; t++) constant[t] += w[d * l + t];
        for (let j = 0; j < tail; j++) {
          const code = (tailByte >> (2 * j)) & 3;
          if (code === d) continue;
          const yo = (full * 4 + j) * mp;
          for (let t = 0; t < l; t++) y[yo + t] += s[so + code * mp + t];
        }
      }
      engine.scatter(1);
      const out = new Float64Array(n * l);
      for (let j = 0; j < n; j++) for (let t = 0; t < l; t++) out[j * l + t] = y[j * mp + t] + constant[t];
      return out;
    },
  };
}

/**
 * Scatter weights of one variant from its class sums of Q rows (local: 4 x l, by code): z = s^2 x^T Q, then
 * w_code = (g_minor(code) - 2p) z for the called codes and 0 for a missing call.
 */
function classWeights(st: Standardized, local: Float64Array, l: number, w: Float64Array): void {
  const { a1Minor, p, s2 } = st;
  const minorHom = a1Minor ? 0 : 3;
  const g0 = a1Minor ? 2 : 0;
  const g3 = 2 - g0;
  const tp = 2 * p;
  for (let t = 0; t < l; t++) {
    const called = local[t] + local[2 * l + t] + local[3 * l + t];
    const z = s2 * (local[2 * l + t] + 2 * local[minorHom * l + t] - tp * called);
    w[t] = (g0 - tp) * z;
    w[l + t] = 0;
    w[2 * l + t] = (1 - tp) * z;
    w[3 * l + t] = (g3 - tp) * z;
  }
}

/** Plain JS: per variant, decode the codes, sum Q rows per class, then add the class weights to Y's rows. */
function jsPass(n: number, l: number, founder?: Uint8Array): PcaPassKernel {
  const codes = new Uint8Array(n);
  const local = new Float64Array(4 * l);
  const w = new Float64Array(4 * l);
  let q: Float64Array = new Float64Array(0);
  return {
    setQ(qIn) {
      q = qIn;
    },
    batch(packed, bpv, count) {
      const y = new Float64Array(n * l);
      for (let v = 0; v < count; v++) {
        const off = v * bpv;
        let c0 = 0, c2 = 0, c3 = 0;
        for (let j = 0; j < n; j++) {
          const c = (packed[off + (j >> 2)] >> ((j & 3) << 1)) & 3;
          codes[j] = c;
          if (founder && !founder[j]) continue;
          if (c === 0) c0++;
          else if (c === 2) c2++;
          else if (c === 3) c3++;
        }
        const st = standardize(c0, c2, c3);
        if (!st) continue;
        local.fill(0);
        for (let j = 0; j < n; j++) {
          const o = codes[j] * l, qo = j * l;
          for (let t = 0; t < l; t++) local[o + t] += q[qo + t];
        }
        classWeights(st, local, l, w);
        for (let j = 0; j < n; j++) {
          const c = codes[j];
          if (c === 1) continue;
          const o = c * l, yo = j * l;
          for (let t = 0; t < l; t++) y[yo + t] += w[o + t];
        }
      }
      return y;
    },
  };
}
