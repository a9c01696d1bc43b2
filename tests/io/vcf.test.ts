import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { openVcf, type VcfSource } from '../../src/lib/io/vcf';
import { bytesSource } from '../../src/lib/io/ByteSource';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { openGenotypes } from '../../src/cli/openGenotypes';
import type { GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { decodeDosageRow } from '../../src/lib/io/dosageCode';
import { dsVcfHeader, plink2, randomGeno, readTsv, requireTool, tempDir, writeRandomBed } from './genoFixtures';

async function collect(src: GenotypeSource, opts?: Parameters<GenotypeSource['chunks']>[0]): Promise<GenotypeChunk[]> {
  const out: GenotypeChunk[] = [];
  for await (const c of src.chunks(opts)) out.push(c);
  return out;
}

function concatPacked(chunks: GenotypeChunk[]): Uint8Array {
  const total = chunks.reduce((a, c) => a + c.packed!.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c.packed!, o);
    o += c.packed!.length;
  }
  return out;
}

const enc = new TextEncoder();
const HEADER = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc\n';

describe('openVcf', () => {
  it('agrees with the .bed after plink2 --export vcf (plain, bgzip and plink2 bgz), odd n with missing calls', async () => {
    requireTool('bgzip', 'tabix');
    const dir = tempDir('vcf');
    const g = randomGeno(203, 150, 21);
    const prefix = writeRandomBed(dir, g);
    plink2(['--bfile', prefix, '--export', 'vcf', '--out', join(dir, 'x')]);
    plink2(['--bfile', prefix, '--export', 'vcf', 'bgz', '--out', join(dir, 'xb')]);
    execFileSync('bash', ['-c', `bgzip -c ${join(dir, 'x.vcf')} > ${join(dir, 'x.vcf.gz')}`]);
    const bedChunks = await collect(await openGenotypes({ bfile: prefix }));
    const bedPacked = concatPacked(bedChunks);
    for (const file of ['x.vcf', 'x.vcf.gz', 'xb.vcf.gz']) {
      const src = (await openGenotypes({ vcf: join(dir, file) })) as VcfSource;
      expect(src.format).toBe('vcf');
      expect(src.samples.iid.length).toBe(203);
      const chunks = await collect(src, { chunkVariants: 40 });
      expect(chunks.map((c) => c.count)).toEqual([40, 40, 40, 30]);
      expect(concatPacked(chunks)).toEqual(bedPacked);
      const ids = chunks.flatMap((c) => c.variants.id);
      expect(ids).toEqual(g.variants.id);
      expect(chunks.flatMap((c) => c.variants.alt)).toEqual(g.variants.alt);
      expect(chunks.flatMap((c) => c.variants.ref)).toEqual(g.variants.ref);
      expect(chunks.flatMap((c) => Array.from(c.variants.pos))).toEqual(Array.from(g.variants.pos));
      expect(src.skipped).toEqual({ multiAllelic: 0, malformed: 0, examples: [] });
      expect(src.recordsRead).toBe(150);
    }
    // sample IDs come from the header line, FID = IID
    const header = readFileSync(join(dir, 'x.vcf'), 'utf8').split('\n').find((l) => l.startsWith('#CHROM'))!;
    const src = await openGenotypes({ vcf: join(dir, 'x.vcf') });
    expect(src.samples.iid).toEqual(header.split('\t').slice(9));
    expect(src.samples.fid).toEqual(src.samples.iid);
    // filters: chr and bp window
    const f = await collect(src, { filter: { chr: ['2'], fromBp: 1000, toBp: 1300 } });
    expect(f.flatMap((c) => c.variants.id)).toEqual(['rs51', 'rs52', 'rs53', 'rs54']);
    const byIdx = await collect(src, { filter: { fromIndex: 148 } });
    expect(byIdx.flatMap((c) => c.variants.id)).toEqual(['rs149', 'rs150']);
  });

  it('reads DS dosages when asked, matching plink2 --freq on the same VCF', async () => {
    const dir = tempDir('vcfds');
    const n = 9;
    const lines = dsVcfHeader(n);
    const ds: number[][] = [];
    for (let v = 0; v < 20; v++) {
      const row: number[] = [];
      const fields: string[] = [];
      for (let j = 0; j < n; j++) {
        const d = (v * 7 + j * 13) % 9 === 0 ? NaN : Math.round(((v * 31 + j * 17) % 201) / 100 * 1000) / 1000;
        row.push(d);
        const gt = Number.isNaN(d) ? './.' : d < 0.5 ? '0/0' : d < 1.5 ? '0/1' : '1/1';
        fields.push(`${gt}:${Number.isNaN(d) ? '.' : d}`);
      }
      ds.push(row);
      lines.push(['1', String(100 + v), v === 3 ? '.' : `v${v}`, 'A', 'G', '.', 'PASS', '.', 'GT:DS', ...fields].join('\t'));
    }
    writeFileSync(join(dir, 'd.vcf'), lines.join('\n') + '\n');
    const src = await openGenotypes({ vcf: join(dir, 'd.vcf'), dosage: true });
    const chunks = await collect(src);
    const c = chunks[0];
    expect(c.packed).toBeUndefined();
    expect(c.variants.id[3]).toBe('1:103:A:G');
    // DS is kept on plink2's 1/16384 grid (Uint16 codes, as plink2 imports DS): the nearest step to the value
    // written, so within half a step (3.05e-5) of it, no longer equal to 6 digits as when chunks held Float32
    const dosage = decodeDosageRow(c.dosage!);
    for (let v = 0; v < 20; v++) {
      for (let j = 0; j < n; j++) {
        const got = dosage[v * n + j];
        if (Number.isNaN(ds[v][j])) expect(Number.isNaN(got)).toBe(true);
        else {
          expect(got).toBe(Math.round(ds[v][j] * 16384) / 16384);
          expect(Math.abs(got - ds[v][j])).toBeLessThanOrEqual(0.5 / 16384);
        }
      }
    }
    plink2(['--vcf', join(dir, 'd.vcf'), 'dosage=DS', '--freq', '--out', join(dir, 'ref')]);
    const fr = readTsv(join(dir, 'ref.afreq'));
    const iF = fr.header.indexOf('ALT_FREQS');
    for (let v = 0; v < 20; v++) {
      let s = 0, m = 0;
      for (let j = 0; j < n; j++) if (!Number.isNaN(dosage[v * n + j])) (s += dosage[v * n + j]), m++;
      // plink2 stores dosages in 1/16384 steps and prints 6 significant digits
      expect(Math.abs(Number(fr.rows[v][iF]) - s / (2 * m))).toBeLessThan(1e-4);
    }
    // without `dosage`, hard calls from GT
    const hard = await collect(await openGenotypes({ vcf: join(dir, 'd.vcf') }));
    expect(hard[0].dosage).toBeUndefined();
    expect(hard[0].packed!.length).toBe(20 * 3);
  });

  it('skips and counts multi-allelic and malformed records, with examples', async () => {
    const body = [
      '1\t10\tok1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1',
      '1\t20\tmulti\tA\tG,T\t.\t.\t.\tGT\t0/0\t0/1\t1/2',
      '1\t30\tshort\tA\tG\t.\t.\t.\tGT\t0/0\t0/1',
      '1\tx\tbadpos\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1',
      '1\t50\tnogt\tA\tG\t.\t.\t.\tDS\t0\t1\t2',
      '1\t60\tbadgt\tA\tG\t.\t.\t.\tGT\t0/0\t0/5\t1/1',
      '1\t70\tok2\tA\tG\t.\t.\t.\tGT:GQ\t1|1:30\t.:5\t0:9',
      '1\t80\ttrunc\tA',
    ].join('\n');
    const src = await openVcf(bytesSource(enc.encode(HEADER + body + '\n'), 'bad.vcf'));
    const chunks = await collect(src);
    expect(chunks.flatMap((c) => c.variants.id)).toEqual(['ok1', 'ok2']);
    // ok1: 0,1,2 -> codes 11,10,00 = 0b001011; ok2: 1|1 -> 00, '.' -> 01, haploid 0 -> 11: 0b110100
    expect(Array.from(chunks[0].packed!)).toEqual([0b001011, 0b110100]);
    expect(src.skipped.multiAllelic).toBe(1);
    expect(src.skipped.malformed).toBe(5);
    expect(src.skipped.examples).toEqual([
      "bad.vcf:4: multi-allelic ALT 'G,T'",
      'bad.vcf:5: expected 3 sample columns, found 2',
      "bad.vcf:6: POS is not a positive integer: 'x'",
      "bad.vcf:7: FORMAT has no GT: 'DS'",
      "bad.vcf:8: sample 2: GT allele is not 0, 1 or '.'",
    ]);
  });

  it('finds GT anywhere in FORMAT, handles CRLF line ends and IDs of non-ASCII text', async () => {
    const body = [
      '1\t10\tv1\tA\tG\t.\t.\t.\tGQ:GT:DP\t30:0/0:5\t20:1|0:3\t9:1/1:1',
      '1\t20\tvé\tA\tG\t.\t.\t.\tGQ:GT\t30\t20:./.\t9:0',
    ].join('\r\n');
    const src = await openVcf(bytesSource(enc.encode(HEADER.replace(/\n/g, '\r\n') + body + '\r\n'), 'crlf.vcf'));
    const c = await collect(src);
    expect(c[0].variants.id).toEqual(['v1', 'vé']);
    // v1: 0/0 -> 11, 1|0 -> 10, 1/1 -> 00; vé: GT absent -> missing 01, ./. -> 01, haploid 0 -> 11
    expect(Array.from(c[0].packed!)).toEqual([0b001011, 0b110101]);
    expect(src.skipped.malformed).toBe(0);
  });

  it('decodes concatenated gzip members (bgzip style) split across reads', async () => {
    const a = HEADER + '1\t10\tv1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1\n';
    const b = '1\t20\tv2\tA\tG\t.\t.\t.\tGT\t1/1\t./.\t0/1\n';
    const gz = new Uint8Array([...gzipSync(enc.encode(a)), ...gzipSync(enc.encode(b)), ...gzipSync(new Uint8Array(0))]);
    const src = await openVcf(bytesSource(gz, 'm.vcf.gz'));
    const c = await collect(src);
    expect(c.flatMap((x) => x.variants.id)).toEqual(['v1', 'v2']);
    expect(Array.from(c[0].packed!)).toEqual([0b001011, 0b100100]);
  });

  it('rejects files that are not VCF, with file and line', async () => {
    await expect(openVcf(bytesSource(enc.encode('hello\tworld\n'), 'x.vcf'))).rejects.toThrow(
      "x.vcf:1: not a VCF file; expected '##' meta lines then the '#CHROM' header line, found 'hello\tworld'",
    );
    await expect(openVcf(bytesSource(enc.encode('##fileformat=VCFv4.2\n#CHROM\tPOS\tID\n'), 'y.vcf'))).rejects.toThrow(
      'y.vcf:2: malformed VCF header line; expected #CHROM POS ID REF ALT QUAL FILTER INFO FORMAT and sample columns (tab-separated), found 3 columns',
    );
    await expect(openVcf(bytesSource(enc.encode('##fileformat=VCFv4.2\n'), 'z.vcf'))).rejects.toThrow(
      "z.vcf: not a VCF file; expected a '#CHROM' header line, found none",
    );
    expect(nodeFileSource).toBeTypeOf('function');
  });
});
