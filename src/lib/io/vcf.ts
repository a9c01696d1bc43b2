/**
 * VCF and bgzipped VCF.gz reader. Streams the file (gzip members decoded as they come), packs GT hard calls
 * as ALT dosages into the PLINK .bed layout (see GenotypeSource.ts), or, when `dosage` is asked and a
 * record has FORMAT/DS, gives float dosage chunks. Multi-allelic and malformed records are skipped and counted
 * with the first few examples (`skipped`), never silently dropped. Variant ID: the ID column, or
 * chr:pos:ref:alt when it is '.'. Sample IDs come from the #CHROM header line (FID = IID).
 */
import { InputError } from '../compute/errors';
import { throwIfAborted } from '../compute/cancel';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeChunk, GenotypeSource, SampleIds } from './GenotypeSource';
import { normalizeChrom } from './chrom';
import { gunzipChunks, isGzip } from './gunzipChunks';
import { lineBatches, sourceChunks } from './lineBatches';

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
  /** Give FORMAT/DS dosages (float chunks) instead of packed hard calls. Records without DS use GT. */
  dosage?: boolean;
  signal?: AbortSignal;
}

async function* textBatches(src: ByteSource, gz: boolean, signal?: AbortSignal) {
  const raw = sourceChunks(src, READ_BYTES, signal);
  yield* lineBatches(gz ? gunzipChunks(raw) : raw);
}

