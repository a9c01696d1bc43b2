/**
 * PLINK .bim lines: CHR ID CM POS A1 A2 (whitespace-separated). A1 (column 5) is the counted allele (ALT),
 * A2 (column 6) the reference. Malformed lines are InputErrors naming the file and line.
 */
import { InputError } from '../base/errors';

export interface BimRecord {
  chrom: string;
  id: string;
  pos: number;
  a1: string;
  a2: string;
}

const WS = /[ \t]+/;

/** True for lines that hold no record (empty or whitespace only); they are skipped. */
export function isBlankLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

export function parseBimLine(line: string, file: string, lineNo: number): BimRecord {
  const f = line.trim().split(WS);
  if (f.length !== 6) {
    throw new InputError(
      { file, line: lineNo, expected: '6 whitespace-separated fields (CHR ID CM POS A1 A2)', found: `${f.length}` },
      'malformed .bim line',
    );
  }
  const posText = f[3];
  const pos = Number(posText);
  if (!/^-?\d+$/.test(posText) || !Number.isSafeInteger(pos) || pos > 2147483647) {
    throw new InputError({ file, line: lineNo, column: 4, expected: 'an integer base-pair position', found: `'${posText}'` }, 'malformed .bim line');
  }
  if (!Number.isFinite(Number(f[2]))) {
    throw new InputError({ file, line: lineNo, column: 3, expected: 'a number (centimorgans)', found: `'${f[2]}'` }, 'malformed .bim line');
  }
  return { chrom: f[0], id: f[1], pos, a1: f[4], a2: f[5] };
}
