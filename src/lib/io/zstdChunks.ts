/**
 * Streaming Zstandard decompression of byte chunks with fzstd's Decompress (pure JS; browsers, workers and
 * Node): frames one after another, output handed on as it is decoded, so memory is bounded by a read chunk
 * and zstd's window, never the whole file. Used for plink2's .pvar.zst (`--make-pgen vzs`).
 */
import { Decompress } from 'fzstd';
import { InputError } from '../base/errors';

export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

export function isZstd(head: Uint8Array): boolean {
  return head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b);
}

/** Decompressed pieces of the zstd stream in `chunks`; `file` names the source in errors. */
export async function* zstdChunks(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  // fzstd hands out each block as it decodes it and then copies it into its window: keep a copy.
  const z = new Decompress((data) => {
    if (data.length) out.push(data.slice());
  });
  const push = (c: Uint8Array, final: boolean) => {
    try {
      z.push(c, final);
    } catch (e) {
      throw new InputError({ file, expected: 'a valid Zstandard stream', found: e instanceof Error ? e.message : String(e) }, 'cannot decompress');
    }
  };
  for await (const c of chunks) {
    // the source may reuse its read buffer and fzstd keeps partial frames: give it its own copy
    push(c.slice(), false);
    if (out.length) {
      const o = out;
      out = [];
      for (const d of o) yield d;
    }
  }
  push(new Uint8Array(0), true);
  for (const d of out) yield d;
}
