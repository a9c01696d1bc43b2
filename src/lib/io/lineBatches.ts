/**
 * Splits a stream of byte chunks into batches of text lines (UTF-8, '\n' or '\r\n' endings), one batch per
 * input chunk, with the 1-based number of the batch's first line. Batches instead of single lines keep the
 * per-line cost to a string split (no promise per line). A final line without '\n' is yielded too.
 */
import type { ByteSource } from './ByteSource';

export interface LineBatch {
  lines: string[];
  /** 1-based line number of lines[0]. */
  firstLine: number;
}

export async function* lineBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<LineBatch> {
  const dec = new TextDecoder('utf-8');
  let carry = '';
  let lineNo = 1;
  for await (const chunk of chunks) {
    const text = carry + dec.decode(chunk, { stream: true });
    const lastNl = text.lastIndexOf('\n');
    if (lastNl < 0) {
      carry = text;
      continue;
    }
    carry = text.slice(lastNl + 1);
    const lines = text.slice(0, lastNl).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
    }
    yield { lines, firstLine: lineNo };
    lineNo += lines.length;
  }
  carry += dec.decode();
  if (carry.length > 0) {
    if (carry.charCodeAt(carry.length - 1) === 13) carry = carry.slice(0, -1);
    yield { lines: [carry], firstLine: lineNo };
  }
}

/** Byte chunks of a source, front to back, read with ByteSource.read (never the whole file at once). */
export async function* sourceChunks(src: ByteSource, chunkBytes = 1 << 20, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < src.size; off += chunkBytes) {
    if (signal?.aborted) return;
    yield await src.read(off, chunkBytes);
  }
}
