/**
 * The founder call planes of LD pruning's loaded variants (indepPairwise.ts), in fixed-size slots of one
 * WebAssembly memory, and the pair kernel that reads them there: for two variants' hom / ref-or-het planes of a
 * sample group, sum over the samples called hom at both of (+1 same homozygote, -1 opposite), i.e.
 * popcount(h1 & h2) - 2 popcount(h1 & h2 & (r1 ^ r2)), on 64-bit words with the hardware popcount
 * (i64.popcnt, WebAssembly 1.0); and, for the sums over the samples called at both, the calls of one variant at
 * the listed missing-call positions of the other. Plane word counts are even, so every plane starts on an 8-byte
 * boundary. Without WebAssembly the same slots live in an ArrayBuffer and JS loops count 32-bit words.
 *
 * Memory grows by doubling when every slot is taken; growing replaces the buffer, so a slot's `planes` view is
 * renewed then: read it from the slot each time, never keep it across `take`.
 */
import { OP, forLoop, get, growTo, i32, instantiate, moduleBytes, set, wasmValidates } from '../compute/wasmAsm';

/** dot(p1, p2, n64): both - 2 neg over n64 64-bit words, hom planes at byte offsets p1, p2, ref-or-het planes n64 words after. */
function dotBody(): number[] {
  const P1 = 0, P2 = 1, N = 2, I = 3, R = 4, BOTH = 5, NEG = 6, H = 7;
  const ld = (base: number, extra: number[]) => [...get(base), ...get(I), OP.i32add, ...extra, OP.i64load, 3, 0];
  const plusR = [...get(R), OP.i32add];
  const loop = forLoop(I, i32(0), get(R), 8, [
    ...ld(P1, []), ...ld(P2, []), OP.i64and, OP.tee, ...[H],
    OP.i64popcnt, ...get(BOTH), OP.i64add, ...set(BOTH),
    ...get(H), ...ld(P1, plusR), ...ld(P2, plusR), OP.i64xor, OP.i64and,
    OP.i64popcnt, ...get(NEG), OP.i64add, ...set(NEG),
  ]);
  return [
    2, 2, 0x7f, 3, 0x7e, // locals: i, r (i32); both, neg, h (i64)
    ...get(N), ...i32(3), OP.i32shl, ...set(R),
    ...loop,
    ...get(BOTH), ...get(NEG), OP.i64sub, ...get(NEG), OP.i64sub, OP.i32wrapI64,
    OP.end,
  ];
}

/**
 * missing(p1, rBytes, list, len): over the `len` sample positions at byte offset `list` (another variant's missing
 * calls), counts of this variant's hom calls, hom-ref calls (hom and ref-or-het) and no calls, from its planes at p1
 * (hom) and p1 + rBytes (ref-or-het); stored as three i32 at byte 0 of the memory.
 */
function missingBody(): number[] {
  const P1 = 0, RB = 1, LIST = 2, LEN = 3, K = 4, J = 5, ADDR = 6, B = 7, H = 8, RH = 9, HC = 10, HR = 11, NONE = 12;
  const bit = (extra: number[]) => [...get(ADDR), ...extra, OP.i32load, 2, 0, ...get(B), OP.i32shrU, ...i32(1), OP.i32and];
  const loop = forLoop(K, i32(0), [...get(LEN), ...i32(2), OP.i32shl], 4, [
    ...get(LIST), ...get(K), OP.i32add, OP.i32load, 2, 0, ...set(J),
    ...get(P1), ...get(J), ...i32(5), OP.i32shrU, ...i32(2), OP.i32shl, OP.i32add, ...set(ADDR),
    ...get(J), ...i32(31), OP.i32and, ...set(B),
    ...bit([]), ...set(H),
    ...bit([...get(RB), OP.i32add]), ...set(RH),
    ...get(HC), ...get(H), OP.i32add, ...set(HC),
    ...get(HR), ...get(H), ...get(RH), OP.i32and, OP.i32add, ...set(HR),
    ...get(NONE), ...i32(1), ...get(H), ...get(RH), OP.i32or, OP.i32sub, OP.i32add, ...set(NONE),
  ]);
  const store = (at: number, l: number) => [...i32(at), ...get(l), OP.i32store, 2, 0];
  return [1, 9, 0x7f, ...loop, ...store(0, HC), ...store(4, HR), ...store(8, NONE), OP.end];
}

const WASM_BYTES = moduleBytes([
  { name: 'dot', params: 3, returnsI32: true, body: dotBody() },
  { name: 'missing', params: 4, body: missingBody() },
]);

/** Bytes at the start of the arena's memory for the kernels' outputs; slots follow. */
const OUT_BYTES = 16;

const wasmAvailable: boolean = wasmValidates(WASM_BYTES);

/** A slot: `planes` (slotWords 32-bit words) at byte offset `off` of the arena's memory. */
export interface PlaneSlot {
  off: number;
  planes: Uint32Array;
}

