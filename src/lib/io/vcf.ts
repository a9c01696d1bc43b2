/**
 * VCF and bgzipped VCF.gz reader. Streams the file (gzip members decoded as they come), packs GT hard calls
 * as ALT dosages into the PLINK .bed layout (see GenotypeSource.ts), or, when `dosage` is asked and a
 * record has FORMAT/DS, gives float dosage chunks. Multi-allelic and malformed records are skipped and counted
 * with the first few examples (`skipped`), never silently dropped. Variant ID: the ID column, or
 * chr:pos:ref:alt when it is '.'. Sample IDs come from the #CHROM header line (FID = IID).
 */
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeChunk, GenotypeSource, SampleIds } from './GenotypeSource';
import { normalizeChrom } from './chrom';
import { gunzipChunks, isGzip } from './gunzipChunks';
import { sourceChunks } from './lineBatches';
import { byteLines, bytesText } from './byteLines';

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

  const tabs = new Int32Array(9);
  let fmtText = '';
  let gtIdx = -1;
  let dsIdx = -1;
  let fmtFields: string[] = [];
  outer: for await (const b of lineStream(src, gz, signal)) {
    throwIfAborted(signal);
    const buf = b.buf;
    for (let k = 0; k < b.count; k++) {
      const lineNo = b.firstLine + k;
      if (lineNo <= headerLines) continue;
      const s0 = b.starts[k];
      const e = b.ends[k];
      if (e === s0) continue;
      // Fixed columns: CHROM POS ID REF ALT QUAL FILTER INFO FORMAT
      let p = s0 - 1;
      let nt = 0;
      for (; nt < 9; nt++) {
        p = buf.indexOf(9, p + 1);
        if (p < 0 || p >= e) break;
        tabs[nt] = p;
      }
      if (nt < 9) {
        skip(lineNo, { ok: false, multi: false, reason: `expected ${9 + nSamples} tab-separated columns, found ${nt + 1}` });
        continue;
      }
      let comma = false;
      for (let i = tabs[3] + 1; i < tabs[4]; i++) if (buf[i] === 44) comma = true;
      if (comma) {
        skip(lineNo, { ok: false, multi: true, reason: `multi-allelic ALT '${bytesText(buf, tabs[3] + 1, tabs[4])}'` });
        continue;
      }
      let posN = 0;
      let posOk = tabs[1] > tabs[0] + 1;
      for (let i = tabs[0] + 1; i < tabs[1]; i++) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9) posOk = false;
        posN = posN * 10 + d;
      }
      if (!posOk || posN > 2147483647) {
        skip(lineNo, { ok: false, multi: false, reason: `POS is not a positive integer: '${bytesText(buf, tabs[0] + 1, tabs[1])}'` });
        continue;
      }
      if (tabs[3] === tabs[2] + 1 || tabs[4] === tabs[3] + 1) {
        skip(lineNo, { ok: false, multi: false, reason: 'empty REF or ALT' });
        continue;
      }
      const i = index;
      const fmt = bytesText(buf, tabs[7] + 1, tabs[8]);
      if (fmt !== fmtText) {
        fmtText = fmt;
        fmtFields = fmt.split(':');
        gtIdx = fmtFields.indexOf('GT');
        dsIdx = wantDosage ? fmtFields.indexOf('DS') : -1;
      }
      if (gtIdx < 0 && dsIdx < 0) {
        skip(lineNo, { ok: false, multi: false, reason: `FORMAT has no GT${wantDosage ? ' or DS' : ''}: '${fmt}'` });
        continue;
      }
      let keep = i >= fromIndex && i < toIndex && posN >= fromBp && posN <= toBp;
      const chromS = bytesText(buf, s0, tabs[0]);
      if (keep && chrSet && !chrSet.has(normalizeChrom(chromS))) keep = false;
      let err: string | null = null;
      if (keep) {
        err = dosage
          ? parseDosageRow(bytesText(buf, tabs[8] + 1, e), 0, nSamples, dsIdx >= 0 ? dsIdx : gtIdx, dsIdx >= 0, dosage, count * nSamples)
          : parseGtBytes(buf, tabs[8] + 1, e, nSamples, gtIdx, packed as Uint8Array, count * bpv);
      } else {
        err = checkColumnBytes(buf, tabs[8] + 1, e, nSamples);
      }
      if (err !== null) {
        if (packed && keep) packed.fill(0, count * bpv, (count + 1) * bpv);
        skip(lineNo, { ok: false, multi: false, reason: err });
        continue;
      }
      index++;
      if (!keep) {
        if (index >= toIndex) break outer;
        continue;
      }
      const posS = String(posN);
      const refS = bytesText(buf, tabs[2] + 1, tabs[3]);
      const altS = bytesText(buf, tabs[3] + 1, tabs[4]);
      const idS = bytesText(buf, tabs[1] + 1, tabs[2]);
      chrom.push(chromS);
      pos.push(posN);
      id.push(idS === '.' ? `${chromS}:${posS}:${refS}:${altS}` : idS);
      ref.push(refS);
      alt.push(altS);
      count++;
      if (count === chunkVariants) yield flush();
    }
  }
  throwIfAborted(signal);
  if (count > 0) yield flush();
  state.recordsRead = index;
}

