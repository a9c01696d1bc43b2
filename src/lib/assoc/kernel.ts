/**
 * The generic product (packed genotypes of a chunk of variants) x (sample-side matrix X), with missing calls
 * handled exactly: per variant and per column c of X, sums over the samples whose call is not missing of
 * g_i * X[i,c], g_i^2 * X[i,c] and X[i,c]. Every regression statistic of the scan (and every SIS score) is a
 * function of these sums plus a few cross-products of X that the caller precomputes (DESIGN.md section 3).
 *
 * CPU path on packed bytes: genotypes are never unpacked to floats. A 2-bit call has four classes
 * (hom A1, het, hom other, missing); per variant we sum the rows of X over the samples of each class except
 * the most frequent one, which is derived from the column totals (total - the other classes). Summing a class
 * is a contiguous row add (X is row-major), so the work is about (1 - largest class fraction) * n * m adds per
 * variant; class counts come from a 256-entry byte table (4 samples per lookup).
 * Measured (n = 20,000, m = 19, 2,000 variants, Node 20, one core): see docs/assoc.md.
 *
 * Dosage path (chunk.dosage: VCF DS, .pgen dosages, .bgen): plain loop over samples on the chunk's Uint16
 * codes (dosageCode.ts, 2 bytes a sample), each decoded in the loop as u * (1/16384), exact in float64;
 * 0xffff = missing.
 */
import type { GenotypeChunk } from '../io/GenotypeSource';
import { decodeDosage, DOSAGE_MISSING, DOSAGE_SCALE } from '../io/dosageCode';
import { countRowCodes } from '../io/bedDecode';

/** n x m sample-side matrix, row-major: data[i*m + c]. One row per sample of the genotype source. */
export interface SampleMatrix {
  n: number;
  m: number;
  data: Float32Array | Float64Array;
}

/** Per variant (count of them) and per column of X (m), sums over samples with a non-missing call. */
export interface ChunkStats {
  count: number;
  m: number;
  /** count: number of samples with a non-missing call (all samples of the source, not only analysed ones). */
  obs: Int32Array;
  /** count*m: sum over observed samples of g_i * X[i,c]. */
  gx: Float64Array;
  /** count*m: sum over observed samples of g_i^2 * X[i,c]. */
  g2x: Float64Array;
  /** count*m: sum over observed samples of X[i,c]. */
  x: Float64Array;
}

/** Per-class sums of the rows of X for packed chunks: het (g = 1), homA1 (g = 2), miss (missing call). */
export interface ClassSums {
  count: number;
  m: number;
  obs: Int32Array;
  het: Float64Array;
  hom: Float64Array;
  miss: Float64Array;
}

// 2-bit codes of the PLINK .bed layout.
const CODE_HOM_A1 = 0; // 00: two copies of A1, g = 2
const CODE_MISSING = 1; // 01
const CODE_HET = 2; // 10: g = 1
const CODE_HOM_OTHER = 3; // 11: g = 0

const totalsCache = new WeakMap<object, Float64Array>();

/** Column totals of X (sum over all rows), cached per data array. */
export function columnTotals(X: SampleMatrix): Float64Array {
  const hit = totalsCache.get(X.data);
  if (hit && hit.length === X.m) return hit;
  const t = new Float64Array(X.m);
  const d = X.data;
  for (let i = 0; i < X.n; i++) {
    const o = i * X.m;
    for (let c = 0; c < X.m; c++) t[c] += d[o + c];
  }
  totalsCache.set(X.data, t);
  return t;
}

const f64Cache = new WeakMap<object, Float64Array>();
function asF64(X: SampleMatrix): Float64Array {
  if (X.data instanceof Float64Array) return X.data;
  let hit = f64Cache.get(X.data);
  if (!hit) {
    hit = Float64Array.from(X.data);
    f64Cache.set(X.data, hit);
  }
  return hit;
}

function checkShapes(chunk: GenotypeChunk, X: SampleMatrix): void {
  if (X.n !== chunk.nSamples) throw new Error(`chunkStats: X has ${X.n} rows but the chunk has ${chunk.nSamples} samples`);
  if (X.data.length !== X.n * X.m) throw new Error(`chunkStats: X.data has ${X.data.length} values, expected n*m = ${X.n * X.m}`);
}

/**
 * Class sums of a packed chunk, optionally for a sub-range [from, to) of its variants (for splitting a chunk
 * across workers). Result arrays are indexed from `from`.
 */
