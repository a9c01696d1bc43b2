/**
 * The header of a plink2 .pgen (PGEN draft spec, plink-ng pgen_spec; pgenlib_read.cc PgfiInitPhase1): magic
 * 6c 1b, a storage-mode byte, then for every mode but 0x01 the variant count, the sample count (uint32 LE) and
 * a header-control byte. Modes read here:
 *   0x01  PLINK 1 variant-major .bed (counts from the .pvar/.psam; records are .bed rows)
 *   0x02  fixed-width 2-bit hardcalls in plink2 coding (record type 0), 0x03 / 0x04 fixed-width with
 *         unphased / phased dosages (record types 0x40 / 0xc0)
 *   0x10  the variable-width mode plink2 --make-pgen writes: per block of 2^16 variants the file offset of its
 *         first record, then per block in the header body the record types (4 or 8 bits each), the record
 *         lengths (1-4 bytes each), optional allele counts and optional provisional-REF flags.
 * The variable-width index is read one block at a time (readPgenBlock), never whole.
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';

export const PGEN_MAGIC = [0x6c, 0x1b] as const;
/** Variants per block of the variable-width index. */
export const PGEN_BLOCK = 1 << 16;
/** Record type of a PLINK 1 .bed row (storage mode 0x01); not a plink2 code (those fit in 8 bits). */
export const PLINK1_RECORD = 0x100;

export interface PgenHeader {
  /** Byte 2: 0x01, 0x02, 0x03, 0x04 or 0x10. */
  mode: number;
  /** From the header; null for mode 0x01 (known from the .pvar / .psam). */
  nVariants: number | null;
  nSamples: number | null;
  /** Byte 11, the header-control byte (0 for mode 0x01). */
  ctrl: number;
  /** Variable-width mode: bits per record type (4 or 8) and bytes per record length (1-4). */
  typeBits: number;
  lengthBytes: number;
  /** Bytes per allele count in the index (0 = not stored). */
  alleleCountBytes: number;
  /** True when the index carries provisional-REF flag bitarrays (ctrl bits 6-7 = 3). */
  nonrefFlags: boolean;
  /** Variable-width mode: file offset of each block's first record. */
  blockOffsets: number[];
  /** Variable-width mode: file offset of each block's part of the header body. */
  blockIndexAt: number[];
  /** Fixed-width modes: offset of the first record, bytes per record and the record type of every variant. */
  fixed: { first: number; width: number; type: number } | null;
}

/** Record types and file extents of one block of variants. */
export interface PgenBlock {
  /** Index of the block's first variant. */
  first: number;
  count: number;
  /** Record type per variant (PLINK1_RECORD in mode 0x01). */
  types: Uint16Array;
  /** File offset of each record; starts[count] = end of the last one. */
  starts: Float64Array;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

/** Little-endian unsigned integer of `width` bytes (1-8; exact up to 2^53). */
export function uintLE(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let k = width - 1; k >= 0; k--) v = v * 256 + b[at + k];
  return v;
}

/** Bytes per sample ID in difflists: plink2 uses 1 + floor(log2(N) / 8) (1 byte below 256 samples). */
export function sampleIdBytes(nSamples: number): number {
  return 1 + Math.floor(Math.floor(Math.log2(Math.max(1, nSamples))) / 8);
}

export function blockCount(nVariants: number): number {
  return Math.ceil(nVariants / PGEN_BLOCK);
}

function truncated(src: ByteSource, need: number, what: string): InputError {
  return new InputError({ file: src.name, expected: `at least ${need} bytes (${what})`, found: `${src.size} bytes` }, 'truncated .pgen');
}

