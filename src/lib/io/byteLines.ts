/**
 * Splits a stream of byte chunks into batches of lines without decoding them to strings: each batch is one
 * buffer with the start/end offsets of its lines ('\n' endings; a trailing '\r' is excluded). Small input
 * chunks (gunzip output is ~64 KB) are gathered to at least `minBatchBytes` before splitting, so a long line
 * is copied a bounded number of times. Used by the VCF reader, whose hot loop works on bytes.
 */
export interface ByteLineBatch {
  buf: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
  /** 1-based line number of the first line. */
  firstLine: number;
}

export async function* byteLines(chunks: AsyncIterable<Uint8Array>, minBatchBytes = 1 << 20): AsyncGenerator<ByteLineBatch> {
  let carry: Uint8Array = new Uint8Array(0);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNo = 1;
  const split = (buf: Uint8Array, final: boolean): ByteLineBatch | null => {
    const starts: number[] = [];
    const ends: number[] = [];
    let s = 0;
    for (;;) {
      const nl = buf.indexOf(10, s);
      if (nl < 0) break;
      starts.push(s);
      ends.push(nl > s && buf[nl - 1] === 13 ? nl - 1 : nl);
      s = nl + 1;
    }
    if (final && s < buf.length) {
      starts.push(s);
      ends.push(buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length);
      s = buf.length;
    }
    carry = s < buf.length ? buf.slice(s) : new Uint8Array(0);
    if (starts.length === 0) return null;
    const b: ByteLineBatch = { buf, starts: Int32Array.from(starts), ends: Int32Array.from(ends), count: starts.length, firstLine: lineNo };
    lineNo += starts.length;
    return b;
  };
  const gather = (): Uint8Array => {
    const out = new Uint8Array(carry.length + pendingBytes);
    out.set(carry, 0);
    let o = carry.length;
    for (const p of pending) {
      out.set(p, o);
      o += p.length;
    }
    pending = [];
    pendingBytes = 0;
    return out;
  };
  for await (const c of chunks) {
    pending.push(c);
    pendingBytes += c.length;
    if (pendingBytes < minBatchBytes) continue;
    const b = split(gather(), false);
    if (b) yield b;
  }
  const b = split(gather(), true);
  if (b) yield b;
}

const utf8 = new TextDecoder('utf-8');

/** Text of buf[a, b): ASCII fast path, UTF-8 when a byte is >= 128. */
export function bytesText(buf: Uint8Array, a: number, b: number): string {
  if (b - a > 64) return utf8.decode(buf.subarray(a, b));
  let s = '';
  for (let i = a; i < b; i++) {
    const c = buf[i];
    if (c >= 128) return utf8.decode(buf.subarray(a, b));
    s += String.fromCharCode(c);
  }
  return s;
}
