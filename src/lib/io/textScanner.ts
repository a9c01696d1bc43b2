/**
 * The text scanner of readTable: papaparse's chunk parser (Papa.Parser, the one its streamers use) from the
 * first line the byte scanner does not take (a quoted line break) to the end of the file, or from the start
 * when the header itself has one. Whitespace-delimited text has no quoting and is split line by line. Rows
 * go to the same TableBuilder as the byte scanner's, and line numbers stay physical (line breaks inside
 * quoted fields are counted).
 */
import Papa from 'papaparse';
import type { Delimiter } from './sniffDelimiter';
import { sniffDelimiter } from './sniffDelimiter';
import type { TableBuilder } from './tableBuilder';
import { splitHeader } from './findTableHeader';

/** Makes the row sink once the header is known (`cap`: rows to preallocate). */
export type NewTableBuilder = (header: string[], cap: number) => TableBuilder;

/** Rows preallocated when the header is read by papaparse (no byte sample to estimate from). */
const TEXT_ROWS_CAP = 1024;

interface PapaChunk {
  rows: string[][];
  /** Physical lines of each row (more than 1 when quoted fields hold line breaks). */
  lines: number[];
  /** End of the consumed text. */
  cursor: number;
}

export class TextScanner {
  /** The row sink: given when the byte scanner read the header, else made from the header read here. */
  builder: TableBuilder | null;
  /** Physical lines consumed so far. */
  line: number;
  private delim: Delimiter | null;
  private readonly newBuilder: NewTableBuilder;
  private readonly decoder = new TextDecoder('utf-8');
  /** Unconsumed text (a partial line or an unclosed quoted field). */
  private carry = '';
  private parser: Papa.Parser | null = null;
  private newline: '\n' | '\r\n' = '\n';

  constructor(newBuilder: NewTableBuilder, builder: TableBuilder | null, delim: Delimiter | null, line: number) {
    this.newBuilder = newBuilder;
    this.builder = builder;
    this.delim = delim;
    this.line = line;
  }

  /** Decodes and consumes the next bytes (all that is left when final). */
  feed(piece: Uint8Array, final: boolean): void {
    const text = this.carry + this.decoder.decode(piece, { stream: !final });
    this.carry = this.builder === null ? this.readHeader(text, final) : this.consume(text, final);
  }

  /** Header not read yet (quoted header): skips blank lines, then parses the header row. Returns the unconsumed tail. */
  private readHeader(text: string, final: boolean): string {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      if (text.slice(start, end).trim() !== '') break;
      if (nl < 0) return final ? '' : text.slice(start);
      this.line++;
      start = nl + 1;
    }
    text = text.slice(start);
    const nl = text.indexOf('\n');
    if (nl < 0 && !final) return text;
    const first = nl < 0 ? text : text.slice(0, nl);
    if (first.endsWith('\r')) this.newline = '\r\n';
    if (this.delim === null) this.delim = sniffDelimiter(first);
    if (this.delim === 'whitespace') {
      // no quoting in whitespace-delimited files: quotes are part of the cells
      const header = splitHeader(first.replace(/\r$/, ''), this.delim);
      this.line++;
      this.builder = this.newBuilder(header, TEXT_ROWS_CAP);
      return this.consume(text.slice(Math.min(text.length, nl + 1)), final);
    }
    this.parser = new Papa.Parser({ delimiter: this.delim, newline: this.newline, quoteChar: '"' });
    const parsed = this.parse(text, final);
    if (parsed.rows.length === 0) return text;
    this.line += parsed.lines[0];
    this.builder = this.newBuilder(parsed.rows[0].map((h) => h.trim()), TEXT_ROWS_CAP);
    this.addRows(parsed, 1);
    return text.slice(parsed.cursor);
  }

  /** Rows after the header: returns the unconsumed tail. */
  private consume(text: string, final: boolean): string {
    if (this.delim === 'whitespace') return this.consumeWhitespace(text, final);
    if (this.parser === null) {
      if (text.length === 0) return '';
      const nl = text.indexOf('\n');
      if (nl >= 1 && text[nl - 1] === '\r') this.newline = '\r\n';
      else if (nl < 0 && !final) return text;
      this.parser = new Papa.Parser({ delimiter: this.delim!, newline: this.newline, quoteChar: '"' });
    }
    const parsed = this.parse(text, final);
    this.addRows(parsed, 0);
    return text.slice(parsed.cursor);
  }

  /** Whitespace-delimited rows, line by line; blank lines skipped. */
  private consumeWhitespace(text: string, final: boolean): string {
    const b = this.builder!;
    const end = final ? text.length : text.lastIndexOf('\n') + 1;
    let s = 0;
    while (s < end) {
      let nl = text.indexOf('\n', s);
      if (nl < 0 || nl >= end) nl = end;
      const t = text.slice(s, nl).trim();
      this.line++;
      if (t.length) b.addRow(t.split(/\s+/), this.line);
      s = nl + 1;
    }
    return text.slice(end);
  }

  /** Rows parsed[from..] to the builder, each at its first physical line; blank lines skipped. */
  private addRows(parsed: PapaChunk, from: number): void {
    const b = this.builder!;
    const { rows, lines } = parsed;
    for (let i = from; i < rows.length; i++) {
      const r = rows[i];
      const first = this.line + 1;
      this.line += lines[i];
      if (r.length === 1 && r[0].trim() === '') continue; // blank line
      b.addRow(r, first);
    }
  }

  /** One papaparse chunk: complete rows (all when final), with a trailing '\r' cut off their last field. */
  private parse(text: string, final: boolean): PapaChunk {
    const res = this.parser!.parse(text, 0, !final) as { data: string[][]; meta: { cursor: number } };
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
  }
}
