/**
 * BGEN v1.2 / v1.3 reader (layout 2; uncompressed, zlib or zstd genotype blocks; biallelic diploid data,
 * phased or unphased, any bits per probability from 1 to 32). Chunks carry ALT dosages (Uint16 codes on
 * plink2's 1/16384 grid, dosageCode.ts); the file is read front to back in 4 MB windows (bgenWindow.ts), never whole. The genotype data of
 * variants a filter removes is not decompressed, but without an index a chr / bp filter still walks the file:
 * the windows pass over every variant block to find the next one's header. With a bgenix .bgi index
 * (BgenFiles.index, bgi.ts; checked against the .bgen when open, a stale one refused) a chr / bp filter, or an
 * index range that does not start at the first variant, reads only the blocks the index lists: runs of
 * adjacent blocks (or blocks at most 64 KB apart) up to a window each, one read per run. The chunks are the same as the walk's (each block's
 * head is read and the walk's test applied to it); variant indices (fromIndex/toIndex) keep meaning the
 * position in the file, from the index's rows in file-offset order (which then lists every variant). With
 * ChunkOptions.infoSamples, chunks also carry each variant's IMPUTE2 info (bgenVariant.ts impute2Info), computed
 * from the genotype probabilities before they collapse to a dosage (--info-filter, variantQc.ts).
 *
 * Alleles: BGEN has no REF/ALT. By default (alleleOrder 'ref-first', as `plink2 --bgen FILE ref-first`) the
 * first allele is REF and the dosage counts the second (ALT): unphased P(12) + 2 P(22), phased the sum over
 * the two haplotypes of P(second allele). 'ref-last' (plink2 'ref-last' / 'ref-unknown') swaps them: the
 * files plink2 --export bgen-1.x writes without its 'ref-first' modifier are REF-last.
 *
 * Sample IDs: from a .sample file when one is given (ID_1 = FID, ID_2 = IID; bgenSampleFile.ts), else from
 * the file's sample block (FID = IID, as for VCF samples); neither is an error, as in plink2. Variant ID: the
 * rsid field, else the SNP ID field, else chr:pos:ref:alt (when empty or '.'). Chromosome codes lose leading
 * zeros ('01' -> '1'), as plink2 reads them.
 */
import { InputError } from '../base/errors';
import { throwIfAborted } from '../base/cancel';
import type { ByteSource } from './ByteSource';
import type { ChunkOptions, GenotypeChunk, GenotypeSource, SampleIds, VariantFilter } from './GenotypeSource';
import { prepareFilter } from './bed';
import { normalizeChrom } from './chrom';
import { bgenError, readBgenHeader, readBgenSampleBlock, type BgenCompression, type BgenHeader } from './bgenHeader';
import { readOxfordSample } from './bgenSampleFile';
import { bgenChrom, decodeDosages, impute2Info, inflateGenotypes, parseVariantHead, type BgenDataFault, type BgenVariantHead } from './bgenVariant';
import { BgenWindow } from './bgenWindow';
import { openBgi, type BgiIndex } from './bgi';

type PreparedFilter = ReturnType<typeof prepareFilter>;

/** Read-ahead window (4 MB reads are at disk speed in Node, see bed.ts). */
const WINDOW_BYTES = 4 << 20;
/**
 * With an index, blocks up to this many bytes apart (at most 1/16 of a window) are read in one read, the
 * bytes between them read and passed over: a read of 64 KB costs about what a read of a few hundred bytes does.
 */
const GAP_BYTES = 64 << 10;
/** Default chunk size in bytes of dosage codes. */
const CHUNK_BYTES = 4 << 20;

export interface BgenFiles {
  bgen: ByteSource;
  /** Oxford .sample file; needed when the .bgen stores no sample IDs, preferred when it does (it has FIDs). */
  sample?: ByteSource;
  /**
   * bgenix index of the .bgen (FILE.bgen.bgi), used for chr / bp selection. Checked against the .bgen when
   * opened (an InputError when stale); an index without a Metadata table (older bgenix) is used unchecked,
   * which BgenSource.index.note says.
   */
  index?: ByteSource;
}

/** The .bgi index a BgenSource reads through. */
export interface BgenIndexUse {
  /** The index file's name. */
  name: string;
  /** True when its Metadata matched the .bgen; false when it has no Metadata to check (older bgenix). */
  checked: boolean;
  /** A note for the log when it could not be checked; null when it was. */
  note: string | null;
}

