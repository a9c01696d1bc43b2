/**
 * PLINK 1 .bed/.bim/.fam reader. The .bed is never read whole: chunks of variants are read with
 * ByteSource.read (Blob.slice in the browser, positioned file reads in Node). The .bim is streamed twice:
 * once at open (validate every line, count variants) and again in lock-step with the .bed while chunks are
 * produced, so memory does not grow with the number of variants. Variants removed by a VariantFilter are
 * decided from the .bim line and their .bed bytes are never read.
 */
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeChunk, GenotypeSource, VariantBlock, VariantFilter } from './GenotypeSource';
import { isBlankLine, parseBimLine } from './bim';
import { normalizeChrom } from './chrom';
import { readFam, type FamData } from './fam';
import { lineBatches, sourceChunks } from './lineBatches';

export const BED_MAGIC = [0x6c, 0x1b, 0x01] as const;
/** Default chunk size in bytes of packed genotypes (measured: 4 MB reads are at disk speed in Node). */
const DEFAULT_CHUNK_BYTES = 4 << 20;
const BIM_READ_BYTES = 1 << 20;

export interface BedFiles {
  bed: ByteSource;
  bim: ByteSource;
  fam: ByteSource;
}

export interface BedSource extends GenotypeSource {
  readonly format: 'bed';
  readonly nVariants: number;
  readonly bytesPerVariant: number;
  /** Sex codes from the .fam (1 male, 2 female, 0 unknown). */
  readonly sex: Uint8Array;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export async function openBed(
  { bed, bim, fam }: BedFiles,
  opts: { signal?: AbortSignal; onProgress?: ProgressCallback } = {},
): Promise<BedSource> {
  const { signal } = opts;
  const head = await bed.read(0, 3);
  if (head.length < 3) {
    throw new InputError({ file: bed.name, expected: 'at least 3 bytes (magic 6c 1b 01)', found: `${bed.size} bytes` }, 'truncated .bed');
  }
  if (head[0] !== BED_MAGIC[0] || head[1] !== BED_MAGIC[1] || head[2] !== BED_MAGIC[2]) {
    throw new InputError(
      { file: bed.name, expected: '6c 1b 01 (PLINK 1 SNP-major .bed)', found: hex(head) },
      'wrong magic bytes, not a PLINK 1 .bed file',
    );
  }
  const famData: FamData = await readFam(fam, signal);
  const nSamples = famData.iid.length;
  const nVariants = await countBimVariants(bim, signal, opts.onProgress);
  const bpv = Math.ceil(nSamples / 4);
  const expected = 3 + nVariants * bpv;
  if (bed.size !== expected) {
    const why = `${nVariants} variants in ${bim.name} x ${bpv} bytes for ${nSamples} samples in ${fam.name}, + 3`;
    const body = bed.size - 3;
    if (bed.size < expected && body % bpv !== 0) {
      throw new InputError(
        { file: bed.name, expected: `${expected} bytes (${why})`, found: `${bed.size} bytes` },
        'truncated .bed',
      );
    }
    throw new InputError(
      {
        file: bed.name,
        expected: `${expected} bytes (${why})`,
        found: `${bed.size} bytes${body % bpv === 0 ? ` (${body / bpv} variants)` : ''}`,
      },
      `.bim/.fam size mismatch: .bed size does not match ${bim.name} x ${fam.name}`,
    );
  }
  return {
    format: 'bed',
    name: bed.name,
    // Founder flags only when the .fam names a parent somewhere (otherwise every sample is a founder).
    samples: { fid: famData.fid, iid: famData.iid, ...(famData.founder.includes(0) ? { founder: famData.founder } : {}) },
    sex: famData.sex,
    nVariants,
    bytesPerVariant: bpv,
    chunks: (o?: ChunkOptions) => bedChunks(bed, bim, nSamples, nVariants, o ?? {}),
  };
}

async function countBimVariants(bim: ByteSource, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<number> {
  let n = 0;
  let bytes = 0;
  const prog = createProgress('open-bim', bim.size, onProgress, { unit: 'bytes' });
  for await (const b of lineBatches(sourceChunks(bim, BIM_READ_BYTES, signal))) {
    bytes += b.lines.reduce((a, l) => a + l.length + 1, 0);
    prog.tick(Math.min(bim.size, bytes), `checking ${bim.name}`);
    const lines = b.lines;
    for (let k = 0; k < lines.length; k++) {
      if (isBlankLine(lines[k])) continue;
      parseBimLine(lines[k], bim.name, b.firstLine + k);
      n++;
    }
    throwIfAborted(signal);
  }
  throwIfAborted(signal);
  prog.finish(`${n} variants in ${bim.name}`);
  return n;
}

interface PreparedFilter {
  chr: Set<string> | null;
  fromBp: number;
  toBp: number;
  fromIndex: number;
  toIndex: number;
}

export function prepareFilter(f: VariantFilter | undefined, nVariants: number): PreparedFilter {
  return {
    chr: f?.chr && f.chr.length ? new Set(f.chr.map(normalizeChrom)) : null,
    fromBp: f?.fromBp ?? -Infinity,
    toBp: f?.toBp ?? Infinity,
    fromIndex: Math.max(0, f?.fromIndex ?? 0),
    toIndex: Math.min(nVariants, f?.toIndex ?? nVariants),
  };
}

function newBlock(): VariantBlock & { posList: number[] } {
  return { chrom: [], pos: new Int32Array(0), id: [], ref: [], alt: [], posList: [] };
}

async function* bedChunks(
  bed: ByteSource,
  bim: ByteSource,
  nSamples: number,
  nVariants: number,
  opts: ChunkOptions,
): AsyncGenerator<GenotypeChunk> {
  const { signal } = opts;
  const bpv = Math.ceil(nSamples / 4);
  const chunkVariants = Math.max(1, opts.chunkVariants ?? Math.floor(DEFAULT_CHUNK_BYTES / Math.max(1, bpv)));
  const filt = prepareFilter(opts.filter, nVariants);
  if (filt.fromIndex >= filt.toIndex) return;

  let block = newBlock();
  let fileIdx = new Int32Array(chunkVariants);
  let count = 0;
  let start = 0;

  const flush = async (): Promise<GenotypeChunk> => {
    throwIfAborted(signal);
    const packed = await readRuns(bed, fileIdx, count, bpv);
    const variants: VariantBlock = { chrom: block.chrom, pos: Int32Array.from(block.posList), id: block.id, ref: block.ref, alt: block.alt };
    const chunk: GenotypeChunk = { start, count, variants, nSamples, bytesPerVariant: bpv, packed };
    start += count;
    count = 0;
    block = newBlock();
    fileIdx = new Int32Array(chunkVariants);
    return chunk;
  };

  let idx = 0;
  outer: for await (const b of lineBatches(sourceChunks(bim, BIM_READ_BYTES, signal))) {
    const lines = b.lines;
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k];
      if (isBlankLine(line)) continue;
      const i = idx++;
      if (i < filt.fromIndex) continue;
      if (i >= filt.toIndex) break outer;
      const r = parseBimLine(line, bim.name, b.firstLine + k);
      if (filt.chr && !filt.chr.has(normalizeChrom(r.chrom))) continue;
      if (r.pos < filt.fromBp || r.pos > filt.toBp) continue;
      block.chrom.push(r.chrom);
      block.posList.push(r.pos);
      block.id.push(r.id);
      block.alt.push(r.a1);
      block.ref.push(r.a2);
      fileIdx[count++] = i;
      if (count === chunkVariants) yield await flush();
    }
  }
  throwIfAborted(signal);
  if (count > 0) yield await flush();
}

