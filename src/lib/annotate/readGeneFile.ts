/**
 * Reads a gene annotation file into gene loci: the built-in table's TSV (chrom start end symbol entrez_id
 * strand type), GENCODE/Ensembl GTF, GFF3, or a BED of genes; plain or gzip/bgzip-compressed (.gz, detected
 * by its magic bytes). The file is streamed (decompressed and split into lines chunk by chunk), so a
 * whole-genome GENCODE GTF (~1.5 GB uncompressed) is read in bounded memory: only gene features are kept.
 * Pure over bytes: works on any ByteSource (File in the browser, nodeFileSource in Node, bytes in tests).
 */
import { Gunzip, DecodeUTF8 } from 'fflate';
import type { ByteSource } from '../io/ByteSource';
import { readChunks } from '../io/ByteSource';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import type { GeneSet } from './Gene';
import { createGeneLineParser, type GeneFileFormat } from './parseGeneLine';

export interface ReadGeneFileOptions {
  /** Force a format instead of detecting it from the name and content. */
  format?: GeneFileFormat;
  signal?: AbortSignal;
  /** Bytes per read (default 4 MiB). */
  chunkBytes?: number;
}

export async function readGeneFile(src: ByteSource, opts: ReadGeneFileOptions = {}): Promise<GeneSet> {
  if (src.size === 0) throw new InputError({ file: src.name }, 'empty gene file');
  const head = await src.read(0, 2);
  const gz = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  const parser = createGeneLineParser(src.name, opts.format);
  const lines = new LineSplitter((line) => parser.line(line));
  const decoder = new DecodeUTF8((s, final) => {
    lines.push(s);
    if (final) lines.end();
  });
  let gunzip: Gunzip | null = null;
  if (gz) {
    gunzip = new Gunzip((chunk, final) => decoder.push(chunk, final));
  }
  for await (const chunk of readChunks(src, opts.chunkBytes ?? 4 << 20, opts.signal)) {
    throwIfAborted(opts.signal);
    try {
      if (gunzip) gunzip.push(chunk, false);
      else decoder.push(chunk, false);
    } catch (e) {
      throw new InputError({ file: src.name, expected: 'a gzip-compressed gene file', found: 'corrupt gzip data' }, `cannot decompress (${(e as Error).message})`);
    }
  }
  throwIfAborted(opts.signal);
  try {
    if (gunzip) gunzip.push(new Uint8Array(0), true);
    else decoder.push(new Uint8Array(0), true);
  } catch (e) {
    throw new InputError({ file: src.name, expected: 'a complete gzip stream', found: 'truncated gzip data' }, `cannot decompress (${(e as Error).message})`);
  }
  return parser.finish();
}

/** Parses a gene file already in memory as text (tests, small user files). */
export function parseGeneText(text: string, name: string, format?: GeneFileFormat): GeneSet {
  const parser = createGeneLineParser(name, format);
  const lines = new LineSplitter((line) => parser.line(line));
  lines.push(text);
  lines.end();
  return parser.finish();
}

/** Splits streamed text into lines (\n or \r\n), carrying partial lines across chunks. */
class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(s: string): void {
    let text = this.rest + s;
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      let line = text.slice(from, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.onLine(line);
      from = nl + 1;
    }
    text = text.slice(from);
    this.rest = text;
  }
  end(): void {
    if (this.rest.length > 0) {
      const line = this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest;
      this.rest = '';
      this.onLine(line);
    }
  }
}
