/**
 * plink2 .psam (PGEN spec, "PSAM Format Specification"): '#' header lines, the last starting '#FID' or '#IID'
 * and naming the columns (FID, if present, first; IID first or right after it; SID, PAT, MAT, SEX optional;
 * anything else a phenotype, ignored here). Without a header the file is .fam-like: FID IID PAT MAT SEX
 * [PHENO...]. No FID column: FID is '0' (plink2 2.00a3.5 writes FID 0 for such samples with --make-bed).
 * Founder = PAT and MAT both '0', or no PAT/MAT columns. SEX: 1/M/m male, 2/F/f female, else unknown.
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';
import type { FamData } from './fam';
import { isBlankLine } from './bim';
import { lineBatches, sourceChunks } from './lineBatches';

const WS = /[ \t]+/;

interface PsamLayout {
  fid: number;
  iid: number;
  sid: number;
  pat: number;
  mat: number;
  sex: number;
  minFields: number;
  header: string;
}

export interface PsamData extends FamData {
  /** True when the file has an FID column (or is .fam-like). */
  hasFid: boolean;
}

function headerLayout(line: string, file: string, lineNo: number): PsamLayout {
  const cols = line.slice(1).trim().split(WS);
  const at = (name: string) => cols.indexOf(name);
  const fid = cols[0] === 'FID' ? 0 : -1;
  const iid = at('IID');
  if (iid !== fid + 1) {
    throw new InputError({ file, line: lineNo, expected: "'#FID IID ...' or '#IID ...'", found: `'${line.slice(0, 40)}'` }, 'malformed .psam header');
  }
  const seen = new Set<string>();
  cols.forEach((c, i) => {
    if (seen.has(c)) throw new InputError({ file, line: lineNo, column: i + 1, expected: 'each column once', found: `'${c}' again` }, 'duplicate .psam column');
    seen.add(c);
  });
  const pat = at('PAT');
  const mat = at('MAT');
  if ((pat < 0) !== (mat < 0)) {
    throw new InputError({ file, line: lineNo, expected: 'PAT and MAT both present or both absent', found: pat < 0 ? 'MAT only' : 'PAT only' }, 'malformed .psam header');
  }
  const l = { fid, iid, sid: at('SID'), pat, mat, sex: at('SEX') };
  return { ...l, minFields: Math.max(...Object.values(l)) + 1, header: `header line ${lineNo}` };
}

function famLikeLayout(line: string, file: string, lineNo: number): PsamLayout {
  const n = line.trim().split(WS).length;
  if (n < 5) {
    throw new InputError({ file, line: lineNo, expected: "a '#FID'/'#IID' header line, or 5+ columns FID IID PAT MAT SEX", found: `${n} columns` }, 'malformed .psam line');
  }
  return { fid: 0, iid: 1, sid: -1, pat: 2, mat: 3, sex: 4, minFields: 5, header: 'no header: FID IID PAT MAT SEX' };
}

const SEX_CODE: Record<string, number> = { '1': 1, M: 1, m: 1, '2': 2, F: 2, f: 2 };

export async function readPsam(src: ByteSource, signal?: AbortSignal): Promise<PsamData> {
  let layout: PsamLayout | null = null;
  let lastHeader: { line: string; lineNo: number } | null = null;
  const fid: string[] = [];
  const iid: string[] = [];
  const sex: number[] = [];
  const founder: number[] = [];
  const seen = new Map<string, number>();
  for await (const b of lineBatches(sourceChunks(src, 1 << 20, signal))) {
    for (let k = 0; k < b.lines.length; k++) {
      const line = b.lines[k];
      const lineNo = b.firstLine + k;
      if (isBlankLine(line)) continue;
      if (!layout) {
        if (line.startsWith('#')) {
          lastHeader = { line, lineNo };
          continue;
        }
        if (lastHeader && !/^#(FID|IID)[ \t]/.test(lastHeader.line + '\t')) {
          throw new InputError({ file: src.name, line: lastHeader.lineNo, expected: "the last '#' line to start with #FID or #IID", found: `'${lastHeader.line.slice(0, 40)}'` }, 'malformed .psam header');
        }
        layout = lastHeader ? headerLayout(lastHeader.line, src.name, lastHeader.lineNo) : famLikeLayout(line, src.name, lineNo);
      }
      const f = line.trim().split(WS);
      if (f.length < layout.minFields) {
        throw new InputError({ file: src.name, line: lineNo, expected: `at least ${layout.minFields} fields (${layout.header})`, found: `${f.length}` }, 'malformed .psam line');
      }
      const id = [layout.fid >= 0 ? f[layout.fid] : '0', f[layout.iid], layout.sid >= 0 ? f[layout.sid] : ''];
      const key = id.join('\t');
      const prev = seen.get(key);
      if (prev !== undefined) {
        throw new InputError({ file: src.name, line: lineNo, column: 'IID', expected: 'unique sample IDs', found: `'${id.join(' ').trim()}' again (first at line ${prev})` }, 'duplicate sample ID');
      }
      seen.set(key, lineNo);
      fid.push(id[0]);
      iid.push(id[1]);
      sex.push(layout.sex >= 0 ? (SEX_CODE[f[layout.sex]] ?? 0) : 0);
      founder.push(layout.pat < 0 || (f[layout.pat] === '0' && f[layout.mat] === '0') ? 1 : 0);
    }
  }
  if (iid.length === 0) throw new InputError({ file: src.name, expected: 'at least one sample line', found: 'none' }, 'empty .psam file');
  return { fid, iid, sex: Uint8Array.from(sex), founder: Uint8Array.from(founder), hasFid: !layout || layout.fid >= 0 };
}