export async function openVcf(src: ByteSource, opts: OpenVcfOptions = {}): Promise<VcfSource> {
  const head = await src.read(0, 2);
  const gz = isGzip(head);
  let samples: SampleIds | null = null;
  let headerLines = 0;
  outer: for await (const b of textBatches(src, gz, opts.signal)) {
    for (let k = 0; k < b.lines.length; k++) {
      const line = b.lines[k];
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

type Parsed = { ok: true } | { ok: false; multi: boolean; reason: string };

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
  const bpv = Math.ceil(nSamples / 4);
  const chunkVariants = Math.max(1, opts.chunkVariants ?? Math.floor((wantDosage ? 1 << 22 : 1 << 22) / Math.max(1, wantDosage ? nSamples * 4 : bpv)));
  const f = opts.filter;
  const chrSet = f?.chr && f.chr.length ? new Set(f.chr.map(normalizeChrom)) : null;
  const fromBp = f?.fromBp ?? -Infinity;
  const toBp = f?.toBp ?? Infinity;
  const fromIndex = Math.max(0, f?.fromIndex ?? 0);
  const toIndex = f?.toIndex ?? Infinity;

  let packed = wantDosage ? null : new Uint8Array(chunkVariants * bpv);
  let dosage = wantDosage ? new Float32Array(chunkVariants * nSamples) : null;
  let chrom: string[] = [], id: string[] = [], ref: string[] = [], alt: string[] = [], pos: number[] = [];
  let count = 0;
  let start = 0;
  let index = 0;
  const flush = (): GenotypeChunk => {
    const c: GenotypeChunk = {
      start,
      count,
      nSamples,
      bytesPerVariant: bpv,
      variants: { chrom, pos: Int32Array.from(pos), id, ref, alt },
    };
    if (packed) c.packed = count === chunkVariants ? packed : packed.slice(0, count * bpv);
    if (dosage) c.dosage = count === chunkVariants ? dosage : dosage.slice(0, count * nSamples);
    start += count;
    count = 0;
    chrom = [];
    id = [];
    ref = [];
    alt = [];
    pos = [];
    packed = wantDosage ? null : new Uint8Array(chunkVariants * bpv);
    dosage = wantDosage ? new Float32Array(chunkVariants * nSamples) : null;
    return c;
  };
  const skip = (lineNo: number, p: Exclude<Parsed, { ok: true }>) => {
    if (p.multi) skipped.multiAllelic++;
    else skipped.malformed++;
    if (skipped.examples.length < MAX_EXAMPLES) skipped.examples.push(`${src.name}:${lineNo}: ${p.reason}`);
  };

  for await (const b of textBatches(src, gz, signal)) {
    throwIfAborted(signal);
    const lines = b.lines;
    for (let k = 0; k < lines.length; k++) {
      const lineNo = b.firstLine + k;
      if (lineNo <= headerLines) continue;
      const line = lines[k];
      if (line.length === 0) continue;
      // Fixed columns: CHROM POS ID REF ALT QUAL FILTER INFO FORMAT
      const tabs = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      let p = -1;
      let nt = 0;
      for (; nt < 9; nt++) {
        p = line.indexOf('\t', p + 1);
        if (p < 0) break;
        tabs[nt] = p;
      }
      if (nt < 9) {
        skip(lineNo, { ok: false, multi: false, reason: `expected ${9 + nSamples} tab-separated columns, found ${nt + 1}` });
        continue;
      }
      const altS = line.slice(tabs[3] + 1, tabs[4]);
      if (altS.indexOf(',') >= 0) {
        skip(lineNo, { ok: false, multi: true, reason: `multi-allelic ALT '${altS}'` });
        continue;
      }
      const chromS = line.slice(0, tabs[0]);
      const posS = line.slice(tabs[0] + 1, tabs[1]);
      const posN = Number(posS);
      if (!/^\d+$/.test(posS) || posN > 2147483647) {
        skip(lineNo, { ok: false, multi: false, reason: `POS is not a positive integer: '${posS}'` });
        continue;
      }
      const refS = line.slice(tabs[2] + 1, tabs[3]);
      if (refS.length === 0 || altS.length === 0) {
        skip(lineNo, { ok: false, multi: false, reason: 'empty REF or ALT' });
        continue;
      }
      const i = index;
      // Index filter counts records that are valid variants, so it must see the record parse first.
      const fmt = line.slice(tabs[7] + 1, tabs[8]).split(':');
      const gtIdx = fmt.indexOf('GT');
      const dsIdx = wantDosage ? fmt.indexOf('DS') : -1;
      if (gtIdx < 0 && dsIdx < 0) {
        skip(lineNo, { ok: false, multi: false, reason: `FORMAT has no GT${wantDosage ? ' or DS' : ''}: '${fmt.join(':')}'` });
        continue;
      }
      const keep =
        i >= fromIndex &&
        i < toIndex &&
        (!chrSet || chrSet.has(normalizeChrom(chromS))) &&
        posN >= fromBp &&
        posN <= toBp;
      let err: string | null = null;
      if (keep) {
        err = dosage
          ? parseDosageRow(line, tabs[8] + 1, nSamples, dsIdx >= 0 ? dsIdx : gtIdx, dsIdx >= 0, dosage, count * nSamples)
          : parseGtRow(line, tabs[8] + 1, nSamples, gtIdx, packed as Uint8Array, count * bpv);
      } else {
        err = checkColumns(line, tabs[8] + 1, nSamples);
      }
      if (err !== null) {
        if (packed && keep) packed.fill(0, count * bpv, (count + 1) * bpv);
        skip(lineNo, { ok: false, multi: false, reason: err });
        continue;
      }
      index++;
      if (!keep) {
        if (index >= toIndex) break;
        continue;
      }
      const idS = line.slice(tabs[1] + 1, tabs[2]);
      chrom.push(chromS);
      pos.push(posN);
      id.push(idS === '.' ? `${chromS}:${posS}:${refS}:${altS}` : idS);
      ref.push(refS);
      alt.push(altS);
      count++;
      if (count === chunkVariants) yield flush();
    }
    if (index >= toIndex) break;
  }
  throwIfAborted(signal);
  if (count > 0) yield flush();
  state.recordsRead = index;
}

/** Number of sample columns check without parsing them. */
function checkColumns(line: string, from: number, nSamples: number): string | null {
  let n = 1;
  for (let p = line.indexOf('\t', from); p >= 0; p = line.indexOf('\t', p + 1)) n++;
  return n === nSamples ? null : `expected ${nSamples} sample columns, found ${n}`;
}

/** Moves from the start of a sample field to the start of its `sub`-th ':' subfield, or -1 if absent. */
function subfieldStart(line: string, p: number, sub: number): number {
  for (let s = 0; s < sub; s++) {
    for (;;) {
      const c = line.charCodeAt(p);
      if (c === 58) {
        p++;
        break;
      }
      if (c === 9 || Number.isNaN(c)) return -1;
      p++;
    }
  }
  return p;
}

/**
 * Parses GT of every sample into packed 2-bit codes at out[offset..]. Diploid 0/0 0/1 1/1 (| or /), haploid
 * 0 or 1 (counted as homozygous, as plink2 does), any '.' allele -> missing. Returns an error text or null.
 */
function parseGtRow(line: string, from: number, nSamples: number, gtIdx: number, out: Uint8Array, offset: number): string | null {
  let p = from;
  const bpv = Math.ceil(nSamples / 4);
  out.fill(0, offset, offset + bpv);
  for (let j = 0; j < nSamples; j++) {
    if (p > line.length) return `expected ${nSamples} sample columns, found ${j}`;
    const q = gtIdx === 0 ? p : subfieldStart(line, p, gtIdx);
    let code = 1; // missing
    if (q >= 0) {
      const a = line.charCodeAt(q);
      const sep = line.charCodeAt(q + 1);
      if (sep === 47 || sep === 124) {
        const b2 = line.charCodeAt(q + 2);
        const end = line.charCodeAt(q + 3);
        if (!(Number.isNaN(end) || end === 9 || end === 58)) return `sample ${j + 1}: unsupported GT (polyploid or allele index > 1)`;
        if (a === 46 || b2 === 46) code = 1;
        else if ((a !== 48 && a !== 49) || (b2 !== 48 && b2 !== 49)) return `sample ${j + 1}: GT allele is not 0, 1 or '.'`;
        else {
          const d = a - 48 + (b2 - 48);
          code = d === 0 ? 3 : d === 1 ? 2 : 0;
        }
      } else if (Number.isNaN(sep) || sep === 9 || sep === 58) {
        if (a === 46) code = 1;
        else if (a === 48) code = 3;
        else if (a === 49) code = 0;
        else return `sample ${j + 1}: GT allele is not 0, 1 or '.'`;
      } else return `sample ${j + 1}: malformed GT`;
    }
    out[offset + (j >> 2)] |= code << ((j & 3) << 1);
    const t = line.indexOf('\t', p);
    if (t < 0) {
      if (j !== nSamples - 1) return `expected ${nSamples} sample columns, found ${j + 1}`;
      p = line.length + 1;
    } else p = t + 1;
  }
  if (p <= line.length) return `expected ${nSamples} sample columns, found more`;
  return null;
}

/** Parses DS (float) or, for records without DS, GT into dosages at out[offset..]; NaN = missing. */
function parseDosageRow(line: string, from: number, nSamples: number, idx: number, isDs: boolean, out: Float32Array, offset: number): string | null {
  let p = from;
  for (let j = 0; j < nSamples; j++) {
    if (p > line.length) return `expected ${nSamples} sample columns, found ${j}`;
    const t = line.indexOf('\t', p);
    const end = t < 0 ? line.length : t;
    const q = idx === 0 ? p : subfieldStart(line, p, idx);
    let v = NaN;
    if (q >= 0 && q < end) {
      let e = q;
      while (e < end && line.charCodeAt(e) !== 58) e++;
      const s = line.slice(q, e);
      if (isDs) {
        if (s !== '.') {
          v = Number(s);
          if (!Number.isFinite(v) || v < 0 || v > 2) return `sample ${j + 1}: DS '${s}' is not a number in [0, 2]`;
        }
      } else {
        v = gtDosage(s);
        if (Number.isNaN(v) && !s.includes('.')) return `sample ${j + 1}: unsupported GT '${s}'`;
      }
    }
    out[offset + j] = v;
    if (t < 0) {
      if (j !== nSamples - 1) return `expected ${nSamples} sample columns, found ${j + 1}`;
      p = line.length + 1;
    } else p = t + 1;
  }
  if (p <= line.length) return `expected ${nSamples} sample columns, found more`;
  return null;
}

function gtDosage(s: string): number {
  if (s.length === 3 && (s[1] === '/' || s[1] === '|')) {
    const a = s[0], b = s[2];
    if (a === '.' || b === '.') return NaN;
    if ((a !== '0' && a !== '1') || (b !== '0' && b !== '1')) return NaN;
    return Number(a) + Number(b);
  }
  if (s === '0') return 0;
  if (s === '1') return 2;
  return NaN;
}
