// The bgenix index reader (src/lib/io/bgi.ts) against the sqlite3 CLI. Fixture: a VCF of 6,000 variants on
// chromosomes 1, 2 and 22 (positions shuffled within each chromosome and repeated, so key order is not file
// order; every 7th ID 150-450 characters, every 500th 5,000-6,000) exported by plink2 to .bgen v1.2. Its
// variant blocks are found by an independent walk of the file, and .bgi files are written from them by
// sqlite3 with bgenix's schema: WITHOUT ROWID with 1 KiB pages (interior pages, overflow payloads), the older
// rowid layout with 4 KiB pages (PRIMARY KEY index + table b-tree, overflow in table leaves), and WITHOUT ROWID
// with 64 KiB pages and UK Biobank style zero-padded chromosome codes ('01').
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBgi, readBgiVariants, type BgiFilter, type BgiVariant } from '../../src/lib/io/bgi';
import { bytesSource, type ByteSource } from '../../src/lib/io/ByteSource';
import { createRng } from '../../src/lib/math/rng';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { plink2, tempDir } from './genoFixtures';
import { HAVE_SQLITE, sqlite3, sqliteRows, warnIfNoSqlite } from './sqliteFixtures';
import { counted, KEY, q, walkBgen, writeBgi, type Block, type Layout } from './bgiFixtures';

warnIfNoSqlite('tests/io/bgi.test.ts');

const M = 6000;
const CHROMS = ['1', '2', '22'];
const COLUMNS = 'chromosome, position, rsid, number_of_alleles, allele1, allele2, file_start_position, size_in_bytes';

