/**
 * The fixed columns of one VCF record (CHROM POS ID REF ALT QUAL FILTER INFO FORMAT), read on the bytes of
 * its line: the tab positions, POS as an integer, and where GT (and DS, when dosages are asked for) sit in
 * FORMAT (cached while consecutive records share a FORMAT text). Records vcf.ts skips (multi-allelic ALT,
 * malformed columns) come back as a VcfSkip with the reason.
 */
import { bytesText } from './byteLines';

/** Why a record is skipped: `multi` counts it as multi-allelic, else as malformed. */
export interface VcfSkip {
  multi: boolean;
  reason: string;
}

/** Tabs that end the fixed columns (after CHROM ... FORMAT). */
const FIXED_TABS = 9;
const TAB = 9;
const COMMA = 44;
const ZERO = 48;
const MAX_POS = 2147483647;

export class VcfRecord {
  /** tabs[k]: offset of the tab after fixed column k (0 = CHROM, 8 = FORMAT) of the last record read. */
  readonly tabs = new Int32Array(FIXED_TABS);
  /** POS of the last record read. */
  pos = 0;
  /** Index of GT in the record's FORMAT, or -1. */
  gtIdx = -1;
  /** Index of DS in the record's FORMAT (-1 when absent or dosages are not asked for). */
  dsIdx = -1;
  private fmtText = '';
  private readonly nSamples: number;
  private readonly wantDosage: boolean;

  constructor(nSamples: number, wantDosage: boolean) {
    this.nSamples = nSamples;
    this.wantDosage = wantDosage;
  }

  /** Reads the fixed columns of the record on buf[s, e): null when it can be read, else why it is skipped. */
  read(buf: Uint8Array, s: number, e: number): VcfSkip | null {
    const tabs = this.tabs;
    let p = s - 1;
    let nt = 0;
    for (; nt < FIXED_TABS; nt++) {
      p = buf.indexOf(TAB, p + 1);
      if (p < 0 || p >= e) break;
      tabs[nt] = p;
    }
    if (nt < FIXED_TABS) return { multi: false, reason: `expected ${FIXED_TABS + this.nSamples} tab-separated columns, found ${nt + 1}` };
    let comma = false;
    for (let i = tabs[3] + 1; i < tabs[4]; i++) if (buf[i] === COMMA) comma = true;
    if (comma) return { multi: true, reason: `multi-allelic ALT '${bytesText(buf, tabs[3] + 1, tabs[4])}'` };
    let posN = 0;
    let posOk = tabs[1] > tabs[0] + 1;
    for (let i = tabs[0] + 1; i < tabs[1]; i++) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) posOk = false;
      posN = posN * 10 + d;
    }
    if (!posOk || posN > MAX_POS) return { multi: false, reason: `POS is not a positive integer: '${bytesText(buf, tabs[0] + 1, tabs[1])}'` };
    if (tabs[3] === tabs[2] + 1 || tabs[4] === tabs[3] + 1) return { multi: false, reason: 'empty REF or ALT' };
    this.pos = posN;
    const fmt = bytesText(buf, tabs[7] + 1, tabs[8]);
    if (fmt !== this.fmtText) {
      this.fmtText = fmt;
      const fmtFields = fmt.split(':');
      this.gtIdx = fmtFields.indexOf('GT');
      this.dsIdx = this.wantDosage ? fmtFields.indexOf('DS') : -1;
    }
    if (this.gtIdx < 0 && this.dsIdx < 0) return { multi: false, reason: `FORMAT has no GT${this.wantDosage ? ' or DS' : ''}: '${fmt}'` };
    return null;
  }
}
