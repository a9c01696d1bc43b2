/**
 * One variant block of a layout-2 .bgen (v1.2 / v1.3):
 *   identifying data: varid (2-byte length + bytes), rsid (same), chrom (same), position (4), K (2), then K
 *   alleles (4-byte length + bytes); genotype data: C (4) = bytes that follow, then, when the file is
 *   compressed, D (4) = uncompressed length and C - 4 compressed bytes (else C bytes as they are).
 *   uncompressed genotype data: N (4), K (2), min and max ploidy (1 each), N ploidy bytes (bits 0-5 ploidy,
 *   bit 7 missing), phased (1), bits per probability B (1), then the probabilities as B-bit unsigned integers
 *   packed little-endian (value / (2^B - 1)), per sample the last probability of each distribution implied.
 * Only biallelic (K = 2) diploid data is read: per sample two stored values, unphased P(11) and P(12) (P(22)
 * implied), phased P(first allele) on each haplotype.
 */
import { unzlibSync } from 'fflate';
import { decompress } from 'fzstd';
import type { BgenCompression } from './bgenHeader';
import { u16, u32 } from './bgenHeader';
import { bytesText } from './byteLines';
import { DOSAGE_MISSING, DOSAGE_TWO, DOSAGE_UNIT } from './dosageCode';

export interface BgenVariantHead {
  /** The 'SNP ID' field (varid). */
  varid: string;
  rsid: string;
  chrom: string;
  pos: number;
  /** K. The alleles are read only when K = 2 (other counts are refused by the caller). */
  nAlleles: number;
  alleles: string[];
  /** File offset of the genotype data's length field C; C itself. */
  dataAt: number;
  dataLength: number;
}

/** Thrown by the decoder; the caller adds the file, offset and variant. */
export interface BgenDataFault {
  /** Offset of the fault within the uncompressed genotype data. */
  at: number;
  what: string;
  expected: string;
  found: string;
}

/**
 * Parses the identifying data and the length C of the variant block at buf[p] (`base` = file offset of buf[0]).
 * Returns the head, or the number of bytes from p it needs when buf (which ends at `end`) ends first.
 */
export function parseVariantHead(buf: Uint8Array, p: number, end: number, base: number): BgenVariantHead | number {
  // varid, rsid and chrom: 2-byte length + bytes each
  const from = [0, 0, 0];
  const to = [0, 0, 0];
  let q = p;
  for (let k = 0; k < 3; k++) {
    if (q + 2 > end) return q + 2 - p;
    from[k] = q + 2;
    to[k] = q + 2 + u16(buf, q);
    q = to[k];
  }
  if (q + 6 > end) return q + 6 - p;
  const head: BgenVariantHead = {
    varid: bytesText(buf, from[0], to[0]),
    rsid: bytesText(buf, from[1], to[1]),
    chrom: bytesText(buf, from[2], to[2]),
    pos: u32(buf, q),
    nAlleles: u16(buf, q + 4),
    alleles: [],
    dataAt: 0,
    dataLength: 0,
  };
  q += 6;
  if (head.nAlleles === 2) {
    for (let k = 0; k < 2; k++) {
      if (q + 4 > end) return q + 4 - p;
      const l = u32(buf, q);
      if (q + 4 + l > end) return q + 4 + l - p;
      head.alleles.push(bytesText(buf, q + 4, q + 4 + l));
      q += 4 + l;
    }
    if (q + 4 > end) return q + 4 - p;
    head.dataLength = u32(buf, q);
  }
  head.dataAt = base + q;
  return head;
}

/** Chromosome code as plink2 reads it from a .bgen: numeric codes lose leading zeros ('01' -> '1', as UK Biobank writes them). */
export function bgenChrom(code: string): string {
  return /^0+[0-9]/.test(code) ? code.replace(/^0+/, '') : code;
}

/**
 * The uncompressed genotype data of a block whose C bytes are buf[at, at + c). `scratch` is reused for zlib
 * output. Returns the data or a fault (D disagrees with the output, or the stream is corrupt).
 */
export function inflateGenotypes(
  compression: BgenCompression,
  buf: Uint8Array,
  at: number,
  c: number,
  scratch: { out: Uint8Array },
): Uint8Array | BgenDataFault {
  if (compression === 'none') return buf.subarray(at, at + c);
  if (c < 4) return { at: 0, what: 'genotype data too short', expected: 'at least 4 bytes (the uncompressed length D)', found: `${c}` };
  const d = u32(buf, at);
  const z = buf.subarray(at + 4, at + c);
  let out: Uint8Array;
  try {
    if (compression === 'zlib') {
      // one byte more than D: fflate fills a fixed buffer without complaint, so a longer stream shows as D + 1
      if (scratch.out.length < d + 1) scratch.out = new Uint8Array(d + 1 + (d >> 2));
      out = unzlibSync(z, { out: scratch.out.subarray(0, d + 1) });
    } else {
      // no output buffer: fzstd returns a given buffer whole, which would hide a short stream
      out = decompress(z);
    }
  } catch (e) {
    return { at: 4, what: `cannot decompress the genotype data (${compression})`, expected: `a valid ${compression} stream of ${d} bytes`, found: e instanceof Error ? e.message : String(e) };
  }
  if (out.length !== d) {
    const found = compression === 'zlib' && out.length > d ? `more than ${d} bytes` : `${out.length} bytes`;
    return { at: 4, what: 'decompressed genotype data differs from its declared length D', expected: `${d} bytes`, found };
  }
  return out;
}

