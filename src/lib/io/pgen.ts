/**
 * plink2 .pgen/.pvar/.psam reader (issue 16). The .pgen is never read whole: its header (pgenHeader.ts) gives
 * per block of 2^16 variants the record types and lengths (pgenIndex.ts), and each chunk of variants is read
 * with one ByteSource.read per run of nearby records and decoded (pgenChunks.ts, pgenRecord.ts) into PLINK 1
 * .bed rows, or into ALT dosages when the file stores dosages (or `dosage: true`). The .pvar (pvar.ts; plain
 * or .zst) is streamed twice like the .bim: once here at open (every line checked, variants counted) and
 * again in lock-step with the chunks. Open also reads the whole index once (record types counted, record
 * extents checked against the file size); counts in the .pgen header must match the .pvar and the .psam
 * (psam.ts). Multiallelic variants are rejected at open, naming the first.
 */
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeSource } from './GenotypeSource';
import { isBlankLine } from './bim';
import { blockCount, readPgenBlock, readPgenHeader, type PgenHeader } from './pgenHeader';
import { PgenIndex } from './pgenIndex';
import { pgenChunks } from './pgenChunks';
import { parsePvarLine, pvarLines, readPvarLayout, type PvarLayout } from './pvar';
import { readPsam } from './psam';

export interface PgenFiles {
  pgen: ByteSource;
  /** .pvar or .pvar.zst */
  pvar: ByteSource;
  psam: ByteSource;
}

