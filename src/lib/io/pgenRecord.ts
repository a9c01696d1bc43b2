/**
 * Decodes one .pgen variant record (PGEN draft spec, "Variant records"; pgenlib_read.cc) into 2-bit hardcalls
 * in plink2 coding (0 = hom REF, 1 = het, 2 = hom ALT, 3 = missing; packed like .bed, low bits first) and,
 * when asked, ALT dosages. Record type bits:
 *   0-2  main track: 0 plain 2-bit; 1 one bit per sample between the two commonest categories + a difflist of
 *        the rest; 2 / 3 a difflist against the last non-LD-compressed variant (3: then 0 and 2 swapped);
 *        4 / 6 / 7 a difflist against all 0 / all 2 / all 3; 5 all hom REF (no data)
 *   3    multiallelic hardcalls (rejected)
 *   4    hardcall phase (skipped: 1 + het-count bits, or a phasepresent bitarray then its phase bits)
 *   5-6  dosages: 0x20 difflist of the samples with one, 0x40 one uint16 per sample (65535 missing), 0x60 a
 *        bitarray of the samples with one; values are uint16 ALT dosages x 16384 (our dosage codes as they are,
 *        dosageCode.ts). Samples without a stored dosage take their hardcall (missing hardcall = missing dosage).
 *   7    phased dosages (after the dosages; not needed for the ALT dosage, left unread)
 * A difflist: varint length L; for each group of 64 its first sample ID (sampleIdBytes wide); G - 1 group
 * sizes; with genotypes, ceil(L/4) bytes of 2-bit values; then varint ID increments inside each group.
 */
import { InputError } from '../base/errors';
import { PLINK1_RECORD, sampleIdBytes, uintLE } from './pgenHeader';
import { DOSAGE_MISSING, DOSAGE_TWO, DOSAGE_UNIT } from './dosageCode';

/** Per byte of 4 calls: plink2 coding -> .bed coding (0 -> 11, 1 -> 10, 2 -> 00, 3 -> 01), and back. */
const BED_OF_PLINK2 = [3, 2, 0, 1];
const PLINK2_OF_BED = [2, 3, 1, 0];
const TO_BED = byteMap((c) => BED_OF_PLINK2[c]);
const FROM_BED = byteMap((c) => PLINK2_OF_BED[c]);
/** Swaps hom REF and hom ALT (record type 3). */
const INVERT = byteMap((c) => (c === 0 ? 2 : c === 2 ? 0 : c));
/** Number of het (code 1) calls in a byte. */
const HETS = new Uint8Array(256).map((_, b) => [0, 2, 4, 6].filter((s) => ((b >> s) & 3) === 1).length);
const POPCOUNT = new Uint8Array(256).map((_, b) => [0, 1, 2, 3, 4, 5, 6, 7].filter((s) => (b >> s) & 1).length);
/** Hardcall (plink2 code) -> dosage code. */
const DOSAGE_OF_CODE = Uint16Array.of(0, DOSAGE_UNIT, DOSAGE_TWO, DOSAGE_MISSING);
/** Valid first bytes of a one-bit record: 4 * low category + (high - low). */
const ONEBIT_CODES = new Set([1, 2, 3, 5, 6, 9]);

function byteMap(f: (code: number) => number): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = f(b & 3) | (f((b >> 2) & 3) << 2) | (f((b >> 4) & 3) << 4) | (f((b >> 6) & 3) << 6);
  return t;
}

export function isLdCompressed(type: number): boolean {
  return type !== PLINK1_RECORD && (type & 6) === 2;
}

export class PgenRecordDecoder {
  /** Hardcalls of the variant decoded last, plink2 coding, padding calls 0. */
  readonly geno: Uint8Array;
  /** Index of the last non-LD-compressed variant decoded (the base of types 2 and 3), or -1. */
  ldBaseIndex = -1;
  private readonly ldBase: Uint8Array;
  private readonly n: number;
  private readonly bpv: number;
  private readonly idBytes: number;
  private readonly ids: Int32Array;
  private readonly lastMask: number;
  /** Read position in the current record, and its context for messages. */
  private p = 0;
  private end = 0;
  private index = 0;
  private offset = 0;

