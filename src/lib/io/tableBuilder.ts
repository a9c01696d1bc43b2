/**
 * The row sink of readTable: maps the header to the ID column (and FID), checks the column names, and fills
 * one ColumnBuilder per data column from rows given as strings (papaparse and whitespace text paths,
 * `addRow`) or as bytes (the byte scanner, `addRowBytes`). Checks every row's field count and the IDs
 * (present, unique), and grows the columns 1.5x when the preallocated row count runs out.
 */
import type { Precision, Table, TableColumn } from './Table';
import { InputError } from '../base/errors';
import type { Delimiter } from './sniffDelimiter';
import { ColumnBuilder, decodeBytes } from './columnBuilder';
import { listNames } from './listNames';
import { CR, QUOTE, SPACE, TAB } from './byteCodes';

export class TableBuilder {
  private readonly file: string;
  private readonly nFields: number;
  private readonly idIdx: number;
  private readonly fidIdx: number;
  private readonly idName: string;
  private readonly dataIdx: number[];
  /** Per field: column index, or -1 for the ID, -2 for the FID. */
  private readonly target: Int32Array;
  private readonly cols: ColumnBuilder[];
  private readonly missing: Set<string>;
  private readonly numericMissing: Float64Array;
  private readonly ids: string[] = [];
  private readonly fids: string[] | null;
  private readonly seen = new Map<string, number>();
  private n = 0;
  private cap: number;
  private readonly precision: Precision;

  /**
   * Checks the column names (unique, '#' prefix ignored; empty ones become columnN) and picks the ID column
   * (`idCol`, else IID, else the first) and the FID beside an IID; `cap` rows are preallocated.
   */
  constructor(file: string, header: string[], idCol: string | undefined, missing: Set<string>, cap: number, precision: Precision) {
    this.precision = precision;
    this.file = file;
    this.missing = missing;
    this.numericMissing = Float64Array.from([...missing].filter((t) => t.length > 0 && Number.isFinite(+t)).map((t) => +t));
    this.nFields = header.length;
    const names = header.map((h, i) => (h === '' ? `column${i + 1}` : h));
    const bare = names.map((h) => (h.startsWith('#') ? h.slice(1) : h));
    const firstSeen = new Map<string, number>();
    for (let i = 0; i < bare.length; i++) {
      const prev = firstSeen.get(bare[i]);
      if (prev !== undefined) {
        throw new InputError(
          { file, line: 1, column: bare[i], expected: 'unique column names', found: `it in fields ${prev + 1} and ${i + 1}` },
          'duplicate column name',
        );
      }
      firstSeen.set(bare[i], i);
    }
    let idIdx: number;
    let fidIdx = -1;
    if (idCol !== undefined) {
      idIdx = bare.indexOf(idCol.startsWith('#') ? idCol.slice(1) : idCol);
      if (idIdx < 0) {
        throw new InputError({ file, column: idCol, expected: `one of ${listNames(bare)}` }, 'no such column (--id-col)');
      }
    } else {
      idIdx = bare.indexOf('IID');
      if (idIdx < 0) idIdx = 0;
    }
    if (bare[idIdx] === 'IID') fidIdx = bare.indexOf('FID');
    this.idIdx = idIdx;
    this.fidIdx = fidIdx;
    this.idName = bare[idIdx];
    this.fids = fidIdx >= 0 ? [] : null;
    this.dataIdx = [];
    for (let i = 0; i < bare.length; i++) if (i !== idIdx && i !== fidIdx) this.dataIdx.push(i);
    this.target = new Int32Array(this.nFields);
    this.target[idIdx] = -1;
    if (fidIdx >= 0) this.target[fidIdx] = -2;
    this.dataIdx.forEach((f, k) => (this.target[f] = k));
    this.cap = Math.max(16, cap);
    this.cols = this.dataIdx.map((i) => new ColumnBuilder(bare[i], this.cap, this.precision));
  }

  private ragged(line: number, found: number): InputError {
    return new InputError(
      { file: this.file, line, expected: `${this.nFields} fields as in the header`, found: `${found}` },
      'wrong number of fields',
    );
  }

  private nextRow(): number {
    const row = this.n;
    if (row >= this.cap) {
      this.cap = Math.ceil(this.cap * 1.5);
      for (const c of this.cols) c.ensure(this.cap);
    }
    return row;
  }

