/**
 * Streaming gunzip of byte chunks with fflate's Gunzip, which decodes concatenated gzip members (bgzip's
 * BGZF blocks, including its empty end-of-file block) one after another. Tested on bgzip output in
 * tests/io/vcf.test.ts.
 */
import { Gunzip } from 'fflate';

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export async function* gunzipChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const g = new Gunzip((data) => {
    if (data.length) out.push(data);
  });
  for await (const c of chunks) {
    g.push(c, false);
    if (out.length) {
      const o = out;
      out = [];
      for (const d of o) yield d;
    }
  }
  g.push(new Uint8Array(0), true);
  for (const d of out) yield d;
}
