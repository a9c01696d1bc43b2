/**
 * plink2 .pvar (PGEN spec, "PVAR Format Specification"), plain or Zstandard-compressed (.pvar.zst, detected by
 * its magic bytes). '##' lines are skipped; a '#CHROM' line names the columns (POS ID REF ALT QUAL FILTER
 * INFO CM, in any order; FORMAT ends the list); without one the file is .bim-like: CHROM ID CM POS ALT REF
 * (6+ columns) or CHROM ID POS ALT REF (5). Fields are tab- or space-separated. Multi-allelic ALT (a comma)
 * is rejected. The file is streamed (lineBatches), never read whole.
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';
import { lineBatches, sourceChunks, type LineBatch } from './lineBatches';
import { isBlankLine } from './bim';
import { isZstd, zstdChunks } from './zstdChunks';

const READ_BYTES = 1 << 20;
const WS = /[ \t]+/;
const KNOWN = new Set(['CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'CM']);

/** Column indices of a .pvar (-1 = absent) and the lines before its first record. */
export interface PvarLayout {
  chrom: number;
  pos: number;
  id: number;
  ref: number;
  alt: number;
  /** Fields a record needs (highest used index + 1). */
  minFields: number;
  /** Lines up to and including the header (records start after them). */
  headerLines: number;
  /** How the columns were known, for messages. */
  header: string;
}

export interface PvarRecord {
  chrom: string;
  pos: number;
  id: string;
  ref: string;
  alt: string;
}

/** Line batches of the (decompressed) .pvar. */
export async function* pvarLines(src: ByteSource, signal?: AbortSignal): AsyncGenerator<LineBatch> {
  const raw = sourceChunks(src, READ_BYTES, signal);
  const zst = src.size >= 4 && isZstd(await src.read(0, 4));
  yield* lineBatches(zst ? zstdChunks(raw, src.name) : raw);
}

/** Finds the header (or the .bim-like layout from the first record). */
export async function readPvarLayout(src: ByteSource, signal?: AbortSignal): Promise<PvarLayout> {
  for await (const b of pvarLines(src, signal)) {
    for (let k = 0; k < b.lines.length; k++) {
      const line = b.lines[k];
      const lineNo = b.firstLine + k;
      if (line.startsWith('##') || isBlankLine(line)) continue;
      if (line.startsWith('#CHROM')) return headerLayout(line, src.name, lineNo);
      if (line.startsWith('#')) {
        throw new InputError({ file: src.name, line: lineNo, expected: "'##' lines, then a '#CHROM' header line", found: `'${line.slice(0, 40)}'` }, 'malformed .pvar header');
      }
      return bimLikeLayout(line, src.name, lineNo);
    }
  }
  throw new InputError({ file: src.name, expected: 'at least one variant line', found: 'none' }, 'empty .pvar file');
}

function headerLayout(line: string, file: string, lineNo: number): PvarLayout {
  const cols = line.slice(1).trim().split(WS);
  const at: Record<string, number> = {};
  for (let c = 0; c < cols.length; c++) {
    const name = cols[c];
    if (name === 'FORMAT') break;
    if (!KNOWN.has(name)) {
      throw new InputError({ file, line: lineNo, column: c + 1, expected: `one of ${[...KNOWN].join(' ')} or FORMAT`, found: `'${name}'` }, 'unknown .pvar column');
    }
    if (at[name] !== undefined) throw new InputError({ file, line: lineNo, column: c + 1, expected: 'each column once', found: `'${name}' again` }, 'duplicate .pvar column');
    at[name] = c;
  }
  for (const need of ['POS', 'REF', 'ALT']) {
    if (at[need] === undefined) throw new InputError({ file, line: lineNo, expected: `a ${need} column`, found: `'${line.slice(0, 60)}'` }, 'malformed .pvar header');
  }
  const layout = { chrom: 0, pos: at.POS, id: at.ID ?? -1, ref: at.REF, alt: at.ALT };
  return { ...layout, minFields: Math.max(...Object.values(layout)) + 1, headerLines: lineNo, header: `header line ${lineNo}` };
}

function bimLikeLayout(line: string, file: string, lineNo: number): PvarLayout {
  const n = line.trim().split(WS).length;
  const headerLines = lineNo - 1;
  if (n >= 6) return { chrom: 0, id: 1, pos: 3, alt: 4, ref: 5, minFields: 6, headerLines, header: 'no header: CHROM ID CM POS ALT REF' };
  if (n === 5) return { chrom: 0, id: 1, pos: 2, alt: 3, ref: 4, minFields: 5, headerLines, header: 'no header: CHROM ID POS ALT REF' };
  throw new InputError(
    { file, line: lineNo, expected: "a '#CHROM' header line, or 5-6 columns CHROM ID [CM] POS ALT REF", found: `${n} columns` },
    'malformed .pvar line',
  );
}

export function parsePvarLine(line: string, layout: PvarLayout, file: string, lineNo: number): PvarRecord {
  const f = line.trim().split(WS);
  if (f.length < layout.minFields) {
    throw new InputError({ file, line: lineNo, expected: `at least ${layout.minFields} fields (${layout.header})`, found: `${f.length}` }, 'malformed .pvar line');
  }
  const posText = f[layout.pos];
  const pos = Number(posText);
  if (!/^-?\d+$/.test(posText) || !Number.isSafeInteger(pos) || pos > 2147483647) {
    throw new InputError({ file, line: lineNo, column: 'POS', expected: 'an integer base-pair position', found: `'${posText}'` }, 'malformed .pvar line');
  }
  const alt = f[layout.alt];
  if (alt.includes(',')) {
    throw new InputError({ file, line: lineNo, column: 'ALT', expected: 'one ALT allele', found: `'${alt}'` }, 'multi-allelic variant (not supported)');
  }
  return { chrom: f[layout.chrom], pos, id: layout.id >= 0 ? f[layout.id] : '.', ref: f[layout.ref], alt };
}
