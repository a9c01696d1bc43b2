/**
 * The pages of a SQLite 3 database file, read on demand from a ByteSource (file format:
 * https://www.sqlite.org/fileformat2.html). Read-only; nothing of the file is loaded up front but its
 * 100-byte header.
 *   header: 'SQLite format 3\0' (16 bytes), page size (2 bytes big-endian; 1 = 65536), write/read format
 *           versions (1 legacy, 2 WAL), reserved bytes at the end of each page, payload fractions (64, 32, 32),
 *           ..., database size in pages at 28 (valid when the change counter at 24 equals the
 *           version-valid-for number at 92), text encoding at 56 (1 UTF-8, 2 UTF-16le, 3 UTF-16be).
 * Pages are numbered from 1; page N starts at byte (N - 1) * pageSize. Reads go to the source in aligned
 * blocks of whole pages (64 KiB by default: one read brings the neighbouring pages of a b-tree that was
 * filled in key order) kept in a small LRU cache. Only UTF-8 databases are read (bgenix writes UTF-8).
 * A database in WAL mode is read as its main file stands (bgenix never leaves one).
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';

const MAGIC = 'SQLite format 3\0';
export const SQLITE_HEADER_BYTES = 100;

export interface SqliteHeader {
  pageSize: number;
  /** Bytes at the end of every page that belong to extensions (header byte 20). */
  reserved: number;
  /** pageSize - reserved: the usable size U of the b-tree formulas. */
  usableSize: number;
  /** Pages in the database (from the header when valid, else from the file size). */
  pageCount: number;
  /** Schema format number 1-4 (4: DESC indexes and serial types 8 and 9). */
  schemaFormat: number;
}

export interface SqlitePagerOptions {
  /** Bytes per read from the source, rounded to whole pages (default 65536: a single page when larger). */
  readBytes?: number;
  /** Bytes of pages kept in the cache (default 8 MiB). */
  cacheBytes?: number;
}

/** "FILE: page P (byte B): what; expected E, found F" (page 0: the file header). */
export function sqliteError(file: string, page: number, byte: number, what: string, expected?: string, found?: string): InputError {
  const at = page > 0 ? `page ${page} (byte ${byte})` : `byte ${byte}`;
  return new InputError({ file, expected, found }, `${at}: ${what}`);
}

const be16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const be32 = (b: Uint8Array, at: number) => b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);

