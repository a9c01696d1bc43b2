/**
 * Gram matrices X'X of column-major Float64 or Float32 matrices over row ranges, in WebAssembly SIMD: tiles of 2 x 4 columns,
 * each tile's 8 sums in f64x2 registers (even and odd rows in the two lanes), 6 vector loads per 16 multiply-adds.
 * The LOCO ridge step's level 0 (relate/ridgeLevel0.ts, Float64 genotype columns) and level 1 (ridgeLevel1.ts,
 * Float32 predictions) spend most of their time here. Same result as
 * math/denseKernels.ts addGram up to the order of additions (each sum: even rows, odd rows, then the two added).
 * Needs wasmGramAvailable; callers fall back to addGram.
 */
import { OP, f64x2add, forLoop, get, growTo, i32, instantiate, moduleBytes, set, v128load, wasmValidates } from './wasmAsm';

const f64x2mul = [0xfd, 0xf2, 0x01];
const extractLane = (l: number) => [0xfd, 0x21, l];
const F64_ADD = 0xa0;
const F64_STORE = [0x39, 3, 0];
const load64zero = [0xfd, 0x5d, 3, 0];
const promoteLow = [0xfd, 0x5f];

/**
 * tile(pa, pb, cb, nBytes, out): out[a * 4 + b] = sum over the rows of column (a0 + a) x column (b0 + b); Float64
 * columns, or Float32 ones (`f32`: two values loaded as 8 bytes and promoted to f64x2, products and sums in f64).
 */
function tileBody(f32: boolean): number[] {
  const PA = 0, PB = 1, CB = 2, NB = 3, OUT = 4;
  const I = 5, PA1 = 6, PB1 = 7, PB2 = 8, PB3 = 9; // i32 locals
  const XA0 = 10, XA1 = 11, Y = 12, S = 13; // v128 locals: S..S+7 the sums s[a][b] at S + a * 4 + b
  const load = (base: number) => [...get(base), ...get(I), OP.i32add, ...(f32 ? [...load64zero, ...promoteLow] : v128load)];
  const madd = (s: number, x: number) => [...get(s), ...get(x), ...get(Y), ...f64x2mul, ...f64x2add, ...set(s)];
  const perRowPair = [
    ...load(PA), ...set(XA0),
    ...load(PA1), ...set(XA1),
    ...[PB, PB1, PB2, PB3].flatMap((pb, b) => [...load(pb), ...set(Y), ...madd(S + b, XA0), ...madd(S + 4 + b, XA1)]),
  ];
  const addr = (base: number, k: number) => [...get(base), ...get(CB), ...i32(k), OP.i32mul, OP.i32add];
  return [
    2, 5, 0x7f, 11, 0x7b, // locals: 5 i32, 11 v128 (zero-initialized)
    ...addr(PA, 1), ...set(PA1),
    ...addr(PB, 1), ...set(PB1),
    ...addr(PB, 2), ...set(PB2),
    ...addr(PB, 3), ...set(PB3),
    ...forLoop(I, i32(0), get(NB), f32 ? 8 : 16, perRowPair),
    ...Array.from({ length: 8 }, (_, k) => [
      ...get(OUT), ...i32(k * 8), OP.i32add,
      ...get(S + k), ...extractLane(0), ...get(S + k), ...extractLane(1), F64_ADD,
      ...F64_STORE,
    ]).flat(),
    OP.end,
  ];
}

const WASM_BYTES = moduleBytes([
  { name: 'tile', params: 5, body: tileBody(false) },
  { name: 'tile32', params: 5, body: tileBody(true) },
]);

export const wasmGramAvailable: boolean = wasmValidates(WASM_BYTES);

export interface GramEngine {
  /** Copies in the m columns (n rows each) of a column-major matrix, all Float64 or all Float32. */
  load(columns: readonly Float64Array[] | readonly Float32Array[], n: number): void;
  /** acc (m x m, symmetric) += X'X over rows off .. off + rows - 1 of the loaded columns. */
  addGram(off: number, rows: number, acc: Float64Array): void;
}

export function createGramEngine(): GramEngine {
  const { memory, exports } = instantiate(WASM_BYTES);
  type Tile = (pa: number, pb: number, cb: number, nBytes: number, out: number) => void;
  const tile64 = exports.tile as Tile;
  const tile32 = exports.tile32 as Tile;
  const OUT = 0; // 8 f64 of a tile's sums
  const X0 = 64;
  let n = 0, m = 0, size = 8;
  let x: Float64Array | Float32Array = new Float64Array(0);
  return {
    load(columns, rows) {
      n = rows;
      m = columns.length;
      const f32 = columns.length > 0 && columns[0] instanceof Float32Array;
      size = f32 ? 4 : 8;
      growTo(memory, X0 + n * m * size);
      x = f32 ? new Float32Array(memory.buffer, X0, n * m) : new Float64Array(memory.buffer, X0, n * m);
      for (let j = 0; j < m; j++) {
        const c = columns[j];
        if ((c instanceof Float32Array) !== f32) throw new Error('gram engine: columns of mixed types');
        x.set(c.subarray(0, n), j * n);
      }
    },
    addGram(off, rows, acc) {
      const out = new Float64Array(memory.buffer, OUT, 8);
      const tile = size === 4 ? tile32 : tile64;
      const even = rows & ~1;
      const cb = n * size;
      const at = (j: number) => X0 + (j * n + off) * size;
      const a2 = m & ~1, b4 = m & ~3;
      const add = (a: number, b: number, s: number) => {
        if (b > a) return;
        acc[a * m + b] += s;
        if (a !== b) acc[b * m + a] += s;
      };
      const dot = (a: number, b: number, from: number, to: number) => {
        let s = 0;
        for (let t = off + from; t < off + to; t++) s += x[a * n + t] * x[b * n + t];
        return s;
      };
      for (let a0 = 0; a0 < a2; a0 += 2) {
        for (let b0 = 0; b0 < b4 && b0 <= a0 + 1; b0 += 4) {
          tile(at(a0), at(b0), cb, even * size, OUT);
          for (let a = 0; a < 2; a++) for (let b = 0; b < 4; b++) add(a0 + a, b0 + b, out[a * 4 + b] + (even < rows ? dot(a0 + a, b0 + b, even, rows) : 0));
        }
        // columns past the last tile of 4
        for (let b = b4; b <= a0 + 1 && b < m; b++) for (let a = 0; a < 2; a++) add(a0 + a, b, dot(a0 + a, b, 0, rows));
      }
      // the last column of an odd m
      for (let a = a2; a < m; a++) for (let b = 0; b <= a; b++) add(a, b, dot(a, b, 0, rows));
    },
  };
}
