/**
 * BGEN v1.2 / v1.3 reader (layout 2; uncompressed, zlib or zstd genotype blocks; biallelic diploid data,
 * phased or unphased, any bits per probability from 1 to 32). Chunks carry ALT dosages (Uint16 codes on
 * plink2's 1/16384 grid, dosageCode.ts); the file is read front to back in 4 MB windows (bgenWindow.ts), never whole. The genotype data of
 * variants a filter removes is not decompressed, but without a .bgi index (not read) a chr / bp filter still
 * walks the file: the windows pass over every variant block to find the next one's header. With
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
import type { ChunkOptions, GenotypeChunk, GenotypeSource, SampleIds } from './GenotypeSource';
import { prepareFilter } from './bed';
import { normalizeChrom } from './chrom';
import { bgenError, readBgenHeader, readBgenSampleBlock, type BgenCompression, type BgenHeader } from './bgenHeader';
import { readOxfordSample } from './bgenSampleFile';
import { bgenChrom, decodeDosages, impute2Info, inflateGenotypes, parseVariantHead, type BgenDataFault, type BgenVariantHead } from './bgenVariant';
import { BgenWindow } from './bgenWindow';

/** Read-ahead window (4 MB reads are at disk speed in Node, see bed.ts). */
const WINDOW_BYTES = 4 << 20;
/** Default chunk size in bytes of dosage codes. */
const CHUNK_BYTES = 4 << 20;

export interface BgenFiles {
  bgen: ByteSource;
  /** Oxford .sample file; needed when the .bgen stores no sample IDs, preferred when it does (it has FIDs). */
  sample?: ByteSource;
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
}

export async function openBgen({ bgen, sample }: BgenFiles, opts: OpenBgenOptions = {}): Promise<BgenSource> {
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
  const countFirst = alleleOrder === 'ref-last';
  return {
    format: 'bgen',
    name: bgen.name,
    samples,
    nVariants: h.nVariants,
    compression: h.compression,
    alleleOrder,
    sampleIdsFrom: sample ? 'sample-file' : 'bgen',
    chunks: (o?: ChunkOptions) => bgenChunks(bgen, h, countFirst, Math.max(1, opts.windowBytes ?? WINDOW_BYTES), o ?? {}),
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

/** One pass over the variant blocks: the kept variants' dosages decoded into chunks, the others skipped. */
async function* bgenChunks(
  src: ByteSource,
  h: BgenHeader,
  countFirst: boolean,
  windowBytes: number,
  opts: ChunkOptions,
): AsyncGenerator<GenotypeChunk> {
  const { signal } = opts;
  const n = h.nSamples;
  const filt = prepareFilter(opts.filter, h.nVariants);
  if (filt.fromIndex >= filt.toIndex) return;
  const infoMask = infoSampleMask(opts.infoSamples, n);
  const chunk = new DosageChunk(n, Math.max(1, opts.chunkVariants ?? Math.floor(CHUNK_BYTES / Math.max(1, 2 * n))), infoMask !== undefined);
  const w = new BgenWindow(src, windowBytes);
  const scratch = { out: new Uint8Array(0) };
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
    if (i < filt.fromIndex || head.pos < filt.fromBp || head.pos > filt.toBp) continue;
    if (filt.chr && !filt.chr.has(normalizeChrom(chrom))) continue;
    if (!w.has(dataFrom, head.dataLength)) await w.fill(dataFrom, head.dataLength);
    const data = inflateGenotypes(h.compression, w.buf, w.at(dataFrom), head.dataLength, scratch);
    if (!(data instanceof Uint8Array)) throw faultError(src, h, dataFrom, label, data, false);
    const fault = decodeDosages(data, n, countFirst, chunk.dosage, chunk.count * n);
    if (fault) throw faultError(src, h, dataFrom, label, fault, true);
    if (chunk.info) chunk.info[chunk.count] = impute2Info(data, n, infoMask ?? null);
    const [first, second] = head.alleles;
    const [ref, alt] = countFirst ? [second, first] : [first, second];
    if (chunk.add(chrom, head.pos, variantId(head, chrom, ref, alt), ref, alt)) {
      throwIfAborted(signal);
      yield chunk.flush();
    }
  }
  throwIfAborted(signal);
  if (chunk.count > 0) yield chunk.flush();
}
