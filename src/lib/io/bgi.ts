/**
 * The bgenix index of a .bgen (FILE.bgen.bgi): a SQLite 3 database with one row per variant block,
 *   CREATE TABLE Variant (chromosome TEXT NOT NULL, position INT NOT NULL, rsid TEXT NOT NULL,
 *     number_of_alleles INT NOT NULL, allele1 TEXT NOT NULL, allele2 TEXT NULL,
 *     file_start_position INT NOT NULL, size_in_bytes INT NOT NULL,
 *     PRIMARY KEY (chromosome, position, rsid, allele1, allele2, file_start_position)) WITHOUT ROWID
 *   CREATE TABLE Metadata (filename TEXT NOT NULL, file_size INT NOT NULL, last_write_time INT NOT NULL,
 *     first_1000_bytes BLOB NOT NULL, index_creation_time INT NOT NULL)
 * (older bgenix versions: the same Variant table with a rowid, searched through its PRIMARY KEY index).
 * file_start_position is the byte offset of the variant block in the .bgen, size_in_bytes its whole length.
 * A chromosome / base-pair query seeks in the (chromosome, position) key instead of reading the table:
 * one descent per distinct chromosome code to list the codes, then one per chromosome wanted, then only
 * the pages of the range. Read with sqliteTable.ts, page by page; nothing else of the index is loaded.
 */
import { throwIfAborted } from '../base/cancel';
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';
import { bgenChrom } from './bgenVariant';
import { normalizeChrom } from './chrom';
import { openSqlite, type OpenSqliteOptions, type SqliteDatabase, type SqliteTable, type SqliteValue } from './sqliteTable';

/** One variant block of the .bgen, as the index lists it. */
export interface BgiVariant {
  /** Chromosome exactly as stored ('01', '1', 'chr1', ...); compare through normalizeChrom(bgenChrom(...)). */
  chrom: string;
  pos: number;
  /** '' when the index has no rsid column. */
  rsid: string;
  /** number_of_alleles (0 when the index has no such column). */
  nAlleles: number;
  /** allele1, then allele2 when it is not NULL, as stored ([] when the index has no allele columns). */
  alleles: string[];
  /** file_start_position: byte offset of the variant block in the .bgen. */
  offset: number;
  /** size_in_bytes: length of the whole variant block (identifying data and genotype data). */
  size: number;
}

/** Which variants to list; every field optional (none: the whole index). Bounds are inclusive. */
export interface BgiFilter {
  /** Chromosome codes, matched after normalizeChrom and without leading zeros: 'chr1' = '1' = '01'. */
  chr?: string[];
  fromBp?: number;
  toBp?: number;
}

/** The Metadata row bgenix writes: what the index was made from. */
export interface BgiMetadata {
  filename: string;
  fileSize: number;
  lastWriteTime: number;
  /** The first 1000 bytes of the .bgen (fewer when the file is shorter). */
  first1000: Uint8Array;
  indexCreationTime: number;
}

const REQUIRED = ['chromosome', 'position', 'file_start_position', 'size_in_bytes'] as const;

/** A chromosome code in the one form filters compare: normalizeChrom without leading zeros ('chr01' -> '1', '023' -> 'X'). */
function chromKey(code: string): string {
  return normalizeChrom(bgenChrom(normalizeChrom(code)));
}

const num = (v: SqliteValue): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN);
const utf8 = new TextDecoder('utf-8');
const text = (v: SqliteValue): string => (v === null ? '' : v instanceof Uint8Array ? utf8.decode(v) : String(v));

/**
 * Opens a bgenix index. `name` is the file name used in error messages (default: source.name).
 * Throws an InputError when the source is not a SQLite 3 database or has no usable Variant table.
 */
export async function openBgi(source: ByteSource, name = source.name, opts: OpenSqliteOptions = {}): Promise<BgiIndex> {
  const db = await openSqlite(source, name, opts);
  if (!db.hasTable('Variant')) {
    const tables = db.schema.filter((s) => s.type === 'table').map((s) => s.name);
    throw new InputError({ file: name, expected: 'a table Variant (bgenix index)', found: tables.length ? `tables ${tables.join(', ')}` : 'no tables' }, 'not a bgenix .bgi index');
  }
  const variant = db.table('Variant');
  const missing = REQUIRED.filter((c) => variant.columnIndex(c) < 0);
  if (missing.length) {
    throw new InputError({ file: name, expected: `columns ${REQUIRED.join(', ')}`, found: variant.columns.join(', ') }, `table Variant lacks ${missing.join(', ')}`);
  }
  return new BgiIndex(db, variant, db.hasTable('Metadata') ? await readMetadata(db) : null);
}