/** Which allele is REF: 'ref-first' (default; UK Biobank, plink2 --export ... ref-first) or 'ref-last'. */
export type BgenAlleleOrder = 'ref-first' | 'ref-last';

export interface OpenBgenOptions {
  alleleOrder?: BgenAlleleOrder;
  /** Bytes per read-ahead window (default 4 MB); a variant block larger than a window is read whole. */
  windowBytes?: number;
  signal?: AbortSignal;
}

export interface BgenSource extends GenotypeSource {
  readonly format: 'bgen';
  readonly nVariants: number;
  readonly compression: BgenCompression;
  readonly alleleOrder: BgenAlleleOrder;
  /** Where the sample IDs came from. */
  readonly sampleIdsFrom: 'bgen' | 'sample-file';
  /** The .bgi index used for chr / bp selection, null without one. */
  readonly index: BgenIndexUse | null;
}

export async function openBgen({ bgen, sample, index }: BgenFiles, opts: OpenBgenOptions = {}): Promise<BgenSource> {
  const alleleOrder = opts.alleleOrder ?? 'ref-first';
  switch (alleleOrder) {
    case 'ref-first':
    case 'ref-last':
      break;
    default:
      throw new Error(`openBgen: unknown alleleOrder '${String(alleleOrder)}'`);
  }
  const h = await readBgenHeader(bgen);
  let samples: SampleIds;
  if (sample) {
    samples = await readOxfordSample(sample, h.nSamples, bgen.name, opts.signal);
  } else if (h.sampleIds) {
    const iid = await readBgenSampleBlock(bgen, h);
    const seen = new Set<string>();
    iid.forEach((s, i) => {
      if (seen.has(s)) throw new InputError({ file: bgen.name, column: `sample ${i + 1}`, expected: 'unique sample IDs', found: `'${s}' again` }, 'duplicate sample ID');
      seen.add(s);
    });
    samples = { fid: iid.slice(), iid };
  } else {
    throw new InputError(
      { file: bgen.name, expected: 'sample IDs in the file (flags bit 31) or a .sample file given with it', found: 'neither' },
      'no sample IDs',
    );
  }
  let bgi: BgiIndex | null = null;
  let indexUse: BgenIndexUse | null = null;
  if (index) {
    bgi = await openBgi(index);
    const checked = await bgi.checkBelongsTo(bgen);
    const note = checked ? null : `${index.name} has no Metadata table (older bgenix): used without checking that it was made from ${bgen.name}`;
    indexUse = { name: index.name, checked, note };
  }
  const countFirst = alleleOrder === 'ref-last';
  const windowBytes = Math.max(1, opts.windowBytes ?? WINDOW_BYTES);
  return {
    format: 'bgen',
    name: bgen.name,
    samples,
    nVariants: h.nVariants,
    compression: h.compression,
    alleleOrder,
    sampleIdsFrom: sample ? 'sample-file' : 'bgen',
    index: indexUse,
    chunks: (o?: ChunkOptions) => (bgi && useIndex(o?.filter, h.nVariants) ? bgenIndexedChunks(bgen, h, countFirst, windowBytes, o ?? {}, bgi) : bgenChunks(bgen, h, countFirst, windowBytes, o ?? {})),
  };
}

/** The variants and dosages of the chunk being filled. */
class DosageChunk {
  count = 0;
  start = 0;
  chrom: string[] = [];
  pos: number[] = [];
  id: string[] = [];
  ref: string[] = [];
  alt: string[] = [];
  dosage: Uint16Array;
  /** Per variant slot its IMPUTE2 info, when asked for. */
  info: Float64Array | null;
  constructor(
    readonly nSamples: number,
    readonly size: number,
    private readonly withInfo: boolean,
  ) {
    this.dosage = new Uint16Array(size * nSamples);
    this.info = withInfo ? new Float64Array(size) : null;
  }

  /** Adds the metadata of the variant whose dosages were decoded into slot `count`; true when the chunk is full. */
  add(chrom: string, pos: number, id: string, ref: string, alt: string): boolean {
    this.chrom.push(chrom);
    this.pos.push(pos);
    this.id.push(id);
    this.ref.push(ref);
    this.alt.push(alt);
    this.count++;
    return this.count === this.size;
  }

