/**
 * WASM SIMD version of the packed-genotype class sums (kernel.ts classSums): the inner row adds run as
 * f64x2 vector adds with no bounds checks. The module (one function, ~200 bytes) is assembled here from
 * opcodes, so no toolchain or binary asset is needed. Same algorithm and results as the JS kernel (the same
 * additions in the same order, so bit-identical sums): per variant, rows of X are summed per 2-bit class
 * except the most frequent class, which is derived from the column totals. Byte tables list, for each byte
 * value and dropped class, the (sample, class) pairs to add, so the loop has no per-sample branch.
 * Measured: see docs/assoc.md (kernel CPU time per 20,000 x 20,000, m = 19).
 */
import type { GenotypeChunk } from '../io/GenotypeSource';
import { columnTotals, countCodes, type ClassSums, type SampleMatrix } from './kernel';

// ---- a tiny WASM assembler -------------------------------------------------------------------------------
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i32const: 0x41,
  i32eq: 0x46,
  i32geU: 0x4f,
  i32add: 0x6a,
  i32mul: 0x6c,
  i32and: 0x71,
  i32shl: 0x74,
  i32shrU: 0x76,
  load8u: 0x2d,
} as const;
const get = (l: number) => [OP.get, ...uleb(l)];
const set = (l: number) => [OP.set, ...uleb(l)];
const i32 = (v: number) => [OP.i32const, ...sleb(v)];
const load8 = [OP.load8u, 0, 0];
const v128load = [0xfd, 0x00, 3, 0];
const v128store = [0xfd, 0x0b, 3, 0];
const f64x2add = [0xfd, ...uleb(240)];
/** for (i = start; i < endLocal; i += step) body — block/loop with the exit test at the top. */
function forLoop(i: number, start: number[], end: number[], step: number, body: number[]): number[] {
  return [...start, ...set(i), OP.block, 0x40, OP.loop, 0x40, ...get(i), ...end, OP.i32geU, OP.brIf, 1, ...body, ...get(i), ...i32(step), OP.i32add, ...set(i), OP.br, 0, OP.end, OP.end];
}

// params
const P_COUNT = 0, P_BPV = 1, P_FULL = 2, P_MP8 = 3, P_POFF = 4, P_XOFF = 5, P_AOFF = 6, P_DOFF = 7, P_TOFF = 8, P_LOFF = 9;
// locals
const V = 10, D = 11, SKIP = 12, BASE = 13, AO = 14, LO = 15, Q = 16, B = 17, EIDX = 18, LEN = 19, K = 20, E = 21, XO = 22, A = 23, C = 24;
const N_LOCALS = 15;

function buildModule(): Uint8Array<ArrayBuffer> {
  const inner = forLoop(C, i32(0), get(P_MP8), 16, [
    ...get(A), ...get(C), OP.i32add,
    ...get(A), ...get(C), OP.i32add, ...v128load,
    ...get(XO), ...get(C), OP.i32add, ...v128load,
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
  const body = [1, ...uleb(N_LOCALS), 0x7f, ...forLoop(V, i32(0), get(P_COUNT), 1, perVariant), OP.end];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const type = section(1, [1, 0x60, 10, ...Array(10).fill(0x7f), 0]);
  const imp = section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]);
  const func = section(3, [1, 0]);
  const exp = section(7, [1, ...name('run'), 0x00, 0]);
  const code = section(10, [1, ...uleb(body.length), ...body]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imp, ...func, ...exp, ...code]);
}

const WASM_BYTES: Uint8Array<ArrayBuffer> = buildModule();

/** True when this engine runs WASM SIMD (Node 16.4+, current browsers). */
export const wasmSimdAvailable: boolean = (() => {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(WASM_BYTES);
  } catch {
    return false;
  }
})();

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

export interface WasmClassSums {
  classSums(chunk: GenotypeChunk, from?: number, to?: number): ClassSums;
}

