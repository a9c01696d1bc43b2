import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzlibSync, zlibSync } from 'fflate';
import { decompress } from 'fzstd';
import { openBgen, type BgenAlleleOrder, type BgenSource } from '../../src/lib/io/bgen';
import { bytesSource, type ByteSource } from '../../src/lib/io/ByteSource';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import type { ChunkOptions, GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { openPgen } from '../../src/lib/io/pgen';
import { decodeDosageRow } from '../../src/lib/io/dosageCode';
import { createRng } from '../../src/lib/math/rng';
import { plink2, readTsv, tempDir } from './genoFixtures';
import { runScan } from '../../src/lib/assoc/runScan';
import { readGlm } from '../assoc/oracleData';

// Fixtures: a VCF with FORMAT/DS dosages (odd sample count, missing values, 3 chromosomes, SNPs and indels)
// exported by plink2 2.00a3.5 to .bgen; the reference is plink2's own reading of the same .bgen
// (`plink2 --bgen F ref-first --export A --export-allele`). plink2 keeps dosages in steps of 1/16384 (up to
// half a step from the exact value) and prints the shortest decimal that rounds back to its step (up to
// another half step), so its values are within 1/16384 = 6.1e-5 of the exact ones: tolerance 1e-4.
const N = 101;
const M = 61;
const TOL = 1e-4;
const CHROMS = ['1', '2', '22'];
const ALLELES = [
  ['A', 'G'],
  ['C', 'T'],
  ['AT', 'A'],
  ['G', 'GTC'],
];

interface Ref {
  fid: string[];
  iid: string[];
  chrom: string[];
  pos: number[];
  id: string[];
  ref: string[];
  alt: string[];
  /** variant-major ALT dosages, NaN missing */
  dosage: Float64Array;
}

/** VCF with GT:DS; returns the DS values variant-major (NaN missing). */
function writeVcf(path: string, phased: boolean): Float64Array {
  const rng = createRng(1601);
  const ds = new Float64Array(M * N);
  const head = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: N }, (_, j) => `s${j + 1}`)];
  const lines = ['##fileformat=VCFv4.2', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'];
  if (!phased) lines.push('##FORMAT=<ID=DS,Number=1,Type=Float,Description="Dosage">');
  lines.push(head.join('\t'));
  const per = Math.ceil(M / CHROMS.length);
  for (let v = 0; v < M; v++) {
    const p = 0.02 + 0.48 * rng.next();
    const miss = v % 13 === 0 ? 0.3 : 0.03;
    const f: string[] = [];
    for (let j = 0; j < N; j++) {
      const h1 = rng.next() < p ? 1 : 0;
      const h2 = rng.next() < p ? 1 : 0;
      if (rng.next() < miss) {
        ds[v * N + j] = NaN;
        f.push(phased ? '.|.' : './.:.');
        continue;
      }
      if (phased) {
        ds[v * N + j] = h1 + h2;
        f.push(`${h1}|${h2}`);
        continue;
      }
      // a third exact hard calls, the rest noisy dosages with 3 decimals
      const d = j % 3 === 0 ? h1 + h2 : Math.min(2, Math.max(0, Math.round((h1 + h2 + 0.6 * (rng.next() - 0.5)) * 1000) / 1000));
      ds[v * N + j] = d;
      f.push(`${d < 0.5 ? '0/0' : d < 1.5 ? '0/1' : '1/1'}:${d}`);
    }
    const [ref, alt] = ALLELES[v % ALLELES.length];
    lines.push([CHROMS[Math.floor(v / per)], String(10000 + (v % per) * 250), `rs${v + 1}`, ref, alt, '.', 'PASS', '.', phased ? 'GT' : 'GT:DS', ...f].join('\t'));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return ds;
}

/** plink2's reading of a .bgen: IDs, .pvar columns and ALT dosages from --export A with --export-allele. */
function plinkRead(dir: string, bgen: string, mode: BgenAlleleOrder, sample?: string): Ref {
  const input = ['--bgen', join(dir, bgen), mode, ...(sample ? ['--sample', join(dir, sample)] : [])];
  const out = join(dir, `ref-${bgen}-${mode}-${sample ? 's' : 'n'}`);
  plink2([...input, '--make-just-pvar', '--out', out]);
  const pvar = readFileSync(`${out}.pvar`, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  writeFileSync(`${out}.alt`, pvar.map((r) => `${r[2]}\t${r[4]}`).join('\n') + '\n');
  plink2([...input, '--export', 'A', '--export-allele', `${out}.alt`, '--out', out]);
  const raw = readTsv(`${out}.raw`);
  const m = pvar.length;
  const n = raw.rows.length;
  const dosage = new Float64Array(m * n);
  raw.rows.forEach((r, j) => {
    for (let v = 0; v < m; v++) dosage[v * n + j] = r[6 + v] === 'NA' ? NaN : Number(r[6 + v]);
  });
  return {
    fid: raw.rows.map((r) => r[0]),
    iid: raw.rows.map((r) => r[1]),
    chrom: pvar.map((r) => r[0]),
    pos: pvar.map((r) => Number(r[1])),
    id: pvar.map((r) => r[2]),
    ref: pvar.map((r) => r[3]),
    alt: pvar.map((r) => r[4]),
    dosage,
  };
}

async function collect(src: BgenSource, opts?: ChunkOptions): Promise<GenotypeChunk[]> {
  const out: GenotypeChunk[] = [];
  for await (const c of src.chunks(opts)) out.push(c);
  return out;
}

interface Read {
  chrom: string[];
  pos: number[];
  id: string[];
  ref: string[];
  alt: string[];
  /** decoded from the chunks' Uint16 codes, NaN missing */
  dosage: Float64Array;
  counts: number[];
}

function join_(chunks: GenotypeChunk[]): Read {
  const total = chunks.reduce((a, c) => a + c.dosage!.length, 0);
  const dosage = new Float64Array(total);
  let o = 0;
  for (const c of chunks) {
    expect(c.packed).toBeUndefined();
    expect(c.dosage!.length).toBe(c.count * c.nSamples);
    dosage.set(decodeDosageRow(c.dosage!), o);
    o += c.dosage!.length;
  }
  return {
    chrom: chunks.flatMap((c) => c.variants.chrom),
    pos: chunks.flatMap((c) => Array.from(c.variants.pos)),
    id: chunks.flatMap((c) => c.variants.id),
    ref: chunks.flatMap((c) => c.variants.ref),
    alt: chunks.flatMap((c) => c.variants.alt),
    dosage,
    counts: chunks.map((c) => c.count),
  };
}

async function readAll(src: BgenSource, opts?: ChunkOptions): Promise<Read> {
  return join_(await collect(src, opts));
}

/** Largest |a - b| over entries observed in both; throws when missingness differs. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) throw new Error(`entry ${i}: ${a[i]} vs ${b[i]}`);
      continue;
    }
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d;
}

function expectSameAsPlink(got: Read, ref: Ref): number {
  expect(got.chrom).toEqual(ref.chrom);
  expect(got.pos).toEqual(ref.pos);
  expect(got.id).toEqual(ref.id);
  expect(got.ref).toEqual(ref.ref);
  expect(got.alt).toEqual(ref.alt);
  const d = maxDiff(got.dosage, ref.dosage);
  expect(d).toBeLessThan(TOL);
  return d;
}

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint16(at, true);
const put32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

interface Block {
  start: number;
  /** offset of K */
  kAt: number;
  /** offset of C */
  cAt: number;
  c: number;
  end: number;
}

/** The variant blocks of a layout-2 .bgen (an independent walk for the corruption tests). */
function blocks(b: Uint8Array): Block[] {
  const out: Block[] = [];
  let p = u32(b, 0) + 4;
  while (p < b.length) {
    const start = p;
    for (let k = 0; k < 3; k++) p += 2 + u16(b, p);
    p += 4;
    const kAt = p;
    const nA = u16(b, p);
    p += 2;
    for (let k = 0; k < nA; k++) p += 4 + u32(b, p);
    const c = u32(b, p);
    out.push({ start, kAt, cAt: p, c, end: p + 4 + c });
    p += 4 + c;
  }
  return out;
}

/** The same file with uncompressed genotype blocks (flags bits 0-1 = 0, C = D, no D field). */
function uncompressed(b: Uint8Array): Uint8Array {
  const lh = u32(b, 4);
  const comp = u32(b, lh) & 3;
  const parts: Uint8Array[] = [b.slice(0, u32(b, 0) + 4)];
  put32(parts[0], lh, u32(b, lh) & ~3);
  for (const blk of blocks(b)) {
    const z = b.subarray(blk.cAt + 8, blk.end);
    const data = comp === 1 ? unzlibSync(z) : decompress(z);
    expect(data.length).toBe(u32(b, blk.cAt + 4));
    const head = b.slice(blk.start, blk.cAt + 4);
    put32(head, head.length - 4, data.length);
    parts.push(head, data);
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

let dir = '';
let vcfDs: Float64Array;
let phasedGt: Float64Array;
const file = (name: string) => nodeFileSource(join(dir, name));

describe('openBgen', () => {
  beforeAll(() => {
    dir = tempDir('bgen');
    vcfDs = writeVcf(join(dir, 'd.vcf'), false);
    phasedGt = writeVcf(join(dir, 'p.vcf'), true);
    const exp = (vcf: string, out: string, ...mods: string[]) => plink2(['--vcf', join(dir, vcf), ...(vcf === 'd.vcf' ? ['dosage=DS'] : []), '--export', ...mods, '--out', join(dir, out)]);
    exp('d.vcf', 'z8', 'bgen-1.2', 'bits=8', 'ref-first');
    exp('d.vcf', 's16', 'bgen-1.3', 'ref-first');
    exp('d.vcf', 's8', 'bgen-1.3', 'bits=8', 'ref-first');
    exp('d.vcf', 's10', 'bgen-1.3', 'bits=10', 'ref-first');
    exp('d.vcf', 'last', 'bgen-1.3', 'bits=8');
    exp('p.vcf', 'ph', 'bgen-1.2', 'bits=8', 'ref-first');
    writeFileSync(join(dir, 'u16.bgen'), uncompressed(readFileSync(join(dir, 's16.bgen'))));
    writeFileSync(join(dir, 'u16.sample'), readFileSync(join(dir, 's16.sample')));
  }, 60_000);

  it('matches plink2 on v1.2 zlib 8-bit, v1.3 zstd 16/8/10-bit and uncompressed files', async () => {
    const maxVsPlink: Record<string, number> = {};
    const maxVsVcf: Record<string, number> = {};
    for (const [name, comp, bits] of [
      ['z8', 'zlib', 8],
      ['s16', 'zstd', 16],
      ['s8', 'zstd', 8],
      ['s10', 'zstd', 10],
      ['u16', 'none', 16],
    ] as const) {
      const src = await openBgen({ bgen: file(`${name}.bgen`), sample: file(`${name}.sample`) });
      expect(src.format).toBe('bgen');
      expect(src.compression).toBe(comp);
      expect(src.nVariants).toBe(M);
      expect(src.sampleIdsFrom).toBe('sample-file');
      const ref = plinkRead(dir, `${name}.bgen`, 'ref-first', `${name}.sample`);
      expect(src.samples.iid).toEqual(ref.iid);
      expect(src.samples.fid).toEqual(ref.fid);
      const got = await readAll(src);
      maxVsPlink[name] = expectSameAsPlink(got, ref);
      // against the VCF: plink2 keeps the imported DS in 1/16384 steps, then writes probabilities rounded to
      // 1/(2^B - 1) (an error of up to about one step in the dosage)
      maxVsVcf[name] = maxDiff(got.dosage, vcfDs);
      expect(maxVsVcf[name]).toBeLessThan(1 / 32768 + 2 / (2 ** bits - 1));
      // without the .sample: the file's own IDs (FID = IID)
      const own = await openBgen({ bgen: file(`${name}.bgen`) });
      expect(own.sampleIdsFrom).toBe('bgen');
      expect(own.samples.iid).toEqual(Array.from({ length: N }, (_, j) => `s${j + 1}`));
      expect(own.samples.fid).toEqual(own.samples.iid);
      expect((await readAll(own)).dosage).toEqual(got.dosage);
    }
    // the vendored numbers in docs/genotypes-and-simulator.md come from this line
    console.log('bgen max |diff| vs plink2:', maxVsPlink, 'vs VCF DS:', maxVsVcf);
  }, 60_000);

  it("reads plink2's default REF-last export with alleleOrder 'ref-last', and phased data", async () => {
    const src = await openBgen({ bgen: file('last.bgen') }, { alleleOrder: 'ref-last' });
    const got = await readAll(src);
    expectSameAsPlink(got, plinkRead(dir, 'last.bgen', 'ref-last'));
    expect(got.ref.slice(0, 4)).toEqual(ALLELES.map((a) => a[0]));
    expect(maxDiff(got.dosage, vcfDs)).toBeLessThan(2 / 255);
    // read REF-first, the same file gives the other allele's dosage
    const swapped = await readAll(await openBgen({ bgen: file('last.bgen') }));
    expect(swapped.ref).toEqual(got.alt);
    for (let i = 0; i < got.dosage.length; i++) {
      if (Number.isNaN(got.dosage[i])) expect(swapped.dosage[i]).toBeNaN();
      else expect(Math.abs(swapped.dosage[i] - (2 - got.dosage[i]))).toBeLessThan(1e-6);
    }
    // phased: the sum over haplotypes; hard calls come back exactly
    const ph = await readAll(await openBgen({ bgen: file('ph.bgen'), sample: file('ph.sample') }));
    const phBytes = readFileSync(join(dir, 'ph.bgen'));
    const first = blocks(phBytes)[0];
    const data = unzlibSync(phBytes.subarray(first.cAt + 8, first.end));
    expect(data[8 + N]).toBe(1); // the phased flag: plink2 wrote phased probabilities
    expectSameAsPlink(ph, plinkRead(dir, 'ph.bgen', 'ref-first', 'ph.sample'));
    expect(maxDiff(ph.dosage, phasedGt)).toBe(0);
  }, 60_000);

  it("gives plink2's own dosages code for code: the .bgen read by plink2 --bgen ... --make-pgen", async () => {
    // plink2 rounds a .bgen's probabilities to its 1/16384 grid by a rule of its own (bgenVariant.ts); the
    // .pgen it writes holds those codes, which our .pgen reader hands out as they are
    const codes = async (src: GenotypeSource) => {
      const parts: number[] = [];
      for await (const c of src.chunks()) parts.push(...c.dosage!);
      return parts;
    };
    let compared = 0;
    for (const [name, order] of [['z8', 'ref-first'], ['s10', 'ref-first'], ['s16', 'ref-first'], ['last', 'ref-last'], ['ph', 'ref-first']] as const) {
      const out = join(dir, `mp-${name}`);
      plink2(['--bgen', join(dir, `${name}.bgen`), order, '--sample', join(dir, `${name}.sample`), '--make-pgen', '--out', out]);
      const want = await codes(await openPgen({ pgen: nodeFileSource(`${out}.pgen`), pvar: nodeFileSource(`${out}.pvar`), psam: nodeFileSource(`${out}.psam`) }, { dosage: true }));
      const got = await codes(await openBgen({ bgen: file(`${name}.bgen`), sample: file(`${name}.sample`) }, { alleleOrder: order }));
      expect(got.length).toBe(M * N);
      expect(got, name).toEqual(want);
      compared += got.length;
    }
    expect(compared).toBe(5 * M * N);
  }, 60_000);

  it('feeds the scan: runScan on the .bgen matches plink2 --glm on the same file', async () => {
    const rng = createRng(77);
    const src = await openBgen({ bgen: file('s16.bgen'), sample: file('s16.sample') });
    const dos = (await readAll(src)).dosage;
    // a response with a planted effect of variant 6, one sample missing
    const y = Float64Array.from({ length: N }, (_, j) => (j === 4 ? NaN : 0.8 * (Number.isNaN(dos[5 * N + j]) ? 0 : dos[5 * N + j]) + rng.normal()));
    writeFileSync(join(dir, 'y.txt'), ['FID\tIID\ty', ...src.samples.iid.map((s, j) => `0\t${s}\t${Number.isNaN(y[j]) ? 'NA' : y[j]}`)].join('\n') + '\n');
    plink2(['--bgen', join(dir, 's16.bgen'), 'ref-first', '--sample', join(dir, 's16.sample'), '--pheno', join(dir, 'y.txt'), '--glm', 'allow-no-covars', 'omit-ref', '--out', join(dir, 'glm')]);
    const want = readGlm(join(dir, 'glm.y.glm.linear'));
    const res = await runScan({ source: src, responses: [{ name: 'y', values: Float32Array.from(y) }], chunkVariants: 16 });
    const r = res.responses[0].tests[0];
    expect(res.variants.id).toEqual(want.map((w) => w.id));
    let compared = 0;
    const worst = { beta: 0, se: 0, log10p: 0 };
    want.forEach((w, v) => {
      expect(r.obs[v], w.id).toBe(w.obs);
      if (w.err !== '.') return;
      compared++;
      worst.beta = Math.max(worst.beta, Math.abs(r.beta[v] - w.beta) / Math.abs(w.beta));
      worst.se = Math.max(worst.se, Math.abs(r.se[v] - w.se) / w.se);
      worst.log10p = Math.max(worst.log10p, Math.abs(r.log10p[v] - w.log10p));
      // plink2 regresses on its 1/16384-step dosages: BETA and SE agree to ~1e-4 relative
      expect(Math.abs(r.beta[v] - w.beta), w.id).toBeLessThanOrEqual(1e-3 * Math.abs(w.beta) + 1e-5);
      expect(Math.abs(r.se[v] - w.se), w.id).toBeLessThanOrEqual(1e-3 * w.se);
      expect(Math.abs(r.log10p[v] - w.log10p), w.id).toBeLessThanOrEqual(0.01);
    });
    expect(compared).toBe(M);
    console.log('bgen scan vs plink2 --glm, max relative |diff| BETA, SE and max |diff| -log10 P:', worst);
    expect(res.responses[0].log10p[5]).toBeGreaterThan(5);
  }, 60_000);

  it('gives the same variants and dosages for any chunk and window size; filters by chr, bp and index', async () => {
    const base = await readAll(await openBgen({ bgen: file('s10.bgen') }));
    expect(base.counts).toEqual([M]);
    for (const windowBytes of [1, 7, 100, undefined]) {
      const src = await openBgen({ bgen: file('s10.bgen') }, { windowBytes });
      for (const chunkVariants of [1, 7, undefined]) {
        const got = await readAll(src, { chunkVariants });
        expect(got.dosage).toEqual(base.dosage);
        expect(got.id).toEqual(base.id);
        expect(got.counts.length).toBe(chunkVariants ? Math.ceil(M / chunkVariants) : 1);
      }
    }
    const src = await openBgen({ bgen: file('z8.bgen'), sample: file('z8.sample') });
    const all = await readAll(src);
    const pick = (keep: (v: number) => boolean) => {
      const idx = all.id.map((_, v) => v).filter(keep);
      return { id: idx.map((v) => all.id[v]), dosage: Float64Array.from(idx.flatMap((v) => Array.from(all.dosage.subarray(v * N, (v + 1) * N)))) };
    };
    const f = await readAll(src, { chunkVariants: 3, filter: { chr: ['chr22', '2'], fromBp: 10500, toBp: 12000 } });
    const want = pick((v) => (all.chrom[v] === '22' || all.chrom[v] === '2') && all.pos[v] >= 10500 && all.pos[v] <= 12000);
    expect(want.id.length).toBe(14);
    expect(f.id).toEqual(want.id);
    expect(f.dosage).toEqual(want.dosage);
    const byIdx = await readAll(src, { chunkVariants: 4, filter: { fromIndex: 10, toIndex: 19 } });
    expect(byIdx.id).toEqual(all.id.slice(10, 19));
    expect(byIdx.dosage).toEqual(all.dosage.slice(10 * N, 19 * N));
    expect(byIdx.counts).toEqual([4, 4, 1]);
    expect(await collect(src, { filter: { chr: ['X'] } })).toEqual([]);
  });

  it('refuses corrupt and unsupported files with the file, byte offset and what was expected', async () => {
    const good = new Uint8Array(readFileSync(join(dir, 'z8.bgen')));
    const blk = blocks(good);
    expect(blk.length).toBe(M);
    const lh = u32(good, 4);
    const mutated = (f: (b: Uint8Array) => void, len = good.length) => {
      const b = good.slice(0, len);
      f(b);
      return bytesSource(b, 'x.bgen');
    };
    const failure = async (src: ByteSource, sample?: ByteSource) => {
      try {
        const s = await openBgen({ bgen: src, sample });
        await collect(s, { chunkVariants: 1 });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await failure(mutated((b) => b.set([0x62, 0x67, 0x65, 0x78], 16)))).toBe(
      "x.bgen: byte 16: wrong magic bytes, not a BGEN file; expected 'bgen' (62 67 65 6e) or 00 00 00 00, found 62 67 65 78",
    );
    expect(await failure(mutated((b) => b.set([0, 0, 0, 0], 16)))).toBe('no error');
    expect(await failure(mutated((b) => put32(b, lh, (u32(b, lh) & ~0x3c) | (1 << 2))))).toBe(
      `x.bgen: byte ${lh}: BGEN layout 1 (v1.1) is not supported; convert it to v1.2/v1.3 (e.g. plink2 --bgen FILE ref-first --export bgen-1.3 ref-first); expected layout 2 (flags bits 2-5), found layout 1`,
    );
    expect(await failure(mutated((b) => put32(b, lh, u32(b, lh) | 3)))).toBe(
      `x.bgen: byte ${lh}: unsupported compression (flags bits 0-1); expected 0 (none), 1 (zlib) or 2 (zstd), found 3`,
    );
    expect(await failure(mutated(() => {}, 20))).toBe(
      'x.bgen: byte 0: truncated .bgen header; expected at least 24 bytes (first-variant offset and a 20-byte header block), found 20 bytes',
    );
    // truncated inside the genotype data of variant 6, and right after variant 40
    const b6 = blk[5];
    expect(await failure(mutated(() => {}, b6.cAt + 10))).toBe(
      `x.bgen: byte ${b6.cAt}: truncated .bgen: genotype data of variant 6 (rs6, 1:11250) runs past the end of the file; expected ${b6.c} bytes, found 6 bytes`,
    );
    expect(await failure(mutated(() => {}, blk[39].end))).toBe(`x.bgen: byte ${blk[39].end}: truncated .bgen: the file ends before the last variant; expected ${M} variant blocks (header), found 40`);
    expect(await failure(mutated(() => {}, blk[39].end + 3))).toBe(`x.bgen: byte ${blk[39].end}: truncated .bgen: variant block 41 runs past the end of the file; expected at least 4 bytes, found 3 bytes left`);
    // the chunks before the truncation come out; the error comes where the data ends
    const partial: string[] = [];
    await expect(
      (async () => {
        for await (const c of (await openBgen({ bgen: mutated(() => {}, b6.cAt + 10) })).chunks({ chunkVariants: 1 })) partial.push(...c.variants.id);
      })(),
    ).rejects.toThrow('truncated');
    expect(partial).toEqual(['rs1', 'rs2', 'rs3', 'rs4', 'rs5']);
    // K = 3 (the allele data of variant 4 no longer parses as biallelic)
    expect(await failure(mutated((b) => b.set([3, 0], blk[3].kAt)))).toBe(
      `x.bgen: byte ${blk[3].kAt}: variant 4 (rs4, 1:10750): only biallelic variants are supported; expected 2 alleles, found 3`,
    );
    // D (uncompressed length) one too large / too small
    const d = u32(good, blk[0].cAt + 4);
    expect(await failure(mutated((b) => put32(b, blk[0].cAt + 4, d + 1)))).toBe(
      `x.bgen: byte ${blk[0].cAt + 8}: variant 1 (rs1, 1:10000): decompressed genotype data differs from its declared length D; expected ${d + 1} bytes, found ${d} bytes`,
    );
    expect(await failure(mutated((b) => put32(b, blk[0].cAt + 4, d - 1)))).toBe(
      `x.bgen: byte ${blk[0].cAt + 8}: variant 1 (rs1, 1:10000): decompressed genotype data differs from its declared length D; expected ${d - 1} bytes, found more than ${d - 1} bytes`,
    );
    // a haploid sample, in an uncompressed copy (offsets are file offsets there)
    const u = uncompressed(good);
    const ub = blocks(u)[2];
    const hap = u.slice();
    hap[ub.cAt + 4 + 8 + 4] = 1;
    expect(await failure(bytesSource(hap, 'x.bgen'))).toBe(`x.bgen: byte ${ub.cAt + 16}: variant 3 (rs3, 1:10500): sample 5: only diploid genotypes are supported; expected ploidy 2, found 1`);
    // unphased probabilities summing to more than 1 (8-bit: P(11) + P(12) stored as 200 + 100 > 255), at a sample with a call
    const q3 = ub.cAt + 4 + 8 + N + 2;
    const j3 = Array.from({ length: N }, (_, j) => j).find((j) => !(u[ub.cAt + 4 + 8 + j] & 0x80))!;
    const over = u.slice();
    over.set([200, 100], q3 + 2 * j3);
    expect(await failure(bytesSource(over, 'x.bgen'))).toBe(
      `x.bgen: byte ${q3 + 2 * j3}: variant 3 (rs3, 1:10500): sample ${j3 + 1}: genotype probabilities sum to more than 1; expected P(11) + P(12) <= 1 (stored values summing to at most 255), found 200 + 100`,
    );
    hap[ub.cAt + 4 + 7] = 3;
    expect(await failure(bytesSource(hap, 'x.bgen'))).toBe(
      `x.bgen: byte ${ub.cAt + 10}: variant 3 (rs3, 1:10500): only diploid genotypes are supported; expected ploidy 2 for every sample (min 2, max 2), found min 2, max 3`,
    );
    // in a compressed file, the offset is the block's, plus the offset in the uncompressed data
    const z3 = blk[2];
    const data3 = unzlibSync(good.subarray(z3.cAt + 8, z3.end));
    data3[7] = 3;
    const re = zlibSync(data3);
    const cd = new Uint8Array(8);
    put32(cd, 0, re.length + 4);
    put32(cd, 4, data3.length);
    const rebuilt = new Uint8Array(z3.cAt + 8 + re.length + good.length - z3.end);
    rebuilt.set(good.subarray(0, z3.cAt));
    rebuilt.set(cd, z3.cAt);
    rebuilt.set(re, z3.cAt + 8);
    rebuilt.set(good.subarray(z3.end), z3.cAt + 8 + re.length);
    expect(await failure(bytesSource(rebuilt, 'x.bgen'))).toBe(
      `x.bgen: byte ${z3.cAt + 4}: variant 3 (rs3, 1:10500): uncompressed genotype data byte 6: only diploid genotypes are supported; expected ploidy 2 for every sample (min 2, max 2), found min 2, max 3`,
    );
    const lines = readFileSync(join(dir, 'z8.sample'), 'utf8').split('\n');
    const short = bytesSource(new TextEncoder().encode(lines.filter((_, i) => i !== 7).join('\n')), 'x.sample');
    expect(await failure(bytesSource(good, 'x.bgen'), short)).toBe(
      `x.sample: sample count differs from x.bgen; expected ${N} sample lines after the two header lines (the sample count of x.bgen), found ${N - 1}`,
    );
    const noHeader = bytesSource(new TextEncoder().encode(lines.slice(2).join('\n')), 'x.sample');
    expect(await failure(bytesSource(good, 'x.bgen'), noHeader)).toBe(`x.sample:1: not an Oxford .sample file; expected 'ID_1 ID_2 ...' or 'ID ...' (Oxford .sample header), found '${lines[2].split(' ').slice(0, 3).join(' ')}'`);
    // no sample block and no .sample (as plink2: an error, not invented IDs)
    const noIds = good.slice(0, 4 + lh).slice();
    put32(noIds, 0, lh);
    put32(noIds, lh, u32(noIds, lh) & 0x7fffffff);
    const noIdFile = new Uint8Array(noIds.length + good.length - blk[0].start);
    noIdFile.set(noIds);
    noIdFile.set(good.subarray(blk[0].start), noIds.length);
    expect(await failure(bytesSource(noIdFile, 'x.bgen'))).toBe(
      'x.bgen: no sample IDs; expected sample IDs in the file (flags bit 31) or a .sample file given with it, found neither',
    );
    const withSample = await readAll(await openBgen({ bgen: bytesSource(noIdFile, 'x.bgen'), sample: file('z8.sample') }));
    expect(withSample.dosage).toEqual((await readAll(await openBgen({ bgen: bytesSource(good, 'x.bgen') }))).dosage);
  });
});