  constructor(
    nSamples: number,
    private readonly file: string,
  ) {
    this.n = nSamples;
    this.bpv = Math.ceil(nSamples / 4);
    this.geno = new Uint8Array(this.bpv);
    this.ldBase = new Uint8Array(this.bpv);
    this.idBytes = sampleIdBytes(nSamples);
    this.ids = new Int32Array(nSamples);
    this.lastMask = nSamples % 4 === 0 ? 0xff : (1 << (2 * (nSamples % 4))) - 1;
  }

  /**
   * Decodes the main track of record `index` (rec[from, end), at file offset `offset`) into `geno`; with
   * `dosage`, also fills dosage[at, at + nSamples) with ALT dosage codes (dosageCode.ts). A type 2/3 record
   * needs the base decoded before it (ldBaseIndex): the caller orders the reads.
   */
  decode(rec: Uint8Array, from: number, end: number, type: number, index: number, offset: number, dosage?: Uint16Array, at = 0): void {
    this.p = from;
    this.end = end;
    this.index = index;
    this.offset = offset;
    if (type & 8) this.fail('a biallelic variant (record type bit 3 clear)', `multiallelic hardcalls (record type 0x${type.toString(16)})`);
    this.mainTrack(rec, type);
    const g = this.geno;
    g[this.bpv - 1] &= this.lastMask;
    if (!isLdCompressed(type)) {
      this.ldBase.set(g);
      this.ldBaseIndex = index;
    }
    if (!dosage) return;
    for (let j = 0; j < this.n; j++) dosage[at + j] = DOSAGE_OF_CODE[(g[j >> 2] >> ((j & 3) << 1)) & 3];
    if (type === PLINK1_RECORD || !(type & 0x60)) return;
    if (type & 0x10) this.skipPhase(rec);
    this.dosageTrack(rec, type, dosage, at);
  }

  /** The decoded hardcalls as a .bed row (PLINK 1 coding, zero padding) at out[at, at + bpv). */
  writeBedRow(out: Uint8Array, at: number): void {
    const g = this.geno;
    for (let i = 0; i < this.bpv; i++) out[at + i] = TO_BED[g[i]];
    out[at + this.bpv - 1] &= this.lastMask;
  }

  private mainTrack(rec: Uint8Array, type: number): void {
    const g = this.geno;
    if (type === PLINK1_RECORD) {
      this.need(this.bpv, 'a .bed row');
      for (let i = 0; i < this.bpv; i++) g[i] = FROM_BED[rec[this.p + i]];
      this.p += this.bpv;
      return;
    }
    switch (type & 7) {
      case 0:
        this.need(this.bpv, 'a 2-bit genotype array');
        g.set(rec.subarray(this.p, this.p + this.bpv));
        this.p += this.bpv;
        return;
      case 1:
        this.oneBit(rec);
        return;
      case 2:
      case 3:
        if (this.ldBaseIndex < 0) this.fail('a non-LD-compressed variant before an LD-compressed one', 'none decoded (first variant of a block?)');
        g.set(this.ldBase);
        this.difflist(rec, true);
        if ((type & 7) === 3) for (let i = 0; i < this.bpv; i++) g[i] = INVERT[g[i]];
        return;
      case 5:
        g.fill(0);
        return;
      default:
        g.fill((type & 3) * 0x55);
        this.difflist(rec, true);
    }
  }

  /** Type 1: the two commonest categories as one bit per sample (set = the higher), then a difflist of the rest. */
  private oneBit(rec: Uint8Array): void {
    this.need(1 + Math.ceil(this.n / 8), 'a one-bit genotype array');
    const code = rec[this.p];
    if (!ONEBIT_CODES.has(code)) this.fail('a one-bit category code 1, 2, 3, 5, 6 or 9', `${code}`);
    const lo = code >> 2;
    const hi = lo + (code & 3);
    const nibble = new Uint8Array(16);
    for (let v = 0; v < 16; v++) {
      let b = 0;
      for (let j = 0; j < 4; j++) b |= ((v >> j) & 1 ? hi : lo) << (2 * j);
      nibble[v] = b;
    }
    const g = this.geno;
    const bits = this.p + 1;
    for (let i = 0; i < this.bpv; i++) g[i] = nibble[(rec[bits + (i >> 1)] >> ((i & 1) << 2)) & 15];
    this.p = bits + Math.ceil(this.n / 8);
    this.difflist(rec, true);
  }

