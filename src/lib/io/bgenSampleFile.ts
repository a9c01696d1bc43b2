/**
 * Oxford .sample files (the companion of .gen/.bgen): whitespace-separated, a header line, a line of column
 * types, then one line per sample in the .bgen's sample order.
 *   original format:  'ID_1 ID_2 missing ...' / '0 0 0 ...'  ID_1 = FID, ID_2 = IID
 *   QCTOOL v2 format: 'ID ...' / '0 ...'                        one ID (FID = IID, as for VCF samples)
 * plink2 --export bgen-1.x writes the first form (sample-v2 the second). Further columns are not read.
 */
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import type { ByteSource } from './ByteSource';
import type { SampleIds } from './GenotypeSource';
import { lineBatches, sourceChunks } from './lineBatches';

const READ_BYTES = 1 << 20;

function fields(line: string): string[] {
  const t = line.trim();
  return t.length ? t.split(/\s+/) : [];
}

/**
 * The samples of an Oxford .sample file; `nSamples` is the count the .bgen declares (a different count of
 * sample lines is an error naming both files).
 */
export async function readOxfordSample(src: ByteSource, nSamples: number, bgenName: string, signal?: AbortSignal): Promise<SampleIds> {
  const fid: string[] = [];
  const iid: string[] = [];
  const seen = new Set<string>();
  let twoIds = true;
  let seenLines = 0;
  for await (const b of lineBatches(sourceChunks(src, READ_BYTES, signal))) {
    throwIfAborted(signal);
    for (let k = 0; k < b.lines.length; k++) {
      const lineNo = b.firstLine + k;
      const f = fields(b.lines[k]);
      if (f.length === 0) continue;
      seenLines++;
      if (seenLines === 1) {
        twoIds = f[0] === 'ID_1' && f[1] === 'ID_2';
        if (!twoIds && f[0] !== 'ID') {
          throw new InputError({ file: src.name, line: lineNo, expected: "'ID_1 ID_2 ...' or 'ID ...' (Oxford .sample header)", found: `'${f.slice(0, 3).join(' ')}'` }, 'not an Oxford .sample file');
        }
        continue;
      }
      if (seenLines === 2) {
        if (f[0] !== '0' || (twoIds && f[1] !== '0')) {
          throw new InputError({ file: src.name, line: lineNo, expected: twoIds ? "the column types line '0 0 ...'" : "the column types line '0 ...'", found: `'${f.slice(0, 3).join(' ')}'` }, 'not an Oxford .sample file');
        }
        continue;
      }
      if (twoIds && f.length < 2) {
        throw new InputError({ file: src.name, line: lineNo, expected: 'ID_1 and ID_2', found: `1 field '${f[0]}'` }, 'sample line too short');
      }
      // ID_1 = FID and ID_2 = IID; a single ID is both (FID = IID, as for VCF samples)
      const fa = f[0];
      const s = twoIds ? f[1] : f[0];
      const key = `${fa}\t${s}`;
      if (seen.has(key)) throw new InputError({ file: src.name, line: lineNo, expected: 'unique sample IDs', found: `'${twoIds ? `${fa} ${s}` : s}' again` }, 'duplicate sample ID');
      seen.add(key);
      fid.push(fa);
      iid.push(s);
    }
  }
  throwIfAborted(signal);
  if (seenLines < 2) {
    throw new InputError({ file: src.name, expected: 'a header line and a column types line', found: `${seenLines} lines` }, 'not an Oxford .sample file');
  }
  if (iid.length !== nSamples) {
    throw new InputError(
      { file: src.name, expected: `${nSamples} sample lines after the two header lines (the sample count of ${bgenName})`, found: `${iid.length}` },
      `sample count differs from ${bgenName}`,
    );
  }
  return { fid, iid };
}