export class PlaneArena {
  private memory: WebAssembly.Memory | null = null;
  private buffer: ArrayBuffer;
  private readonly dotFn: ((p1: number, p2: number, n64: number) => number) | null = null;
  private readonly missingFn: ((p1: number, rBytes: number, list: number, len: number) => void) | null = null;
  /** The last `missing` counts: hom calls, hom-ref calls, no calls. */
  readonly counts = new Int32Array(3);
  /** Where the WebAssembly `missing` leaves its counts (renewed with the buffer). */
  private out: Int32Array;
  private readonly free: PlaneSlot[] = [];
  private readonly live = new Set<PlaneSlot>();
  private slots = 0;
  private readonly slotBytes: number;

  /** `slotWords` (even): the most 32-bit words a variant's planes take. `kind` 'js' forces the JS kernel (tests). */
  constructor(readonly slotWords: number, kind: 'wasm' | 'js' = 'wasm') {
    if (slotWords % 2) throw new Error(`plane arena: slot words must be even, got ${slotWords}`);
    this.slotBytes = slotWords * 4;
    if (kind === 'wasm' && wasmAvailable) {
      const { memory, exports } = instantiate(WASM_BYTES);
      this.memory = memory;
      this.dotFn = exports.dot as (p1: number, p2: number, n64: number) => number;
      this.missingFn = exports.missing as (p1: number, rBytes: number, list: number, len: number) => void;
      this.buffer = this.memory.buffer as ArrayBuffer;
    } else this.buffer = new ArrayBuffer(OUT_BYTES);
    this.out = new Int32Array(this.buffer, 0, 3);
  }

  take(): PlaneSlot {
    const s = this.free.pop() ?? this.grow();
    this.live.add(s);
    return s;
  }

  release(s: PlaneSlot): void {
    if (this.live.delete(s)) this.free.push(s);
  }

  /**
   * Sum over the samples hom at both variants of +1 / -1 (same / opposite homozygote), for the group whose hom
   * plane starts `wordOff` words into each slot and spans `words` (even) words, its ref-or-het plane right after.
   */
  dot(a: PlaneSlot, b: PlaneSlot, wordOff: number, words: number): number {
    if (this.dotFn) return this.dotFn(a.off + wordOff * 4, b.off + wordOff * 4, words >> 1);
    const p1 = a.planes, p2 = b.planes;
    const r = wordOff + words;
    let both = 0, neg = 0;
    for (let w = 0; w < words; w++) {
      const h = p1[wordOff + w] & p2[wordOff + w];
      both += popcount(h);
      neg += popcount(h & (p1[r + w] ^ p2[r + w]));
    }
    return both - 2 * neg;
  }

  /**
   * Counts (into `counts`) of variant a's hom calls, hom-ref calls and no calls at the `len` sample positions
   * listed at word `listOff` of slot b (b's missing calls), for the group whose planes start `wordOff` words into
   * each slot and span `words` words each.
   */
  missing(a: PlaneSlot, wordOff: number, words: number, b: PlaneSlot, listOff: number, len: number): void {
    if (this.missingFn) {
      this.missingFn(a.off + wordOff * 4, words * 4, b.off + listOff * 4, len);
      this.counts.set(this.out);
      return;
    }
    const p = a.planes, list = b.planes;
    let hc = 0, hr = 0, none = 0;
    for (let k = 0; k < len; k++) {
      const j = list[listOff + k], w = wordOff + (j >>> 5), bit = j & 31;
      const h = (p[w] >>> bit) & 1, rh = (p[w + words] >>> bit) & 1;
      hc += h;
      hr += h & rh;
      none += 1 - (h | rh);
    }
    this.counts[0] = hc;
    this.counts[1] = hr;
    this.counts[2] = none;
  }

  /** Doubles the slots (at least 16) and renews the live slots' views; returns one new free slot. */
  private grow(): PlaneSlot {
    const add = Math.max(16, this.slots);
    const bytes = OUT_BYTES + (this.slots + add) * this.slotBytes;
    if (this.memory) {
      growTo(this.memory, bytes);
      this.buffer = this.memory.buffer as ArrayBuffer;
    } else {
      const next = new ArrayBuffer(bytes);
      new Uint8Array(next).set(new Uint8Array(this.buffer));
      this.buffer = next;
    }
    this.out = new Int32Array(this.buffer, 0, 3);
    for (const s of [...this.live, ...this.free]) s.planes = new Uint32Array(this.buffer, s.off, this.slotWords);
    for (let k = this.slots + add - 1; k > this.slots; k--) this.free.push(this.slot(k));
    const first = this.slot(this.slots);
    this.slots += add;
    return first;
  }

  private slot(k: number): PlaneSlot {
    const off = OUT_BYTES + k * this.slotBytes;
    return { off, planes: new Uint32Array(this.buffer, off, this.slotWords) };
  }
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
