/**
 * A read-ahead window over a ByteSource for formats whose records have variable length (.bgen variant blocks):
 * the reader parses records out of the window and refills it from a record's start when the record runs
 * past its end. One read per window, so the file is read front to back in `windowBytes` pieces (a record
 * larger than a window gets a window of its own size). With a .bgi index the reader instead loads exactly
 * the runs of adjacent variant blocks it wants (load()).
 */
import type { ByteSource } from './ByteSource';

export class BgenWindow {
  /** The bytes of the window; buf[0] is file offset `base`. */
  buf: Uint8Array = new Uint8Array(0);
  base = 0;
  private readonly src: ByteSource;
  private readonly windowBytes: number;

  constructor(src: ByteSource, windowBytes: number) {
    this.src = src;
    this.windowBytes = windowBytes;
  }

  /** True when file bytes [off, off + len) are in the window. */
  has(off: number, len: number): boolean {
    return off >= this.base && off + len <= this.base + this.buf.length;
  }

  /** Index in `buf` of file offset `off` (inside the window). */
  at(off: number): number {
    return off - this.base;
  }

  /**
   * Moves the window to start at `off` and hold at least `len` bytes (a whole window when the file has them).
   * False when the file ends first; the window then holds what is left.
   */
  async fill(off: number, len: number): Promise<boolean> {
    this.buf = await this.src.read(off, Math.max(len, this.windowBytes));
    this.base = off;
    return this.buf.length >= len;
  }

  /** Moves the window to file bytes [off, off + len) exactly (one read). False when the file ends first. */
  async load(off: number, len: number): Promise<boolean> {
    this.buf = await this.src.read(off, len);
    this.base = off;
    return this.buf.length >= len;
  }
}
