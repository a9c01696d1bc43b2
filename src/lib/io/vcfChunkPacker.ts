/**
 * The per-record packing of the VCF reader: sample columns of the kept records go into one chunk's buffer,
 * GT hard calls as 2-bit codes in the PLINK .bed layout (see GenotypeSource.ts), or, when dosages are asked
 * for, FORMAT/DS (GT for records without DS) as dosage codes (dosageCode.ts: DS rounded to plink2's 1/16384
 * grid, as plink2 imports it); the variant columns go beside them. `flush` hands the chunk out and starts the
 * next one.
 */
import type { GenotypeChunk } from './GenotypeSource';
import { bytesText } from './byteLines';
import { encodeDosage } from './dosageCode';
import type { VcfRecord } from './vcfRecord';

/** Target size of one chunk's sample data (bytes). */
const CHUNK_BYTES = 1 << 22;

export class VcfChunkPacker {
  /** Variants in the current chunk. */
  count = 0;
  /** Index of the current chunk's first variant among the variants yielded. */
  private start = 0;
  private readonly nSamples: number;
  private readonly bpv: number;
  private readonly chunkVariants: number;
  private readonly wantDosage: boolean;
  private packed: Uint8Array | null;
  private dosage: Uint16Array | null;
  private chrom: string[] = [];
  private id: string[] = [];
  private ref: string[] = [];
  private alt: string[] = [];
  private pos: number[] = [];

  /** `chunkVariants`: variants per chunk (default: about CHUNK_BYTES of sample data). */
  constructor(nSamples: number, wantDosage: boolean, chunkVariants: number | undefined) {
    this.nSamples = nSamples;
    this.wantDosage = wantDosage;
    this.bpv = Math.ceil(nSamples / 4);
    this.chunkVariants = Math.max(1, chunkVariants ?? Math.floor(CHUNK_BYTES / Math.max(1, wantDosage ? nSamples * 2 : this.bpv)));
    this.packed = wantDosage ? null : new Uint8Array(this.chunkVariants * this.bpv);
    this.dosage = wantDosage ? new Uint16Array(this.chunkVariants * nSamples) : null;
  }

  /**
   * Parses the sample columns buf[from, end) of `rec` into the next variant's slot: an error text (the slot
   * is left cleared), or null. The variant counts once `add` is called.
   */
  putSamples(buf: Uint8Array, from: number, end: number, rec: VcfRecord): string | null {
    const n = this.nSamples;
    if (this.dosage) {
      const ds = rec.dsIdx >= 0;
      return parseDosageRow(bytesText(buf, from, end), 0, n, ds ? rec.dsIdx : rec.gtIdx, ds, this.dosage, this.count * n);
    }
    const packed = this.packed as Uint8Array;
    const off = this.count * this.bpv;
    const err = parseGtBytes(buf, from, end, n, rec.gtIdx, packed, off);
    if (err !== null) packed.fill(0, off, off + this.bpv);
    return err;
  }

  /** Adds the variant columns of `rec` (line buf, CHROM `chrom`) to the slot filled by putSamples. True when the chunk is full. */
  add(buf: Uint8Array, rec: VcfRecord, chrom: string): boolean {
    const tabs = rec.tabs;
    const posS = String(rec.pos);
    const refS = bytesText(buf, tabs[2] + 1, tabs[3]);
    const altS = bytesText(buf, tabs[3] + 1, tabs[4]);
    const idS = bytesText(buf, tabs[1] + 1, tabs[2]);
    this.chrom.push(chrom);
    this.pos.push(rec.pos);
    this.id.push(idS === '.' ? `${chrom}:${posS}:${refS}:${altS}` : idS);
    this.ref.push(refS);
    this.alt.push(altS);
    this.count++;
    return this.count === this.chunkVariants;
  }

  /** The current chunk (buffers trimmed to its variants); the next one starts empty. */
  flush(): GenotypeChunk {
    const { count, chunkVariants, nSamples, bpv, packed, dosage } = this;
    const c: GenotypeChunk = {
      start: this.start,
      count,
      nSamples,
      bytesPerVariant: bpv,
      variants: { chrom: this.chrom, pos: Int32Array.from(this.pos), id: this.id, ref: this.ref, alt: this.alt },
    };
    if (packed) c.packed = count === chunkVariants ? packed : packed.slice(0, count * bpv);
    if (dosage) c.dosage = count === chunkVariants ? dosage : dosage.slice(0, count * nSamples);
    this.start += count;
    this.count = 0;
    this.chrom = [];
    this.id = [];
    this.ref = [];
    this.alt = [];
    this.pos = [];
    this.packed = this.wantDosage ? null : new Uint8Array(chunkVariants * bpv);
    this.dosage = this.wantDosage ? new Uint16Array(chunkVariants * nSamples) : null;
    return c;
  }
}

/** Checks the number of sample columns without parsing them. */
export function checkColumnBytes(buf: Uint8Array, from: number, end: number, nSamples: number): string | null {
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

/**
 * Parses DS or, for records without DS, GT into dosage codes at out[offset..] (dosageCode.ts): DS rounded to the
 * nearest 1/16384, halves up (plink2's DS import rounds so), 0xffff = missing.
 */
function parseDosageRow(line: string, from: number, nSamples: number, idx: number, isDs: boolean, out: Uint16Array, offset: number): string | null {
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
    out[offset + j] = encodeDosage(v);
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
