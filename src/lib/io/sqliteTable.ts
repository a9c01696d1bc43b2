/**
 * A minimal read-only reader of SQLite 3 database files over a ByteSource: the tables named in sqlite_schema
 * (page 1), their rows streamed in key order, and a seek to the first row whose leading key columns are at
 * or past a given prefix, so a range query reads one page per b-tree level and then only the pages of the
 * range (file format: https://www.sqlite.org/fileformat2.html). Pages are read on demand, never the whole
 * file, so the same code reads a File in the browser and a file on disk in Node.
 *   rowid tables        a table b-tree keyed by rowid; its record holds the columns in declared order (an
 *                       INTEGER PRIMARY KEY column is NULL there: it is the rowid). Searched through the
 *                       automatic index of its PRIMARY KEY (an index b-tree of the key columns + rowid),
 *                       then by rowid.
 *   WITHOUT ROWID       an index b-tree whose key is the whole row: the PRIMARY KEY columns in key order
 *                       (a column named twice is stored once), then the other columns in declared order.
 * Not read: UTF-16 databases (refused), the WAL file, views, virtual tables, column DEFAULTs of rows written
 * before an ALTER TABLE ADD COLUMN (such values read as NULL).
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';
import { Btree, type BtreeEntry } from './sqliteBtree';
import { SqlitePager, sqliteError, type SqliteHeader, type SqlitePagerOptions } from './sqlitePager';
import { RecordFault, compareValues, decodeRecord, type SqliteValue } from './sqliteRecord';
import { columnIndex, parseCreateIndex, parseCreateTable, type KeyColumn, type TableSchema } from './sqliteSchema';

export type { SqliteValue } from './sqliteRecord';
export type { SqlitePagerOptions as OpenSqliteOptions } from './sqlitePager';

/** One row of sqlite_schema. */
export interface SchemaEntry {
  /** 'table', 'index', 'view' or 'trigger'. */
  type: string;
  name: string;
  /** The table an index or trigger belongs to (its own name for a table). */
  table: string;
  /** Root page of the b-tree (0 for views and triggers). */
  rootPage: number;
  /** The CREATE statement; null for automatic indexes. */
  sql: string | null;
}

/** Opens a SQLite 3 database: reads its header and schema (page 1 and the pages the schema spans). */
export async function openSqlite(src: ByteSource, name = src.name, opts: SqlitePagerOptions = {}): Promise<SqliteDatabase> {
  const pager = await SqlitePager.open(src, name, opts);
  const schema: SchemaEntry[] = [];
  const tree = new Btree(pager, 1, 'table', 'sqlite_schema');
  for await (const batch of tree.entries()) {
    for (const e of batch) {
      const r = recordOf(pager, e, 'sqlite_schema');
      schema.push({
        type: String(r[0] ?? ''),
        name: String(r[1] ?? ''),
        table: String(r[2] ?? ''),
        rootPage: typeof r[3] === 'number' ? r[3] : 0,
        sql: typeof r[4] === 'string' ? r[4] : null,
      });
    }
  }
  return new SqliteDatabase(pager, schema);
}

/** Decodes the record of a b-tree entry (its first `limit` values); a malformed one is an error naming the page. */
function recordOf(pager: SqlitePager, e: BtreeEntry, label: string, limit = Infinity): SqliteValue[] {
  try {
    return decodeRecord(e.payload, limit);
  } catch (err) {
    if (!(err instanceof RecordFault)) throw err;
    const rowid = Number.isNaN(e.rowid) ? '' : ` (rowid ${e.rowid})`;
    throw sqliteError(pager.file, e.page, (e.page - 1) * pager.header.pageSize, `${label}: bad record${rowid}: ${err.message}`);
  }
}

export class SqliteDatabase {
  constructor(
    private readonly pager: SqlitePager,
    /** Every table, index, view and trigger, as sqlite_schema lists them. */
    readonly schema: readonly SchemaEntry[],
  ) {}

  /** The file name used in error messages. */
  get file(): string {
    return this.pager.file;
  }

  get header(): SqliteHeader {
    return this.pager.header;
  }

  /** Reads made on the source so far and the bytes they returned. */
  get stats(): { readonly reads: number; readonly bytes: number } {
    return this.pager.stats;
  }

