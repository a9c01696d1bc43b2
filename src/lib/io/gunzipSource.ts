/**
 * Streams the bytes of a source front to back, gunzipping on the fly when the source starts with the gzip
 * magic bytes (1f 8b). Uses fflate's streaming Gunzip (works in browsers, workers and Node; no node:zlib in
 * src/lib). Concatenated gzip members (bgzip) are decompressed one after the other. Memory is bounded by the
 * read chunk and its decompressed output, never the whole file.
 */
import { Gunzip } from 'fflate';
import type { ByteSource } from './ByteSource';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export interface StreamBytesOptions {
  /** Bytes read from the source per step (default 1 MiB plain, 64 KiB compressed: fflate took 6.7 s at 256 KiB vs 2.5 s at 64 KiB for a 29 MB .gz). */
  chunkBytes?: number;
  signal?: AbortSignal;
  /** Called after each read with the number of source bytes consumed so far. */
  onSourceBytes?: (done: number) => void;
}

/**
 * Yields the (decompressed) content of `src` in pieces. A piece is valid until the next one is asked for
 * (the source may reuse its read buffer): consumers copy what they keep.
 */
export async function* gunzipSource(src: ByteSource, opts: StreamBytesOptions = {}): AsyncGenerator<Uint8Array> {
  if (src.size === 0) return;
  const head = await src.read(0, 2);
  const gz = isGzip(head);
  const step = opts.chunkBytes ?? (gz ? 1 << 16 : 1 << 20);
  if (!gz) {
    for (let off = 0; off < src.size; off += step) {
      throwIfAborted(opts.signal);
      const b = await src.read(off, step);
      opts.onSourceBytes?.(Math.min(src.size, off + b.length));
      yield b;
    }
    return;
  }
  let out: Uint8Array[] = [];
  const gunzip = new Gunzip((data) => {
    if (data.length) out.push(data);
  });
  for (let off = 0; off < src.size; off += step) {
    throwIfAborted(opts.signal);
    const b = await src.read(off, step);
    const final = off + step >= src.size;
    try {
      // fflate may keep a reference to the pushed chunk: copy it, as the source may reuse its buffer
      gunzip.push(b.slice(), final);
    } catch (e) {
      throw new InputError(
        { file: src.name, expected: 'a valid gzip stream', found: e instanceof Error ? e.message : String(e) },
        'cannot decompress',
      );
    }
    opts.onSourceBytes?.(Math.min(src.size, off + b.length));
    const pieces = out;
    out = [];
    for (const p of pieces) yield p;
  }
}