/** Checks the number of sample columns without parsing them. */
function checkColumnBytes(buf: Uint8Array, from: number, end: number, nSamples: number): string | null {
  let n = 1;
  for (let p = buf.indexOf(9, from); p >= 0 && p < end; p = buf.indexOf(9, p + 1)) n++;
  return n === nSamples ? null : `expected ${nSamples} sample columns, found ${n}`;
}

/** 2-bit code per pair of GT allele bytes: index (a - 48) * 2 + (b - 48) for a, b in {0, 1}: 0/0 -> 11, 0/1 and 1/0 -> 10, 1/1 -> 00. */
const DIPLOID_CODE = [0b11, 0b10, 0b10, 0b00];

/**
 * Parses GT of every sample into packed 2-bit codes at out[offset..], on bytes. Diploid 0/0 0/1 1/1 (| or /),
 * haploid 0 or 1 (counted as homozygous, as plink2 does), any '.' allele -> missing. Returns an error text or
 * null. Fast path: GT first in FORMAT and a 3-byte call followed by a tab.
 */
function parseGtBytes(buf: Uint8Array, from: number, end: number, nSamples: number, gtIdx: number, out: Uint8Array, offset: number): string | null {
  let p = from;
  const bpv = Math.ceil(nSamples / 4);
  out.fill(0, offset, offset + bpv);
  for (let j = 0; j < nSamples; j++) {
    if (p > end) return `expected ${nSamples} sample columns, found ${j}`;
    let q = p;
    if (gtIdx > 0) {
      for (let s = 0; s < gtIdx && q >= 0; s++) {
        while (q < end && buf[q] !== 58 && buf[q] !== 9) q++;
        q = q < end && buf[q] === 58 ? q + 1 : -1;
      }
    }
    let code = 1; // missing
    let fieldEnd = -1;
    if (q >= 0) {
      const a = q < end ? buf[q] : 9;
      const sep = q + 1 < end ? buf[q + 1] : 9;
      if (sep === 47 || sep === 124) {
        const b2 = q + 2 < end ? buf[q + 2] : 9;
        const after = q + 3 < end ? buf[q + 3] : 9;
        if (after !== 9 && after !== 58) return `sample ${j + 1}: unsupported GT (polyploid or allele index > 1)`;
        if (a === 46 || b2 === 46) code = 1;
        else if ((a !== 48 && a !== 49) || (b2 !== 48 && b2 !== 49)) return `sample ${j + 1}: GT allele is not 0, 1 or '.'`;
        else code = DIPLOID_CODE[(a - 48) * 2 + (b2 - 48)];
        if (after === 9 && gtIdx === 0) fieldEnd = q + 3;
      } else if (sep === 9 || sep === 58) {
        if (a === 46) code = 1;
        else if (a === 48) code = 3;
        else if (a === 49) code = 0;
        else return `sample ${j + 1}: GT allele is not 0, 1 or '.'`;
        if (sep === 9 && gtIdx === 0) fieldEnd = q + 1;
      } else return `sample ${j + 1}: malformed GT`;
    }
    out[offset + (j >> 2)] |= code << ((j & 3) << 1);
    const t = fieldEnd >= 0 && fieldEnd < end ? fieldEnd : nextTab(buf, p, end);
    if (t < 0) {
      if (j !== nSamples - 1) return `expected ${nSamples} sample columns, found ${j + 1}`;
      p = end + 1;
    } else p = t + 1;
  }
  if (p <= end) return `expected ${nSamples} sample columns, found more`;
  return null;
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

function nextTab(buf: Uint8Array, p: number, end: number): number {
  const t = buf.indexOf(9, p);
  return t >= 0 && t < end ? t : -1;
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