/**
 * ALT dosages of one variant from its uncompressed genotype data into out[off, off + nSamples) as dosage codes
 * (dosageCode.ts): the count of the second allele, or of the first when `countFirst`, on plink2's 1/16384 grid
 * exactly as plink2 2.00a3.5 puts a .bgen's probabilities there when it reads one (so scans equal plink2's on
 * the .bgen and on the .pgen made from it); DOSAGE_MISSING where the sample is flagged missing. Returns a fault
 * for data this reader does not take (not N samples, K != 2, not diploid, bad phased flag or B, short data,
 * unphased probabilities of a sample with a call summing to more than 1).
 *
 * plink2's rounding (found by comparison, not in its docs): with D = 2^B - 1 and S = the count of the second
 * allele in units of 1/D (unphased 2D - 2 v0 - v1, i.e. P(12) + 2 P(22); phased 2D - v0 - v1), the code is
 * floor((16384 S + max(0, floor(D / 2) - 1)) / D): nearest, except that a remainder of (D + 1) / 2 rounds down
 * (2-bit data: truncation); counting the first allele, 32768 minus that. Equal to plink2 --bgen ... --make-pgen
 * on every dosage of files of 1-5, 8, 10, 12 and 16 bits, ref-first and ref-last, unphased and phased (plain
 * rounding missed 0.2% of 8-bit dosages by one step). Exact in float64 for B <= 32 (16384 S < 2^48).
 */
export function decodeDosages(data: Uint8Array, nSamples: number, countFirst: boolean, out: Uint16Array, off: number): BgenDataFault | null {
  const layout = probabilityLayout(data, nSamples);
  if ('what' in layout) return layout;
  const n = nSamples;
  const { q, phased, bits } = layout;
  const D = 2 ** bits - 1;
  const bias = Math.max(0, Math.floor(D / 2) - 1);
  // 16384 S = 16384 (2D - wFirst v0 - v1) = top - wUnit v0 - DOSAGE_UNIT v1
  const top = DOSAGE_UNIT * 2 * D + bias;
  const wUnit = (phased ? 1 : 2) * DOSAGE_UNIT;
  const sign = countFirst ? -1 : 1;
  const add = countFirst ? DOSAGE_TWO : 0;
  // unphased: P(11) + P(12) <= 1, i.e. v0 + v1 <= D (phased values are each <= D by their width)
  const maxSum = phased ? 2 * D : D;
  let bad = -1;
  if (bits === 8) {
    for (let j = 0; j < n; j++) {
      const v0 = data[q + 2 * j];
      const v1 = data[q + 2 * j + 1];
      if (v0 + v1 > maxSum) bad = j;
      out[off + j] = data[8 + j] & 0x80 ? DOSAGE_MISSING : add + sign * Math.floor((top - wUnit * v0 - DOSAGE_UNIT * v1) / D);
    }
  } else if (bits === 16) {
    for (let j = 0; j < n; j++) {
      const v0 = u16(data, q + 4 * j);
      const v1 = u16(data, q + 4 * j + 2);
      if (v0 + v1 > maxSum) bad = j;
      out[off + j] = data[8 + j] & 0x80 ? DOSAGE_MISSING : add + sign * Math.floor((top - wUnit * v0 - DOSAGE_UNIT * v1) / D);
    }
  } else {
    for (let j = 0; j < n; j++) {
      const v0 = readBits(data, q, 2 * j * bits, bits);
      const v1 = readBits(data, q, (2 * j + 1) * bits, bits);
      if (v0 + v1 > maxSum) bad = j;
      out[off + j] = data[8 + j] & 0x80 ? DOSAGE_MISSING : add + sign * Math.floor((top - wUnit * v0 - DOSAGE_UNIT * v1) / D);
    }
  }
  return bad < 0 ? null : sumFault(data, q, bits, bad, maxSum);
}

/**
 * The fault for unphased probabilities summing to more than 1 (stored values above `maxSum`), at the first such
 * sample with a call up to `last` (the last sample whose values exceed it); null when all of them are missing.
 */
function sumFault(data: Uint8Array, q: number, bits: number, last: number, maxSum: number): BgenDataFault | null {
  for (let j = 0; j <= last; j++) {
    if (data[8 + j] & 0x80) continue;
    const v0 = readBits(data, q, 2 * j * bits, bits);
    const v1 = readBits(data, q, (2 * j + 1) * bits, bits);
    if (v0 + v1 > maxSum) {
      return { at: q + Math.floor((2 * j * bits) / 8), what: `sample ${j + 1}: genotype probabilities sum to more than 1`, expected: `P(11) + P(12) <= 1 (stored values summing to at most ${maxSum})`, found: `${v0} + ${v1}` };
    }
  }
  return null;
}

