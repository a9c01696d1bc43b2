/**
 * The header of a .bgen file (BGEN v1.2 / v1.3 spec, https://www.well.ox.ac.uk/~gav/bgen_format/spec/latest.html):
 *   bytes 0-3   offset of the first variant block, counted from byte 4
 *   header block: its length LH (>= 20), M variants, N samples, magic 'bgen' (or 4 zero bytes), LH - 20 bytes
 *               of free data, flags (last 4 bytes): bits 0-1 compression (0 none, 1 zlib, 2 zstd), bits 2-5
 *               layout (1 = v1.1, 2 = v1.2 and v1.3), bit 31 sample identifiers stored
 *   sample block (when bit 31 is set) at 4 + LH: its length, N again, then N strings (2-byte length + bytes)
 * All integers are unsigned little-endian. Only layout 2 is read (layout 1 is refused with a way out).
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';

export const BGEN_MAGIC = 'bgen';

export type BgenCompression = 'none' | 'zlib' | 'zstd';

export interface BgenHeader {
  /** File offset of the first variant block (the first 4 bytes + 4). */
  firstVariant: number;
  /** Length of the header block (LH). */
  headerLength: number;
  nVariants: number;
  nSamples: number;
  compression: BgenCompression;
  /** Always 2 (v1.2 / v1.3 layout); other layouts are refused at open. */
  layout: 2;
  /** Flag bit 31: the file stores a sample identifier block. */
  sampleIds: boolean;
}

/** Little-endian uint32 at b[at] (no sign: file offsets may pass 2^31). */
export function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

export function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

/** An error at byte `offset` of a .bgen: "FILE: byte OFFSET: what; expected E, found F". */
export function bgenError(file: string, offset: number, what: string, expected?: string, found?: string): InputError {
  return new InputError({ file, expected, found }, `byte ${offset}: ${what}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

const COMPRESSION: (BgenCompression | null)[] = ['none', 'zlib', 'zstd', null];

/** Reads and checks the offset and the header block. */
export async function readBgenHeader(src: ByteSource): Promise<BgenHeader> {
  const head = await src.read(0, 24);
  if (head.length < 24) {
    throw bgenError(src.name, 0, 'truncated .bgen header', 'at least 24 bytes (first-variant offset and a 20-byte header block)', `${src.size} bytes`);
  }
  const offset = u32(head, 0);
  const lh = u32(head, 4);
  const magic = head.subarray(16, 20);
  const magicText = String.fromCharCode(...magic);
  if (magicText !== BGEN_MAGIC && !magic.every((b) => b === 0)) {
    throw bgenError(src.name, 16, 'wrong magic bytes, not a BGEN file', "'bgen' (62 67 65 6e) or 00 00 00 00", hex(magic));
  }
  if (lh < 20 || lh > offset) {
    throw bgenError(src.name, 4, 'bad header block length', `20 to ${offset} (the first-variant offset in bytes 0-3)`, `${lh}`);
  }
  const flagBytes = await src.read(lh, 4);
  if (flagBytes.length < 4) throw bgenError(src.name, lh, 'truncated .bgen header', `the flags at bytes ${lh}-${lh + 3}`, `${src.size} bytes in the file`);
  const flags = u32(flagBytes, 0);
  const compression = COMPRESSION[flags & 3];
  if (compression === null) {
    throw bgenError(src.name, lh, 'unsupported compression (flags bits 0-1)', '0 (none), 1 (zlib) or 2 (zstd)', '3');
  }
  const layout = (flags >>> 2) & 0xf;
  if (layout === 1) {
    throw bgenError(
      src.name,
      lh,
      'BGEN layout 1 (v1.1) is not supported; convert it to v1.2/v1.3 (e.g. plink2 --bgen FILE ref-first --export bgen-1.3 ref-first)',
      'layout 2 (flags bits 2-5)',
      'layout 1',
    );
  }
  if (layout !== 2) throw bgenError(src.name, lh, 'unknown BGEN layout (flags bits 2-5)', 'layout 2 (v1.2 / v1.3)', `layout ${layout}`);
  const firstVariant = offset + 4;
  if (firstVariant > src.size) {
    throw bgenError(src.name, 0, 'truncated .bgen: the first variant block starts past the end of the file', `at least ${firstVariant} bytes`, `${src.size} bytes`);
  }
  return {
    firstVariant,
    headerLength: lh,
    nVariants: u32(head, 8),
    nSamples: u32(head, 12),
    compression,
    layout: 2,
    sampleIds: (flags & 0x80000000) !== 0,
  };
}

/** The sample identifiers stored in the file (header flag bit 31 set), checked against the header's N. */
export async function readBgenSampleBlock(src: ByteSource, h: BgenHeader): Promise<string[]> {
  const at = 4 + h.headerLength;
  const room = h.firstVariant - at;
  const start = await src.read(at, 8);
  if (start.length < 8 || room < 8) {
    throw bgenError(src.name, at, 'truncated sample identifier block', 'its length and sample count (8 bytes) before the first variant', `${Math.min(start.length, room)} bytes`);
  }
  const len = u32(start, 0);
  const n = u32(start, 4);
  if (len > room) {
    throw bgenError(src.name, at, 'sample identifier block runs past the first variant block', `at most ${room} bytes (first variant at byte ${h.firstVariant})`, `${len}`);
  }
  if (n !== h.nSamples) {
    throw bgenError(src.name, at + 4, 'sample identifier block disagrees with the header', `${h.nSamples} samples (header)`, `${n}`);
  }
  const b = await src.read(at, len);
  if (b.length < len) throw bgenError(src.name, at, 'truncated sample identifier block', `${len} bytes`, `${b.length}`);
  const dec = new TextDecoder('utf-8');
  const ids: string[] = new Array(n);
  let p = 8;
  for (let i = 0; i < n; i++) {
    const l = p + 2 <= len ? u16(b, p) : -1;
    if (l < 0 || p + 2 + l > len) {
      throw bgenError(src.name, at + p, `sample identifier ${i + 1} runs past its block`, `${n} identifiers in ${len} bytes`, `${i}`);
    }
    ids[i] = dec.decode(b.subarray(p + 2, p + 2 + l));
    p += 2 + l;
  }
  return ids;
}
