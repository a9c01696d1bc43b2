/**
 * Reads a phenotype or covariate table (CSV, TSV or whitespace-delimited; optionally gzipped) into columns
 * of Float32Array, streaming: bytes are read in chunks (1 MiB), decompressed on the fly (fflate), and parsed
 * chunk by chunk. No array of row objects is ever built.
 *
 * Two parsers share one row sink:
 * - Byte scanner (the common case): splits lines and fields on the bytes and parses plain decimals straight
 *   from them, so no JS string is made per numeric cell. This keeps the garbage per chunk near zero, which
 *   is what holds peak memory near the Float32 matrix (see docs/tables-and-phenotypes.md: with papaparse on
 *   every chunk, RSS peaked at ~10x the matrix). It also reads quoted fields that close on their own line,
 *   with "" for a quote inside, as R's write.csv writes them.
 * - papaparse's chunk parser (Papa.Parser, the one its streamers use) from the first line the byte scanner
 *   does not take (a quoted line break) to the end of the file.
 *
 * Chunks are only valid until the next read (a source may reuse its buffer, as loadTable's does): whatever
 * outlives a chunk (a partial line, decoded text) is copied.
 *
 * ID column: `idCol` when given; else IID (a FID or #FID column beside it becomes `fid`); else the first
 * column. Cells equal to a missing token become NaN. A column with text cells becomes categorical when it has
 * at most 50 distinct values and fewer than half as many as rows (or at most 2); otherwise its text cells
 * count as missing, with a warning.
 */
import Papa from 'papaparse';
import type { ByteSource } from './ByteSource';
import type { Precision, Table, TableColumn } from './Table';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import { gunzipSource } from './gunzipSource';
import { missingTokenSet, DEFAULT_MISSING_TOKENS } from './missingTokens';
import { sniffDelimiter, type Delimiter, type DelimiterOption } from './sniffDelimiter';
import { ColumnBuilder, decodeBytes } from './columnBuilder';

export interface ReadTableOptions {
  /** Name of the ID column (default: IID, else the first column). */
  idCol?: string;
  /** Cell texts counted as missing (default '', NA, NaN, '.', -9; each also in lower and upper case). */
  missing?: string[];
  delimiter?: DelimiterOption;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Source bytes per read (default 1 MiB; 64 KiB for gzip). */
  chunkBytes?: number;
  /**
   * Storage of numeric cells: 'f32' (default: half the memory; enough for autoencoder inputs) or 'f64' (the
   * text's value as a double, as plink2 reads phenotypes and covariates: use it for regression statistics).
   */
  precision?: Precision;
}

/** How many column names an "unknown column" message lists. */
const NAMES_LISTED = 8;
const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_LISTED).join(', ');
  return names.length > NAMES_LISTED ? `${shown}, ... (${names.length} columns)` : shown;
}

type Mode = 'start' | 'bytes' | 'text';

