/**
 * VCF and bgzipped VCF.gz reader. Streams the file (gzip members decoded as they come), packs GT hard calls
 * as ALT dosages into the PLINK .bed layout (see GenotypeSource.ts), or, when `dosage` is asked and a
 * record has FORMAT/DS, gives dosage chunks (DS on plink2's 1/16384 grid, dosageCode.ts). Multi-allelic and malformed records are skipped and counted
 * with the first few examples (`skipped`), never silently dropped. Variant ID: the ID column, or
 * chr:pos:ref:alt when it is '.'. Sample IDs come from the #CHROM header line (FID = IID). The fixed columns
 * of a record are read by vcfRecord.ts, its sample columns packed by vcfChunkPacker.ts.
 */
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeChunk, GenotypeSource, SampleIds, VariantFilter } from './GenotypeSource';
import { normalizeChrom } from './chrom';
import { gunzipChunks, isGzip } from './gunzipChunks';
import { sourceChunks } from './lineBatches';
import { byteLines, bytesText } from './byteLines';
import { VcfRecord, type VcfSkip } from './vcfRecord';
import { VcfChunkPacker, checkColumnBytes } from './vcfChunkPacker';

const READ_BYTES = 1 << 20;
const MAX_EXAMPLES = 5;

export interface VcfSkipped {
  multiAllelic: number;
  malformed: number;
  /** The first few skipped records: "file:line: reason". */
  examples: string[];
}

export interface VcfSource extends GenotypeSource {
  readonly format: 'vcf';
  /** Records skipped by the last (or current) pass of chunks(). */
  readonly skipped: VcfSkipped;
  /** Records read as variants by the last completed pass (before filters), or null before one completes. */
  readonly recordsRead: number | null;
}

export interface OpenVcfOptions {
  /** Give FORMAT/DS dosages (dosage chunks) instead of packed hard calls. Records without DS use GT. */
  dosage?: boolean;
  signal?: AbortSignal;
}

function lineStream(src: ByteSource, gz: boolean, signal?: AbortSignal) {
  const raw = sourceChunks(src, READ_BYTES, signal);
  return byteLines(gz ? gunzipChunks(raw) : raw);
}

export async function openVcf(src: ByteSource, opts: OpenVcfOptions = {}): Promise<VcfSource> {
  const head = await src.read(0, 2);
  const gz = isGzip(head);
  let samples: SampleIds | null = null;
  let headerLines = 0;
  outer: for await (const b of lineStream(src, gz, opts.signal)) {
    for (let k = 0; k < b.count; k++) {
      const line = bytesText(b.buf, b.starts[k], b.ends[k]);
      if (line.startsWith('##')) continue;
      const lineNo = b.firstLine + k;
      if (line.startsWith('#CHROM')) {
        const f = line.split('\t');
        if (f.length < 10 || f[8] !== 'FORMAT') {
          throw new InputError(
            { file: src.name, line: lineNo, expected: '#CHROM POS ID REF ALT QUAL FILTER INFO FORMAT and sample columns (tab-separated)', found: `${f.length} columns` },
            'malformed VCF header line',
          );
        }
        const iid = f.slice(9);
        const seen = new Map<string, number>();
        iid.forEach((s, i) => {
          if (seen.has(s)) {
            throw new InputError({ file: src.name, line: lineNo, column: 10 + i, expected: 'unique sample IDs', found: `'${s}' again` }, 'duplicate sample ID');
          }
          seen.set(s, i);
        });
        samples = { fid: iid.slice(), iid };
        headerLines = lineNo;
        break outer;
      }
      throw new InputError(
        { file: src.name, line: lineNo, expected: "'##' meta lines then the '#CHROM' header line", found: `'${line.slice(0, 40)}'` },
        'not a VCF file',
      );
    }
  }
  if (!samples) {
    throw new InputError({ file: src.name, expected: "a '#CHROM' header line", found: 'none' }, 'not a VCF file');
  }
  const skipped: VcfSkipped = { multiAllelic: 0, malformed: 0, examples: [] };
  const state = { recordsRead: null as number | null };
  const s: SampleIds = samples;
  return {
    format: 'vcf',
    name: src.name,
    samples: s,
    nVariants: null,
    get skipped() {
      return skipped;
    },
    get recordsRead() {
      return state.recordsRead;
    },
    chunks: (o?: ChunkOptions) => vcfChunks(src, gz, s.iid.length, headerLines, !!opts.dosage, o ?? {}, skipped, state),
  };
}

