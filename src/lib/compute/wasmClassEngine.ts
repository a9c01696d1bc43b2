/**
 * WASM SIMD engine for per-class row sums over packed 2-bit genotypes, in both directions:
 *   gather:  S[v][class] += R[j]            (the scan kernel's class sums, assoc/wasmKernel.ts)
 *   scatter: R[j]        += S[v][class]     (the back-projection of the genetic PCA, relate/pcaPass.ts)
 * for every variant v of a batch and every sample j of its full bytes (n & ~3 samples) whose class is not the
 * variant's dropped class; R is an n x mp row matrix held in the engine's memory, S the batch's scratch
 * (count x 4 x mp). The caller handles the n & 3 tail samples and the dropped class. Inner row operations are
 * f64x2 adds without bounds checks; byte tables list, per byte value and dropped class, the (sample, class) pairs
 * to visit, so the loop has no per-sample branch. Additions run in sample order, so gather is bit-identical to
 * the JS class sums of assoc/kernel.ts.
 */
import { OP, forLoop, get, growTo, i32, instantiate, load8, moduleBytes, set, uleb, v128load, v128store, f64x2add, wasmValidates } from './wasmAsm';

// params (both functions)
const P_COUNT = 0, P_BPV = 1, P_FULL = 2, P_MP8 = 3, P_POFF = 4, P_XOFF = 5, P_AOFF = 6, P_DOFF = 7, P_TOFF = 8, P_LOFF = 9;
// locals
const V = 10, D = 11, SKIP = 12, BASE = 13, AO = 14, LO = 15, Q = 16, B = 17, EIDX = 18, LEN = 19, K = 20, E = 21, XO = 22, A = 23, C = 24;
const N_LOCALS = 15;

/** One function: for each variant, byte and listed (sample, class) entry, dst[...] += src[...] over mp columns. */
function body(scatter: boolean): number[] {
  const [dst, src] = scatter ? [XO, A] : [A, XO];
  const inner = forLoop(C, i32(0), get(P_MP8), 16, [
    ...get(dst), ...get(C), OP.i32add,
    ...get(dst), ...get(C), OP.i32add, ...v128load,
    ...get(src), ...get(C), OP.i32add, ...v128load,
    ...f64x2add, ...v128store,
  ]);
  const perEntry = [
    // e = LIST[tOff + eidx*4 + k]
    ...get(P_TOFF), ...get(EIDX), ...i32(2), OP.i32shl, OP.i32add, ...get(K), OP.i32add, ...load8, ...set(E),
    // xo = xOff + (q*4 + (e>>2)) * mp8
    ...get(P_XOFF), ...get(Q), ...i32(2), OP.i32shl, ...get(E), ...i32(2), OP.i32shrU, OP.i32add, ...get(P_MP8), OP.i32mul, OP.i32add, ...set(XO),
    // a = ao + (e&3) * mp8
    ...get(AO), ...get(E), ...i32(3), OP.i32and, ...get(P_MP8), OP.i32mul, OP.i32add, ...set(A),
    ...inner,
  ];
  const perByte = [
    OP.block, 0x40,
    ...get(BASE), ...get(Q), OP.i32add, ...load8, ...set(B),
    ...get(B), ...get(SKIP), OP.i32eq, OP.brIf, 0,
    ...get(LO), ...get(B), OP.i32add, ...set(EIDX),
    ...get(P_LOFF), ...get(EIDX), OP.i32add, ...load8, ...set(LEN),
    ...forLoop(K, i32(0), get(LEN), 1, perEntry),
    OP.end,
  ];
  const perVariant = [
    ...get(P_DOFF), ...get(V), OP.i32add, ...load8, ...set(D),
    ...get(D), ...i32(85), OP.i32mul, ...set(SKIP),
    ...get(P_POFF), ...get(V), ...get(P_BPV), OP.i32mul, OP.i32add, ...set(BASE),
    ...get(P_AOFF), ...get(V), ...get(P_MP8), ...i32(2), OP.i32shl, OP.i32mul, OP.i32add, ...set(AO),
    ...get(D), ...i32(8), OP.i32shl, ...set(LO),
    ...forLoop(Q, i32(0), get(P_FULL), 1, perByte),
  ];
  return [1, ...uleb(N_LOCALS), 0x7f, ...forLoop(V, i32(0), get(P_COUNT), 1, perVariant), OP.end];
}

const WASM_BYTES = moduleBytes([
  { name: 'gather', params: 10, body: body(false) },
  { name: 'scatter', params: 10, body: body(true) },
]);

/** True when this engine runs WASM SIMD (Node 16.4+, current browsers). */
export const wasmSimdAvailable: boolean = wasmValidates(WASM_BYTES);

