/**
 * Header detection of readTable on the first bytes of a table: skips blank lines, sniffs the delimiter from
 * the first other line (unless given) and splits it into column names (papaparse for a quoted header that
 * closes on its line). A quoted line break in the header is left to papaparse from the start (textScanner.ts).
 */
import Papa from 'papaparse';
import { sniffDelimiter, type Delimiter } from './sniffDelimiter';
import { simpleQuotes } from './scanByteLines';
import { CR, NL, QUOTE, SPACE, TAB } from './byteCodes';

export type HeaderScan =
  /** No header line yet: wait for more bytes (at the end: the file has only blank lines, or none). */
  | { kind: 'more' }
  /** The header has a quoted line break: papaparse reads the whole buffer, header included. */
  | { kind: 'text'; delim: Delimiter }
  /** The column names; `lines` physical lines (blank ones and the header) were consumed before `rest`. */
  | { kind: 'header'; header: string[]; delim: Delimiter; lines: number; rest: Uint8Array };

const MORE: HeaderScan = { kind: 'more' };

/** Finds the header line in buf (the first bytes of the table; all of them when final). */
export function findTableHeader(buf: Uint8Array, final: boolean, delim: Delimiter | null): HeaderScan {
  let s = 0;
  let blank = 0;
  for (;;) {
    let e = buf.indexOf(NL, s);
    if (e < 0) {
      if (!final) return MORE;
      e = buf.length;
    }
    if (!isBlank(buf, s, e)) return headerAt(buf, s, e, delim, blank);
    blank++;
    if (e >= buf.length) return MORE;
    s = e + 1;
  }
}

/** The header line [s, e) of buf, after `blank` blank lines. */
function headerAt(buf: Uint8Array, s: number, e: number, delim: Delimiter | null, blank: number): HeaderScan {
  const headerBytes = buf.subarray(s, e);
  const headerText = new TextDecoder('utf-8').decode(headerBytes).replace(/\r$/, '');
  const d = delim ?? sniffDelimiter(headerText);
  const quoted = d !== 'whitespace' && headerBytes.indexOf(QUOTE) >= 0;
  if (quoted && !simpleQuotes(buf, s, e, d.charCodeAt(0))) return { kind: 'text', delim: d };
  const header = quoted
    ? (Papa.parse<string[]>(headerText, { delimiter: d }).data[0] ?? []).map((h) => h.trim())
    : splitHeader(headerText, d);
  return { kind: 'header', header, delim: d, lines: blank + 1, rest: buf.subarray(Math.min(buf.length, e + 1)) };
}

function isBlank(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/** Column names of an unquoted header line, trimmed. */
export function splitHeader(text: string, delim: Delimiter): string[] {
  const t = delim === 'whitespace' ? text.trim().split(/\s+/) : text.split(delim);
  return t.map((h) => h.trim());
}