  private entry(name: string): SchemaEntry | undefined {
    const u = name.toUpperCase();
    return this.schema.find((s) => s.type === 'table' && s.name.toUpperCase() === u);
  }

  /** Whether the database has a table of this name (case-insensitive). */
  hasTable(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  /** A table by name (case-insensitive); an InputError listing the tables when there is none. */
  table(name: string): SqliteTable {
    const e = this.entry(name);
    if (!e) {
      const names = this.schema.filter((s) => s.type === 'table').map((s) => s.name);
      throw new InputError({ file: this.file, expected: `a table ${name}`, found: names.length ? `tables ${names.join(', ')}` : 'no tables' }, `no table ${name}`);
    }
    let t: TableSchema;
    try {
      t = parseCreateTable(e.sql ?? '');
    } catch (err) {
      throw new InputError({ file: this.file }, `table ${e.name}: cannot read its CREATE statement: ${(err as Error).message}`);
    }
    return new SqliteTable(this.pager, e, t, this.keyIndex(e, t));
  }

  /** The automatic index of a rowid table's PRIMARY KEY (when it is the table's only automatic index). */
  private keyIndex(e: SchemaEntry, t: TableSchema): { root: number; name: string } | null {
    if (t.withoutRowid || t.primaryKey.length === 0 || t.rowidAlias >= 0 || t.uniqueCount > 0) return null;
    const prefix = `sqlite_autoindex_${e.name}_`.toUpperCase();
    const auto = this.schema.filter((s) => s.type === 'index' && s.sql === null && s.name.toUpperCase().startsWith(prefix));
    if (auto.length === 1) return { root: auto[0].rootPage, name: auto[0].name };
    // an explicit index on exactly the key columns would serve too
    for (const s of this.schema) {
      if (s.type !== 'index' || s.sql === null || s.table.toUpperCase() !== e.name.toUpperCase()) continue;
      try {
        const ix = parseCreateIndex(s.sql);
        if (sameKey(ix.columns, t.primaryKey)) return { root: s.rootPage, name: s.name };
      } catch {
        // an index we cannot read is simply not used for seeking; its table still reads in rowid order
      }
    }
    return null;
  }
}

function sameKey(a: KeyColumn[], b: KeyColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name.toUpperCase() === b[i].name.toUpperCase() && c.desc === b[i].desc && c.collate === b[i].collate);
}

/** Options of SqliteTable.rowsFrom. */
export interface RowsFromOptions {
  /** Start after the rows equal to the prefix (first key > prefix) instead of at them (first key >= prefix). */
  after?: boolean;
}

export class SqliteTable {
  /** Column names in declared order: every row lists its values in this order. */
  readonly columns: readonly string[];
  readonly withoutRowid: boolean;
  /** The key rowsFrom seeks on (the PRIMARY KEY columns); [] when the table cannot be searched. */
  readonly keyColumns: readonly string[];
  private readonly tree: Btree;
  /** Stored position -> declared column (WITHOUT ROWID: key columns first). */
  private readonly stored: number[];
  private readonly index: Btree | null;
  private readonly dirs: number[];
  private readonly label: string;

  constructor(
    private readonly pager: SqlitePager,
    readonly entry: SchemaEntry,
    private readonly schema: TableSchema,
    keyIndex: { root: number; name: string } | null,
  ) {
    this.label = `table ${entry.name}`;
    this.columns = schema.columns;
    this.withoutRowid = schema.withoutRowid;
    this.tree = new Btree(pager, entry.rootPage, schema.withoutRowid ? 'index' : 'table', this.label);
    const keyCols = [...new Set(schema.primaryKey.map((k) => columnIndex(schema.columns, k.name)))];
    this.stored = schema.withoutRowid ? [...keyCols, ...schema.columns.map((_, i) => i).filter((i) => !keyCols.includes(i))] : schema.columns.map((_, i) => i);
    this.index = keyIndex ? new Btree(pager, keyIndex.root, 'index', `index ${keyIndex.name} of ${this.label}`) : null;
    const searchable = schema.withoutRowid || this.index !== null;
    this.keyColumns = searchable ? schema.primaryKey.map((k) => k.name) : [];
    this.dirs = schema.primaryKey.map((k) => (k.desc ? -1 : 1));
  }

