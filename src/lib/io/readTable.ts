/**
 * Reads a phenotype or covariate table (CSV, TSV or whitespace-delimited; optionally gzipped) into columns
 * of Float32Array, streaming: bytes are read in chunks, decompressed and decoded on the fly, and parsed with
 * papaparse's chunk parser (Papa.Parser, the one its streamers use) or a whitespace splitter. No array of row
 * objects is ever built: peak memory is the Float32 columns plus one chunk.
 *
 * ID column: `idCol` when given; else IID (a FID or #FID column beside it becomes `fid`); else the first
 * column. Cells equal to a missing token become NaN. A column with text cells becomes categorical when it has
 * at most 50 distinct values and fewer than half as many as rows; otherwise its text cells count as missing,
 * with a warning.
 */
import Papa from 'papaparse';
import type { ByteSource } from './ByteSource';
import type { Table, TableColumn } from './Table';
import { InputError } from '../compute/errors';
import { throwIfAborted } from '../compute/cancel';
import { createProgress, type ProgressCallback } from '../compute/progress';
import { gunzipSource } from './gunzipSource';
import { missingTokenSet, DEFAULT_MISSING_TOKENS } from './missingTokens';
import { sniffDelimiter, type Delimiter, type DelimiterOption } from './sniffDelimiter';
import { ColumnBuilder } from './columnBuilder';

export interface ReadTableOptions {
  /** Name of the ID column (default: IID, else the first column). */
  idCol?: string;
  /** Cell texts counted as missing (default '', NA, NaN, '.', -9; each also in lower and upper case). */
  missing?: string[];
  delimiter?: DelimiterOption;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Source bytes per read (default 1 MiB; 256 KiB for gzip). */
  chunkBytes?: number;
}

/** How many column names an "unknown column" message lists. */
const NAMES_LISTED = 8;

export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_LISTED).join(', ');
  return names.length > NAMES_LISTED ? `${shown}, ... (${names.length} columns)` : shown;
}

export async function readTable(src: ByteSource, opts: ReadTableOptions = {}): Promise<Table> {
  const file = src.name;
  const missing = missingTokenSet(opts.missing ?? DEFAULT_MISSING_TOKENS);
  const progress = createProgress('parse', src.size, opts.onProgress, { unit: 'bytes' });
  const decoder = new TextDecoder('utf-8');

  let carry = '';
  let line = 0; // last physical line consumed
  let header: string[] | null = null;
  let delim: Delimiter | null = opts.delimiter && opts.delimiter !== 'auto' ? opts.delimiter : null;
  let newline: '\n' | '\r\n' = '\n';
  let parser: Papa.Parser | null = null;
  let builder: Builder | null = null;
  let sourceDone = 0;

  const handleRows = (text: string, final: boolean): string => {
    // Returns the unconsumed tail (a partial last row).
    if (header === null) {
      const nl = text.indexOf('\n');
      if (nl < 0 && !final) return text;
      // skip leading blank lines
      let start = 0;
      let end = nl < 0 ? text.length : nl;
      while (text.slice(start, end).trim() === '') {
        line++;
        if (end >= text.length) return final ? '' : text.slice(start);
        start = end + 1;
        const n2 = text.indexOf('\n', start);
        if (n2 < 0 && !final) return text.slice(start);
        end = n2 < 0 ? text.length : n2;
      }
      text = text.slice(start);
      const first = text.slice(0, end - start);
      if (first.endsWith('\r')) newline = '\r\n';
      if (delim === null) delim = sniffDelimiter(first);
      if (delim !== 'whitespace') {
        parser = new Papa.Parser({ delimiter: delim, newline, quoteChar: '"' });
      }
      const parsed = parseSome(text, final);
      if (parsed.rows.length === 0) return text;
      const h = parsed.rows[0].map((s) => s.trim());
      line += parsed.lines[0];
      header = h;
      builder = new Builder(file, h, opts.idCol, missing, estimateRows(src.size, text, parsed.rows.length, parsed.cursor));
      consume(parsed.rows, parsed.lines, 1);
      return text.slice(parsed.cursor);
    }
    const parsed = parseSome(text, final);
    consume(parsed.rows, parsed.lines, 0);
    return text.slice(parsed.cursor);
  };

  const consume = (rows: string[][], lines: number[], from: number) => {
    const b = builder!;
    for (let i = from; i < rows.length; i++) {
      const r = rows[i];
      line += lines[i];
      if (r.length === 1 && r[0].trim() === '') continue; // blank line
      b.addRow(r, line - lines[i] + 1);
    }
  };

  const parseSome = (text: string, final: boolean): { rows: string[][]; lines: number[]; cursor: number } => {
    if (delim === 'whitespace') return splitWhitespace(text, final);
    const res = parser!.parse(text, 0, !final) as { data: string[][]; meta: { cursor: number } };
    const rows = res.data;
    const lines = new Array<number>(rows.length).fill(1);
    const lastField = rows.length ? rows[rows.length - 1] : null;
    if (newline === '\r\n' && final && lastField) {
      // papaparse leaves a lone trailing '\r' when the last line has no '\n'
      const f = lastField[lastField.length - 1];
      if (f.endsWith('\r')) lastField[lastField.length - 1] = f.slice(0, -1);
    }
    if (text.indexOf('"') >= 0) {
      // quoted fields may hold line breaks: count them so that line numbers stay physical
      for (let i = 0; i < rows.length; i++) {
        for (const f of rows[i]) {
          for (let k = f.indexOf('\n'); k >= 0; k = f.indexOf('\n', k + 1)) lines[i]++;
        }
      }
    }
    return { rows, lines, cursor: final ? text.length : res.meta.cursor };
  };

  for await (const bytes of gunzipSource(src, {
    chunkBytes: opts.chunkBytes,
    signal: opts.signal,
    onSourceBytes: (d) => {
      sourceDone = d;
    },
  })) {
    throwIfAborted(opts.signal);
    const text = carry + decoder.decode(bytes, { stream: true });
    carry = handleRows(text, false);
    progress.tick(sourceDone);
  }
  const rest = carry + decoder.decode();
  carry = handleRows(rest, true);
  if (header === null || builder === null) {
    throw new InputError({ file, expected: 'a header line with column names', found: 'no lines' }, 'empty file');
  }
  progress.finish();
  return (builder as Builder).finish();
}