  /**
   * Reads a difflist at the current position. With `withGeno`, patches its 2-bit values into `geno`;
   * without, stores its sample IDs in `ids` (dosage track 3). Returns its length.
   */
  private difflist(rec: Uint8Array, withGeno: boolean): number {
    const len = this.varint(rec);
    if (len === 0) return 0;
    if (len > this.n) this.fail(`a difflist of at most ${this.n} samples`, `length ${len}`);
    const groups = Math.ceil(len / 64);
    const w = this.idBytes;
    const basesAt = this.p;
    this.need(groups * w + groups - 1 + (withGeno ? Math.ceil(len / 4) : 0), 'a difflist header');
    const valuesAt = basesAt + groups * w + groups - 1;
    this.p = valuesAt + (withGeno ? Math.ceil(len / 4) : 0);
    const g = this.geno;
    let id = 0;
    for (let k = 0; k < len; k++) {
      id = (k & 63) === 0 ? uintLE(rec, basesAt + (k >> 6) * w, w) : id + this.varint(rec);
      if (id >= this.n) this.fail(`difflist sample indices below ${this.n}`, `${id}`);
      if (withGeno) {
        const v = (rec[valuesAt + (k >> 2)] >> ((k & 3) << 1)) & 3;
        const s = (id & 3) << 1;
        g[id >> 2] = (g[id >> 2] & ~(3 << s)) | (v << s);
      } else {
        this.ids[k] = id;
      }
    }
    return len;
  }

  /** Skips the hardcall-phase track (bit 4): its size follows from the het count of the main track. */
  private skipPhase(rec: Uint8Array): void {
    let hets = 0;
    for (let i = 0; i < this.bpv; i++) hets += HETS[this.geno[i]];
    const head = Math.ceil((hets + 1) / 8);
    this.need(head, 'the hardcall-phase track');
    if (rec[this.p] & 1) {
      let present = 0;
      for (let i = 0; i < head; i++) present += POPCOUNT[rec[this.p + i]];
      this.p += head + Math.ceil((present - 1) / 8);
    } else {
      this.p += head;
    }
  }

  private dosageTrack(rec: Uint8Array, type: number, out: Uint16Array, at: number): void {
    const mode = type & 0x60;
    if (mode === 0x40) {
      this.need(2 * this.n, `${this.n} dosages`);
      for (let j = 0; j < this.n; j++) out[at + j] = this.dosageAt(rec, this.p + 2 * j);
      this.p += 2 * this.n;
      return;
    }
    let count: number;
    if (mode === 0x20) {
      count = this.difflist(rec, false);
    } else {
      const bytes = Math.ceil(this.n / 8);
      this.need(bytes, 'the dosage-present bitarray');
      count = 0;
      for (let j = 0; j < this.n; j++) if ((rec[this.p + (j >> 3)] >> (j & 7)) & 1) this.ids[count++] = j;
      this.p += bytes;
    }
    this.need(2 * count, `${count} dosages`);
    for (let k = 0; k < count; k++) out[at + this.ids[k]] = this.dosageAt(rec, this.p + 2 * k);
    this.p += 2 * count;
  }

  /** The stored uint16 (65535 = missing, our DOSAGE_MISSING): a dosage code as it is. */
  private dosageAt(rec: Uint8Array, i: number): number {
    return rec[i] | (rec[i + 1] << 8);
  }

  private varint(rec: Uint8Array): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.p >= this.end) this.fail('a complete varint', 'the end of the record');
      const b = rec[this.p++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
    return this.fail('a varint of at most 5 bytes', 'a longer one');
  }

  private need(bytes: number, what: string): void {
    if (this.p + bytes > this.end) this.fail(`${what} (${bytes} bytes)`, `${this.end - this.p} bytes left in the record`);
  }

  private fail(expected: string, found: string): never {
    throw new InputError(
      { file: this.file, expected, found },
      `malformed record of variant ${this.index} (0-based; record at byte ${this.offset})`,
    );
  }
}