function writeVcf(path: string): void {
  const rng = createRng(1616);
  const lines = ['##fileformat=VCFv4.2', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ts1\ts2\ts3'];
  const per = M / CHROMS.length;
  for (let v = 0; v < M; v++) {
    const pos = 10_000 + Math.floor(rng.next() * 1500) * 100; // ~1,500 distinct positions per chromosome
    const long = v % 500 === 250 ? 5000 + Math.floor(rng.next() * 1000) : v % 7 === 3 ? 150 + Math.floor(rng.next() * 300) : 0;
    const id = `rs${v + 1}` + (long ? `_${'ACGT'[v % 4].repeat(long)}` : '');
    const [ref, alt] = [['A', 'G'], ['C', 'T'], ['AT', 'A'], ['G', 'GTC']][v % 4];
    const gt = () => ['0/0', '0/1', '1/1'][Math.floor(rng.next() * 3)];
    lines.push([CHROMS[Math.floor(v / per)], pos, id, ref, alt, '.', 'PASS', '.', 'GT', gt(), gt(), gt()].join('\t'));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Our variants as sqlite3 prints the Variant columns. */
const asRows = (vs: BgiVariant[]) => vs.map((v) => [v.chrom, String(v.pos), v.rsid, String(v.nAlleles), v.alleles[0], v.alleles[1] ?? '', String(v.offset), String(v.size)]);

/** The SQL WHERE clause of a filter, for chromosome codes as they are stored. */
function where(f: BgiFilter, stored: (c: string) => string[]): string {
  const parts: string[] = [];
  if (f.chr) parts.push(`chromosome IN (${f.chr.flatMap(stored).map(q).join(', ')})`);
  if (f.fromBp !== undefined) parts.push(`position >= ${f.fromBp}`);
  if (f.toBp !== undefined) parts.push(`position <= ${f.toBp}`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

let dir = '';
let blocks: Block[] = [];
const path = (f: string) => join(dir, f);
const LAYOUTS: Record<string, Layout> = {
  'wr1k.bgi': { withoutRowid: true, pageSize: 1024 },
  'rowid4k.bgi': { withoutRowid: false, pageSize: 4096 },
  'wr64k.bgi': { withoutRowid: true, pageSize: 65536, chrom: (c) => c.padStart(2, '0') },
};

describe.skipIf(!HAVE_SQLITE)('openBgi', () => {
  beforeAll(() => {
    dir = tempDir('bgi');
    writeVcf(path('v.vcf'));
    plink2(['--vcf', path('v.vcf'), '--export', 'bgen-1.2', 'bits=8', 'ref-first', '--out', path('v')]);
    plink2(['--vcf', path('v.vcf'), '--export', 'bgen-1.3', 'ref-first', '--out', path('other')]);
    blocks = walkBgen(readFileSync(path('v.bgen')));
    for (const [f, layout] of Object.entries(LAYOUTS)) writeBgi(path(f), path('v.bgen'), blocks, layout);
  }, 120_000);

  it('lists every variant as sqlite3 does, in file order, in all three layouts', async () => {
    expect(blocks.length).toBe(M);
    const figures: string[] = [];
    for (const [f, layout] of Object.entries(LAYOUTS)) {
      const index = await openBgi(nodeFileSource(path(f)));
      expect(index.searchable).toBe(true);
      const got = await index.variants();
      expect(asRows(got)).toEqual(sqliteRows(path(f), `SELECT ${COLUMNS} FROM Variant ORDER BY file_start_position`));
      // and the index says where each block is
      expect(got.map((v) => [v.offset, v.size, v.rsid, v.pos, v.alleles])).toEqual(blocks.map((b) => [b.offset, b.size, b.rsid, b.pos, b.alleles]));
      expect(await index.chromosomes()).toEqual(CHROMS.map(layout.chrom ?? ((c) => c)));
      const pages = Number(sqliteRows(path(f), 'PRAGMA page_count')[0][0]);
      figures.push(`${f}: ${pages} pages, ${index.stats.reads} reads of up to 64 KiB for the whole table`);
    }
    console.log('bgi full reads:', figures.join('; '));
  });

  it('gives the rows of the WITHOUT ROWID b-tree in key order and the rowid table in rowid order', async () => {
    const { openSqlite } = await import('../../src/lib/io/sqliteTable');
    for (const [f, order] of [
      ['wr1k.bgi', KEY],
      ['rowid4k.bgi', 'rowid'],
    ] as const) {
      const t = (await openSqlite(nodeFileSource(path(f)))).table('Variant');
      const rows: string[][] = [];
      for await (const r of t.rows()) rows.push(r.map((x) => (x === null ? '' : String(x))));
      expect(rows).toEqual(sqliteRows(path(f), `SELECT ${COLUMNS} FROM Variant ORDER BY ${order}`));
    }
  });

  it('answers chromosome and base-pair queries as SQL does, reading a fraction of the pages', async () => {
    const filters: BgiFilter[] = [
      { chr: ['2'], fromBp: 50_000, toBp: 52_000 },
      { chr: ['chr22'] },
      { chr: ['01', 'chr22'], fromBp: 100_000 },
      { fromBp: 80_000, toBp: 80_000 },
      { toBp: 10_500 },
      { chr: ['X'] },
      { chr: ['1'], fromBp: 200_000 },
    ];
    const figures: string[] = [];
    for (const [f, layout] of Object.entries(LAYOUTS)) {
      const pageSize = layout.pageSize;
      const pages = Number(sqliteRows(path(f), 'PRAGMA page_count')[0][0]);
      const stored = (c: string) => {
        const plain = c.replace(/^chr/i, '').replace(/^0+/, '');
        return [layout.chrom ? layout.chrom(plain) : plain];
      };
      for (const filter of filters) {
        // one page per read, so reads = pages read
        const src = counted(nodeFileSource(path(f)));
        const index = await openBgi(src, f, { readBytes: pageSize });
        const opened = src.reads;
        const got = await index.variants(filter);
        const ref = sqliteRows(path(f), `SELECT ${COLUMNS} FROM Variant ${where(filter, stored)} ORDER BY file_start_position`);
        expect(asRows(got), `${f} ${JSON.stringify(filter)}`).toEqual(ref);
        const where_ = await index.blocks(filter);
        expect([Array.from(where_.offset), Array.from(where_.size)]).toEqual([got.map((v) => v.offset), got.map((v) => v.size)]);
        if (filter.chr?.[0] === '2') {
          expect(got.length).toBeGreaterThan(10);
          figures.push(`${f}: chr 2 50-52 kb: ${got.length} variants, ${src.reads - opened} page reads of ${pages}`);
          // WITHOUT ROWID: the range's leaves; rowid layout: the index's leaves plus one table leaf per variant
          // (the table is in file order, the range is scattered across it)
          if (pageSize < 65536) expect(src.reads - opened).toBeLessThan(pages / (layout.withoutRowid ? 10 : 5));
        }
      }
    }
    console.log('bgi range query:', figures.join('; '));
  });

  it('checks that the index belongs to the .bgen', async () => {
    const index = await openBgi(nodeFileSource(path('wr1k.bgi')));
    expect(index.metadata?.fileSize).toBe(readFileSync(path('v.bgen')).length);
    expect(await index.checkBelongsTo(nodeFileSource(path('v.bgen')))).toBe(true);
    await expect(index.checkBelongsTo(nodeFileSource(path('other.bgen')))).rejects.toThrow(
      `wr1k.bgi: stale index: it was made for a .bgen of another size (${path('v.bgen')}); re-create it (bgenix -g other.bgen -index) or remove it; expected ${readFileSync(path('other.bgen')).length} bytes (the size of other.bgen), found ${index.metadata?.fileSize} bytes`,
    );
    // same size, one byte changed in the first 1000
    const changed = new Uint8Array(readFileSync(path('v.bgen')));
    changed[700] ^= 1;
    await expect(index.checkBelongsTo(bytesSource(changed, 'v2.bgen'))).rejects.toThrow(
      `wr1k.bgi: stale index: it was made for another .bgen of the same size (${path('v.bgen')}); re-create it (bgenix -g v2.bgen -index) or remove it; expected the first 1000 bytes of v2.bgen, found bytes that differ from byte 700 on`,
    );
    await expect(readBgiVariants(nodeFileSource(path('wr1k.bgi')), nodeFileSource(path('other.bgen')), { chr: ['1'] })).rejects.toThrow('stale index');
    const ok = await readBgiVariants(nodeFileSource(path('wr1k.bgi')), nodeFileSource(path('v.bgen')), { chr: ['1'] });
    expect(ok.length).toBe(M / 3);
    // no Metadata table (older bgenix): nothing to check against
    copyFileSync(path('wr1k.bgi'), path('nometa.bgi'));
    sqlite3(path('nometa.bgi'), 'DROP TABLE Metadata;');
    const old = await openBgi(nodeFileSource(path('nometa.bgi')));
    expect(old.metadata).toBeNull();
    expect(await old.checkBelongsTo(nodeFileSource(path('other.bgen')))).toBe(false);
  });

  it('can be cancelled', async () => {
    const index = await openBgi(nodeFileSource(path('wr1k.bgi')));
    const ac = new AbortController();
    ac.abort();
    await expect(index.variants({}, ac.signal)).rejects.toThrow('cancelled');
    await expect(index.blocks({ chr: ['2'] }, ac.signal)).rejects.toThrow('cancelled');
  });

  it('says what is wrong with a file that is not a usable index', async () => {
    const fail = async (src: ByteSource) => {
      try {
        await (await openBgi(src)).variants();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await fail(nodeFileSource(path('v.bgen')))).toMatch(
      /^v\.bgen: byte 0: not a SQLite 3 database; expected the 16-byte header 'SQLite format 3\\0' and a 100-byte header, found ".+"$/,
    );
    expect(await fail(bytesSource(new Uint8Array(10), 'empty.bgi'))).toBe(
      "empty.bgi: byte 0: not a SQLite 3 database; expected the 16-byte header 'SQLite format 3\\0' and a 100-byte header, found 10 bytes",
    );
    const full = readFileSync(path('wr1k.bgi'));
    const pages = full.length / 1024;
    expect(await fail(bytesSource(full.subarray(0, 1024 * 100), 'cut.bgi'))).toBe(
      `cut.bgi: byte 28: truncated database; expected ${pages} pages of 1024 bytes (${full.length} bytes), found 102400 bytes`,
    );
    sqlite3(path('utf16.bgi'), "PRAGMA encoding = 'UTF-16le'; CREATE TABLE Variant (chromosome TEXT);");
    expect(await fail(nodeFileSource(path('utf16.bgi')))).toBe(
      'utf16.bgi: byte 56: text encoding UTF-16le is not supported (only UTF-8 databases are read); expected UTF-8 (1), found 2',
    );
    sqlite3(path('other.db'), 'CREATE TABLE Samples (id TEXT); CREATE TABLE Other (x);');
    expect(await fail(nodeFileSource(path('other.db')))).toBe('other.db: not a bgenix .bgi index; expected a table Variant (bgenix index), found tables Samples, Other');
    sqlite3(path('cols.db'), 'CREATE TABLE Variant (chromosome TEXT, position INT);');
    expect(await fail(nodeFileSource(path('cols.db')))).toBe(
      'cols.db: table Variant lacks file_start_position, size_in_bytes; expected columns chromosome, position, file_start_position, size_in_bytes, found chromosome, position',
    );
    // a damaged b-tree page: the root page of Variant gets a page type that is no b-tree's
    const root = Number(sqliteRows(path('wr1k.bgi'), "SELECT rootpage FROM sqlite_schema WHERE name = 'Variant'")[0][0]);
    const bad = new Uint8Array(full);
    bad[(root - 1) * 1024] = 0x07;
    expect(await fail(bytesSource(bad, 'bad.bgi'))).toBe(
      `bad.bgi: page ${root} (byte ${(root - 1) * 1024}): table Variant: bad b-tree page type; expected an index b-tree page (0x02 or 0x0a), found 0x07`,
    );
    // a child pointer past the end of the file
    const bad2 = new Uint8Array(full);
    new DataView(bad2.buffer).setUint32((root - 1) * 1024 + 8, 999_999);
    expect(await fail(bytesSource(bad2, 'bad2.bgi'))).toBe(`bad2.bgi: page ${root} (byte ${(root - 1) * 1024}): page number 999999 out of range; expected 1 to ${pages}, found 999999`);
  });
});
