/**
 * The byte scanner of readTable (the common case): splits complete lines on the bytes and hands each to
 * TableBuilder.addRowBytes, which splits and parses its fields on the bytes too, so no JS string is made
 * per numeric cell. Quoted fields are taken when they close on their own line ("" for a quote inside, as R's
 * write.csv writes them); the first line whose quoting it does not take stops the scan, and papaparse reads
 * from there on (see textScanner.ts).
 */
import type { Delimiter } from './sniffDelimiter';
import type { TableBuilder } from './tableBuilder';
import { CR, NL, QUOTE, SPACE, TAB } from './byteCodes';

export interface ByteScan {
  /** Bytes after the last complete line (a copy: the chunk is only valid until the next read). */
  rest: Uint8Array;
  /** Start of the first line the byte scanner does not take, or -1 when it took every line. */
  textFrom: number;
  /** Physical lines consumed so far (the `line` passed in plus the lines of this call). */
  line: number;
}

/**
 * Consumes the complete lines of buf (all of it when final) into `builder`, `line` being the physical lines
 * consumed before buf. Stops at the first line with a quoted line break or a quote inside a field that is
 * not closed on the line (`textFrom`).
 */
export function scanByteLines(buf: Uint8Array, final: boolean, delim: Delimiter, builder: TableBuilder, line: number): ByteScan {
  const n = buf.length;
  const d = delim === 'whitespace' ? -1 : delim.charCodeAt(0);
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
    if (quoted && !simpleQuotes(buf, s, e, d)) return { rest: new Uint8Array(0), textFrom: s, line };
    line++;
    builder.addRowBytes(buf, s, e, line, delim, quoted);
    s = e + 1;
  }
  return { rest: s >= n ? new Uint8Array(0) : buf.slice(s), textFrom: -1, line };
}

/**
 * True when every quoted field of line [s, e) closes on the line and is followed by the delimiter `d` (or the
 * line end), so the byte scanner can read it. A quote inside an unquoted field is a literal character, as
 * in papaparse.
 */
export function simpleQuotes(b: Uint8Array, s: number, e: number, d: number): boolean {
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