/** The variants a pass keeps: a half-open index range, a position range and a set of chromosomes. */
interface VariantWindow {
  chrSet: Set<string> | null;
  fromBp: number;
  toBp: number;
  fromIndex: number;
  toIndex: number;
}

function variantWindow(f: VariantFilter | undefined): VariantWindow {
  return {
    chrSet: f?.chr && f.chr.length ? new Set(f.chr.map(normalizeChrom)) : null,
    fromBp: f?.fromBp ?? -Infinity,
    toBp: f?.toBp ?? Infinity,
    fromIndex: Math.max(0, f?.fromIndex ?? 0),
    toIndex: f?.toIndex ?? Infinity,
  };
}

function inWindow(w: VariantWindow, index: number, pos: number, chrom: string): boolean {
  const keep = index >= w.fromIndex && index < w.toIndex && pos >= w.fromBp && pos <= w.toBp;
  return keep && !(w.chrSet && !w.chrSet.has(normalizeChrom(chrom)));
}

/**
 * One pass over the records: each line's fixed columns are read (VcfRecord), the sample columns of the
 * records in the filter's window packed (VcfChunkPacker) and those of the others only counted; skipped
 * records are counted in `skipped`. Sets state.recordsRead at the end.
 */
async function* vcfChunks(
  src: ByteSource,
  gz: boolean,
  nSamples: number,
  headerLines: number,
  wantDosage: boolean,
  opts: ChunkOptions,
  skipped: VcfSkipped,
  state: { recordsRead: number | null },
): AsyncGenerator<GenotypeChunk> {
  const { signal } = opts;
  skipped.multiAllelic = 0;
  skipped.malformed = 0;
  skipped.examples.length = 0;
  const window = variantWindow(opts.filter);
  const out = new VcfChunkPacker(nSamples, wantDosage, opts.chunkVariants);
  const rec = new VcfRecord(nSamples, wantDosage);
  const skip = (lineNo: number, p: VcfSkip) => {
    if (p.multi) skipped.multiAllelic++;
    else skipped.malformed++;
    if (skipped.examples.length < MAX_EXAMPLES) skipped.examples.push(`${src.name}:${lineNo}: ${p.reason}`);
  };

  let index = 0;
  outer: for await (const b of lineStream(src, gz, signal)) {
    throwIfAborted(signal);
    const buf = b.buf;
    for (let k = 0; k < b.count; k++) {
      const lineNo = b.firstLine + k;
      if (lineNo <= headerLines) continue;
      const s0 = b.starts[k];
      const e = b.ends[k];
      if (e === s0) continue;
      const bad = rec.read(buf, s0, e);
      if (bad !== null) {
        skip(lineNo, bad);
        continue;
      }
      const chrom = bytesText(buf, s0, rec.tabs[0]);
      const keep = inWindow(window, index, rec.pos, chrom);
      const samplesFrom = rec.tabs[8] + 1;
      const err = keep ? out.putSamples(buf, samplesFrom, e, rec) : checkColumnBytes(buf, samplesFrom, e, nSamples);
      if (err !== null) {
        skip(lineNo, { multi: false, reason: err });
        continue;
      }
      index++;
      if (!keep) {
        if (index >= window.toIndex) break outer;
        continue;
      }
      if (out.add(buf, rec, chrom)) yield out.flush();
    }
  }
  throwIfAborted(signal);
  if (out.count > 0) yield out.flush();
  state.recordsRead = index;
}