export async function readTable(src: ByteSource, opts: ReadTableOptions = {}): Promise<Table> {
  const file = src.name;
  const missing = missingTokenSet(opts.missing ?? DEFAULT_MISSING_TOKENS);
  const precision = opts.precision ?? 'f32';
  const progress = createProgress('parse', src.size, opts.onProgress, { unit: 'bytes' });
  let delim: Delimiter | null = opts.delimiter && opts.delimiter !== 'auto' ? opts.delimiter : null;

  let mode: Mode = 'start';
  let pend: Uint8Array = new Uint8Array(0); // unconsumed bytes (start and byte modes)
  let line = 0; // physical lines consumed so far
  let builder: Builder | null = null;
  // text mode
  let decoder: TextDecoder | null = null;
  let textCarry = '';
  let parser: Papa.Parser | null = null;
  let newline: '\n' | '\r\n' = '\n';
  let sourceDone = 0;

  /** Start state: find the header line in the bytes. Returns bytes left to scan, or null to wait for more. */
  const startFromBytes = (buf: Uint8Array, final: boolean): Uint8Array | null => {
    let s = 0;
    let blank = 0;
    for (;;) {
      let e = buf.indexOf(NL, s);
      if (e < 0) {
        if (!final) return null;
        e = buf.length;
      }
      let isBlank = true;
      for (let i = s; i < e; i++) {
        const c = buf[i];
        if (c !== SPACE && c !== TAB && c !== CR) {
          isBlank = false;
          break;
        }
      }
      if (!isBlank) {
        const headerBytes = buf.subarray(s, e);
        const headerText = new TextDecoder('utf-8').decode(headerBytes).replace(/\r$/, '');
        if (delim === null) delim = sniffDelimiter(headerText);
        const quoted = delim !== 'whitespace' && headerBytes.indexOf(QUOTE) >= 0;
        if (quoted && !simpleQuotes(buf, s, e, delim.charCodeAt(0))) {
          // a quoted line break in the header: papaparse from the start
          switchToText(buf, final);
          return new Uint8Array(0);
        }
        const header = quoted
          ? (Papa.parse<string[]>(headerText, { delimiter: delim }).data[0] ?? []).map((h) => h.trim())
          : splitHeader(headerText, delim);
        line += blank + 1;
        const rest = buf.subarray(Math.min(buf.length, e + 1));
        builder = new Builder(file, header, opts.idCol, missing, estimateRows(src.size, rest), precision);
        mode = 'bytes';
        return rest;
      }
      blank++;
      if (e >= buf.length) return null; // only blank lines so far (final: empty file)
      s = e + 1;
    }
  };

  const switchToText = (buf: Uint8Array, final: boolean) => {
    mode = 'text';
    decoder = new TextDecoder('utf-8');
    textCarry = handleText(decoder.decode(buf, { stream: !final }), final);
  };

  /** Text mode (papaparse): returns the unconsumed tail. */
  const handleText = (text: string, final: boolean): string => {
    if (builder === null) {
      // header not read yet (quoted header): skip blank lines, then parse the header row with papaparse
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        const end = nl < 0 ? text.length : nl;
        if (text.slice(start, end).trim() !== '') break;
        if (nl < 0) return final ? '' : text.slice(start);
        line++;
        start = nl + 1;
      }
      text = text.slice(start);
      const nl = text.indexOf('\n');
      if (nl < 0 && !final) return text;
      const first = nl < 0 ? text : text.slice(0, nl);
      if (first.endsWith('\r')) newline = '\r\n';
      if (delim === null) delim = sniffDelimiter(first);
      if (delim === 'whitespace') {
        // no quoting in whitespace-delimited files: quotes are part of the cells
        const header = splitHeader(first.replace(/\r$/, ''), delim);
        line++;
        builder = new Builder(file, header, opts.idCol, missing, 1024, precision);
        return consumeText(text.slice(Math.min(text.length, nl + 1)), final);
      }
      parser = new Papa.Parser({ delimiter: delim, newline, quoteChar: '"' });
      const parsed = parsePapa(text, final);
      if (parsed.rows.length === 0) return text;
      line += parsed.lines[0];
      builder = new Builder(file, parsed.rows[0].map((h) => h.trim()), opts.idCol, missing, 1024, precision);
      addTextRows(parsed.rows, parsed.lines, 1);
      return text.slice(parsed.cursor);
    }
    return consumeText(text, final);
  };

  const consumeText = (text: string, final: boolean): string => {
    if (delim === 'whitespace') {
      const end = final ? text.length : text.lastIndexOf('\n') + 1;
      let s = 0;
      while (s < end) {
        let nl = text.indexOf('\n', s);
        if (nl < 0 || nl >= end) nl = end;
        const t = text.slice(s, nl).trim();
        line++;
        if (t.length) builder!.addRow(t.split(/\s+/), line);
        s = nl + 1;
      }
      return text.slice(end);
    }
    if (parser === null) {
      if (text.length === 0) return '';
      const nl = text.indexOf('\n');
      if (nl >= 1 && text[nl - 1] === '\r') newline = '\r\n';
      else if (nl < 0 && !final) return text;
      parser = new Papa.Parser({ delimiter: delim!, newline, quoteChar: '"' });
    }
    const parsed = parsePapa(text, final);
    addTextRows(parsed.rows, parsed.lines, 0);
    return text.slice(parsed.cursor);
  };

  const addTextRows = (rows: string[][], lines: number[], from: number) => {
    const b = builder!;
    for (let i = from; i < rows.length; i++) {
      const r = rows[i];
      const first = line + 1;
      line += lines[i];
      if (r.length === 1 && r[0].trim() === '') continue; // blank line
      b.addRow(r, first);
    }
  };

  const parsePapa = (text: string, final: boolean): { rows: string[][]; lines: number[]; cursor: number } => {
    const res = parser!.parse(text, 0, !final) as { data: string[][]; meta: { cursor: number } };
    const rows = res.data;
    const lines = new Array<number>(rows.length).fill(1);
    for (const r of rows) {
      const f = r[r.length - 1];
      if (f.endsWith('\r')) r[r.length - 1] = f.slice(0, -1); // CRLF file read with '\n' rows, or last line
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

  /**
   * Byte mode: consumes complete lines of buf (all of it when final). Returns the rest, or `textFrom`: the
   * start of the first line whose quoting the byte scanner does not take (a quoted line break, a quote
   * inside a field that is not closed on the line): papaparse reads from there on.
   */
  const consumeBytes = (buf: Uint8Array, final: boolean): { rest: Uint8Array; textFrom: number } => {
    const b = builder!;
    const n = buf.length;
    const d = delim === 'whitespace' ? -1 : delim!.charCodeAt(0);
    let nextQuote = d < 0 ? -1 : buf.indexOf(QUOTE);
    let s = 0;
    while (s < n) {
      let e = buf.indexOf(NL, s);
      if (e < 0) {
        if (!final) break;
        e = n;
      }
      if (nextQuote >= 0 && nextQuote < s) nextQuote = buf.indexOf(QUOTE, s);
      const quoted = nextQuote >= 0 && nextQuote < e;
      if (quoted && !simpleQuotes(buf, s, e, d)) return { rest: new Uint8Array(0), textFrom: s };
      line++;
      b.addRowBytes(buf, s, e, line, delim!, quoted);
      s = e + 1;
    }
    return { rest: s >= n ? new Uint8Array(0) : buf.slice(s), textFrom: -1 };
  };

  const feed = (piece: Uint8Array, final: boolean) => {
    if (mode === 'text') {
      textCarry = handleText(textCarry + decoder!.decode(piece, { stream: !final }), final);
      return;
    }
    if (mode === 'start') {
      const buf = pend.length ? concat(pend, piece) : piece;
      pend = new Uint8Array(0);
      const rest = startFromBytes(buf, final);
      if (rest === null) {
        pend = buf.slice();
        return;
      }
      if ((mode as Mode) === 'text') return;
      piece = rest;
    }
    if (pend.length) {
      // complete the partial line carried over, without copying the whole new chunk
      const nl = piece.indexOf(NL);
      if (nl < 0 && !final) {
        pend = concat(pend, piece);
        return;
      }
      const cut = nl < 0 ? piece.length : nl + 1;
      const head = concat(pend, piece.subarray(0, cut));
      pend = new Uint8Array(0);
      const r = consumeBytes(head, true);
      if (r.textFrom >= 0) {
        switchToText(concat(head.subarray(r.textFrom), piece.subarray(cut)), final);
        return;
      }
      piece = piece.subarray(cut);
    }
    const r = consumeBytes(piece, final);
    if (r.textFrom >= 0) switchToText(piece.subarray(r.textFrom), final);
    else pend = r.rest;
  };

  for await (const piece of gunzipSource(src, {
    chunkBytes: opts.chunkBytes,
    signal: opts.signal,
    onSourceBytes: (d) => {
      sourceDone = d;
    },
  })) {
    throwIfAborted(opts.signal);
    feed(piece, false);
    progress.tick(sourceDone);
  }
  feed(new Uint8Array(0), true);
  if (builder === null) {
    throw new InputError({ file, expected: 'a header line with column names', found: 'no lines' }, 'empty file');
  }
  progress.finish();
  return (builder as Builder).finish();
}

/**
 * True when every quoted field of line [s, e) closes on the line and is followed by the delimiter (or the
 * line end), so the byte scanner can read it. A quote inside an unquoted field is a literal character, as
 * in papaparse.
 */
function simpleQuotes(b: Uint8Array, s: number, e: number, d: number): boolean {
  if (e > s && b[e - 1] === CR) e--;
  let p = s;
  for (;;) {
    if (p < e && b[p] === QUOTE) {
      let z = p + 1;
      for (;;) {
        while (z < e && b[z] !== QUOTE) z++;
        if (z >= e) return false;
        if (z + 1 < e && b[z + 1] === QUOTE) {
          z += 2;
          continue;
        }
        break;
      }
      let q = z + 1;
      while (q < e && b[q] !== d && (b[q] === SPACE || b[q] === TAB)) q++;
      if (q >= e) return true;
      if (b[q] !== d) return false;
      p = q + 1;
    } else {
      let q = p;
      while (q < e && b[q] !== d) q++;
      if (q >= e) return true;
      p = q + 1;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function splitHeader(text: string, delim: Delimiter): string[] {
  const t = delim === 'whitespace' ? text.trim().split(/\s+/) : text.split(delim);
  return t.map((h) => h.trim());
}

/** Rows expected from the bytes per line of the first chunk (for preallocation; 1.05x slack). */
function estimateRows(size: number, sample: Uint8Array): number {
  let lines = 0;
  let last = -1;
  for (let i = sample.indexOf(NL); i >= 0; i = sample.indexOf(NL, i + 1)) {
    lines++;
    last = i;
  }
  if (lines < 2) return 1024;
  const perRow = (last + 1) / lines;
  return Math.max(lines, Math.min(Math.ceil((size / perRow) * 1.05) + 16, 1 << 22));
}

class Builder {
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