/** Reads and checks the fixed part of the header and, in variable-width mode, the block offsets. */
export async function readPgenHeader(src: ByteSource): Promise<PgenHeader> {
  const head = await src.read(0, 12);
  if (head.length < 3) throw truncated(src, 3, 'magic 6c 1b and the storage mode');
  if (head[0] !== PGEN_MAGIC[0] || head[1] !== PGEN_MAGIC[1]) {
    throw new InputError({ file: src.name, expected: '6c 1b (PLINK 2 .pgen)', found: hex(head.subarray(0, 3)) }, 'wrong magic bytes, not a .pgen file');
  }
  const mode = head[2];
  const base: PgenHeader = {
    mode, nVariants: null, nSamples: null, ctrl: 0, typeBits: 0, lengthBytes: 0, alleleCountBytes: 0,
    nonrefFlags: false, blockOffsets: [], blockIndexAt: [], fixed: null,
  };
  if (mode === 0x01) return base;
  if (mode !== 0x02 && mode !== 0x03 && mode !== 0x04 && mode !== 0x10) {
    throw new InputError(
      { file: src.name, column: 'byte 2', expected: 'storage mode 01 (.bed), 02-04 (fixed-width) or 10 (plink2 --make-pgen)', found: hex(head.subarray(2, 3)) },
      mode === 0x00 ? 'sample-major PLINK 1 .bed is not supported' : 'unsupported .pgen storage mode',
    );
  }
  if (head.length < 12) throw truncated(src, 12, 'the 12-byte header');
  const nVariants = u32(head, 3);
  const nSamples = u32(head, 7);
  const ctrl = head[11];
  if (nVariants === 0 || nSamples === 0) {
    throw new InputError({ file: src.name, expected: 'at least one variant and one sample in the header', found: `${nVariants} variants, ${nSamples} samples` }, 'empty .pgen');
  }
  const h: PgenHeader = { ...base, nVariants, nSamples, ctrl, alleleCountBytes: (ctrl >> 4) & 3, nonrefFlags: ctrl >> 6 === 3 };
  if (mode !== 0x10) return withFixedLayout(src, h, nVariants, nSamples);
  const layout = ctrl & 15;
  if (layout > 7) {
    throw new InputError(
      { file: src.name, column: 'byte 11', expected: 'a record-type/length layout 0-7 (multi-sample .pgen)', found: `layout ${layout}` },
      'unsupported .pgen header layout (single-sample special layouts are not read)',
    );
  }
  h.typeBits = layout < 4 ? 4 : 8;
  h.lengthBytes = (layout & 3) + 1;
  const nBlocks = blockCount(nVariants);
  const offBytes = await src.read(12, 8 * nBlocks);
  if (offBytes.length < 8 * nBlocks) throw truncated(src, 12 + 8 * nBlocks, `the offsets of ${nBlocks} variant blocks`);
  let at = 12 + 8 * nBlocks;
  for (let b = 0; b < nBlocks; b++) {
    h.blockOffsets.push(uintLE(offBytes, 8 * b, 8));
    h.blockIndexAt.push(at);
    at += blockIndexBytes(h, Math.min(PGEN_BLOCK, nVariants - b * PGEN_BLOCK));
  }
  if (h.blockOffsets[0] !== at) {
    throw new InputError(
      { file: src.name, column: 'bytes 12-19', expected: `the first record at offset ${at} (end of the header)`, found: `${h.blockOffsets[0]}` },
      'malformed .pgen header',
    );
  }
  return h;
}

function withFixedLayout(src: ByteSource, h: PgenHeader, nVariants: number, nSamples: number): PgenHeader {
  if (h.ctrl & 63) {
    throw new InputError({ file: src.name, column: 'byte 11', expected: 'bits 0-5 clear in a fixed-width mode', found: `0x${h.ctrl.toString(16)}` }, 'malformed .pgen header');
  }
  const geno = Math.ceil(nSamples / 4);
  const width = h.mode === 0x02 ? geno : h.mode === 0x03 ? geno + 2 * nSamples : geno + 4 * nSamples;
  const type = h.mode === 0x02 ? 0 : h.mode === 0x03 ? 0x40 : 0xc0;
  const first = 12 + (h.nonrefFlags ? Math.ceil(nVariants / 8) : 0);
  return { ...h, fixed: { first, width, type } };
}

/** Bytes of one block's part of the header body (types, lengths, allele counts, provisional-REF flags). */
function blockIndexBytes(h: PgenHeader, count: number): number {
  return Math.ceil((count * h.typeBits) / 8) + count * h.lengthBytes + count * h.alleleCountBytes + (h.nonrefFlags ? Math.ceil(count / 8) : 0);
}

/**
 * Record types and offsets of block `b` (PGEN_BLOCK variants; the last block may hold fewer). `nVariants` /
 * `nSamples` are the dataset's counts (needed for mode 0x01, whose header has none).
 */
export async function readPgenBlock(src: ByteSource, h: PgenHeader, b: number, nVariants: number, nSamples: number): Promise<PgenBlock> {
  const first = b * PGEN_BLOCK;
  const count = Math.min(PGEN_BLOCK, nVariants - first);
  const types = new Uint16Array(count);
  const starts = new Float64Array(count + 1);
  if (h.mode === 0x10) {
    const typeBytes = Math.ceil((count * h.typeBits) / 8);
    const want = typeBytes + count * h.lengthBytes;
    const raw = await src.read(h.blockIndexAt[b], want);
    if (raw.length < want) throw truncated(src, h.blockIndexAt[b] + want, `the header index of variants ${first}-${first + count - 1}`);
    for (let i = 0; i < count; i++) types[i] = h.typeBits === 8 ? raw[i] : (raw[i >> 1] >> ((i & 1) << 2)) & 15;
    let at = h.blockOffsets[b];
    starts[0] = at;
    for (let i = 0; i < count; i++) {
      at += uintLE(raw, typeBytes + i * h.lengthBytes, h.lengthBytes);
      starts[i + 1] = at;
    }
  } else {
    const fx = h.fixed ?? { first: 3, width: Math.ceil(nSamples / 4), type: PLINK1_RECORD };
    types.fill(fx.type);
    for (let i = 0; i <= count; i++) starts[i] = fx.first + (first + i) * fx.width;
  }
  return { first, count, types, starts };
}
