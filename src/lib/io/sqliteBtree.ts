/**
 * One b-tree of a SQLite 3 database, walked in key order a page at a time (https://www.sqlite.org/fileformat2.html,
 * "B-tree Pages"). A b-tree page (its header at byte 100 on page 1, else at 0):
 *   type (1): 0x02 index interior, 0x05 table interior, 0x0A index leaf, 0x0D table leaf; first freeblock (2);
 *   cell count (2); cell content start (2); fragmented bytes (1); interior pages: right-most child page (4);
 *   then the cell pointer array (2 bytes per cell, offsets from the start of the page), in key order.
 * Cells:
 *   table leaf      payload size P (varint), rowid (varint), payload, [first overflow page (4)]
 *   table interior  left child page (4), integer key (varint): the child holds rowids <= key
 *   index leaf      P (varint), payload, [first overflow page (4)]
 *   index interior  left child page (4), P (varint), payload, [first overflow page (4)]: the child holds keys < it
 * A payload larger than X bytes keeps K (or M) bytes on the page and the rest on a chain of overflow pages
 * (next page (4), then U - 4 bytes), with U the usable page size, X = U - 35 on table leaves and
 * ((U - 12) * 64 / 255) - 23 on index pages, M = ((U - 12) * 32 / 255) - 23, K = M + ((P - M) % (U - 4)),
 * K kept when K <= X, else M. An index b-tree holds an entry in every cell, interior ones included, so its key
 * order is: child 0, cell 0, child 1, cell 1, ..., right-most child.
 */
import { sqliteError, type SqlitePager } from './sqlitePager';
import { RecordFault, readSignedVarint, readVarint, type ByteCursor } from './sqliteRecord';

const INDEX_INTERIOR = 0x02;
const TABLE_INTERIOR = 0x05;
const INDEX_LEAF = 0x0a;
const TABLE_LEAF = 0x0d;
/** Deeper than any real b-tree (a 2^31-page file of 512-byte pages is ~20 levels): a cycle in a corrupt file. */
const MAX_DEPTH = 64;

export type BtreeKind = 'table' | 'index';

export interface BtreeEntry {
  /** Table b-trees: the rowid; index b-trees: NaN. */
  rowid: number;
  /** The whole payload (a record), overflow pages included. */
  payload: Uint8Array;
  /** Page holding the cell, for error messages. */
  page: number;
}

/**
 * Seek test on an index entry's payload (a record): whether the entry is at or past the target. With
 * partial = true the payload is only its first bytes; return null when they do not decide.
 */
export type SeekPredicate = (payload: Uint8Array, page: number, partial: boolean) => boolean | null;

interface Page {
  no: number;
  data: Uint8Array;
  type: number;
  leaf: boolean;
  cells: number;
  /** Offset of the cell pointer array. */
  ptrs: number;
  /** Right-most child (interior pages). */
  right: number;
}

/** A position in an interior page (the child `i` being walked; i = cells: the right-most child) or a leaf (next cell). */
interface Frame {
  pg: Page;
  i: number;
}

export class Btree {
  constructor(
    private readonly pager: SqlitePager,
    /** Root page number. */
    readonly root: number,
    readonly kind: BtreeKind,
    /** What the tree holds ("table Variant"), for error messages. */
    private readonly label: string,
  ) {}

  private fail(page: number, at: number, what: string, expected?: string, found?: string): never {
    throw sqliteError(this.pager.file, page, (page - 1) * this.pager.header.pageSize + at, `${this.label}: ${what}`, expected, found);
  }

  private async load(no: number, from: number): Promise<Page> {
    const data = await this.pager.page(no, from);
    const h = no === 1 ? 100 : 0;
    const type = data[h];
    const want = this.kind === 'table' ? [TABLE_INTERIOR, TABLE_LEAF] : [INDEX_INTERIOR, INDEX_LEAF];
    if (!want.includes(type)) {
      const names = this.kind === 'table' ? 'a table b-tree page (0x05 or 0x0d)' : 'an index b-tree page (0x02 or 0x0a)';
      this.fail(no, h, `bad b-tree page type${from ? ` (child of page ${from})` : ''}`, names, `0x${type.toString(16).padStart(2, '0')}`);
    }
    const leaf = type === TABLE_LEAF || type === INDEX_LEAF;
    const cells = (data[h + 3] << 8) | data[h + 4];
    const ptrs = h + (leaf ? 8 : 12);
    if (ptrs + 2 * cells > this.pager.header.usableSize) this.fail(no, h + 3, 'cell count overruns the page', `at most ${(this.pager.header.usableSize - ptrs) >> 1} cells`, `${cells}`);
    const right = leaf ? 0 : data[h + 8] * 0x1000000 + ((data[h + 9] << 16) | (data[h + 10] << 8) | data[h + 11]);
    return { no, data, type, leaf, cells, ptrs, right };
  }