  private addId(id: string, fid: string | null, line: number): void {
    if (this.missing.has(id)) {
      throw new InputError({ file: this.file, line, column: this.idName, expected: 'a participant ID', found: `'${id}'` }, 'missing ID');
    }
    const prev = this.seen.get(id);
    if (prev !== undefined) {
      throw new InputError(
        { file: this.file, line, column: this.idName, expected: 'unique IDs', found: `'${id}' also at line ${prev}` },
        'duplicate ID',
      );
    }
    this.seen.set(id, line);
    this.ids.push(id);
    if (this.fids) this.fids.push(fid ?? '');
    this.n++;
  }

  /** A row as strings (papaparse and whitespace text paths). */
  addRow(fields: string[], line: number): void {
    if (fields.length !== this.nFields) throw this.ragged(line, fields.length);
    const row = this.nextRow();
    const cols = this.cols;
    const idx = this.dataIdx;
    const missing = this.missing;
    const nm = this.numericMissing;
    for (let j = 0; j < cols.length; j++) cols[j].set(row, fields[idx[j]], missing, nm, line);
    this.addId(fields[this.idIdx].trim(), this.fidIdx >= 0 ? fields[this.fidIdx].trim() : null, line);
  }

  /**
   * A row as bytes [s, e) without its '\n' (byte scanner). Blank lines are skipped. Hot loop: fields are
   * found and trimmed on the bytes, and numbers parsed from them by ColumnBuilder.putBytes.
   */
  addRowBytes(b: Uint8Array, s: number, e: number, line: number, delim: Delimiter, quoted: boolean): void {
    if (e > s && b[e - 1] === CR) e--;
    let a = s;
    while (a < e && (b[a] === SPACE || b[a] === TAB)) a++;
    if (a === e) return; // blank line
    const row = this.nextRow();
    const cols = this.cols;
    const target = this.target;
    const nFields = this.nFields;
    const missing = this.missing;
    const nm = this.numericMissing;
    const ws = delim === 'whitespace';
    const d = ws ? SPACE : delim.charCodeAt(0);
    let id = '';
    let fid: string | null = null;
    let f = 0;
    let p = ws ? a : s;
    for (;;) {
      // field [p, q); its content [x, y)
      let q = p;
      let x = p;
      let y: number;
      let unescape = false;
      if (quoted && b[p] === QUOTE) {
        // "..." closed on this line (checked by simpleQuotes); "" is an escaped quote
        let z = p + 1;
        for (;;) {
          while (b[z] !== QUOTE) z++;
          if (z + 1 < e && b[z + 1] === QUOTE) {
            unescape = true;
            z += 2;
            continue;
          }
          break;
        }
        x = p + 1;
        y = z;
        q = z + 1;
        while (q < e && b[q] !== d) q++;
      } else {
        if (ws) while (q < e && b[q] !== SPACE && b[q] !== TAB) q++;
        else while (q < e && b[q] !== d) q++;
        y = q;
      }
      if (f >= nFields) throw this.ragged(line, this.countFields(b, s, e, delim));
      while (x < y && (b[x] === SPACE || b[x] === TAB)) x++;
      while (y > x && (b[y - 1] === SPACE || b[y - 1] === TAB)) y--;
      const t = target[f];
      if (unescape) {
        const text = decodeBytes(b, x, y).replaceAll('""', '"');
        if (t >= 0) cols[t].set(row, text, missing, nm, line);
        else if (t === -1) id = text;
        else fid = text;
      } else if (t >= 0) cols[t].putBytes(row, b, x, y, missing, nm, line);
      else if (t === -1) id = decodeBytes(b, x, y);
      else fid = decodeBytes(b, x, y);
      f++;
      if (q >= e) break;
      p = q + 1;
      if (ws) {
        while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
        if (p >= e) break; // trailing whitespace
      }
    }
    if (f !== nFields) throw this.ragged(line, f);
    this.addId(id, fid, line);
  }

  private countFields(b: Uint8Array, s: number, e: number, delim: Delimiter): number {
    const text = decodeBytes(b, s, e);
    return delim === 'whitespace' ? text.trim().split(/\s+/).length : text.split(delim).length;
  }

  finish(): Table {
    const warnings: string[] = [];
    const columns: TableColumn[] = this.cols.map((c) => c.finish(this.n, (w) => warnings.push(`${this.file}: ${w}`)));
    return { source: this.file, idColumn: this.idName, fid: this.fids, ids: this.ids, columns, warnings };
  }
}