  /** The chunk (dosages trimmed to its variants); the next one starts empty. */
  flush(): GenotypeChunk {
    const { count, nSamples } = this;
    const c: GenotypeChunk = {
      start: this.start,
      count,
      nSamples,
      bytesPerVariant: Math.ceil(nSamples / 4),
      variants: { chrom: this.chrom, pos: Int32Array.from(this.pos), id: this.id, ref: this.ref, alt: this.alt },
      dosage: count === this.size ? this.dosage : this.dosage.slice(0, count * nSamples),
    };
    if (this.info) c.info = count === this.size ? this.info : this.info.slice(0, count);
    this.start += count;
    this.count = 0;
    this.chrom = [];
    this.pos = [];
    this.id = [];
    this.ref = [];
    this.alt = [];
    this.dosage = new Uint16Array(this.size * nSamples);
    this.info = this.withInfo ? new Float64Array(this.size) : null;
    return c;
  }
}

function variantId(head: BgenVariantHead, chrom: string, ref: string, alt: string): string {
  if (head.rsid !== '' && head.rsid !== '.') return head.rsid;
  if (head.varid !== '' && head.varid !== '.') return head.varid;
  return `${chrom}:${head.pos}:${ref}:${alt}`;
}

/** "variant 3 (rs12, 1:1002)" for messages. */
function variantLabel(head: BgenVariantHead, i: number): string {
  return `variant ${i + 1} (${head.rsid || head.varid || '.'}, ${head.chrom}:${head.pos})`;
}

/** The head of the variant block at file offset p (variant i), refilling the window as needed. */
async function readHead(w: BgenWindow, src: ByteSource, p: number, i: number, h: BgenHeader): Promise<BgenVariantHead> {
  let need = 0;
  for (;;) {
    if (w.has(p, 0)) {
      const r = parseVariantHead(w.buf, w.at(p), w.buf.length, w.base);
      if (typeof r !== 'number') return r;
      need = r;
    }
    if (!(await w.fill(p, need))) {
      const left = src.size - p;
      if (left === 0) {
        throw bgenError(src.name, p, 'truncated .bgen: the file ends before the last variant', `${h.nVariants} variant blocks (header)`, `${i}`);
      }
      throw bgenError(src.name, p, `truncated .bgen: variant block ${i + 1} runs past the end of the file`, `at least ${need} bytes`, `${left} bytes left`);
    }
  }
}

function faultError(src: ByteSource, h: BgenHeader, dataFrom: number, label: string, f: BgenDataFault, inflated: boolean): InputError {
  // in a compressed file, decoder offsets are into the uncompressed data: name the block and the offset in it
  if (!inflated || h.compression === 'none') return bgenError(src.name, dataFrom + f.at, `${label}: ${f.what}`, f.expected, f.found);
  return bgenError(src.name, dataFrom, `${label}: uncompressed genotype data byte ${f.at}: ${f.what}`, f.expected, f.found);
}

/** ChunkOptions.infoSamples as a per-sample mask (null = every sample), or undefined when info is not asked for. */
function infoSampleMask(samples: Int32Array | 'all' | undefined, n: number): Uint8Array | null | undefined {
  if (samples === undefined) return undefined;
  if (samples === 'all') return null;
  const mask = new Uint8Array(n);
  for (const j of samples) {
    if (!(j >= 0 && j < n)) throw new RangeError(`infoSamples: sample index ${j} is outside 0..${n - 1}`);
    mask[j] = 1;
  }
  return mask;
}

/** What decoding a kept variant needs besides its block. */
interface DecodeState {
  src: ByteSource;
  h: BgenHeader;
  countFirst: boolean;
  chunk: DosageChunk;
  infoMask: Uint8Array | null | undefined;
  scratch: { out: Uint8Array };
}

/**
 * Decodes the genotype data of a kept variant (in the window at dataFrom) into the chunk and adds its
 * metadata; true when the chunk is full.
 */
function decodeVariant(s: DecodeState, w: BgenWindow, head: BgenVariantHead, chrom: string, dataFrom: number, label: string): boolean {
  const { src, h, chunk } = s;
  const n = h.nSamples;
  const data = inflateGenotypes(h.compression, w.buf, w.at(dataFrom), head.dataLength, s.scratch);
  if (!(data instanceof Uint8Array)) throw faultError(src, h, dataFrom, label, data, false);
  const fault = decodeDosages(data, n, s.countFirst, chunk.dosage, chunk.count * n);
  if (fault) throw faultError(src, h, dataFrom, label, fault, true);
  if (chunk.info) chunk.info[chunk.count] = impute2Info(data, n, s.infoMask ?? null);
  const [first, second] = head.alleles;
  const [ref, alt] = s.countFirst ? [second, first] : [first, second];
  return chunk.add(chrom, head.pos, variantId(head, chrom, ref, alt), ref, alt);
}