export function classSums(chunk: GenotypeChunk, X: SampleMatrix, from = 0, to = chunk.count): ClassSums {
  checkShapes(chunk, X);
  const packed = chunk.packed;
  if (!packed) throw new Error('classSums: chunk has no packed genotypes');
  const n = X.n;
  const m = X.m;
  const bpv = chunk.bytesPerVariant;
  const x = asF64(X);
  const tot = columnTotals(X);
  const count = to - from;
  const obs = new Int32Array(count);
  const het = new Float64Array(count * m);
  const hom = new Float64Array(count * m);
  const miss = new Float64Array(count * m);
  // acc[code*m + c]: running sums of the current variant per code (the dropped code's row is unused).
  const acc = new Float64Array(4 * m);
  const fullBytes = n >> 2;
  const tail = n & 3;
  const cnt = new Int32Array(4);
  for (let v = from; v < to; v++) {
    const base = v * bpv;
    // Drop the most frequent non-missing class: its sum is total - the others.
    const dropped = countRowCodes(packed, base, n, cnt);
    const skipByte = dropped | (dropped << 2) | (dropped << 4) | (dropped << 6);
    acc.fill(0);
    for (let q = 0; q < fullBytes; q++) {
      const b = packed[base + q];
      if (b === skipByte) continue;
      let xo = q * 4 * m;
      for (let j = 0; j < 8; j += 2, xo += m) {
        const code = (b >> j) & 3;
        if (code === dropped) continue;
        const ao = code * m;
        for (let c = 0; c < m; c++) acc[ao + c] += x[xo + c];
      }
    }
    if (tail) {
      const b = packed[base + fullBytes];
      for (let j = 0; j < tail; j++) {
        const code = (b >> (2 * j)) & 3;
        if (code === dropped) continue;
        const ao = code * m;
        const xo = (fullBytes * 4 + j) * m;
        for (let c = 0; c < m; c++) acc[ao + c] += x[xo + c];
      }
    }
    // Derive the dropped class.
    const dO = dropped * m;
    for (let c = 0; c < m; c++) {
      let s = tot[c];
      for (let k = 0; k < 4; k++) if (k !== dropped) s -= acc[k * m + c];
      acc[dO + c] = s;
    }
    const o = (v - from) * m;
    obs[v - from] = n - cnt[CODE_MISSING];
    for (let c = 0; c < m; c++) {
      het[o + c] = acc[CODE_HET * m + c];
      hom[o + c] = acc[CODE_HOM_A1 * m + c];
      miss[o + c] = acc[CODE_MISSING * m + c];
    }
  }
  return { count, m, obs, het, hom, miss };
}

/** ChunkStats from class sums: gx = het + 2 hom, g2x = het + 4 hom, x = total - miss. */
export function statsFromClassSums(cs: ClassSums, totals: Float64Array): ChunkStats {
  const { count, m } = cs;
  const gx = new Float64Array(count * m);
  const g2x = new Float64Array(count * m);
  const x = new Float64Array(count * m);
  for (let v = 0; v < count; v++) {
    const o = v * m;
    for (let c = 0; c < m; c++) {
      const h = cs.het[o + c];
      const a = cs.hom[o + c];
      gx[o + c] = h + 2 * a;
      g2x[o + c] = h + 4 * a;
      x[o + c] = totals[c] - cs.miss[o + c];
    }
  }
  return { count, m, obs: cs.obs, gx, g2x, x };
}

/** Dosage chunks: direct sums over the decoded codes, DOSAGE_MISSING = missing. */
export function dosageStats(chunk: GenotypeChunk, X: SampleMatrix, from = 0, to = chunk.count): ChunkStats {
  checkShapes(chunk, X);
  const ds = chunk.dosage;
  if (!ds) throw new Error('dosageStats: chunk has no dosages');
  const n = X.n;
  const m = X.m;
  const xd = asF64(X);
  const tot = columnTotals(X);
  const count = to - from;
  const obs = new Int32Array(count);
  const gx = new Float64Array(count * m);
  const g2x = new Float64Array(count * m);
  const x = new Float64Array(count * m);
  const miss = new Float64Array(m);
  // locals for the hot loop (imported bindings are property loads of the module object in CommonJS builds)
  const MISSING = DOSAGE_MISSING;
  const SCALE = DOSAGE_SCALE;
  for (let v = from; v < to; v++) {
    const o = (v - from) * m;
    miss.fill(0);
    let nm = 0;
    for (let i = 0; i < n; i++) {
      const u = ds[v * n + i];
      const xo = i * m;
      if (u === MISSING) {
        nm++;
        for (let c = 0; c < m; c++) miss[c] += xd[xo + c];
      } else if (u !== 0) {
        const d = u * SCALE;
        const d2 = d * d;
        for (let c = 0; c < m; c++) {
          const xv = xd[xo + c];
          gx[o + c] += d * xv;
          g2x[o + c] += d2 * xv;
        }
      }
    }
    obs[v - from] = n - nm;
    for (let c = 0; c < m; c++) x[o + c] = tot[c] - miss[c];
  }
  return { count, m, obs, gx, g2x, x };
}