/** LIST[(d*256 + b)*4 + k] = (j << 2) | code of the k-th sample of byte b whose code is not d; LEN[d*256 + b]. */
const TABLES = (() => {
  const list = new Uint8Array(4 * 256 * 4);
  const len = new Uint8Array(4 * 256);
  for (let d = 0; d < 4; d++)
    for (let b = 0; b < 256; b++) {
      let k = 0;
      for (let j = 0; j < 4; j++) {
        const code = (b >> (2 * j)) & 3;
        if (code !== d) list[(d * 256 + b) * 4 + k++] = (j << 2) | code;
      }
      len[d * 256 + b] = k;
    }
  return { list, len };
})();

export interface ClassEngine {
  /** Samples (rows of each row matrix). */
  readonly n: number;
  /** Columns of a row matrix and of a scratch class row, padded to even. */
  readonly mp: number;
  /** Row matrix k (n x mp, row-major) in engine memory; take a fresh view after load (memory may grow). */
  rows(k: number): Float64Array;
  /** The loaded batch's scratch, count x 4 x mp: S[v][class] at (v * 4 + class) * mp. */
  scratch(): Float64Array;
  /** Copies in `count` variants' packed bytes (bpv bytes each) and their dropped classes; zeroes the scratch. */
  load(packed: Uint8Array, bpv: number, count: number, dropped: Uint8Array): void;
  /** scratch[v][class of j] += rows(k)[j] over the loaded batch (full-byte samples, dropped class skipped). */
  gather(k: number): void;
  /** rows(k)[j] += scratch[v][class of j] likewise. */
  scatter(k: number): void;
}

/** An engine for n samples, `matrices` row matrices of m columns each (zeroed). Needs wasmSimdAvailable. */
export function createClassEngine(n: number, m: number, matrices = 1): ClassEngine {
  const mp = m + (m & 1);
  const mp8 = mp * 8;
  const { memory, exports } = instantiate(WASM_BYTES);
  type Run = (...a: number[]) => void;
  const gatherFn = exports.gather as Run;
  const scatterFn = exports.scatter as Run;
  // Layout: tables | row matrices | (per batch) dropped | packed | scratch
  const tOff = 0;
  const lOff = TABLES.list.length;
  const xOff = align(lOff + TABLES.len.length, 16);
  const xBytes = n * mp8;
  growTo(memory, xOff + matrices * xBytes);
  new Uint8Array(memory.buffer).set(TABLES.list, tOff);
  new Uint8Array(memory.buffer).set(TABLES.len, lOff);
  const dOff = xOff + matrices * xBytes;
  let batch = { count: 0, bpv: 0, pOff: 0, aOff: 0 };
  const run = (fn: Run, k: number) => {
    if (k < 0 || k >= matrices) throw new Error(`class engine: row matrix ${k} of ${matrices}`);
    fn(batch.count, batch.bpv, n >> 2, mp8, batch.pOff, xOff + k * xBytes, batch.aOff, dOff, tOff, lOff);
  };
  return {
    n,
    mp,
    rows: (k) => new Float64Array(memory.buffer, xOff + k * xBytes, n * mp),
    scratch: () => new Float64Array(memory.buffer, batch.aOff, batch.count * 4 * mp),
    load(packed, bpv, count, dropped) {
      const pOff = dOff + align(count, 16);
      const aOff = align(pOff + count * bpv, 16);
      growTo(memory, aOff + count * 4 * mp8);
      const mem8 = new Uint8Array(memory.buffer);
      mem8.set(dropped.subarray(0, count), dOff);
      mem8.set(packed.subarray(0, count * bpv), pOff);
      mem8.fill(0, aOff, aOff + count * 4 * mp8);
      batch = { count, bpv, pOff, aOff };
    },
    gather: (k) => run(gatherFn, k),
    scatter: (k) => run(scatterFn, k),
  };
}

/**
 * The class sums of loaded variant v, complete, into local (4 x m, by code): the engine's scratch (full-byte samples)
 * plus the n & 3 tail samples of `x` (the row matrix as the caller holds it: n x m, row-major, unpadded), with the
 * dropped class d derived from x's column totals. Additions in sample order, as the JS class sums.
 */
export function completeClassSums(
  scratch: Float64Array, mp: number, v: number, d: number, tailByte: number, n: number,
  x: ArrayLike<number>, m: number, totals: ArrayLike<number>, local: Float64Array,
): void {
  const so = v * 4 * mp;
  for (let k = 0; k < 4; k++) for (let c = 0; c < m; c++) local[k * m + c] = scratch[so + k * mp + c];
  const full = n >> 2;
  for (let j = 0; j < (n & 3); j++) {
    const code = (tailByte >> (2 * j)) & 3;
    if (code === d) continue;
    const xo = (full * 4 + j) * m;
    for (let c = 0; c < m; c++) local[code * m + c] += x[xo + c];
  }
  for (let c = 0; c < m; c++) {
    let r = totals[c];
    for (let k = 0; k < 4; k++) if (k !== d) r -= local[k * m + c];
    local[d * m + c] = r;
  }
}

export function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
