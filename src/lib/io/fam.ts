/**
 * PLINK .fam: FID IID PAT MAT SEX PHENO (whitespace-separated), one sample per line. Malformed lines and
 * duplicate FID+IID pairs are InputErrors naming the file and line.
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';
import type { SampleIds } from './GenotypeSource';
import { isBlankLine } from './bim';
import { lineBatches, sourceChunks } from './lineBatches';

export interface FamData extends SampleIds {
  /** 1 = male, 2 = female, 0 = unknown. */
  sex: Uint8Array;
  /** 1 when PAT and MAT are both '0' (plink2's founder definition, whether or not the parents are in the file). */
  founder: Uint8Array;
}

const WS = /[ \t]+/;

export function parseFamText(lines: string[], file: string, firstLine = 1, into?: FamAccumulator): FamAccumulator {
  const acc = into ?? newFamAccumulator();
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    if (isBlankLine(line)) continue;
    const lineNo = firstLine + k;
    const f = line.trim().split(WS);
    if (f.length !== 6) {
      throw new InputError(
        { file, line: lineNo, expected: '6 whitespace-separated fields (FID IID PAT MAT SEX PHENO)', found: `${f.length}` },
        'malformed .fam line',
      );
    }
    const key = `${f[0]}\t${f[1]}`;
    const prev = acc.seen.get(key);
    if (prev !== undefined) {
      throw new InputError(
        { file, line: lineNo, column: 'IID', expected: 'unique FID IID pairs', found: `'${f[0]} ${f[1]}' again (first at line ${prev})` },
        'duplicate sample ID',
      );
    }
    acc.seen.set(key, lineNo);
    acc.fid.push(f[0]);
    acc.iid.push(f[1]);
    acc.sex.push(f[4] === '1' ? 1 : f[4] === '2' ? 2 : 0);
    acc.founder.push(f[2] === '0' && f[3] === '0' ? 1 : 0);
  }
  return acc;
}

export interface FamAccumulator {
  fid: string[];
  iid: string[];
  sex: number[];
  founder: number[];
  seen: Map<string, number>;
}

function newFamAccumulator(): FamAccumulator {
  return { fid: [], iid: [], sex: [], founder: [], seen: new Map() };
}

export async function readFam(src: ByteSource, signal?: AbortSignal): Promise<FamData> {
  const acc = newFamAccumulator();
  for await (const b of lineBatches(sourceChunks(src, 1 << 20, signal))) parseFamText(b.lines, src.name, b.firstLine, acc);
  if (acc.iid.length === 0) {
    throw new InputError({ file: src.name, expected: 'at least one sample line', found: 'none' }, 'empty .fam file');
  }
  const founder = Uint8Array.from(acc.founder);
  return { fid: acc.fid, iid: acc.iid, sex: Uint8Array.from(acc.sex), founder };
}