/** Reads the .bed rows of the given variant indices (ascending), one read per contiguous run. */
async function readRuns(bed: ByteSource, idx: Int32Array, count: number, bpv: number): Promise<Uint8Array> {
  const total = count * bpv;
  if (count > 0 && idx[count - 1] - idx[0] === count - 1) {
    const got = await bed.read(3 + idx[0] * bpv, total);
    checkRead(bed, got, total, 3 + idx[0] * bpv);
    // Own the buffer: consumers may transfer it to a worker, which must not detach a larger shared buffer.
    return got.byteOffset === 0 && got.byteLength === got.buffer.byteLength ? got : got.slice();
  }
  const out = new Uint8Array(total);
  let k = 0;
  while (k < count) {
    let e = k + 1;
    while (e < count && idx[e] === idx[e - 1] + 1) e++;
    const off = 3 + idx[k] * bpv;
    const len = (e - k) * bpv;
    const got = await bed.read(off, len);
    checkRead(bed, got, len, off);
    out.set(got, k * bpv);
    k = e;
  }
  return out;
}

function checkRead(bed: ByteSource, got: Uint8Array, want: number, off: number): void {
  if (got.length !== want) {
    throw new InputError(
      { file: bed.name, expected: `${want} bytes at offset ${off}`, found: `${got.length} bytes` },
      'truncated .bed (file changed while reading?)',
    );
  }
}