/** The walk's test of a variant's place (its index is tested by the caller). */
function keptAt(filt: PreparedFilter, head: BgenVariantHead, chrom: string): boolean {
  if (head.pos < filt.fromBp || head.pos > filt.toBp) return false;
  return !filt.chr || filt.chr.has(normalizeChrom(chrom));
}

function decodeState(src: ByteSource, h: BgenHeader, countFirst: boolean, opts: ChunkOptions): DecodeState {
  const n = h.nSamples;
  const infoMask = infoSampleMask(opts.infoSamples, n);
  const chunk = new DosageChunk(n, Math.max(1, opts.chunkVariants ?? Math.floor(CHUNK_BYTES / Math.max(1, 2 * n))), infoMask !== undefined);
  return { src, h, countFirst, chunk, infoMask, scratch: { out: new Uint8Array(0) } };
}

/** One pass over the variant blocks: the kept variants' dosages decoded into chunks, the others skipped. */
async function* bgenChunks(
  src: ByteSource,
  h: BgenHeader,
  countFirst: boolean,
  windowBytes: number,
  opts: ChunkOptions,
): AsyncGenerator<GenotypeChunk> {
  const { signal } = opts;
  const filt = prepareFilter(opts.filter, h.nVariants);
  if (filt.fromIndex >= filt.toIndex) return;
  const s = decodeState(src, h, countFirst, opts);
  const w = new BgenWindow(src, windowBytes);
  let p = h.firstVariant;
  for (let i = 0; i < filt.toIndex; i++) {
    if ((i & 1023) === 0) throwIfAborted(signal);
    const head = await readHead(w, src, p, i, h);
    const label = variantLabel(head, i);
    if (head.nAlleles !== 2) throw bgenError(src.name, head.dataAt - 2, `${label}: only biallelic variants are supported`, '2 alleles', `${head.nAlleles}`);
    const dataFrom = head.dataAt + 4;
    const next = dataFrom + head.dataLength;
    if (next > src.size) {
      throw bgenError(src.name, head.dataAt, `truncated .bgen: genotype data of ${label} runs past the end of the file`, `${head.dataLength} bytes`, `${src.size - dataFrom} bytes`);
    }
    p = next;
    const chrom = bgenChrom(head.chrom);
    if (i < filt.fromIndex || !keptAt(filt, head, chrom)) continue;
    if (!w.has(dataFrom, head.dataLength)) await w.fill(dataFrom, head.dataLength);
    if (decodeVariant(s, w, head, chrom, dataFrom, label)) {
      throwIfAborted(signal);
      yield s.chunk.flush();
    }
  }
  throwIfAborted(signal);
  if (s.chunk.count > 0) yield s.chunk.flush();
}

/** Whether a filter is one the index answers: a chr / bp bound, or an index range not from the first variant. */
function useIndex(f: VariantFilter | undefined, nVariants: number): boolean {
  if (!f) return false;
  if (f.chr?.length || f.fromBp !== undefined || f.toBp !== undefined) return true;
  const from = Math.max(0, f.fromIndex ?? 0);
  return from > 0 && from < Math.min(nVariants, f.toIndex ?? nVariants);
}

function indexMismatch(src: ByteSource, index: BgiIndex, offset: number, what: string, expected: string, found: string): InputError {
  return bgenError(src.name, offset, `the index ${index.name} does not match the file: ${what}; re-create it (bgenix -g ${src.name} -index) or remove it`, expected, found);
}

/**
 * Offsets and sizes, in file order, of the blocks the index lists for the filter. An index range is taken
 * from the whole listing (its rows in offset order are the variants in file order), which must then have
 * one row per variant of the header.
 */