export interface OpenPgenOptions {
  /** Dosage chunks (true) or hardcall chunks (false); default: dosages when some record stores them. */
  dosage?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** How the records are stored, counted over the whole file at open. */
export interface PgenRecordCounts {
  /** Records per main-track type 0-7 (record type bits 0-2); PLINK 1 rows (mode 0x01) count as type 0. */
  main: number[];
  /** Records with hardcall phase (bit 4), with phased dosages (bit 7). */
  phased: number;
  phasedDosage: number;
  /** Records with dosages (bits 5-6), in all and by how the samples with one are listed (0x20, 0x40, 0x60). */
  dosage: number;
  dosageDifflist: number;
  dosageAll: number;
  dosageBitarray: number;
}

export interface PgenSource extends GenotypeSource {
  readonly format: 'pgen';
  readonly nVariants: number;
  readonly bytesPerVariant: number;
  /** Storage mode (byte 2 of the .pgen). */
  readonly storageMode: number;
  /** Sex codes from the .psam (1 male, 2 female, 0 unknown). */
  readonly sex: Uint8Array;
  /** True when the .psam has an FID column. */
  readonly hasFid: boolean;
  /** True when chunks carry dosages. */
  readonly dosage: boolean;
  readonly recordTypes: PgenRecordCounts;
}

export async function openPgen({ pgen, pvar, psam }: PgenFiles, opts: OpenPgenOptions = {}): Promise<PgenSource> {
  const { signal } = opts;
  const sam = await readPsam(psam, signal);
  const nSamples = sam.iid.length;
  const h = await readPgenHeader(pgen);
  if (h.nSamples !== null && h.nSamples !== nSamples) {
    throw new InputError(
      { file: pgen.name, expected: `${nSamples} samples (the sample lines of ${psam.name})`, found: `${h.nSamples} in the header` },
      '.psam/.pgen sample count mismatch',
    );
  }
  const scan = h.nVariants !== null ? await scanIndex(pgen, h, h.nVariants, nSamples, signal) : null;
  const layout = await readPvarLayout(pvar, signal);
  const { nVariants, multiId } = await countPvarVariants(pvar, layout, h.nVariants ?? 0, scan?.firstMulti ?? -1, signal, opts.onProgress);
  if (h.nVariants !== null && h.nVariants !== nVariants) {
    throw new InputError(
      { file: pgen.name, expected: `${nVariants} variants (the variant lines of ${pvar.name})`, found: `${h.nVariants} in the header` },
      '.pvar/.pgen variant count mismatch',
    );
  }
  if (scan && scan.firstMulti >= 0) {
    throw new InputError(
      { file: pgen.name, expected: 'biallelic variants', found: `multiallelic hardcalls at variant ${scan.firstMulti} (0-based), ID '${multiId}'` },
      'multiallelic variants are not supported',
    );
  }
  checkFixedSize(pgen, h, nVariants, nSamples);
  const counts = scan?.counts ?? fixedCounts(h.mode, nVariants);
  const dosage = opts.dosage ?? counts.dosage > 0;
  const index = () => new PgenIndex(pgen, h, nVariants, nSamples);
  return {
    format: 'pgen',
    name: pgen.name,
    samples: { fid: sam.fid, iid: sam.iid, ...(sam.founder.includes(0) ? { founder: sam.founder } : {}) },
    sex: sam.sex,
    hasFid: sam.hasFid,
    nVariants,
    bytesPerVariant: Math.ceil(nSamples / 4),
    storageMode: h.mode,
    dosage,
    recordTypes: counts,
    chunks: (o?: ChunkOptions) => pgenChunks(pgen, pvar, layout, index(), nSamples, nVariants, dosage, o ?? {}),
  };
}

function emptyCounts(): PgenRecordCounts {
  return { main: new Array(8).fill(0), phased: 0, phasedDosage: 0, dosage: 0, dosageDifflist: 0, dosageAll: 0, dosageBitarray: 0 };
}

/** Fixed-width modes: every record of one type (0, 0x40 or 0xc0); PLINK 1 rows count as type 0. */
function fixedCounts(mode: number, nVariants: number): PgenRecordCounts {
  const c = emptyCounts();
  c.main[0] = nVariants;
  if (mode === 0x03 || mode === 0x04) c.dosage = c.dosageAll = nVariants;
  if (mode === 0x04) c.phasedDosage = nVariants;
  return c;
}

interface IndexScan {
  counts: PgenRecordCounts;
  firstMulti: number;
}

/** Variable-width mode: reads every block of the index once, counts record types and checks record extents. */
async function scanIndex(pgen: ByteSource, h: PgenHeader, nVariants: number, nSamples: number, signal?: AbortSignal): Promise<IndexScan | null> {
  if (h.mode !== 0x10) return null;
  const counts = emptyCounts();
  let firstMulti = -1;
  const nBlocks = blockCount(nVariants);
  for (let b = 0; b < nBlocks; b++) {
    throwIfAborted(signal);
    const blk = await readPgenBlock(pgen, h, b, nVariants, nSamples);
    for (let i = 0; i < blk.count; i++) {
      const t = blk.types[i];
      counts.main[t & 7]++;
      if (t & 0x10) counts.phased++;
      if (t & 0x60) counts.dosage++;
      if ((t & 0x60) === 0x20) counts.dosageDifflist++;
      if ((t & 0x60) === 0x40) counts.dosageAll++;
      if ((t & 0x60) === 0x60) counts.dosageBitarray++;
      if (t & 0x80) counts.phasedDosage++;
      if (t & 8 && firstMulti < 0) firstMulti = blk.first + i;
    }
    const end = blk.starts[blk.count];
    const next = b + 1 < nBlocks ? h.blockOffsets[b + 1] : pgen.size;
    if (end > pgen.size || (b + 1 < nBlocks && end !== next)) {
      throw new InputError(
        {
          file: pgen.name,
          expected: b + 1 < nBlocks ? `block ${b + 1} to start at byte ${end}` : `at least ${end} bytes (the records of variants ${blk.first}-${blk.first + blk.count - 1} end there)`,
          found: b + 1 < nBlocks ? `byte ${next}` : `${pgen.size} bytes`,
        },
        end > pgen.size ? 'truncated .pgen (a record ends past the end of the file)' : 'malformed .pgen header (record lengths do not add up)',
      );
    }
  }
  return { counts, firstMulti };
}

function checkFixedSize(pgen: ByteSource, h: PgenHeader, nVariants: number, nSamples: number): void {
  if (h.mode === 0x10) return;
  const first = h.fixed?.first ?? 3;
  const width = h.fixed?.width ?? Math.ceil(nSamples / 4);
  const expected = first + nVariants * width;
  if (pgen.size !== expected) {
    throw new InputError(
      { file: pgen.name, expected: `${expected} bytes (${nVariants} variants x ${width} bytes for ${nSamples} samples, + ${first})`, found: `${pgen.size} bytes` },
      pgen.size < expected ? 'truncated .pgen' : '.pvar/.psam size mismatch: .pgen size does not match the variant and sample counts',
    );
  }
}

async function countPvarVariants(
  pvar: ByteSource,
  layout: PvarLayout,
  expected: number,
  wantIdAt: number,
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<{ nVariants: number; multiId: string }> {
  let n = 0;
  let multiId = '';
  const prog = createProgress('open-pvar', expected, onProgress, { unit: 'variants' });
  for await (const b of pvarLines(pvar, signal)) {
    for (let k = 0; k < b.lines.length; k++) {
      const lineNo = b.firstLine + k;
      if (lineNo <= layout.headerLines || isBlankLine(b.lines[k])) continue;
      const r = parsePvarLine(b.lines[k], layout, pvar.name, lineNo);
      if (n === wantIdAt) multiId = r.id;
      n++;
    }
    prog.tick(n, `checking ${pvar.name}`);
    throwIfAborted(signal);
  }
  throwIfAborted(signal);
  if (n === 0) throw new InputError({ file: pvar.name, expected: 'at least one variant line', found: 'none' }, 'empty .pvar file');
  prog.finish(`${n} variants in ${pvar.name}`);
  return { nVariants: n, multiId };
}
