/**
 * Helpers for the .bgi tests (tests/io/bgi.test.ts, bgenIndex.test.ts): the variant blocks of a .bgen found by
 * an independent walk of the file, and .bgi files with bgenix's schema written from them by the sqlite3 CLI.
 */
import { readFileSync } from 'node:fs';
import type { ByteSource } from '../../src/lib/io/ByteSource';
import { sqlite3 } from './sqliteFixtures';

/** bgenix's primary key of the Variant table. */
export const KEY = 'chromosome, position, rsid, allele1, allele2, file_start_position';

/** A variant block of the .bgen, from an independent walk of the file. */
export interface Block {
  chrom: string;
  pos: number;
  rsid: string;
  alleles: string[];
  offset: number;
  size: number;
}

/** The variant blocks of a layout-2 .bgen (header offset, then per block 3 strings, position, K alleles, C bytes). */
export function walkBgen(b: Uint8Array): Block[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const str16 = (p: number) => new TextDecoder().decode(b.subarray(p + 2, p + 2 + dv.getUint16(p, true)));
  const out: Block[] = [];
  let p = dv.getUint32(0, true) + 4;
  while (p < b.length) {
    const offset = p;
    const fields: string[] = [];
    for (let k = 0; k < 3; k++) {
      fields.push(str16(p));
      p += 2 + dv.getUint16(p, true);
    }
    const pos = dv.getUint32(p, true);
    const k = dv.getUint16(p + 4, true);
    p += 6;
    const alleles: string[] = [];
    for (let a = 0; a < k; a++) {
      const l = dv.getUint32(p, true);
      alleles.push(new TextDecoder().decode(b.subarray(p + 4, p + 4 + l)));
      p += 4 + l;
    }
    p += 4 + dv.getUint32(p, true);
    out.push({ chrom: fields[2], pos, rsid: fields[1], alleles, offset, size: p - offset });
  }
  return out;
}

export const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export interface Layout {
  withoutRowid: boolean;
  pageSize: number;
  chrom?: (c: string) => string;
}

/** Writes a .bgi with bgenix's schema for `bgen` (its blocks inserted in file order, as bgenix does). */
export function writeBgi(path: string, bgenPath: string, blocks: Block[], layout: Layout): void {
  const bgen = readFileSync(bgenPath);
  const sql = [
    `PRAGMA page_size = ${layout.pageSize};`,
    'CREATE TABLE Metadata (filename TEXT NOT NULL, file_size INT NOT NULL, last_write_time INT NOT NULL, first_1000_bytes BLOB NOT NULL, index_creation_time INT NOT NULL);',
    `INSERT INTO Metadata VALUES (${q(bgenPath)}, ${bgen.length}, 1700000000, x'${hex(bgen.subarray(0, 1000))}', 1700000001);`,
    `CREATE TABLE Variant (chromosome TEXT NOT NULL, position INT NOT NULL, rsid TEXT NOT NULL, number_of_alleles INT NOT NULL, allele1 TEXT NOT NULL, allele2 TEXT NULL, file_start_position INT NOT NULL, size_in_bytes INT NOT NULL, PRIMARY KEY (${KEY}))${layout.withoutRowid ? ' WITHOUT ROWID' : ''};`,
    'BEGIN;',
    ...blocks.map(
      (b) =>
        `INSERT INTO Variant VALUES (${q(layout.chrom ? layout.chrom(b.chrom) : b.chrom)}, ${b.pos}, ${q(b.rsid)}, ${b.alleles.length}, ${q(b.alleles[0])}, ${q(b.alleles[1])}, ${b.offset}, ${b.size});`,
    ),
    'COMMIT;',
  ];
  sqlite3(path, sql.join('\n'));
}

/** A source that counts its reads and the bytes they returned. */
export function counted(src: ByteSource): ByteSource & { reads: number; bytes: number } {
  const c = {
    name: src.name,
    size: src.size,
    reads: 0,
    bytes: 0,
    read: async (o: number, l: number) => {
      c.reads++;
      const b = await src.read(o, l);
      c.bytes += b.length;
      return b;
    },
  };
  return c;
}
