/**
 * plink2 .pgen/.pvar/.psam reader against plink2 2.00a3.5: hardcalls equal to the .bed plink2 converted (every
 * record type, storage modes 01/02/10, 1-3 byte sample IDs, .pvar.zst, header variants), dosages equal to
 * plink2 --export A (phase tracks skipped, dosage difflists and bitarrays, fixed-width mode 03), filters, exact
 * error messages, and the scan on a .pgen equal to plink2 --glm on it.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPgen, type PgenSource } from '../../src/lib/io/pgen';
import { readPgenBlock, readPgenHeader } from '../../src/lib/io/pgenHeader';
import { bytesSource, type ByteSource } from '../../src/lib/io/ByteSource';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { openGenotypes } from '../../src/cli/openGenotypes';
import type { ChunkOptions, GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { decodeDosageRow } from '../../src/lib/io/dosageCode';
import { plink2, tempDir, writeRandomBed } from './genoFixtures';
import { recordTypeGeno, writePhasedDsVcf } from './pgenFixtures';
import { makeCohort, readGlm, runPlink2 } from '../assoc/oracleData';

async function collect(src: GenotypeSource, opts?: ChunkOptions): Promise<GenotypeChunk[]> {
  const out: GenotypeChunk[] = [];
  for await (const c of src.chunks(opts)) out.push(c);
  return out;
}

/** The chunks' packed bytes, or their dosages decoded from the Uint16 codes (NaN = missing). */
function concat(chunks: GenotypeChunk[], key: 'packed' | 'dosage'): number[] {
  return chunks.flatMap((c) => Array.from(key === 'dosage' ? decodeDosageRow(c.dosage!) : c.packed!));
}

function files(prefix: string, pvar = `${prefix}.pvar`): { pgen: ByteSource; pvar: ByteSource; psam: ByteSource } {
  return { pgen: nodeFileSource(`${prefix}.pgen`), pvar: nodeFileSource(pvar), psam: nodeFileSource(`${prefix}.psam`) };
}

/** The chunks' variant columns, flattened. */
function meta(chunks: GenotypeChunk[]) {
  return {
    id: chunks.flatMap((c) => c.variants.id),
    chrom: chunks.flatMap((c) => c.variants.chrom),
    pos: chunks.flatMap((c) => Array.from(c.variants.pos)),
    ref: chunks.flatMap((c) => c.variants.ref),
    alt: chunks.flatMap((c) => c.variants.alt),
  };
}

const FILTERS: ChunkOptions[] = [
  { chunkVariants: 37 },
  { filter: { fromIndex: 2, toIndex: 58 }, chunkVariants: 9 }, // starts on an inverted-LD record whose base is variant 0
  { filter: { chr: ['2'], fromBp: 1500, toBp: 4000 } },
  { filter: { chr: ['3', '1'] }, chunkVariants: 5 },
];