/** A WASM class-sum engine holding X (padded to an even column count) in its own memory. */
export function createWasmClassSums(X: SampleMatrix): WasmClassSums {
  const { n, m } = X;
  const mp = m + (m & 1);
  const mp8 = mp * 8;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(WASM_BYTES), { env: { mem: memory } });
  const run = instance.exports.run as (...a: number[]) => void;
  const totals = columnTotals(X);
  // Layout: tables | X | (per call) dropped | packed | acc
  const tOff = 0;
  const lOff = TABLES.list.length;
  const xOff = align(lOff + TABLES.len.length, 16);
  const xBytes = n * mp8;
  const ensure = (bytes: number) => {
    if (bytes <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  };
  ensure(xOff + xBytes);
  new Uint8Array(memory.buffer).set(TABLES.list, tOff);
  new Uint8Array(memory.buffer).set(TABLES.len, lOff);
  {
    const xv = new Float64Array(memory.buffer, xOff, n * mp);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) xv[i * mp + c] = X.data[i * m + c];
  }
  const xd = X.data;
  return {
    classSums(chunk, from = 0, to = chunk.count) {
      const packed = chunk.packed;
      if (!packed) throw new Error('wasm classSums: chunk has no packed genotypes');
      if (chunk.nSamples !== n) throw new Error(`chunkStats: X has ${n} rows but the chunk has ${chunk.nSamples} samples`);
      const bpv = chunk.bytesPerVariant;
      const count = to - from;
      const full = n >> 2;
      const tail = n & 3;
      const dOff = xOff + xBytes;
      const pOff = dOff + align(count, 16);
      const aOff = align(pOff + count * bpv, 16);
      const accBytes = count * 4 * mp8;
      ensure(aOff + accBytes);
      const mem8 = new Uint8Array(memory.buffer);
      mem8.set(packed.subarray(from * bpv, to * bpv), pOff);
      mem8.fill(0, aOff, aOff + accBytes);
      const obs = new Int32Array(count);
      const cnt = new Int32Array(4);
      const dropped = new Uint8Array(count);
      for (let v = 0; v < count; v++) {
        const base = (from + v) * bpv;
        countCodes(packed, base, full, cnt);
        if (tail) {
          const b = packed[base + full];
          for (let j = 0; j < tail; j++) cnt[(b >> (2 * j)) & 3]++;
        }
        let d = 3;
        if (cnt[2] > cnt[d]) d = 2;
        if (cnt[0] > cnt[d]) d = 0;
        dropped[v] = d;
        obs[v] = n - cnt[1];
      }
      mem8.set(dropped, dOff);
      run(count, bpv, full, mp8, pOff, xOff, aOff, dOff, tOff, lOff);
      const acc = new Float64Array(memory.buffer, aOff, count * 4 * mp);
      const het = new Float64Array(count * m);
      const hom = new Float64Array(count * m);
      const miss = new Float64Array(count * m);
      const local = new Float64Array(4 * m);
      for (let v = 0; v < count; v++) {
        const ao = v * 4 * mp;
        for (let k = 0; k < 4; k++) for (let c = 0; c < m; c++) local[k * m + c] = acc[ao + k * mp + c];
        const d = dropped[v];
        if (tail) {
          const b = packed[(from + v) * bpv + full];
          for (let j = 0; j < tail; j++) {
            const code = (b >> (2 * j)) & 3;
            if (code === d) continue;
            const xo = (full * 4 + j) * m;
            for (let c = 0; c < m; c++) local[code * m + c] += xd[xo + c];
          }
        }
        for (let c = 0; c < m; c++) {
          let s = totals[c];
          for (let k = 0; k < 4; k++) if (k !== d) s -= local[k * m + c];
          local[d * m + c] = s;
        }
        const o = v * m;
        for (let c = 0; c < m; c++) {
          het[o + c] = local[2 * m + c];
          hom[o + c] = local[c];
          miss[o + c] = local[m + c];
        }
      }
      return { count, m, obs, het, hom, miss };
    },
  };
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