  /** Offset of cell i in its page. */
  private cellAt(pg: Page, i: number): number {
    const at = (pg.data[pg.ptrs + 2 * i] << 8) | pg.data[pg.ptrs + 2 * i + 1];
    const min = pg.ptrs + 2 * pg.cells;
    if (at < min || at >= this.pager.header.usableSize) this.fail(pg.no, pg.ptrs + 2 * i, `cell ${i} pointer out of range`, `${min} to ${this.pager.header.usableSize - 1}`, `${at}`);
    return at;
  }

  /** Child page i of an interior page (i = cells: the right-most child). */
  private child(pg: Page, i: number): number {
    if (i === pg.cells) return pg.right;
    const at = this.cellAt(pg, i);
    const d = pg.data;
    return d[at] * 0x1000000 + ((d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]);
  }

  /** The integer key of cell i of a table interior page. */
  private interiorKey(pg: Page, i: number): number {
    const c: ByteCursor = { pos: this.cellAt(pg, i) + 4 };
    return this.guard(pg, () => readSignedVarint(pg.data, c, this.pager.header.usableSize));
  }

  /** The rowid of cell i of a table leaf page, without its payload. */
  private leafRowid(pg: Page, i: number): number {
    const c: ByteCursor = { pos: this.cellAt(pg, i) };
    const U = this.pager.header.usableSize;
    return this.guard(pg, () => {
      readVarint(pg.data, c, U);
      return readSignedVarint(pg.data, c, U);
    });
  }

