/**
 * Random access to the record types and file extents of a .pgen, one block of 2^16 variants at a time (the
 * blocks of the header index are loaded on demand; the last two are kept), and checked reads of record bytes.
 */
import { InputError } from '../base/errors';
import type { ByteSource } from './ByteSource';
import { PGEN_BLOCK, readPgenBlock, type PgenBlock, type PgenHeader } from './pgenHeader';
import { isLdCompressed } from './pgenRecord';

export class PgenIndex {
  private blocks: PgenBlock[] = [];

  constructor(
    private readonly src: ByteSource,
    private readonly header: PgenHeader,
    private readonly nVariants: number,
    private readonly nSamples: number,
  ) {}

  /** Loads the block of variant `i`; the accessors below need it loaded. */
  async load(i: number): Promise<void> {
    const b = Math.floor(i / PGEN_BLOCK);
    if (this.blocks.some((x) => x.first === b * PGEN_BLOCK)) return;
    const blk = await readPgenBlock(this.src, this.header, b, this.nVariants, this.nSamples);
    this.blocks = [...this.blocks.slice(-1), blk];
  }

  private block(i: number): PgenBlock {
    const first = i - (i % PGEN_BLOCK);
    const blk = this.blocks.find((x) => x.first === first);
    if (!blk) throw new Error(`PgenIndex: block of variant ${i} not loaded`);
    return blk;
  }

  type(i: number): number {
    const blk = this.block(i);
    return blk.types[i - blk.first];
  }

  start(i: number): number {
    const blk = this.block(i);
    return blk.starts[i - blk.first];
  }

  end(i: number): number {
    const blk = this.block(i);
    return blk.starts[i - blk.first + 1];
  }

  isLd(i: number): boolean {
    return isLdCompressed(this.type(i));
  }

  /** The base of LD-compressed variant `i`: the last earlier variant of its block that is not LD-compressed. */
  ldBase(i: number): number {
    const blk = this.block(i);
    for (let j = i - 1; j >= blk.first; j--) if (!isLdCompressed(blk.types[j - blk.first])) return j;
    throw new InputError(
      { file: this.src.name, expected: 'a record that is not LD-compressed before LD-compressed variant ' + i, found: `none since the block start (variant ${blk.first})` },
      'malformed .pgen record types',
    );
  }

  /** Bytes [from, to) of the .pgen, checked to be complete. */
  async readRange(from: number, to: number): Promise<Uint8Array> {
    const got = await this.src.read(from, to - from);
    if (got.length !== to - from) {
      throw new InputError(
        { file: this.src.name, expected: `${to - from} bytes at offset ${from}`, found: `${got.length} bytes` },
        'truncated .pgen (file changed while reading?)',
      );
    }
    return got;
  }
}
