// The BGEN reader with a bgenix .bgi index (issue 16): chunks read through the index equal the walking
// reader's (variants, dosage codes, info, chunk starts) for chromosome, base-pair and index-range filters,
// while reading fewer bytes of the .bgen; stale indexes are refused; an index without Metadata is used with a
// note; the CLI picks up FILE.bgi next to --bgen FILE. Fixture: a DS VCF of 3,000 variants on chromosomes
// 1, 2 and 22 (positions shuffled within each chromosome, so a base-pair range is scattered over the file)
// exported by plink2 to .bgen v1.3 (zlib, 16 bits) and v1.2 (8 bits); .bgi files written by the sqlite3 CLI
// with bgenix's schema from an independent walk of the .bgen (tests/io/bgiFixtures.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBgen, type BgenSource } from '../../src/lib/io/bgen';
import type { ChunkOptions, GenotypeChunk, VariantFilter } from '../../src/lib/io/GenotypeSource';
import { createRng } from '../../src/lib/math/rng';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { plink2, tempDir } from './genoFixtures';
import { HAVE_SQLITE, sqlite3, warnIfNoSqlite } from './sqliteFixtures';
import { counted, walkBgen, writeBgi } from './bgiFixtures';

warnIfNoSqlite('tests/io/bgenIndex.test.ts');

const N = 150;
const M = 3000;
const CHROMS = ['1', '2', '22'];
/** Small windows, so the walk's reads and the index's runs are both several. */
const WINDOW = 64 << 10;
const root = join(__dirname, '..', '..');

let dir = '';
const path = (f: string) => join(dir, f);