  /** Runs a parse step, turning a RecordFault (offset in the page) into an error naming the page. */
  private guard<T>(pg: Page, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof RecordFault) this.fail(pg.no, e.at, e.what, e.expected, e.found);
      throw e;
    }
  }

  /** Cell i of a table leaf or index page: rowid, payload size, the payload bytes on the page, first overflow page. */
  private cell(pg: Page, i: number): { rowid: number; size: number; local: Uint8Array; overflow: number } {
    const c: ByteCursor = { pos: this.cellAt(pg, i) + (pg.type === INDEX_INTERIOR ? 4 : 0) };
    const U = this.pager.header.usableSize;
    const size = this.guard(pg, () => readVarint(pg.data, c, U));
    const rowid = pg.type === TABLE_LEAF ? this.guard(pg, () => readSignedVarint(pg.data, c, U)) : NaN;
    if (pg.type === TABLE_LEAF && !Number.isSafeInteger(rowid)) this.fail(pg.no, c.pos, 'rowid beyond 2^53 is not supported', 'a rowid within +-2^53');
    const X = pg.type === TABLE_LEAF ? U - 35 : Math.floor(((U - 12) * 64) / 255) - 23;
    const M = Math.floor(((U - 12) * 32) / 255) - 23;
    let local = size;
    if (size > X) {
      const K = M + ((size - M) % (U - 4));
      local = K <= X ? K : M;
    }
    const end = c.pos + local + (local < size ? 4 : 0);
    if (end > U) this.fail(pg.no, c.pos, `payload of cell ${i} runs past the usable page`, `at most ${U - c.pos} bytes on the page`, `${end - c.pos}`);
    const d = pg.data;
    const at = c.pos + local;
    const overflow = local < size ? d[at] * 0x1000000 + ((d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) : 0;
    return { rowid, size, local: d.subarray(c.pos, at), overflow };
  }

  /** The entry of cell i (table leaves and index pages), its overflow pages read. */
  private async entry(pg: Page, i: number): Promise<BtreeEntry> {
    const c = this.cell(pg, i);
    const payload = c.local.length === c.size ? c.local : await this.overflow(c.local, c.size, c.overflow, pg.no);
    return { rowid: c.rowid, payload, page: pg.no };
  }

  /** Whether cell i is at or past a seek target; decided on the bytes on the page when they suffice. */
  private async cellAtOrPast(pg: Page, i: number, atOrPast: SeekPredicate): Promise<boolean> {
    const c = this.cell(pg, i);
    if (c.local.length < c.size) {
      const partial = atOrPast(c.local, pg.no, true);
      if (partial !== null) return partial;
    }
    return atOrPast((await this.entry(pg, i)).payload, pg.no, false) === true;
  }

  /** The payload of `size` bytes whose first `head.length` are on the page and the rest from page `next` on. */
  private async overflow(head: Uint8Array, size: number, next: number, from: number): Promise<Uint8Array> {
    const out = new Uint8Array(size);
    out.set(head);
    const U = this.pager.header.usableSize;
    let got = head.length;
    let prev = from;
    while (got < size) {
      if (next === 0) this.fail(prev, 0, 'overflow chain ends early', `${size} payload bytes`, `${got}`);
      const d = await this.pager.page(next, prev);
      const n = Math.min(U - 4, size - got);
      out.set(d.subarray(4, 4 + n), got);
      got += n;
      prev = next;
      next = d[0] * 0x1000000 + ((d[1] << 16) | (d[2] << 8) | d[3]);
    }
    return out;
  }

  private push(stack: Frame[], pg: Page, i: number): void {
    if (stack.length >= MAX_DEPTH) this.fail(pg.no, 0, 'b-tree deeper than 64 levels (a cycle in a corrupt file)');
    stack.push({ pg, i });
  }

  /** Descends from page `no` to its first leaf, pushing a frame per page. */
  private async descendFirst(stack: Frame[], no: number, from: number): Promise<void> {
    for (;;) {
      const pg = await this.load(no, from);
      this.push(stack, pg, 0);
      if (pg.leaf) return;
      from = no;
      no = this.child(pg, 0);
    }
  }

  /**
   * Walks on from a stack built by descendFirst or seek: entries in key order, in batches (the run of a
   * leaf's cells whose payload is all on the page; an entry with overflow pages, or an index interior
   * cell's entry, alone), so a consumer awaits about once per page, and one that stops early has not read
   * the overflow pages of the entries it did not take.
   */
  private async *walk(stack: Frame[]): AsyncGenerator<BtreeEntry[]> {
    while (stack.length) {
      const f = stack[stack.length - 1];
      if (f.pg.leaf) {
        while (f.i < f.pg.cells) {
          const batch: BtreeEntry[] = [];
          for (; f.i < f.pg.cells; f.i++) {
            const c = this.cell(f.pg, f.i);
            if (c.local.length < c.size) break;
            batch.push({ rowid: c.rowid, payload: c.local, page: f.pg.no });
          }
          if (batch.length) yield batch;
          if (f.i < f.pg.cells) yield [await this.entry(f.pg, f.i++)];
        }
        stack.pop();
        continue;
      }
      // back from child f.i: an index interior cell holds the entry between child i and child i + 1
      if (f.pg.type === INDEX_INTERIOR && f.i < f.pg.cells) yield [await this.entry(f.pg, f.i)];
      f.i++;
      if (f.i > f.pg.cells) stack.pop();
      else await this.descendFirst(stack, this.child(f.pg, f.i), f.pg.no);
    }
  }

  /** Every entry in key order (rowid order for a table b-tree), in batches of up to a page. */
  async *entries(): AsyncGenerator<BtreeEntry[]> {
    const stack: Frame[] = [];
    await this.descendFirst(stack, this.root, 0);
    yield* this.walk(stack);
  }

  /**
   * Index b-trees: the entries from the first whose payload satisfies `atOrPast` on, in key order, in batches.
   * `atOrPast` must be monotone in key order (false ... false, true ... true), e.g. "key >= target"; it is
   * first given only the bytes of a long key that are on the page (partial = true), where it returns null
   * when those do not decide, so the overflow pages of keys compared on the way down are seldom read.
   * Reads one page per level to get there (plus overflow pages of the keys compared).
   */
  async *entriesFrom(atOrPast: SeekPredicate): AsyncGenerator<BtreeEntry[]> {
    if (this.kind !== 'index') throw new Error(`Btree.entriesFrom: ${this.label} is a table b-tree (seek by rowid with find)`);
    const stack: Frame[] = [];
    let no = this.root;
    let from = 0;
    for (;;) {
      const pg = await this.load(no, from);
      // first cell at or past the target (binary search; cells are in key order)
      let lo = 0;
      let hi = pg.cells;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (await this.cellAtOrPast(pg, mid, atOrPast)) hi = mid;
        else lo = mid + 1;
      }
      this.push(stack, pg, lo);
      if (pg.leaf) break;
      from = no;
      no = this.child(pg, lo);
    }
    yield* this.walk(stack);
  }

  /** Table b-trees: the entry with this rowid, or null. Reads one page per level. */
  async find(rowid: number): Promise<BtreeEntry | null> {
    if (this.kind !== 'table') throw new Error(`Btree.find: ${this.label} is an index b-tree`);
    let no = this.root;
    let from = 0;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const pg = await this.load(no, from);
      let lo = 0;
      let hi = pg.cells;
      if (pg.leaf) {
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          const r = this.leafRowid(pg, mid);
          if (r === rowid) return this.entry(pg, mid);
          if (r < rowid) lo = mid + 1;
          else hi = mid;
        }
        return null;
      }
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.interiorKey(pg, mid) >= rowid) hi = mid;
        else lo = mid + 1;
      }
      from = no;
      no = this.child(pg, lo);
    }
    return this.fail(no, 0, 'b-tree deeper than 64 levels (a cycle in a corrupt file)');
  }
}