async function indexedBlocks(
  src: ByteSource,
  h: BgenHeader,
  index: BgiIndex,
  f: VariantFilter,
  filt: PreparedFilter,
  signal: AbortSignal | undefined,
): Promise<{ offset: Float64Array; size: Float64Array }> {
  const byPlace = !!f.chr?.length || f.fromBp !== undefined || f.toBp !== undefined;
  const sel = byPlace ? await index.blocks({ chr: f.chr, fromBp: f.fromBp, toBp: f.toBp }, signal) : null;
  if (filt.fromIndex === 0 && filt.toIndex === h.nVariants) return sel!;
  const all = await index.blocks({}, signal);
  if (all.offset.length !== h.nVariants) {
    throw indexMismatch(src, index, 0, 'it does not list every variant', `${h.nVariants} variants (header)`, `${all.offset.length} rows`);
  }
  if (all.offset[0] !== h.firstVariant) {
    throw indexMismatch(src, index, h.firstVariant, 'its first block is not where the variants start', `offset ${h.firstVariant}`, `offset ${all.offset[0]}`);
  }
  const lo = all.offset[filt.fromIndex];
  const hi = all.offset[filt.toIndex - 1];
  if (!sel) return { offset: all.offset.subarray(filt.fromIndex, filt.toIndex), size: all.size.subarray(filt.fromIndex, filt.toIndex) };
  let a = 0;
  while (a < sel.offset.length && sel.offset[a] < lo) a++;
  let b = a;
  while (b < sel.offset.length && sel.offset[b] <= hi) b++;
  return { offset: sel.offset.subarray(a, b), size: sel.size.subarray(a, b) };
}

/**
 * The chunks of bgenChunks for a filter the index answers: only the blocks it lists are read, in runs of
 * adjacent blocks of up to a window (one read each). Each block's head is parsed and must span the size the
 * index gives; the walk's chr / bp test is applied to it, so the variants are the walk's.
 */
async function* bgenIndexedChunks(
  src: ByteSource,
  h: BgenHeader,
  countFirst: boolean,
  windowBytes: number,
  opts: ChunkOptions,
  index: BgiIndex,
): AsyncGenerator<GenotypeChunk> {
  const { signal } = opts;
  const filt = prepareFilter(opts.filter, h.nVariants);
  if (filt.fromIndex >= filt.toIndex) return;
  const { offset, size } = await indexedBlocks(src, h, index, opts.filter ?? {}, filt, signal);
  const s = decodeState(src, h, countFirst, opts);
  const w = new BgenWindow(src, windowBytes);
  const gap = Math.min(GAP_BYTES, Math.floor(windowBytes / 16));
  for (let k = 0; k < offset.length; k++) {
    if ((k & 1023) === 0) throwIfAborted(signal);
    const p = offset[k];
    const z = size[k];
    if (!w.has(p, z)) {
      // this block and the next ones while they follow it (across gaps of up to `gap` bytes) within a window
      let end = p + z;
      for (let j = k + 1; j < offset.length && offset[j] >= end && offset[j] - end <= gap && offset[j] + size[j] - p <= windowBytes; j++) end = offset[j] + size[j];
      if (end > src.size || !(await w.load(p, end - p))) {
        throw indexMismatch(src, index, p, 'a block it lists runs past the end of the file', `${z} bytes from offset ${p}`, `${Math.max(0, src.size - p)} bytes`);
      }
    }
    const head = parseVariantHead(w.buf, w.at(p), w.at(p) + z, w.base);
    if (typeof head === 'number') throw indexMismatch(src, index, p, 'the variant block there is longer than the index says', `${z} bytes`, `more than ${z} bytes`);
    const label = `variant at byte ${p} (${head.rsid || head.varid || '.'}, ${head.chrom}:${head.pos})`;
    if (head.nAlleles !== 2) throw bgenError(src.name, head.dataAt - 2, `${label}: only biallelic variants are supported`, '2 alleles', `${head.nAlleles}`);
    const dataFrom = head.dataAt + 4;
    if (dataFrom + head.dataLength !== p + z) {
      throw indexMismatch(src, index, p, 'the variant block there is not the size the index says', `${z} bytes`, `${dataFrom + head.dataLength - p} bytes`);
    }
    const chrom = bgenChrom(head.chrom);
    if (!keptAt(filt, head, chrom)) continue;
    if (decodeVariant(s, w, head, chrom, dataFrom, label)) {
      throwIfAborted(signal);
      yield s.chunk.flush();
    }
  }
  throwIfAborted(signal);
  if (s.chunk.count > 0) yield s.chunk.flush();
}
