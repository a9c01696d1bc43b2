/**
 * The chunks of a .pgen source (see pgen.ts): the .pvar streamed in lock-step with the records, a VariantFilter
 * decided from the .pvar line (skipped records are not read, except as the base of a kept LD-compressed
 * record), and the kept records decoded into .bed rows or ALT dosages.
 */
import { throwIfAborted } from '../base/cancel';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeChunk } from './GenotypeSource';
import { prepareFilter } from './bed';
import { isBlankLine } from './bim';
import { normalizeChrom } from './chrom';
import type { PgenIndex } from './pgenIndex';
import { PgenRecordDecoder } from './pgenRecord';
import { parsePvarLine, pvarLines, type PvarLayout } from './pvar';

/** Default chunk size in bytes of decoded genotypes (as bed.ts). */
const DEFAULT_CHUNK_BYTES = 4 << 20;
/** Records closer than this are read in one piece (the bytes between are read and skipped). */
const GAP_BYTES = 1 << 16;

interface ChunkBuilder {
  chrom: string[];
  pos: number[];
  id: string[];
  ref: string[];
  alt: string[];
  fileIdx: number[];
}

function newBuilder(): ChunkBuilder {
  return { chrom: [], pos: [], id: [], ref: [], alt: [], fileIdx: [] };
}

export async function* pgenChunks(
  pgen: ByteSource,
  pvar: ByteSource,
  layout: PvarLayout,
  index: PgenIndex,
  nSamples: number,
  nVariants: number,
  dosage: boolean,
  opts: ChunkOptions,
): AsyncGenerator<GenotypeChunk> {
  const { signal } = opts;
  const bpv = Math.ceil(nSamples / 4);
  const chunkVariants = Math.max(1, opts.chunkVariants ?? Math.floor(DEFAULT_CHUNK_BYTES / Math.max(1, dosage ? 2 * nSamples : bpv)));
  const filt = prepareFilter(opts.filter, nVariants);
  if (filt.fromIndex >= filt.toIndex) return;
  const decoder = new PgenRecordDecoder(nSamples, pgen.name);
  let b = newBuilder();
  let start = 0;
  const flush = async (): Promise<GenotypeChunk> => {
    throwIfAborted(signal);
    const count = b.fileIdx.length;
    const chunk: GenotypeChunk = {
      start,
      count,
      nSamples,
      bytesPerVariant: bpv,
      variants: { chrom: b.chrom, pos: Int32Array.from(b.pos), id: b.id, ref: b.ref, alt: b.alt },
      ...(dosage ? { dosage: new Uint16Array(count * nSamples) } : { packed: new Uint8Array(count * bpv) }),
    };
    await decodeRecords(index, decoder, b.fileIdx, chunk);
    start += count;
    b = newBuilder();
    return chunk;
  };
  let idx = 0;
  outer: for await (const batch of pvarLines(pvar, signal)) {
    for (let k = 0; k < batch.lines.length; k++) {
      const lineNo = batch.firstLine + k;
      if (lineNo <= layout.headerLines || isBlankLine(batch.lines[k])) continue;
      const i = idx++;
      if (i < filt.fromIndex) continue;
      if (i >= filt.toIndex) break outer;
      const r = parsePvarLine(batch.lines[k], layout, pvar.name, lineNo);
      if (filt.chr && !filt.chr.has(normalizeChrom(r.chrom))) continue;
      if (r.pos < filt.fromBp || r.pos > filt.toBp) continue;
      b.chrom.push(r.chrom);
      b.pos.push(r.pos);
      b.id.push(r.id);
      b.ref.push(r.ref);
      b.alt.push(r.alt);
      b.fileIdx.push(i);
      if (b.fileIdx.length === chunkVariants) yield await flush();
    }
  }
  throwIfAborted(signal);
  if (b.fileIdx.length > 0) yield await flush();
}

/**
 * Decodes the records of `fileIdx` (ascending) into the chunk's rows. The plan lists every record to decode:
 * the chunk's own and, before an LD-compressed one, its base when the decoder does not hold it yet. Records
 * of the plan closer than GAP_BYTES are read in one piece.
 */
async function decodeRecords(index: PgenIndex, dec: PgenRecordDecoder, fileIdx: number[], chunk: GenotypeChunk): Promise<void> {
  const plan: number[] = [];
  const slot: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const types: number[] = [];
  const add = (i: number, k: number) => {
    plan.push(i);
    slot.push(k);
    starts.push(index.start(i));
    ends.push(index.end(i));
    types.push(index.type(i));
  };
  let base = dec.ldBaseIndex;
  for (let k = 0; k < fileIdx.length; k++) {
    const i = fileIdx[k];
    await index.load(i);
    if (index.isLd(i)) {
      const b = index.ldBase(i);
      if (b !== base) add(b, -1);
      base = b;
    } else {
      base = i;
    }
    add(i, k);
  }
  const n = chunk.nSamples;
  for (let p = 0; p < plan.length; ) {
    let q = p + 1;
    while (q < plan.length && starts[q] - ends[q - 1] <= GAP_BYTES) q++;
    const from = starts[p];
    const bytes = await index.readRange(from, ends[q - 1]);
    for (let e = p; e < q; e++) {
      const k = slot[e];
      dec.decode(bytes, starts[e] - from, ends[e] - from, types[e], plan[e], starts[e], k >= 0 ? chunk.dosage : undefined, k * n);
      if (k >= 0 && chunk.packed) dec.writeBedRow(chunk.packed, k * chunk.bytesPerVariant);
    }
    p = q;
  }
}
