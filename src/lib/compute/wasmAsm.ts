/**
 * A tiny WebAssembly assembler: just the opcodes and encodings our kernels use (wasmClassEngine.ts, wasmGram.ts,
 * relate/ldPlanes.ts), so that no toolchain or binary asset is needed; and how each of them checks, instantiates
 * and grows its module and memory.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
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

export const OP = {
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
  i32load: 0x28,
  i32store: 0x36,
  i32sub: 0x6b,
  i32or: 0x72,
  i32xor: 0x73,
  i64load: 0x29,
  i64popcnt: 0x7b,
  i64add: 0x7c,
  i64sub: 0x7d,
  i64and: 0x83,
  i64xor: 0x85,
  i32wrapI64: 0xa7,
} as const;

export const get = (l: number): number[] => [OP.get, ...uleb(l)];
export const set = (l: number): number[] => [OP.set, ...uleb(l)];
export const i32 = (v: number): number[] => [OP.i32const, ...sleb(v)];
export const load8: number[] = [OP.load8u, 0, 0];
export const v128load: number[] = [0xfd, 0x00, 3, 0];
export const v128store: number[] = [0xfd, 0x0b, 3, 0];
export const f64x2add: number[] = [0xfd, ...uleb(240)];

/** for (i = start; i < end; i += step) body: block/loop with the exit test at the top. */
export function forLoop(i: number, start: number[], end: number[], step: number, body: number[]): number[] {
  return [...start, ...set(i), OP.block, 0x40, OP.loop, 0x40, ...get(i), ...end, OP.i32geU, OP.brIf, 1, ...body, ...get(i), ...i32(step), OP.i32add, ...set(i), OP.br, 0, OP.end, OP.end];
}

const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** An exported function: `params` i32 parameters, no result or one i32; body = [local declarations..., code..., end]. */
export interface WasmFunc {
  name: string;
  params: number;
  returnsI32?: boolean;
  body: number[];
}

/** A module importing one memory (env.mem) and exporting `funcs` (one type per function). */
export function moduleBytes(funcs: WasmFunc[]): Uint8Array<ArrayBuffer> {
  const types = funcs.flatMap((f) => [0x60, ...uleb(f.params), ...Array(f.params).fill(0x7f), ...(f.returnsI32 ? [1, 0x7f] : [0])]);
  const type = section(1, [...uleb(funcs.length), ...types]);
  const imp = section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]);
  const func = section(3, [...uleb(funcs.length), ...funcs.map((_, i) => i)]);
  const exp = section(7, [...uleb(funcs.length), ...funcs.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)])]);
  const code = section(10, [...uleb(funcs.length), ...funcs.flatMap((f) => [...uleb(f.body.length), ...f.body])]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imp, ...func, ...exp, ...code]);
}

/** Whether this engine accepts the module (WebAssembly at all, and SIMD where the module uses it). */
export function wasmValidates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** An instance of the module over a fresh memory of one page (the module's env.mem). */
export function instantiate(bytes: Uint8Array<ArrayBuffer>): { memory: WebAssembly.Memory; exports: WebAssembly.Exports } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  return { memory, exports: instance.exports };
}

/** Grows the memory to at least `bytes` (whole 64 KiB pages); growing replaces memory.buffer. */
export function growTo(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