describe('openPgen: hardcalls', () => {
  it.each([
    [5001, 200, '2-byte sample IDs, difflists of more than one group'],
    [256, 100, '256 samples: 2-byte sample IDs (plink2 uses 1 byte below 256)'],
    [255, 60, '1-byte sample IDs'],
    [66001, 30, '3-byte sample IDs'],
  ])('n = %i: the same rows as the .bed plink2 converted, every record type (%s)', async (n, m, _what) => {
    const dir = tempDir('pgen');
    const g = recordTypeGeno(n, m, n);
    const bfile = writeRandomBed(dir, g);
    plink2(['--bfile', bfile, '--make-pgen', '--out', join(dir, 'p')]);
    const bed = await openGenotypes({ bfile });
    const src = (await openGenotypes({ pfile: join(dir, 'p') })) as PgenSource;
    expect([src.format, src.storageMode, src.nVariants, src.samples.iid.length, src.dosage]).toEqual(['pgen', 0x10, m, n, false]);
    expect(src.samples.iid).toEqual(g.samples.iid);
    expect(src.samples.fid).toEqual(g.samples.fid);
    // every main-track type plink2 writes for several samples (5 is reserved for single-sample files)
    const t = src.recordTypes.main;
    expect(t.reduce((a, b) => a + b, 0)).toBe(m);
    for (const type of [0, 1, 2, 3, 4, 6, 7]) expect(t[type], `record type ${type}: ${t}`).toBeGreaterThan(0);
    for (const opts of FILTERS) {
      const want = await collect(bed, opts);
      const got = await collect(src, opts);
      expect(got.map((c) => c.count)).toEqual(want.map((c) => c.count));
      expect(got.map((c) => c.start)).toEqual(want.map((c) => c.start));
      expect(meta(got)).toEqual(meta(want));
      expect(Buffer.from(Uint8Array.from(concat(got, 'packed'))).equals(Buffer.from(Uint8Array.from(concat(want, 'packed'))))).toBe(true);
    }
  });

  it('reads .pvar.zst, extra .pvar/.psam columns, .bim/.fam-like files, and storage modes 01 (.bed) and 02 (format=2)', async () => {
    const dir = tempDir('pgenvar');
    const g = recordTypeGeno(301, 80, 7);
    const bfile = writeRandomBed(dir, g);
    const want = await collect(await openGenotypes({ bfile }), { chunkVariants: 33 });
    plink2(['--bfile', bfile, '--make-pgen', 'vzs', '--out', join(dir, 'z')]);
    plink2(['--bfile', bfile, '--make-pgen', 'pvar-cols=+qual,+filter,+info,+cm', 'psam-cols=fid,sid,parents,sex,phenos', '--out', join(dir, 'c')]);
    plink2(['--bfile', bfile, '--make-pgen', 'format=2', '--out', join(dir, 'f')]);
    expect(readFileSync(join(dir, 'c.pvar'), 'utf8')).toMatch(/^#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tCM$/m);
    expect(readFileSync(join(dir, 'c.psam'), 'utf8').split('\n')[0]).toBe('#FID\tIID\tSID\tPAT\tMAT\tSEX');
    // mode 01: the .bed itself as the .pgen, with the .bim and .fam as .pvar and .psam
    copyFileSync(`${bfile}.bed`, join(dir, 'b.pgen'));
    copyFileSync(`${bfile}.bim`, join(dir, 'b.pvar'));
    copyFileSync(`${bfile}.fam`, join(dir, 'b.psam'));
    const cases: [string, PgenSource][] = [
      ['z', await openPgen(files(join(dir, 'z'), join(dir, 'z.pvar.zst')))],
      ['c', await openPgen(files(join(dir, 'c')))],
      ['f', (await openGenotypes({ pfile: join(dir, 'f') })) as PgenSource],
      ['b', await openPgen(files(join(dir, 'b')))],
    ];
    expect(cases.map(([, s]) => s.storageMode)).toEqual([0x10, 0x10, 0x02, 0x01]);
    for (const [name, src] of cases) {
      const got = await collect(src, { chunkVariants: 33 });
      expect(meta(got), name).toEqual(meta(want));
      expect(concat(got, 'packed'), name).toEqual(concat(want, 'packed'));
      expect(src.samples.iid, name).toEqual(g.samples.iid);
      expect(src.samples.fid, name).toEqual(g.samples.fid);
    }
    expect(cases[3][1].hasFid).toBe(true);
  });

  it('a .psam without FID: FID 0 as plink2 writes it; founders from PAT/MAT; SEX codes', async () => {
    const dir = tempDir('pgenpsam');
    const g = recordTypeGeno(4, 10, 3);
    plink2(['--bfile', writeRandomBed(dir, g), '--make-pgen', '--out', join(dir, 'p')]);
    writeFileSync(join(dir, 'p.psam'), '#IID\tPAT\tMAT\tSEX\tPHENO1\nA\t0\t0\tM\t1\nB\tA\t0\t2\t1\nC\t0\t0\tNA\t1\nD\t0\t0\tf\t1\n');
    const src = await openPgen(files(join(dir, 'p')));
    expect(src.samples).toEqual({ fid: ['0', '0', '0', '0'], iid: ['A', 'B', 'C', 'D'], founder: Uint8Array.from([1, 0, 1, 1]) });
    expect(Array.from(src.sex)).toEqual([1, 2, 0, 2]);
    expect(src.hasFid).toBe(false);
    plink2(['--pfile', join(dir, 'p'), '--make-bed', '--out', join(dir, 'back')]);
    const fam = readFileSync(join(dir, 'back.fam'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(fam.map((f) => [f[0], f[1], f[4]])).toEqual([['0', 'A', '1'], ['0', 'B', '2'], ['0', 'C', '0'], ['0', 'D', '2']]);
  });
});

/** plink2 --export A dosages of the counted allele, turned into ALT dosages (NaN = NA). */
function rawAltDosages(path: string, alt: string[]): number[][] {
  const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const head = rows[0];
  return alt.map((a, v) => {
    const col = 6 + v;
    const counted = head[col].slice(head[col].lastIndexOf('_') + 1);
    return rows.slice(1).map((r) => {
      const x = r[col] === 'NA' ? NaN : Number(r[col]);
      return counted === a ? x : 2 - x;
    });
  });
}

describe('openPgen: dosages', () => {
  it('equal plink2 --export A on a .pgen from a VCF with DS and phased GT (phase tracks skipped)', async () => {
    const dir = tempDir('pgends');
    const n = 301;
    const m = 60;
    writePhasedDsVcf(join(dir, 'd.vcf'), n, m, 9);
    plink2(['--vcf', join(dir, 'd.vcf'), 'dosage=DS', '--make-pgen', '--out', join(dir, 'dp')]);
    plink2(['--pfile', join(dir, 'dp'), '--export', 'A', '--out', join(dir, 'dr')]);
    const src = (await openGenotypes({ pfile: join(dir, 'dp') })) as PgenSource;
    const rt = src.recordTypes;
    expect(src.dosage).toBe(true);
    expect(rt.phased, JSON.stringify(rt)).toBeGreaterThan(0);
    expect(rt.phasedDosage).toBeGreaterThan(0);
    expect(rt.dosageDifflist).toBeGreaterThan(0);
    expect(rt.dosageBitarray).toBeGreaterThan(0);
    expect(rt.dosage).toBeLessThan(m); // GT-only and exact-DS variants carry no dosage track
    expect(rt.main[2] + rt.main[3]).toBeGreaterThan(0); // LD-compressed hardcalls followed by a phase track
    const chunks = await collect(src, { chunkVariants: 7 });
    expect(chunks[0].packed).toBeUndefined();
    const got = concat(chunks, 'dosage');
    const want = rawAltDosages(join(dir, 'dr.raw'), meta(chunks).alt);
    let nan = 0;
    for (let v = 0; v < m; v++) {
      for (let j = 0; j < n; j++) {
        const w = want[v][j];
        const d = got[v * n + j];
        if (Number.isNaN(w)) {
          expect(d, `variant ${v} sample ${j}`).toBeNaN();
          nan++;
        } else expect(Math.abs(d - w), `variant ${v} sample ${j}: ${d} vs ${w}`).toBeLessThanOrEqual(1e-4);
      }
    }
    expect(nan).toBeGreaterThan(0);
    // hardcalls on request equal plink2's own hardcalls of the same file
    plink2(['--pfile', join(dir, 'dp'), '--make-bed', '--out', join(dir, 'hb')]);
    const hard = await openPgen(files(join(dir, 'dp')), { dosage: false });
    expect(concat(await collect(hard), 'packed')).toEqual(concat(await collect(await openGenotypes({ bfile: join(dir, 'hb') })), 'packed'));
  });

  it('fixed-width unphased-dosage mode 03 (a dosage for every sample, 65535 missing)', async () => {
    const n = 5;
    const dos = [
      [0, 0.5, 1.25, NaN, 2],
      [2, 2, NaN, 1, 0.0001],
    ];
    const hard = [
      [0, 3, 1, 3, 2],
      [2, 2, 3, 1, 0],
    ];
    const bpv = Math.ceil(n / 4);
    const width = bpv + 2 * n;
    const bytes = new Uint8Array(12 + 2 * width);
    bytes.set([0x6c, 0x1b, 0x03, 2, 0, 0, 0, n, 0, 0, 0, 0x40]);
    for (let v = 0; v < 2; v++) {
      const at = 12 + v * width;
      for (let j = 0; j < n; j++) {
        bytes[at + (j >> 2)] |= hard[v][j] << (2 * (j & 3));
        const q = Number.isNaN(dos[v][j]) ? 65535 : Math.round(dos[v][j] * 16384);
        bytes[at + bpv + 2 * j] = q & 255;
        bytes[at + bpv + 2 * j + 1] = q >> 8;
      }
    }
    const enc = new TextEncoder();
    const fixed = () => ({
      pgen: bytesSource(bytes, 'f.pgen'),
      pvar: bytesSource(enc.encode('#CHROM\tPOS\tID\tREF\tALT\n1\t10\ta\tA\tG\n1\t20\tb\tC\tT\n'), 'f.pvar'),
      psam: bytesSource(enc.encode('#IID\na\nb\nc\nd\ne\n'), 'f.psam'),
    });
    const src = await openPgen(fixed());
    expect([src.storageMode, src.dosage, src.recordTypes.dosageAll]).toEqual([3, true, 2]);
    const d = concat(await collect(src), 'dosage');
    expect(d.map((x) => (Number.isNaN(x) ? 'NA' : x.toFixed(5)))).toEqual(
      dos.flat().map((x) => (Number.isNaN(x) ? 'NA' : (Math.round(x * 16384) / 16384).toFixed(5))),
    );
    // hardcalls on request: plink2 codes 0 1 2 3 -> .bed 11 10 00 01, padding zero
    const bedCode = [0b11, 0b10, 0b00, 0b01];
    const rows = hard.flatMap((row) => [0, 1].map((b) => row.slice(4 * b, 4 * b + 4).reduce((acc, c, k) => acc | (bedCode[c] << (2 * k)), 0)));
    expect(concat(await collect(await openPgen(fixed(), { dosage: false })), 'packed')).toEqual(rows);
  });
});

describe('openPgen: errors', () => {
  const enc = new TextEncoder();
  async function fixture() {
    const dir = tempDir('pgenerr');
    const g = recordTypeGeno(30, 40, 4);
    plink2(['--bfile', writeRandomBed(dir, g), '--make-pgen', '--out', join(dir, 'p')]);
    const pgen = new Uint8Array(readFileSync(join(dir, 'p.pgen')));
    return { dir, pgen, pvar: nodeFileSource(join(dir, 'p.pvar')), psam: nodeFileSource(join(dir, 'p.psam')) };
  }

  it('wrong magic, unknown storage mode, truncated file, count mismatches', async () => {
    const f = await fixture();
    const bad = f.pgen.slice();
    bad[1] = 0x1c;
    await expect(openPgen({ ...f, pgen: bytesSource(bad, 'p.pgen') })).rejects.toThrow('p.pgen: wrong magic bytes, not a .pgen file; expected 6c 1b (PLINK 2 .pgen), found 6c 1c 10');
    const mode = f.pgen.slice();
    mode[2] = 0x20;
    await expect(openPgen({ ...f, pgen: bytesSource(mode, 'p.pgen') })).rejects.toThrow(
      'p.pgen: column byte 2: unsupported .pgen storage mode; expected storage mode 01 (.bed), 02-04 (fixed-width) or 10 (plink2 --make-pgen), found 20',
    );
    const size = f.pgen.length;
    await expect(openPgen({ ...f, pgen: bytesSource(f.pgen.subarray(0, size - 5), 'p.pgen') })).rejects.toThrow(
      `p.pgen: truncated .pgen (a record ends past the end of the file); expected at least ${size} bytes (the records of variants 0-39 end there), found ${size - 5} bytes`,
    );
    await expect(openPgen({ ...f, pgen: bytesSource(f.pgen.subarray(0, 30), 'p.pgen') })).rejects.toThrow(/^p\.pgen: truncated \.pgen; expected at least \d+ bytes \(the header index of variants 0-39\), found 30 bytes$/);
    const psam = readFileSync(join(f.dir, 'p.psam'), 'utf8').trim().split('\n');
    await expect(openPgen({ ...f, pgen: bytesSource(f.pgen, 'p.pgen'), psam: bytesSource(enc.encode(psam.slice(0, -1).join('\n') + '\n'), 'p.psam') })).rejects.toThrow(
      'p.pgen: .psam/.pgen sample count mismatch; expected 29 samples (the sample lines of p.psam), found 30 in the header',
    );
    const pvar = readFileSync(join(f.dir, 'p.pvar'), 'utf8').trim().split('\n');
    await expect(openPgen({ ...f, pgen: bytesSource(f.pgen, 'p.pgen'), pvar: bytesSource(enc.encode(pvar.slice(0, -2).join('\n') + '\n'), 'p.pvar') })).rejects.toThrow(
      'p.pgen: .pvar/.pgen variant count mismatch; expected 38 variants (the variant lines of p.pvar), found 40 in the header',
    );
  });

  it('a malformed record names the variant and its offset when its chunk is read', async () => {
    const f = await fixture();
    const h = await readPgenHeader(bytesSource(f.pgen, 'p.pgen'));
    const blk = await readPgenBlock(bytesSource(f.pgen, 'p.pgen'), h, 0, 40, 30);
    // a record of type 4 (difflist against hom REF) with a non-empty list: varint length, then the first sample ID
    const v = Array.from(blk.types).findIndex((t, i) => t === 4 && f.pgen[blk.starts[i]] > 0);
    expect(v).toBeGreaterThan(0);
    const bad = f.pgen.slice();
    bad[blk.starts[v] + 1] = 200;
    const src = await openPgen({ ...f, pgen: bytesSource(bad, 'p.pgen') });
    await expect(collect(src)).rejects.toThrow(`p.pgen: malformed record of variant ${v} (0-based; record at byte ${blk.starts[v]}); expected difflist sample indices below 30, found 200`);
    // a filter that skips it reads no byte of it
    expect((await collect(src, { filter: { fromIndex: v + 1 } })).reduce((a, c) => a + c.count, 0)).toBe(40 - v - 1);
  });

  it('malformed .pvar and .psam lines name file and line', async () => {
    const f = await fixture();
    const pgen = bytesSource(f.pgen, 'p.pgen');
    const pvar = readFileSync(join(f.dir, 'p.pvar'), 'utf8').split('\n');
    const at = pvar.findIndex((l) => l.startsWith('#CHROM')) + 3; // 0-based index of the third record
    const badPos = pvar.map((l, i) => (i === at ? l.replace(/^(\S+)\t\d+/, '$1\tx') : l)).join('\n');
    await expect(openPgen({ ...f, pgen, pvar: bytesSource(enc.encode(badPos), 'p.pvar') })).rejects.toThrow(
      `p.pvar:${at + 1}: column POS: malformed .pvar line; expected an integer base-pair position, found 'x'`,
    );
    await expect(openPgen({ ...f, pgen, pvar: bytesSource(enc.encode('#CHROM\tPOS\tID\tREF\tALT\tFOO\n'), 'p.pvar') })).rejects.toThrow(
      "p.pvar:1: column 6: unknown .pvar column; expected one of CHROM POS ID REF ALT QUAL FILTER INFO CM or FORMAT, found 'FOO'",
    );
    await expect(openPgen({ ...f, pgen, psam: bytesSource(enc.encode('#IID\tSEX\na\t1\na\t2\n'), 'p.psam') })).rejects.toThrow(
      "p.psam:3: column IID: duplicate sample ID; expected unique sample IDs, found '0 a' again (first at line 2)",
    );
    await expect(openPgen({ ...f, pgen, psam: bytesSource(enc.encode('#SEX\tIID\n1\ta\n'), 'p.psam') })).rejects.toThrow(
      "p.psam:1: malformed .psam header; expected the last '#' line to start with #FID or #IID, found '#SEX\tIID'",
    );
  });

  it('multiallelic variants: the .pvar ALT list, or the .pgen record type, named', async () => {
    const dir = tempDir('pgenmulti');
    const vcf = [
      '##fileformat=VCFv4.2',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc',
      '1\t10\tok1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1',
      '1\t20\tmulti\tA\tG,T\t.\t.\t.\tGT\t0/0\t0/1\t1/2',
      '1\t30\tok2\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\t1/1',
    ].join('\n');
    writeFileSync(join(dir, 'm.vcf'), vcf + '\n');
    plink2(['--vcf', join(dir, 'm.vcf'), '--make-pgen', '--out', join(dir, 'm')]);
    const pvarText = readFileSync(join(dir, 'm.pvar'), 'utf8');
    const line = pvarText.split('\n').findIndex((l) => l.includes('\tmulti\t')) + 1;
    await expect(openGenotypes({ pfile: join(dir, 'm') })).rejects.toThrow(`m.pvar:${line}: column ALT: multi-allelic variant (not supported); expected one ALT allele, found 'G,T'`);
    writeFileSync(join(dir, 'm.pvar'), pvarText.replace('G,T', 'G'));
    await expect(openGenotypes({ pfile: join(dir, 'm') })).rejects.toThrow(
      "m.pgen: multiallelic variants are not supported; expected biallelic variants, found multiallelic hardcalls at variant 1 (0-based), ID 'multi'",
    );
  });
});

describe('scan on a .pgen', () => {
  const root = join(__dirname, '..', '..');
  const cli = (args: string[], cwd: string) => spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), 'scan', ...args], { cwd, encoding: 'utf8' });
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-6;

  it('hardcalls and dosages: BETA/SE to 1e-4 relative, OBS_CT and A1 equal to plink2 --glm on the same .pgen', () => {
    const c = makeCohort({ n: 457, nVariants: 60, seed: 11, responses: 1 });
    runPlink2(['--bfile', 'g', '--make-pgen', '--out', 'gp'], c.dir);
    // a dosage .pgen of the same samples: DS VCF, sample names = the cohort IIDs
    writePhasedDsVcf(join(c.dir, 'd.vcf'), c.n, 30, 5);
    const vcf = readFileSync(join(c.dir, 'd.vcf'), 'utf8').replace(/\ts(\d+)/g, (_, i) => `\tI${i}`);
    writeFileSync(join(c.dir, 'd.vcf'), vcf);
    runPlink2(['--vcf', 'd.vcf', 'dosage=DS', '--make-pgen', '--out', 'dp'], c.dir);
    // its .psam has no FID column: IID-only responses
    const pheno = readFileSync(c.phenoFile, 'utf8').trim().split('\n').map((l) => l.split('\t').slice(1).join('\t'));
    writeFileSync(join(c.dir, 'pheno_iid.tsv'), ['#IID' + pheno[0].slice(3), ...pheno.slice(1)].join('\n') + '\n');
    for (const [geno, pheno, cov] of [
      ['gp', 'pheno.tsv', ['--covar', 'covar.tsv', '--covar-name', 'age,sex']],
      ['dp', 'pheno_iid.tsv', []],
    ] as const) {
      const r = cli(['--pfile', geno, '--pheno', pheno, ...cov, '--out', `o${geno}`], c.dir);
      expect(r.status, r.stderr).toBe(0);
      runPlink2(['--pfile', geno, '--pheno', pheno, ...cov, '--glm', 'hide-covar', ...(cov.length ? [] : ['allow-no-covars']), '--out', `r${geno}`], c.dir);
      const ours = readGlm(join(c.dir, `o${geno}.y1.glm.linear`));
      const ref = readGlm(join(c.dir, `r${geno}.y1.glm.linear`));
      expect(ours.length).toBe(ref.length);
      let compared = 0;
      ours.forEach((o, i) => {
        const w = ref[i];
        expect([o.id, o.a1, o.obs], `${geno} ${w.id}`).toEqual([w.id, w.a1, w.obs]);
        if (w.err !== '.' || Number.isNaN(w.beta)) return;
        expect(close(o.beta, w.beta), `${geno} ${w.id} BETA ${o.beta} vs ${w.beta}`).toBe(true);
        expect(close(o.se, w.se), `${geno} ${w.id} SE ${o.se} vs ${w.se}`).toBe(true);
        compared++;
      });
      expect(compared).toBeGreaterThan(20);
    }
  }, 120_000);
});