/** The generic product of a chunk with X (packed fast path, or dosages), over all variants of the chunk. */
export function chunkStats(chunk: GenotypeChunk, X: SampleMatrix): ChunkStats {
  if (chunk.packed) return statsFromClassSums(classSums(chunk, X), columnTotals(X));
  if (chunk.dosage) return dosageStats(chunk, X);
  throw new Error('chunkStats: chunk carries neither packed genotypes nor dosages');
}

/**
 * Sums over the samples whose call is missing of the rows of Q (count*mq), for a chunk. Missing calls are
 * rare, so this sparse pass lets a caller correct precomputed cross-products of sample-side columns
 * (covariate x covariate, covariate x response) for the samples a variant drops.
 */
export function missingSums(chunk: GenotypeChunk, Q: SampleMatrix, from = 0, to = chunk.count): Float64Array {
  const mq = Q.m;
  const count = to - from;
  const out = new Float64Array(count * mq);
  if (mq === 0) return out;
  const q = asF64(Q);
  const n = chunk.nSamples;
  if (chunk.packed) {
    // Collect (variant, sample) pairs of missing calls, then visit samples in order so each row of Q is read
    // once per chunk, sequentially (Q is n x mq, megabytes: visiting it variant by variant missed cache on
    // every row; measured 5 -> <1 ns per add at n = 20,000, mq = 70).
    const packed = chunk.packed;
    const bpv = chunk.bytesPerVariant;
    const perSample = new Int32Array(n + 1);
    let pv: Int32Array = new Int32Array(1024);
    let ps: Int32Array = new Int32Array(1024);
    let np = 0;
    for (let v = from; v < to; v++) {
      const base = v * bpv;
      for (let byte = 0; byte < bpv; byte++) {
        const b = packed[base + byte];
        // A byte holds a missing call iff some 2-bit field is 01: (b & ~(b >> 1)) & 0x55 picks low=1, high=0.
        let mk = b & ~(b >> 1) & 0x55;
        while (mk) {
          const bit = 31 - Math.clz32(mk & -mk);
          mk &= mk - 1;
          const i = byte * 4 + (bit >> 1);
          if (i >= n) break;
          if (np === pv.length) {
            const a = new Int32Array(np * 2);
            a.set(pv);
            pv = a;
            const b2 = new Int32Array(np * 2);
            b2.set(ps);
            ps = b2;
          }
          pv[np] = v - from;
          ps[np++] = i;
          perSample[i + 1]++;
        }
      }
    }
    for (let i = 0; i < n; i++) perSample[i + 1] += perSample[i];
    const order = new Int32Array(np);
    const fill = perSample.slice(0, n);
    for (let k = 0; k < np; k++) order[fill[ps[k]]++] = pv[k];
    for (let i = 0; i < n; i++) {
      const a = perSample[i];
      const b = perSample[i + 1];
      if (a === b) continue;
      const qo = i * mq;
      for (let k = a; k < b; k++) {
        const o = order[k] * mq;
        for (let c = 0; c < mq; c++) out[o + c] += q[qo + c];
      }
    }
  } else if (chunk.dosage) {
    const ds = chunk.dosage;
    for (let v = from; v < to; v++) {
      const o = (v - from) * mq;
      for (let i = 0; i < n; i++) {
        if (ds[v * n + i] === DOSAGE_MISSING) {
          const qo = i * mq;
          for (let c = 0; c < mq; c++) out[o + c] += q[qo + c];
        }
      }
    }
  }
  return out;
}

/** Dosage of sample i at variant v of a chunk (NaN = missing), for sparse passes. */
export function dosageAt(chunk: GenotypeChunk, v: number, i: number): number {
  if (chunk.packed) {
    const code = (chunk.packed[v * chunk.bytesPerVariant + (i >> 2)] >> ((i & 3) << 1)) & 3;
    return CODE_DOSAGE[code];
  }
  if (chunk.dosage) return decodeDosage(chunk.dosage[v * chunk.nSamples + i]);
  throw new Error('dosageAt: chunk carries neither packed genotypes nor dosages');
}

/** Dosage of A1 per 2-bit code: 00 -> 2, 01 -> missing, 10 -> 1, 11 -> 0. */
export const CODE_DOSAGE = Float64Array.of(2, NaN, 1, 0);
export { CODE_HOM_A1, CODE_MISSING, CODE_HET, CODE_HOM_OTHER };
