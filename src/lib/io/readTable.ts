/**
 * Reads a phenotype or covariate table (CSV, TSV or whitespace-delimited; optionally gzipped) into columns
 * of Float32Array, streaming: bytes are read in chunks (1 MiB), decompressed on the fly (fflate), and parsed
 * chunk by chunk. No array of row objects is ever built.
 *
 * The parts: header detection (findTableHeader.ts), then two parsers sharing one row sink (tableBuilder.ts,
 * one ColumnBuilder per column):
 * - Byte scanner (scanByteLines.ts, the common case): splits lines and fields on the bytes and parses plain
 *   decimals straight from them, so no JS string is made per numeric cell. This keeps the garbage per chunk
 *   near zero, which is what holds peak memory near the Float32 matrix (see docs/tables-and-phenotypes.md:
 *   with papaparse on every chunk, RSS peaked at ~10x the matrix). It also reads quoted fields that close on
 *   their own line, with "" for a quote inside, as R's write.csv writes them.
 * - Text scanner (textScanner.ts): papaparse's chunk parser (Papa.Parser, the one its streamers use) from
 *   the first line the byte scanner does not take (a quoted line break) to the end of the file.
 *
 * Chunks are only valid until the next read (a source may reuse its buffer, as loadTable's does): whatever
 * outlives a chunk (a partial line, decoded text) is copied.
 *
 * ID column: `idCol` when given; else IID (a FID or #FID column beside it becomes `fid`); else the first
 * column. Cells equal to a missing token become NaN. A column with text cells becomes categorical when it has
 * at most 50 distinct values and fewer than half as many as rows (or at most 2); otherwise its text cells
 * count as missing, with a warning.
 */
import type { ByteSource } from './ByteSource';
import type { Precision, Table } from './Table';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import { gunzipSource } from './gunzipSource';
import { missingTokenSet, DEFAULT_MISSING_TOKENS } from './missingTokens';
import type { Delimiter, DelimiterOption } from './sniffDelimiter';
import { TableBuilder } from './tableBuilder';
import { findTableHeader } from './findTableHeader';
import { scanByteLines } from './scanByteLines';
import { TextScanner, type NewTableBuilder } from './textScanner';
import { NL } from './byteCodes';

export { listNames } from './listNames';

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

const NO_BYTES = new Uint8Array(0);

export async function readTable(src: ByteSource, opts: ReadTableOptions = {}): Promise<Table> {
  const missing = missingTokenSet(opts.missing ?? DEFAULT_MISSING_TOKENS);
  const precision = opts.precision ?? 'f32';
  const progress = createProgress('parse', src.size, opts.onProgress, { unit: 'bytes' });
  const newBuilder: NewTableBuilder = (header, cap) => new TableBuilder(src.name, header, opts.idCol, missing, cap, precision);
  const reader = new TableStream(newBuilder, src.size, opts.delimiter && opts.delimiter !== 'auto' ? opts.delimiter : null);
  let sourceDone = 0;
  for await (const piece of gunzipSource(src, {
    chunkBytes: opts.chunkBytes,
    signal: opts.signal,
    onSourceBytes: (d) => {
      sourceDone = d;
    },
  })) {
    throwIfAborted(opts.signal);
    reader.feed(piece, false);
    progress.tick(sourceDone);
  }
  reader.feed(NO_BYTES, true);
  const builder = reader.builder();
  if (builder === null) {
    throw new InputError({ file: src.name, expected: 'a header line with column names', found: 'no lines' }, 'empty file');
  }
  progress.finish();
  return builder.finish();
}

/**
 * The chunk-by-chunk state of one readTable: looking for the header ('start'), then the byte scanner
 * ('bytes'), and from the first line it does not take to the end, the text scanner ('text').
 */
class TableStream {
  private mode: 'start' | 'bytes' | 'text' = 'start';
  /** Unconsumed bytes (start and byte modes): a partial line, copied out of its chunk. */
  private pend: Uint8Array = NO_BYTES;
  /** Physical lines consumed so far (start and byte modes). */
  private line = 0;
  private rows: TableBuilder | null = null;
  private text: TextScanner | null = null;
  private delim: Delimiter | null;
  private readonly newBuilder: NewTableBuilder;
  private readonly size: number;

  constructor(newBuilder: NewTableBuilder, size: number, delim: Delimiter | null) {
    this.newBuilder = newBuilder;
    this.size = size;
    this.delim = delim;
  }

  /** The row sink, or null while no header has been read. */
  builder(): TableBuilder | null {
    return this.text !== null ? this.text.builder : this.rows;
  }

  /** Consumes the next chunk (`final`: the end of the input, with an empty piece). */
  feed(piece: Uint8Array, final: boolean): void {
    if (this.mode === 'text') {
      this.text!.feed(piece, final);
      return;
    }
    if (this.mode === 'start') {
      const rest = this.start(piece, final);
      if (rest === null) return;
      piece = rest;
    }
    this.feedBytes(piece, final);
  }

  /** Start mode: reads the header. Returns the bytes after it, or null when they are taken (or awaited). */
  private start(piece: Uint8Array, final: boolean): Uint8Array | null {
    const buf = this.pend.length ? concat(this.pend, piece) : piece;
    this.pend = NO_BYTES;
    const h = findTableHeader(buf, final, this.delim);
    switch (h.kind) {
      case 'more':
        this.pend = buf.slice();
        return null;
      case 'text':
        this.delim = h.delim;
        this.toText(buf, final);
        return null;
      case 'header':
        this.delim = h.delim;
        this.line += h.lines;
        this.rows = this.newBuilder(h.header, estimateRows(this.size, h.rest));
        this.mode = 'bytes';
        return h.rest;
      default:
        throw new Error(`unknown header scan ${String((h as { kind: unknown }).kind)}`);
    }
  }

  /** Byte mode: completes the partial line carried over (without copying the whole new chunk), then scans. */
  private feedBytes(piece: Uint8Array, final: boolean): void {
    if (this.pend.length) {
      const nl = piece.indexOf(NL);
      if (nl < 0 && !final) {
        this.pend = concat(this.pend, piece);
        return;
      }
      const cut = nl < 0 ? piece.length : nl + 1;
      const head = concat(this.pend, piece.subarray(0, cut));
      this.pend = NO_BYTES;
      const r = scanByteLines(head, true, this.delim!, this.rows!, this.line);
      this.line = r.line;
      if (r.textFrom >= 0) {
        this.toText(concat(head.subarray(r.textFrom), piece.subarray(cut)), final);
        return;
      }
      piece = piece.subarray(cut);
    }
    const r = scanByteLines(piece, final, this.delim!, this.rows!, this.line);
    this.line = r.line;
    if (r.textFrom >= 0) this.toText(piece.subarray(r.textFrom), final);
    else this.pend = r.rest;
  }

  /** Hands buf (from the start of a line) and the rest of the input to the text scanner. */
  private toText(buf: Uint8Array, final: boolean): void {
    this.mode = 'text';
    this.text = new TextScanner(this.newBuilder, this.rows, this.delim, this.line);
    this.text.feed(buf, final);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
