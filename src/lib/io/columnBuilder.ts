/**
 * One table column while it is being parsed: numbers go into a growing Float32Array (NaN = missing), and the
 * column's distinct raw texts are tracked until there are more than MAX_LEVELS of them, so that a column with
 * text cells can become categorical at the end without keeping any per-row strings.
 */
import type { TableColumn } from './Table';

/** A column with text cells becomes categorical when it has at most this many distinct values... */
export const MAX_LEVELS = 50;
/** ...and fewer distinct values than this fraction of its rows (or at most 2 distinct values: binary text). */
export const MAX_LEVEL_FRACTION = 0.5;

export class ColumnBuilder {
  readonly name: string;
  values: Float32Array;
  /** Distinct non-missing texts -> first code, or null once there were more than MAX_LEVELS. */
  private distinct: Map<string, number> | null = new Map();
  /** Rows and codes of non-numeric cells (only kept while `distinct` is not null). */
  private nnRows: Int32Array = new Int32Array(16);
  private nnCodes: Int32Array = new Int32Array(16);
  private nnLen = 0;
  nonNumeric = 0;
  firstNonNumericLine = 0;
  firstNonNumericText = '';
  nonMissing = 0;

  constructor(name: string, capacity: number) {
    this.name = name;
    this.values = new Float32Array(Math.max(16, capacity));
  }

  /** Grows every column's storage to at least `cap` rows (1.5x steps). */
  ensure(cap: number): void {
    if (cap <= this.values.length) return;
    const next = new Float32Array(Math.max(cap, Math.ceil(this.values.length * 1.5)));
    next.set(this.values);
    this.values = next;
  }

  /**
   * Stores cell `text` of row `row` (file line `line`). `missing` holds the trimmed missing tokens.
   * Hot path: a plain number is one unary plus and one Map lookup while the column still has few levels.
   */
  set(row: number, text: string, missing: Set<string>, line: number): void {
    let s = text;
    if (missing.has(s)) {
      this.values[row] = NaN;
      return;
    }
    let v = +s;
    if (v !== v || s.length === 0 || (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32)) {
      // slow path: surrounding spaces, or not a number
      s = s.trim();
      if (missing.has(s)) {
        this.values[row] = NaN;
        return;
      }
      v = s.length === 0 ? NaN : +s;
    }
    this.nonMissing++;
    const d = this.distinct;
    let code = -1;
    if (d !== null) {
      const c = d.get(s);
      if (c === undefined) {
        if (d.size >= MAX_LEVELS) {
          this.distinct = null;
          this.nnLen = 0;
          this.nnRows = new Int32Array(0);
          this.nnCodes = new Int32Array(0);
        } else {
          code = d.size;
          d.set(s, code);
        }
      } else code = c;
    }
    if (v === v && v !== Infinity && v !== -Infinity) {
      this.values[row] = v;
      return;
    }
    this.values[row] = NaN;
    if (this.nonNumeric++ === 0) {
      this.firstNonNumericLine = line;
      this.firstNonNumericText = s;
    }
    if (this.distinct !== null) {
      if (this.nnLen === this.nnRows.length) {
        const r = new Int32Array(this.nnLen * 2);
        r.set(this.nnRows);
        this.nnRows = r;
        const c = new Int32Array(this.nnLen * 2);
        c.set(this.nnCodes);
        this.nnCodes = c;
      }
      this.nnRows[this.nnLen] = row;
      this.nnCodes[this.nnLen++] = code;
    }
  }

  /** Finishes the column for `n` rows; `warn` receives the non-numeric warning (without the file prefix). */
  finish(n: number, warn: (msg: string) => void): TableColumn {
    const values = trim(this.values, n);
    this.values = new Float32Array(0);
    const d = this.distinct;
    if (this.nonNumeric > 0 && d !== null) {
      const levels = mergeLevels(d);
      const k = levels.levels.length;
      if (k <= MAX_LEVELS && (k <= 2 || k < MAX_LEVEL_FRACTION * n)) return this.toCategorical(values, levels);
    }
    if (this.nonNumeric > 0) {
      warn(
        `column ${this.name}: ${this.nonNumeric} non-numeric cell${this.nonNumeric === 1 ? '' : 's'} counted as missing ` +
          `(first at line ${this.firstNonNumericLine}: '${this.firstNonNumericText}')`,
      );
    }
    return { name: this.name, kind: 'numeric', values, nonNumeric: this.nonNumeric };
  }

  private toCategorical(values: Float32Array, m: MergedLevels): TableColumn {
    const { levels, labelOfCode, byNumber } = m;
    const levelIndex = new Map(levels.map((l, i) => [l, i]));
    const numberLevel = new Map<number, number>();
    for (const [key, label] of byNumber) numberLevel.set(key, levelIndex.get(label)!);
    for (let r = 0; r < values.length; r++) {
      const v = values[r];
      if (v === v) values[r] = numberLevel.get(v)!;
    }
    for (let i = 0; i < this.nnLen; i++) values[this.nnRows[i]] = levelIndex.get(labelOfCode[this.nnCodes[i]])!;
    return { name: this.name, kind: 'categorical', values, levels, nonNumeric: 0 };
  }
}

interface MergedLevels {
  levels: string[];
  labelOfCode: string[];
  byNumber: Map<number, string>;
}

/** Texts that parse to the same Float32 number ('1', '1.0') are one level, labelled by the first text seen. */
function mergeLevels(d: Map<string, number>): MergedLevels {
  const labelOfCode: string[] = new Array<string>(d.size);
  const byNumber = new Map<number, string>();
  for (const [text, code] of d) {
    const num = text.length ? +text : NaN;
    if (Number.isFinite(num)) {
      const key = Math.fround(num);
      const prev = byNumber.get(key);
      if (prev === undefined) byNumber.set(key, text);
      labelOfCode[code] = prev ?? text;
    } else labelOfCode[code] = text;
  }
  const levels = [...new Set(labelOfCode)].sort(compareLevels);
  return { levels, labelOfCode, byNumber };
}

/** Numbers first (numerically), then texts (case-insensitive, natural order). */
export function compareLevels(a: string, b: string): number {
  const x = +a;
  const y = +b;
  const xn = a.length > 0 && Number.isFinite(x);
  const yn = b.length > 0 && Number.isFinite(y);
  if (xn && yn) return x - y || (a < b ? -1 : a > b ? 1 : 0);
  if (xn) return -1;
  if (yn) return 1;
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Exact-length view without a copy when the slack is small (<= 1/8), else a compact copy. */
function trim(a: Float32Array, n: number): Float32Array {
  if (a.length === n) return a;
  if (a.length - n <= n / 8) return a.subarray(0, n);
  return a.slice(0, n);
}
