/**
 * Streaming gunzip of byte chunks with fflate's Gunzip, which decodes concatenated gzip members (bgzip's
 * BGZF blocks, including its empty end-of-file block) one after another. Tested on bgzip output in
 * tests/io/vcf.test.ts.
 */
import { Gunzip } from 'fflate';

const PIECE = 1 << 16;

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export async function* gunzipChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const g = new Gunzip((data) => {
    if (data.length) out.push(data);
  });
  for await (const c of chunks) {
    // Push in 64 KB pieces: at each member boundary fflate copies the rest of the pushed buffer, so a
    // 1 MB push of ~16 BGZF members copied ~8 MB; measured 1.6 s -> 0.2 s on a 3.5 MB bgzipped VCF.
    for (let o = 0; o < c.length; o += PIECE) g.push(c.subarray(o, Math.min(c.length, o + PIECE)), false);
    if (out.length) {
      const o = out;
      out = [];
      for (const d of o) yield d;
    }
  }
  g.push(new Uint8Array(0), true);
  for (const d of out) yield d;
}