/**
 * The IMPUTE2 info measure of one variant, from the genotype probabilities of its (already decoded, so valid)
 * uncompressed genotype data, over the samples with a call that `include` marks (null: every sample). As
 * Marchini & Howie (2010, Nat Rev Genet 11:499, Box 3) define it and IMPUTE2, SNPTEST and QCTOOL report it:
 * per sample e = P(het) + 2 P(hom counted) and f = P(het) + 4 P(hom counted) (E[g] and E[g^2]), over the N
 * samples theta = sum e / (2N), info = 1 - sum (f - e^2) / (2N theta (1 - theta)), and info = 1 when theta
 * is 0 or 1. It does not depend on which allele is counted (g -> 2 - g keeps every variance and theta (1 -
 * theta)); the second allele is. Phased data: the haplotypes' probabilities x1, x2 of the allele give
 * e = x1 + x2, f - e^2 = x1 (1 - x1) + x2 (1 - x2). NaN when no marked sample has a call.
 */
export function impute2Info(data: Uint8Array, nSamples: number, include: Uint8Array | null): number {
  const layout = probabilityLayout(data, nSamples);
  if ('what' in layout) return NaN;
  const { q, phased, bits } = layout;
  const D = 2 ** bits - 1;
  // in units of 1/D: sumE = sum of D e (integers), sumV = sum of D^2 (f - e^2)
  let obs = 0;
  let sumE = 0;
  let sumV = 0;
  for (let j = 0; j < nSamples; j++) {
    if ((include && !include[j]) || data[8 + j] & 0x80) continue;
    const v0 = readBits(data, q, 2 * j * bits, bits);
    const v1 = readBits(data, q, (2 * j + 1) * bits, bits);
    obs++;
    if (phased) {
      // v0, v1: the first allele's probability on each haplotype; x = (D - v) / D of the second
      sumE += 2 * D - v0 - v1;
      sumV += (D - v0) * v0 + (D - v1) * v1;
    } else {
      // v0 = D P(11), v1 = D P(12), D P(22) = D - v0 - v1
      const p22 = D - v0 - v1;
      const e = v1 + 2 * p22;
      const f = v1 + 4 * p22;
      sumE += e;
      sumV += f * D - e * e;
    }
  }
  if (obs === 0) return NaN;
  if (sumE === 0 || sumE === 2 * obs * D) return 1;
  const theta = sumE / (2 * obs * D);
  return 1 - sumV / (D * D) / (2 * obs * theta * (1 - theta));
}

/** Where the probabilities of a variant's uncompressed genotype data start and how they are stored, or a fault. */
function probabilityLayout(data: Uint8Array, n: number): { q: number; phased: number; bits: number } | BgenDataFault {
  if (data.length < 8) return { at: 0, what: 'genotype data too short', expected: 'at least 8 bytes (N, K, ploidy range)', found: `${data.length}` };
  if (u32(data, 0) !== n) return { at: 0, what: 'genotype data sample count differs from the header', expected: `${n}`, found: `${u32(data, 0)}` };
  if (u16(data, 4) !== 2) return { at: 4, what: 'genotype data allele count differs from the variant', expected: '2', found: `${u16(data, 4)}` };
  if (data[6] !== 2 || data[7] !== 2) {
    return { at: 6, what: 'only diploid genotypes are supported', expected: 'ploidy 2 for every sample (min 2, max 2)', found: `min ${data[6]}, max ${data[7]}` };
  }
  const ph = 8 + n;
  if (data.length < ph + 2) return { at: 8, what: 'genotype data too short', expected: `${ph + 2} bytes (N ploidy bytes, phased flag, bits)`, found: `${data.length}` };
  const phased = data[ph];
  const bits = data[ph + 1];
  if (phased > 1) return { at: ph, what: 'bad phased flag', expected: '0 or 1', found: `${phased}` };
  if (bits < 1 || bits > 32) return { at: ph + 1, what: 'bad bits per probability', expected: '1 to 32', found: `${bits}` };
  const q = ph + 2;
  const need = q + Math.ceil((2 * n * bits) / 8);
  if (data.length < need) return { at: q, what: 'probability data too short', expected: `${need} bytes (2 x ${n} values of ${bits} bits)`, found: `${data.length}` };
  for (let j = 0; j < n; j++) {
    const pb = data[8 + j];
    if ((pb & 0x3f) !== 2) return { at: 8 + j, what: `sample ${j + 1}: only diploid genotypes are supported`, expected: 'ploidy 2', found: `${pb & 0x3f}` };
  }
  return { q, phased, bits };
}

/** The `bits`-bit little-endian unsigned integer starting `bit` bits after byte `q` (bits <= 32; at most 5 bytes, exact in a double). */
function readBits(data: Uint8Array, q: number, bit: number, bits: number): number {
  const first = q + Math.floor(bit / 8);
  const shift = bit % 8;
  const nBytes = (shift + bits + 7) >> 3;
  let v = 0;
  let mul = 1;
  for (let k = 0; k < nBytes; k++) {
    v += data[first + k] * mul;
    mul *= 256;
  }
  return Math.floor(v / 2 ** shift) % 2 ** bits;
}
