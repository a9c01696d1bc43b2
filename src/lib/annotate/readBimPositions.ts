/**
 * Positions of the wanted variant IDs from a PLINK .bim (chrom, id, cM, bp, A1, A2; whitespace-separated),
 * streamed in chunks so a .bim of millions of variants costs memory only for the IDs asked for.
 */
import type { ByteSource } from '../io/ByteSource';
import { readChunks } from '../io/ByteSource';
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { normalizeChrom } from './normalizeChrom';

export interface VariantPosition {
  /** Normalized chromosome. */
  chrom: string;
  /** 1-based bp position (.bim column 4). */
  pos: number;
}

export interface BimPositions {
  positions: Map<string, VariantPosition>;
  /** Variants in the .bim. */
  variants: number;
  /** Wanted IDs seen more than once in the .bim (the first occurrence is used). */
  duplicates: string[];
}

export async function readBimPositions(src: ByteSource, wanted: ReadonlySet<string> | null, signal?: AbortSignal): Promise<BimPositions> {
  const positions = new Map<string, VariantPosition>();
  const duplicates: string[] = [];
  const decoder = new TextDecoder();
  let rest = '';
  let lineNo = 0;
  let variants = 0;
  const onLine = (line: string) => {
    lineNo++;
    // fast path: tab-separated .bim (plink writes tabs); any other whitespace falls back to a regex split
    const f = line.includes('\t') && !line.includes(' ') ? line.split('\t') : line.trim().split(/\s+/);
    if (f.length === 1 && f[0].trim() === '') return;
    if (f.length < 4) {
      throw new InputError({ file: src.name, line: lineNo, expected: '6 columns (chrom id cM bp A1 A2)', found: `${f.length}` }, 'too few columns');
    }
    variants++;
    const id = f[1];
    if (wanted && !wanted.has(id)) return;
    if (!/^-?\d+$/.test(f[3])) {
      throw new InputError({ file: src.name, line: lineNo, column: 4, expected: 'an integer bp position', found: `'${f[3]}'` }, 'bad position');
    }
    if (positions.has(id)) {
      duplicates.push(id);
      return;
    }
    positions.set(id, { chrom: normalizeChrom(f[0]), pos: Number(f[3]) });
  };
  for await (const chunk of readChunks(src, 4 << 20, signal)) {
    throwIfAborted(signal);
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l.endsWith('\r') ? l.slice(0, -1) : l);
  }
  rest += decoder.decode();
  if (rest.length > 0) onLine(rest);
  return { positions, variants, duplicates };
}