/** Splits whitespace-delimited lines (PLINK style: runs of spaces or tabs, no quoting). */
function splitWhitespace(text: string, final: boolean): { rows: string[][]; lines: number[]; cursor: number } {
  const end = final ? text.length : text.lastIndexOf('\n') + 1;
  const rows: string[][] = [];
  let start = 0;
  while (start < end) {
    let nl = text.indexOf('\n', start);
    if (nl < 0 || nl >= end) nl = end;
    const t = text.slice(start, nl).trim();
    rows.push(t.length ? t.split(/\s+/) : ['']);
    start = nl + 1;
  }
  return { rows, lines: new Array<number>(rows.length).fill(1), cursor: end };
}

/** Rows expected in the file from the bytes per row of the first chunk (for preallocation; 1.05x slack). */
function estimateRows(size: number, text: string, rowsInText: number, cursor: number): number {
  if (rowsInText < 2 || cursor <= 0) return 1024;
  const perRow = cursor / rowsInText;
  const est = Math.ceil((size / perRow) * 1.05) + 16;
  return Math.min(est, 1 << 22) >= rowsInText ? Math.min(est, 1 << 22) : rowsInText;
}

class Builder {
  private readonly file: string;
  private readonly nFields: number;
  private readonly idIdx: number;
  private readonly fidIdx: number;
  private readonly idName: string;
  private readonly dataIdx: number[];
  private readonly cols: ColumnBuilder[];
  private readonly missing: Set<string>;
  private readonly numericMissing: Float64Array;
  private readonly ids: string[] = [];
  private readonly fids: string[] | null;
  private readonly seen = new Map<string, number>();
  private n = 0;
  private cap: number;

  constructor(file: string, header: string[], idCol: string | undefined, missing: Set<string>, cap: number) {
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
    this.cap = Math.max(16, cap);
    this.cols = this.dataIdx.map((i) => new ColumnBuilder(bare[i], this.cap));
  }

  addRow(fields: string[], line: number): void {
    if (fields.length !== this.nFields) {
      throw new InputError(
        { file: this.file, line, expected: `${this.nFields} fields as in the header`, found: `${fields.length}` },
        'wrong number of fields',
      );
    }
    const id = fields[this.idIdx].trim();
    if (this.missing.has(id)) {
      throw new InputError(
        { file: this.file, line, column: this.idName, expected: 'a participant ID', found: `'${id}'` },
        'missing ID',
      );
    }
    const prev = this.seen.get(id);
    if (prev !== undefined) {
      throw new InputError(
        { file: this.file, line, column: this.idName, expected: 'unique IDs', found: `'${id}' also at line ${prev}` },
        'duplicate ID',
      );
    }
    this.seen.set(id, line);
    const row = this.n;
    if (row >= this.cap) {
      this.cap = Math.ceil(this.cap * 1.5);
      for (const c of this.cols) c.ensure(this.cap);
    }
    this.ids.push(id);
    if (this.fids) this.fids.push(fields[this.fidIdx].trim());
    const cols = this.cols;
    const idx = this.dataIdx;
    const missing = this.missing;
    const nm = this.numericMissing;
    for (let j = 0; j < cols.length; j++) cols[j].set(row, fields[idx[j]], missing, nm, line);
    this.n++;
  }

  finish(): Table {
    const warnings: string[] = [];
    const columns: TableColumn[] = this.cols.map((c) => c.finish(this.n, (w) => warnings.push(`${this.file}: ${w}`)));
    return { source: this.file, idColumn: this.idName, fid: this.fids, ids: this.ids, columns, warnings };
  }
}
