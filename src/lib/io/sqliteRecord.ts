/**
 * SQLite 3 records and varints (https://www.sqlite.org/fileformat2.html, "Record Format").
 *   varint: 1-9 bytes, big-endian groups of 7 bits with the high bit set on all but the last byte; a 9th
 *           byte gives all 8 of its bits.
 *   record: header length H (varint, counting itself), one serial type per column (varints), then the bodies:
 *           0 NULL, 1-6 signed big-endian integers of 1, 2, 3, 4, 6, 8 bytes, 7 IEEE 754 float64 big-endian,
 *           8 the integer 0, 9 the integer 1 (schema format 4), 10-11 reserved, N >= 12 even a BLOB of
 *           (N - 12) / 2 bytes, N >= 13 odd a TEXT of (N - 13) / 2 bytes (UTF-8 here).
 * Values compare as SQLite orders index keys: NULL < numbers (integers and floats by value) < TEXT (BINARY
 * collation: UTF-8 bytes, which is code point order) < BLOB (bytes).
 */
import { bytesText } from './byteLines';

/** A column value: integers beyond 2^53 stay bigint, every other integer is a number. */
export type SqliteValue = null | number | bigint | string | Uint8Array;

/** Why a record could not be decoded, and at which byte of its payload. */
export class RecordFault extends Error {
  constructor(
    readonly at: number,
    readonly what: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`payload byte ${at}: ${what}; expected ${expected}, found ${found}`);
    this.name = 'RecordFault';
  }
}

/** A read position that varint readers advance. */
export interface ByteCursor {
  pos: number;
}

/**
 * The varint at b[c.pos], as a number (exact up to 2^53; larger values lose low bits, which only rowids
 * could reach, and those are checked by the caller). Advances c.pos. `end` bounds the read.
 */
export function readVarint(b: Uint8Array, c: ByteCursor, end = b.length): number {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    if (c.pos >= end) throw new RecordFault(c.pos, 'varint runs past the end', 'a byte without the high bit within the cell', 'the end');
    const x = b[c.pos++];
    v = v * 128 + (x & 0x7f);
    if (x < 0x80) return v;
  }
  if (c.pos >= end) throw new RecordFault(c.pos, 'varint runs past the end', 'a 9th byte', 'the end');
  return v * 256 + b[c.pos++];
}

/** A 9-byte-capable varint as a signed 64-bit integer (rowids), or NaN when it is not a safe integer. */
export function readSignedVarint(b: Uint8Array, c: ByteCursor, end = b.length): number {
  const start = c.pos;
  const v = readVarint(b, c, end);
  if (v < 2 ** 53) return v;
  // 64-bit two's complement: redo it exactly
  let big = 0n;
  for (let p = start; p < c.pos; p++) big = p - start === 8 ? (big << 8n) | BigInt(b[p]) : (big << 7n) | BigInt(b[p] & 0x7f);
  const s = BigInt.asIntN(64, big);
  return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : NaN;
}

const INT_BYTES = [0, 1, 2, 3, 4, 6, 8];

/** Bytes of the body of a value of serial type t. */
function bodyBytes(t: number): number {
  if (t <= 6) return INT_BYTES[t];
  if (t === 7) return 8;
  if (t < 12) return 0;
  return (t - (t & 1 ? 13 : 12)) / 2;
}

function readInt(b: Uint8Array, at: number, n: number): number | bigint {
  if (n === 8) {
    const v = new DataView(b.buffer, b.byteOffset + at, 8).getBigInt64(0, false);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  // n <= 6 bytes: exact as a number; two's complement, so subtract 2^(8n) when the sign bit is set
  let u = 0;
  for (let i = 0; i < n; i++) u = u * 256 + b[at + i];
  return b[at] & 0x80 ? u - 2 ** (8 * n) : u;
}

/**
 * Decodes a record payload into its values, in stored column order: all of them, or the first `limit`.
 * Throws RecordFault when the header or a body runs past the payload or a reserved serial type appears.
 */
export function decodeRecord(p: Uint8Array, limit = Infinity): SqliteValue[] {
  const c: ByteCursor = { pos: 0 };
  const headerLength = readVarint(p, c);
  if (headerLength < c.pos || headerLength > p.length) {
    throw new RecordFault(0, 'bad record header length', `${c.pos} to ${p.length} bytes`, `${headerLength}`);
  }
  const types: number[] = [];
  while (c.pos < headerLength && types.length < limit) types.push(readVarint(p, c, headerLength));
  const out: SqliteValue[] = new Array(types.length);
  let at = headerLength;
  for (let k = 0; k < types.length; k++) {
    const t = types[k];
    const n = bodyBytes(t);
    if (at + n > p.length) {
      throw new RecordFault(at, `value of column ${k + 1} (serial type ${t}) runs past the end of the record`, `${n} bytes`, `${p.length - at}`);
    }
    if (t === 0) out[k] = null;
    else if (t <= 6) out[k] = readInt(p, at, n);
    else if (t === 7) out[k] = new DataView(p.buffer, p.byteOffset + at, 8).getFloat64(0, false);
    else if (t === 8 || t === 9) out[k] = t - 8;
    else if (t < 12) throw new RecordFault(at, `reserved serial type ${t} in column ${k + 1}`, 'a serial type 0-9 or >= 12', `${t}`);
    else if (t & 1) out[k] = bytesText(p, at, at + n);
    else out[k] = p.slice(at, at + n);
    at += n;
  }
  return out;
}

/** SQLite's storage-class rank: NULL 0, numbers 1, TEXT 2, BLOB 3. */
function rank(v: SqliteValue): number {
  if (v === null) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return 1;
  return typeof v === 'string' ? 2 : 3;
}

/** Strings in UTF-8 byte order (= code point order; UTF-16 code units differ only around surrogates). */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate pair is a code point above every BMP one
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Two values in SQLite index order (BINARY collation): negative, 0 or positive. */
export function compareValues(a: SqliteValue, b: SqliteValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 2:
      return compareText(a as string, b as string);
    default: {
      const x = a as Uint8Array;
      const y = b as Uint8Array;
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    }
  }
}