async function readMetadata(db: SqliteDatabase): Promise<BgiMetadata | null> {
  const t = db.table('Metadata');
  const col = (c: string) => t.columnIndex(c);
  for await (const r of t.rows()) {
    const blob = r[col('first_1000_bytes')];
    return {
      filename: text(r[col('filename')] ?? null),
      fileSize: num(r[col('file_size')] ?? null),
      lastWriteTime: num(r[col('last_write_time')] ?? null),
      first1000: blob instanceof Uint8Array ? blob : typeof blob === 'string' ? new TextEncoder().encode(blob) : new Uint8Array(0),
      indexCreationTime: num(r[col('index_creation_time')] ?? null),
    };
  }
  return null;
}

export class BgiIndex {
  /** Whether queries seek in the (chromosome, position) key; false: they read the whole table. */
  readonly searchable: boolean;
  private readonly at: Record<'chromosome' | 'position' | 'rsid' | 'number_of_alleles' | 'allele1' | 'allele2' | 'file_start_position' | 'size_in_bytes', number>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly table: SqliteTable,
    /** The Metadata row, null when the index has none (then checkBelongsTo cannot verify it). */
    readonly metadata: BgiMetadata | null,
  ) {
    const c = (n: string) => table.columnIndex(n);
    this.at = {
      chromosome: c('chromosome'),
      position: c('position'),
      rsid: c('rsid'),
      number_of_alleles: c('number_of_alleles'),
      allele1: c('allele1'),
      allele2: c('allele2'),
      file_start_position: c('file_start_position'),
      size_in_bytes: c('size_in_bytes'),
    };
    const key = table.keyColumns.map((k) => k.toLowerCase());
    this.searchable = key[0] === 'chromosome' && key[1] === 'position';
  }

  /** The file name used in error messages. */
  get name(): string {
    return this.db.file;
  }

  /** Reads made on the index source so far and the bytes they returned. */
  get stats(): { readonly reads: number; readonly bytes: number } {
    return this.db.stats;
  }

  private variant(r: SqliteValue[]): BgiVariant {
    const a = this.at;
    const alleles: string[] = [];
    if (a.allele1 >= 0 && r[a.allele1] !== null) alleles.push(text(r[a.allele1]));
    if (a.allele2 >= 0 && r[a.allele2] !== null) alleles.push(text(r[a.allele2]));
    return {
      chrom: text(r[a.chromosome]),
      pos: num(r[a.position]),
      rsid: a.rsid >= 0 ? text(r[a.rsid]) : '',
      nAlleles: a.number_of_alleles >= 0 ? num(r[a.number_of_alleles]) : 0,
      alleles,
      offset: num(r[a.file_start_position]),
      size: num(r[a.size_in_bytes]),
    };
  }

  /** The distinct chromosome codes of the index, in key order: one seek per code. */
  async chromosomes(): Promise<string[]> {
    if (!this.searchable) {
      const seen = new Set<string>();
      for await (const r of this.table.rows()) seen.add(text(r[this.at.chromosome]));
      return [...seen];
    }
    const out: string[] = [];
    let prev: string | null = null;
    for (;;) {
      const it = this.table.rowsFrom(prev === null ? [] : [prev], { after: prev !== null });
      const first = await it.next();
      await it.return(undefined);
      if (first.done) return out;
      prev = text(first.value[this.at.chromosome]);
      out.push(prev);
    }
  }

  /**
   * The variants passing `filter`, in file order (by offset). With a chromosome or base-pair bound and the
   * (chromosome, position) key, reads only the pages of the ranges wanted; otherwise the whole table.
   * `signal` is checked once per page of rows (a CancelledError when aborted). One object per variant:
   * for a whole-genome listing prefer blocks().
   */
  async variants(filter: BgiFilter = {}, signal?: AbortSignal): Promise<BgiVariant[]> {
    const out: BgiVariant[] = [];
    await this.scan(filter, signal, (r) => out.push(this.variant(r)));
    return out.sort((x, y) => x.offset - y.offset);
  }

  /**
   * Only where the variant blocks passing `filter` are: offsets and sizes in file order, as typed arrays
   * (what a .bgen reader needs to jump to them; it reads the rest from each block). Same reads as variants().
   */
  async blocks(filter: BgiFilter = {}, signal?: AbortSignal): Promise<{ offset: Float64Array; size: Float64Array }> {
    const offsets: number[] = [];
    const sizes: number[] = [];
    const { file_start_position: o, size_in_bytes: z } = this.at;
    await this.scan(filter, signal, (r) => {
      offsets.push(num(r[o]));
      sizes.push(num(r[z]));
    });
    const order = Array.from(offsets.keys());
    let sorted = true;
    for (let i = 1; i < offsets.length && sorted; i++) sorted = offsets[i - 1] <= offsets[i];
    if (!sorted) order.sort((a, b) => offsets[a] - offsets[b]);
    return { offset: Float64Array.from(order, (i) => offsets[i]), size: Float64Array.from(order, (i) => sizes[i]) };
  }

  /** Calls `visit` with each row passing the filter (in key or table order), seeking when it can. */
  private async scan(filter: BgiFilter, signal: AbortSignal | undefined, visit: (r: SqliteValue[]) => void): Promise<void> {
    const chr = filter.chr?.length ? new Set(filter.chr.map(chromKey)) : null;
    const from = filter.fromBp ?? -Infinity;
    const to = filter.toBp ?? Infinity;
    const { chromosome: ci, position: pi } = this.at;
    throwIfAborted(signal);
    if (!this.searchable || (!chr && from === -Infinity && to === Infinity)) {
      for await (const batch of this.table.rowBatches()) {
        throwIfAborted(signal);
        for (const r of batch) {
          const pos = num(r[pi]);
          if (pos >= from && pos <= to && (!chr || chr.has(chromKey(text(r[ci]))))) visit(r);
        }
      }
      return;
    }
    for (const c of await this.chromosomes()) {
      if (chr && !chr.has(chromKey(c))) continue;
      // key order: this chromosome's rows from `from` on, until the chromosome changes or pos passes `to`
      rows: for await (const batch of this.table.rowBatchesFrom(from === -Infinity ? [c] : [c, from])) {
        throwIfAborted(signal);
        for (const r of batch) {
          if (text(r[ci]) !== c || num(r[pi]) > to) break rows;
          visit(r);
        }
      }
    }
  }

  /**
   * Checks that the index was made from this .bgen: Metadata's file_size equals its size and
   * first_1000_bytes its first bytes. Throws an InputError saying the index is stale when not; returns
   * false when the index has no Metadata to check (older bgenix), true when it matched.
   */
  async checkBelongsTo(bgen: ByteSource): Promise<boolean> {
    const m = this.metadata;
    if (!m) return false;
    const redo = `re-create it (bgenix -g ${bgen.name} -index) or remove it`;
    if (m.fileSize !== bgen.size) {
      throw new InputError(
        { file: this.name, expected: `${bgen.size} bytes (the size of ${bgen.name})`, found: `${m.fileSize} bytes` },
        `stale index: it was made for a .bgen of another size (${m.filename || 'no file name'}); ${redo}`,
      );
    }
    const head = await bgen.read(0, 1000);
    let diff = m.first1000.length === head.length ? -1 : Math.min(m.first1000.length, head.length);
    for (let i = 0; i < Math.min(head.length, m.first1000.length) && diff < 0; i++) if (head[i] !== m.first1000[i]) diff = i;
    if (diff >= 0) {
      throw new InputError(
        { file: this.name, expected: `the first ${head.length} bytes of ${bgen.name}`, found: `bytes that differ from byte ${diff} on` },
        `stale index: it was made for another .bgen of the same size (${m.filename || 'no file name'}); ${redo}`,
      );
    }
    return true;
  }
}

/**
 * Opens the index `bgi` of `bgen`, checks that it belongs to it (an InputError when stale) and lists the
 * variants passing `filter` in file order. The one call a .bgen reader needs.
 */
export async function readBgiVariants(
  bgi: ByteSource,
  bgen: ByteSource,
  filter: BgiFilter = {},
  opts: OpenSqliteOptions & { signal?: AbortSignal } = {},
): Promise<BgiVariant[]> {
  const index = await openBgi(bgi, bgi.name, opts);
  await index.checkBelongsTo(bgen);
  return index.variants(filter, opts.signal);
}