/** Parses and checks the 100-byte header; `size` is the file size. */
export function parseSqliteHeader(file: string, h: Uint8Array, size: number): SqliteHeader {
  if (h.length < SQLITE_HEADER_BYTES || String.fromCharCode(...h.subarray(0, 16)) !== MAGIC) {
    const found = h.length < 16 ? `${size} bytes` : JSON.stringify(String.fromCharCode(...h.subarray(0, 16)).replace(/[^\x20-\x7e]/g, '.'));
    throw sqliteError(file, 0, 0, 'not a SQLite 3 database', `the 16-byte header 'SQLite format 3\\0' and a 100-byte header`, found);
  }
  const raw = be16(h, 16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (raw !== 1 && (raw < 512 || raw > 32768 || (raw & (raw - 1)) !== 0)) {
    throw sqliteError(file, 0, 16, 'bad page size', 'a power of two from 512 to 32768, or 1 for 65536', `${raw}`);
  }
  if (h[19] > 2) throw sqliteError(file, 0, 19, 'unsupported read format version', '1 (rollback journal) or 2 (WAL)', `${h[19]}`);
  const reserved = h[20];
  const usableSize = pageSize - reserved;
  if (usableSize < 480) throw sqliteError(file, 0, 20, 'too many reserved bytes per page', `a usable page size of at least 480`, `${usableSize}`);
  if (h[21] !== 64 || h[22] !== 32 || h[23] !== 32) {
    throw sqliteError(file, 0, 21, 'bad payload fractions', '64, 32, 32', `${h[21]}, ${h[22]}, ${h[23]}`);
  }
  const encoding = be32(h, 56);
  if (encoding !== 1) {
    const name = encoding === 2 ? 'UTF-16le' : encoding === 3 ? 'UTF-16be' : `code ${encoding}`;
    throw sqliteError(file, 0, 56, `text encoding ${name} is not supported (only UTF-8 databases are read)`, 'UTF-8 (1)', `${encoding}`);
  }
  const schemaFormat = be32(h, 44);
  if (schemaFormat < 1 || schemaFormat > 4) throw sqliteError(file, 0, 44, 'unsupported schema format number', '1 to 4', `${schemaFormat}`);
  const inFile = Math.floor(size / pageSize);
  const counted = be32(h, 28);
  const valid = counted > 0 && be32(h, 24) === be32(h, 92);
  const pageCount = valid ? counted : inFile;
  if (pageCount * pageSize > size) {
    throw sqliteError(file, 0, 28, 'truncated database', `${pageCount} pages of ${pageSize} bytes (${pageCount * pageSize} bytes)`, `${size} bytes`);
  }
  return { pageSize, reserved, usableSize, pageCount, schemaFormat };
}

export class SqlitePager {
  /** Reads made on the source, and the bytes they returned (for tests and logs). */
  readonly stats = { reads: 0, bytes: 0 };
  private readonly cache = new Map<number, Uint8Array>();
  private readonly pagesPerBlock: number;
  private readonly maxBlocks: number;

  private constructor(
    private readonly src: ByteSource,
    readonly file: string,
    readonly header: SqliteHeader,
    opts: SqlitePagerOptions,
  ) {
    const ps = header.pageSize;
    this.pagesPerBlock = Math.max(1, Math.floor((opts.readBytes ?? 65536) / ps));
    this.maxBlocks = Math.max(2, Math.floor((opts.cacheBytes ?? 8 << 20) / (ps * this.pagesPerBlock)));
  }

  /** Reads and checks the header of `src`; `file` names it in errors. */
  static async open(src: ByteSource, file: string, opts: SqlitePagerOptions = {}): Promise<SqlitePager> {
    const h = await src.read(0, SQLITE_HEADER_BYTES);
    const pager = new SqlitePager(src, file, parseSqliteHeader(file, h, src.size), opts);
    pager.stats.reads++;
    pager.stats.bytes += h.length;
    return pager;
  }

  /** Page `n` (1-based), pageSize bytes. `from` says which page referred to it, for the error. */
  async page(n: number, from = 0): Promise<Uint8Array> {
    const { pageSize, pageCount } = this.header;
    if (!Number.isInteger(n) || n < 1 || n > pageCount) {
      throw sqliteError(this.file, from, (Math.max(from, 1) - 1) * pageSize, `page number ${n} out of range`, `1 to ${pageCount}`, `${n}`);
    }
    const b = Math.floor((n - 1) / this.pagesPerBlock);
    let block = this.cache.get(b);
    if (block) {
      this.cache.delete(b);
      this.cache.set(b, block);
    } else {
      const first = b * this.pagesPerBlock + 1;
      const count = Math.min(this.pagesPerBlock, pageCount - first + 1);
      const want = count * pageSize;
      block = await this.src.read((first - 1) * pageSize, want);
      this.stats.reads++;
      this.stats.bytes += block.length;
      if (block.length < want) {
        throw sqliteError(this.file, n, (n - 1) * pageSize, 'truncated database: the page runs past the end of the file', `${pageCount * pageSize} bytes`, `${this.src.size} bytes`);
      }
      this.cache.set(b, block);
      if (this.cache.size > this.maxBlocks) this.cache.delete(this.cache.keys().next().value as number);
    }
    const at = (n - 1 - b * this.pagesPerBlock) * pageSize;
    return block.subarray(at, at + pageSize);
  }
}