  get name(): string {
    return this.entry.name;
  }

  /** Position of a column in a row (case-insensitive), -1 when the table has no such column. */
  columnIndex(name: string): number {
    return columnIndex(this.columns, name);
  }

  /** A row in declared column order from its b-tree entry. */
  private row(e: BtreeEntry): SqliteValue[] {
    const rec = recordOf(this.pager, e, this.label);
    const out: SqliteValue[] = new Array(this.columns.length).fill(null);
    const n = Math.min(rec.length, this.stored.length);
    for (let k = 0; k < n; k++) out[this.stored[k]] = rec[k];
    if (this.schema.rowidAlias >= 0) out[this.schema.rowidAlias] = e.rowid;
    return out;
  }

  /** Every row, in storage order: PRIMARY KEY order for WITHOUT ROWID tables, rowid order otherwise. */
  async *rows(): AsyncGenerator<SqliteValue[]> {
    for await (const batch of this.rowBatches()) yield* batch;
  }

  /** rows() in batches of up to a page of rows: one await per page instead of per row. */
  async *rowBatches(): AsyncGenerator<SqliteValue[][]> {
    for await (const batch of this.tree.entries()) yield batch.map((e) => this.row(e));
  }

  /**
   * The rows in key order from the first whose leading key columns compare >= `prefix` (> with `after`)
   * to the last row of the table; stop iterating when past the range wanted. `prefix` gives values for the
   * first prefix.length key columns (SQLite order: NULL < numbers < text < blob; text by UTF-8 bytes).
   * Reads one page per b-tree level to get to the first row.
   */
  async *rowsFrom(prefix: readonly SqliteValue[], opts: RowsFromOptions = {}): AsyncGenerator<SqliteValue[]> {
    for await (const batch of this.rowBatchesFrom(prefix, opts)) yield* batch;
  }

  /** rowsFrom() in batches (up to a page of rows for WITHOUT ROWID tables, one row through a rowid table's key index). */
  async *rowBatchesFrom(prefix: readonly SqliteValue[], opts: RowsFromOptions = {}): AsyncGenerator<SqliteValue[][]> {
    if (this.keyColumns.length === 0) throw new Error(`${this.label} has no PRIMARY KEY index to seek on (read it with rows())`);
    if (prefix.length > this.keyColumns.length) throw new Error(`${this.label}: a prefix of ${prefix.length} values for a key of ${this.keyColumns.length} columns`);
    const odd = this.schema.primaryKey.slice(0, prefix.length).find((k) => k.collate !== undefined && k.collate !== 'BINARY');
    if (odd) throw new Error(`${this.label}: cannot seek on column ${odd.name} with COLLATE ${odd.collate} (only BINARY)`);
    const label = this.index ? `index of ${this.label}` : this.label;
    const atOrPast = (payload: Uint8Array, page: number, partial: boolean): boolean | null => {
      let rec: SqliteValue[];
      if (partial) {
        try {
          rec = decodeRecord(payload, prefix.length);
        } catch (err) {
          if (err instanceof RecordFault) return null; // the key runs onto overflow pages: decide on the whole
          throw err;
        }
      } else rec = recordOf(this.pager, { rowid: NaN, payload, page }, label, prefix.length);
      let c = 0;
      for (let k = 0; k < prefix.length && c === 0; k++) c = compareValues(rec[k], prefix[k]) * this.dirs[k];
      return opts.after ? c > 0 : c >= 0;
    };
    if (!this.index) {
      for await (const batch of this.tree.entriesFrom(atOrPast)) yield batch.map((e) => this.row(e));
      return;
    }
    // through the key index: one row per batch, as each costs a lookup in the table b-tree
    for await (const batch of this.index.entriesFrom(atOrPast)) {
      for (const ie of batch) {
        const rec = recordOf(this.pager, ie, label);
        const rowid = rec[rec.length - 1];
        const e = typeof rowid === 'number' ? await this.tree.find(rowid) : null;
        if (!e) throw sqliteError(this.pager.file, ie.page, (ie.page - 1) * this.pager.header.pageSize, `${label}: entry points to a row the table does not have`, 'an existing rowid', `${rowid}`);
        yield [this.row(e)];
      }
    }
  }
}