function writeVcf(file: string): void {
  const rng = createRng(1617);
  const head = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: N }, (_, j) => `I${j}`)];
  const lines = [
    '##fileformat=VCFv4.2',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Dosage">',
    head.join('\t'),
  ];
  const per = M / CHROMS.length;
  for (let v = 0; v < M; v++) {
    const pos = 10_000 + Math.floor(rng.next() * 5000) * 20;
    const p = 0.02 + 0.46 * rng.next();
    const f: string[] = [];
    for (let j = 0; j < N; j++) {
      if (rng.next() < 0.03) {
        f.push('./.:.');
        continue;
      }
      const hard = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
      const d = Math.min(2, Math.max(0, Math.round((hard + 0.4 * (rng.next() - 0.5)) * 1000) / 1000));
      f.push(`${d < 0.5 ? '0/0' : d < 1.5 ? '0/1' : '1/1'}:${d}`);
    }
    const [ref, alt] = [['A', 'G'], ['C', 'T'], ['AT', 'A'], ['G', 'GTC']][v % 4];
    lines.push([CHROMS[Math.floor(v / per)], pos, `v${v + 1}`, ref, alt, '.', 'PASS', '.', 'GT:DS', ...f].join('\t'));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Opens x.bgen (with an index or not) through a byte-counting source; counts restart after the open. */
async function open(bgenFile: string, index?: string): Promise<{ src: BgenSource; bgen: ReturnType<typeof counted>; bgi: ReturnType<typeof counted> | null }> {
  const bgen = counted(nodeFileSource(path(bgenFile)));
  const bgi = index ? counted(nodeFileSource(path(index))) : null;
  const src = await openBgen({ bgen, ...(bgi ? { index: bgi } : {}) }, { windowBytes: WINDOW });
  bgen.reads = bgen.bytes = 0;
  if (bgi) bgi.reads = bgi.bytes = 0;
  return { src, bgen, bgi };
}

async function collect(src: BgenSource, o: ChunkOptions): Promise<GenotypeChunk[]> {
  const out: GenotypeChunk[] = [];
  for await (const c of src.chunks(o)) out.push(c);
  return out;
}

const ids = (cs: GenotypeChunk[]) => cs.flatMap((c) => c.variants.id);

const FILTERS: VariantFilter[] = [
  { chr: ['2'] },
  { chr: ['chr22'] },
  { chr: ['1', '22'], fromBp: 30_000, toBp: 60_000 },
  { fromBp: 50_000, toBp: 52_000 },
  { chr: ['2'], fromBp: 109_000 },
  { toBp: 10_100 },
  { chr: ['2'], fromIndex: 1500, toIndex: 2500 },
  { chr: ['1', '2'], fromBp: 40_000, toBp: 80_000, fromIndex: 700, toIndex: 1300 },
  { fromIndex: 1234, toIndex: 1800 },
  { fromIndex: 2990 },
  { chr: ['22'], fromIndex: 2100, toIndex: 2900 },
];
/** Filters that keep no variant (the others keep some). */
const EMPTY: VariantFilter[] = [{ chr: ['X'] }, { chr: ['22'], fromIndex: 100, toIndex: 900 }];

describe.skipIf(!HAVE_SQLITE)('openBgen with a .bgi index', () => {
  beforeAll(() => {
    dir = tempDir('bgenidx');
    writeVcf(path('d.vcf'));
    plink2(['--vcf', path('d.vcf'), 'dosage=DS', '--export', 'bgen-1.3', 'ref-first', '--out', path('x')]);
    plink2(['--vcf', path('d.vcf'), 'dosage=DS', '--export', 'bgen-1.2', 'bits=8', 'ref-first', '--out', path('y')]);
    const blocks = walkBgen(readFileSync(path('x.bgen')));
    writeBgi(path('x.bgen.bgi'), path('x.bgen'), blocks, { withoutRowid: true, pageSize: 4096 });
    // UK Biobank style zero-padded codes in the index ('01'), older rowid layout
    writeBgi(path('x01.bgi'), path('x.bgen'), blocks, { withoutRowid: false, pageSize: 4096, chrom: (c) => c.padStart(2, '0') });
    copyFileSync(path('x.bgen.bgi'), path('nometa.bgi'));
    sqlite3(path('nometa.bgi'), 'DROP TABLE Metadata;');
  }, 120_000);

  it('gives the walking reader chunks, reading only the blocks the index lists', async () => {
    const figures: string[] = [];
    for (const index of ['x.bgen.bgi', 'x01.bgi']) {
      for (const filter of [...FILTERS, ...EMPTY]) {
        for (const o of [{ filter }, { filter, chunkVariants: 37, infoSamples: 'all' as const }]) {
          const walk = await open('x.bgen');
          const fast = await open('x.bgen', index);
          expect(fast.src.index).toEqual({ name: index, checked: true, note: null });
          const a = await collect(walk.src, o);
          const b = await collect(fast.src, o);
          const label = `${index} ${JSON.stringify(o)}`;
          expect(ids(b), label).toEqual(ids(a));
          expect(b, label).toEqual(a);
          expect(ids(a).length > 0, label).toBe(!EMPTY.includes(filter));
          // the walk reads the whole file (or up to toIndex); the index only its listed blocks
          expect(fast.bgen.bytes, label).toBeLessThan(walk.bgen.bytes);
          if (index === 'x.bgen.bgi' && o.chunkVariants === undefined) {
            figures.push(
              `${JSON.stringify(filter)}: ${ids(a).length} variants; walk ${walk.bgen.bytes} bytes in ${walk.bgen.reads} reads, ` +
                `index ${fast.bgen.bytes} bytes in ${fast.bgen.reads} reads + ${fast.bgi!.bytes} bytes of .bgi in ${fast.bgi!.reads} reads`,
            );
          }
        }
      }
    }
    console.log(`.bgen of ${readFileSync(path('x.bgen')).length} bytes, .bgi of ${readFileSync(path('x.bgen.bgi')).length} bytes, ${WINDOW}-byte windows:\n  ${figures.join('\n  ')}`);
  });

  it('reads the whole file as before when the filter needs no index', async () => {
    for (const o of [{}, { filter: { toIndex: 500 } }, { filter: { fromIndex: 0 } }]) {
      const walk = await open('x.bgen');
      const fast = await open('x.bgen', 'x.bgen.bgi');
      expect(await collect(fast.src, o)).toEqual(await collect(walk.src, o));
      expect([fast.bgen.reads, fast.bgen.bytes, fast.bgi!.reads]).toEqual([walk.bgen.reads, walk.bgen.bytes, 0]);
    }
  });

  it('reads a run of adjacent blocks at once, a window at most', async () => {
    const fast = await open('x.bgen', 'x.bgen.bgi');
    const chr2 = walkBgen(readFileSync(path('x.bgen'))).filter((b) => b.chrom === '2');
    const bytes = chr2.reduce((s, b) => s + b.size, 0);
    const cs = await collect(fast.src, { filter: { chr: ['2'] } });
    expect(cs.reduce((s, c) => s + c.count, 0)).toBe(M / 3);
    // chromosome 2 is one stretch of the file: exactly its bytes, in window-sized reads
    expect(fast.bgen.bytes).toBe(bytes);
    const largest = Math.max(...chr2.map((b) => b.size));
    expect(fast.bgen.reads).toBeGreaterThanOrEqual(Math.ceil(bytes / WINDOW));
    expect(fast.bgen.reads).toBeLessThanOrEqual(Math.ceil(bytes / (WINDOW - largest)));
  });

  it('refuses a stale index and uses one without Metadata with a note', async () => {
    await expect(openBgen({ bgen: nodeFileSource(path('y.bgen')), index: nodeFileSource(path('x.bgen.bgi')) })).rejects.toThrow(
      /^x\.bgen\.bgi: stale index: it was made for a \.bgen of another size .*; re-create it \(bgenix -g y\.bgen -index\) or remove it; expected \d+ bytes \(the size of y\.bgen\), found \d+ bytes$/,
    );
    const old = await open('x.bgen', 'nometa.bgi');
    expect(old.src.index).toEqual({ name: 'nometa.bgi', checked: false, note: 'nometa.bgi has no Metadata table (older bgenix): used without checking that it was made from x.bgen' });
    const walk = await open('x.bgen');
    expect(await collect(old.src, { filter: { chr: ['22'], toBp: 70_000 } })).toEqual(await collect(walk.src, { filter: { chr: ['22'], toBp: 70_000 } }));
    // an unchecked index of another file: its blocks are not where it says
    const wrong = await openBgen({ bgen: nodeFileSource(path('y.bgen')), index: nodeFileSource(path('nometa.bgi')) });
    const fail = async (f: VariantFilter) => {
      try {
        await collect(wrong, { filter: f });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await fail({ chr: ['2'] })).toMatch(/^y\.bgen: byte \d+: the index nometa\.bgi does not match the file: .*; re-create it \(bgenix -g y\.bgen -index\) or remove it/);
  });

  it('is used by the CLI when FILE.bgi is next to --bgen FILE: same scan output', () => {
    const rng = createRng(7);
    writeFileSync(path('pheno.tsv'), ['#IID\ty', ...Array.from({ length: N }, (_, j) => `I${j}\t${rng.normal().toFixed(5)}`)].join('\n') + '\n');
    const cli = (args: string[]) => spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), ...args], { cwd: dir, encoding: 'utf8' });
    const args = ['scan', '--bgen', 'x.bgen', '--pheno', 'pheno.tsv', '--chr', '2', '--from-bp', '30000'];
    const withIndex = cli([...args, '--out', 'with']);
    expect(withIndex.status, withIndex.stderr).toBe(0);
    expect(withIndex.stderr).toContain('BGEN index x.bgen.bgi used for --chr/range selection\n');
    expect(readFileSync(path('with.scan.log'), 'utf8')).toContain('BGEN index x.bgen.bgi used for --chr/range selection\n');
    rmSync(path('x.bgen.bgi'));
    try {
      const without = cli([...args, '--out', 'without']);
      expect(without.status, without.stderr).toBe(0);
      expect(without.stderr + readFileSync(path('without.scan.log'), 'utf8')).not.toContain('BGEN index');
      const glm = readFileSync(path('with.y.glm.linear'), 'utf8');
      expect(glm.split('\n').length).toBeGreaterThan(100);
      expect(readFileSync(path('without.y.glm.linear'), 'utf8')).toBe(glm);
    } finally {
      if (!existsSync(path('x.bgen.bgi'))) writeBgi(path('x.bgen.bgi'), path('x.bgen'), walkBgen(readFileSync(path('x.bgen'))), { withoutRowid: true, pageSize: 4096 });
    }
  }, 120_000);
});
