/**
 * The IMPUTE2 info of BGEN input (bgenVariant.ts impute2Info) and `--info-filter MIN` (variantQc.ts). Fixture:
 * a DS VCF with imputation-like shrunk dosages (d = q g + (1 - q) 2p + noise, so the info spreads over [0, 1]),
 * a monomorphic and a hard-call variant, missing values; exported by plink2 2.00a3.5 as BGEN v1.3 (zstd,
 * 16-bit) and v1.2 (zlib, 8-bit), REF first. The reference info is computed here, independently, from the
 * probabilities stored in the file (its own walk over the blocks): e = P(12) + 2 P(22), f = P(12) + 4 P(22),
 * theta = sum e / 2N, info = 1 - sum (f - e^2) / (2N theta (1 - theta)), 1 when theta is 0 or 1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzlibSync } from 'fflate';
import { decompress } from 'fzstd';
import { openBgen } from '../../src/lib/io/bgen';
import { formatQcReport, runVariantQc } from '../../src/lib/io/variantQc';
import { genotypeReport, withGenotypeQc } from '../../src/lib/pipeline/genotypeReport';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { parseArgs } from '../../src/cli/args';
import { genotypeQcOptions, qcFromArgs } from '../../src/cli/genotypeQcArgs';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { createRng } from '../../src/lib/math/rng';
import { dsVcfHeader, plink2, tempDir } from './genoFixtures';

const N = 301;
const M = 40;
const root = join(__dirname, '..', '..');

/** Dosage = q g + (1 - q) 2p + noise (q uniform in [0.1, 1]); then a monomorphic and an exact hard-call variant. */
function writeShrunkVcf(path: string): void {
  const rng = createRng(41);
  const lines = dsVcfHeader(N);
  for (let v = 0; v < M; v++) {
    const p = 0.05 + 0.45 * rng.next();
    const q = 0.1 + 0.9 * rng.next();
    const cells = Array.from({ length: N }, () => {
      if (rng.next() < 0.04) return './.:.';
      const g = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
      const d = Math.min(2, Math.max(0, q * g + (1 - q) * 2 * p + 0.05 * rng.normal()));
      return `${['0/0', '0/1', '1/1'][Math.min(2, Math.round(d))]}:${d.toFixed(3)}`;
    });
    lines.push(['1', String(1000 + v), `v${v}`, 'A', 'C', '.', '.', '.', 'GT:DS', ...cells].join('\t'));
  }
  lines.push(['1', '5000', 'mono', 'A', 'C', '.', '.', '.', 'GT:DS', ...Array.from({ length: N }, () => '0/0:0')].join('\t'));
  lines.push(['1', '5001', 'hard', 'A', 'C', '.', '.', '.', 'GT:DS', ...Array.from({ length: N }, (_, j) => ['0/0:0', '0/1:1', '1/1:2', '0/0:0'][j % 4])].join('\t'));
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Per variant of a layout-2 .bgen: per sample [P(11), P(12)] from the stored integers, or null when missing. */
function storedProbabilities(path: string): { id: string; probs: ([number, number] | null)[] }[] {
  const b = new Uint8Array(readFileSync(path));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (at: number) => dv.getUint32(at, true);
  const u16 = (at: number) => dv.getUint16(at, true);
  const lh = u32(4);
  const compression = u32(lh) & 3;
  const out: { id: string; probs: ([number, number] | null)[] }[] = [];
  let p = u32(0) + 4;
  while (p < b.length) {
    const fields: string[] = [];
    for (let k = 0; k < 3; k++) {
      const len = u16(p);
      fields.push(new TextDecoder().decode(b.subarray(p + 2, p + 2 + len)));
      p += 2 + len;
    }
    p += 4; // position
    const nAlleles = u16(p);
    p += 2;
    for (let k = 0; k < nAlleles; k++) p += 4 + u32(p);
    const c = u32(p);
    const block = b.subarray(p + 4, p + 4 + c);
    p += 4 + c;
    const data = compression === 0 ? block : compression === 1 ? unzlibSync(block.subarray(4)) : decompress(block.subarray(4));
    const n = new DataView(data.buffer, data.byteOffset).getUint32(0, true);
    expect(data[8 + n], 'unphased').toBe(0);
    const bits = data[9 + n];
    const denom = 2 ** bits - 1;
    const value = (bit: number) => {
      let v = 0;
      for (let k = 0; k < bits; k++) v += ((data[10 + n + ((bit + k) >> 3)] >> ((bit + k) & 7)) & 1) * 2 ** k;
      return v / denom;
    };
    const probs = Array.from({ length: n }, (_, j) => (data[8 + j] & 0x80 ? null : ([value(2 * j * bits), value((2 * j + 1) * bits)] as [number, number])));
    out.push({ id: fields[1], probs });
  }
  return out;
}

/** The info of the second allele over the samples `keep` selects, from P(11), P(12) as IMPUTE2 defines it. */
function referenceInfo(probs: ([number, number] | null)[], keep: (j: number) => boolean = () => true): number {
  let n = 0, sumE = 0, sumVar = 0;
  probs.forEach((pr, j) => {
    if (!pr || !keep(j)) return;
    const [p11, p12] = pr;
    const p22 = 1 - p11 - p12;
    const e = p12 + 2 * p22;
    const f = p12 + 4 * p22;
    n++;
    sumE += e;
    sumVar += f - e * e;
  });
  const theta = sumE / (2 * n);
  if (Math.abs(theta) < 1e-12 || Math.abs(1 - theta) < 1e-12) return 1;
  return 1 - sumVar / (2 * n * theta * (1 - theta));
}

async function infoOf(path: string, infoSamples: Int32Array | 'all'): Promise<{ id: string[]; info: number[] }> {
  const src = await openBgen({ bgen: nodeFileSource(path), sample: nodeFileSource(path.replace(/\.bgen$/, '.sample')) });
  const id: string[] = [];
  const info: number[] = [];
  for await (const c of src.chunks({ infoSamples, chunkVariants: 7 })) {
    expect(c.info!.length).toBe(c.count);
    id.push(...c.variants.id);
    info.push(...c.info!);
  }
  return { id, info };
}

let dir = '';

describe('IMPUTE2 info of BGEN input and --info-filter', () => {
  beforeAll(() => {
    dir = tempDir('bgeninfo');
    writeShrunkVcf(join(dir, 'd.vcf'));
    plink2(['--vcf', join(dir, 'd.vcf'), 'dosage=DS', '--export', 'bgen-1.3', 'ref-first', '--out', join(dir, 'i16')]);
    plink2(['--vcf', join(dir, 'd.vcf'), 'dosage=DS', '--export', 'bgen-1.2', 'bits=8', 'ref-first', '--out', join(dir, 'i8')]);
  }, 60_000);

  it('equals the info computed from the stored probabilities (16-bit and 8-bit, all samples and a subset)', async () => {
    for (const name of ['i16', 'i8']) {
      const path = join(dir, `${name}.bgen`);
      const ref = storedProbabilities(path);
      expect(ref.length).toBe(M + 2);
      const all = await infoOf(path, 'all');
      expect(all.id).toEqual(ref.map((r) => r.id));
      const want = ref.map((r) => referenceInfo(r.probs));
      all.info.forEach((x, v) => expect(Math.abs(x - want[v]), `${name} ${all.id[v]}: ${x} vs ${want[v]}`).toBeLessThan(1e-6));
      // the monomorphic variant (theta 0) and the exact hard calls have info 1; the shrunk ones spread below
      expect(all.info[M]).toBe(1);
      expect(all.info[M + 1]).toBeCloseTo(1, 12);
      const shrunk = all.info.slice(0, M);
      expect(Math.min(...shrunk)).toBeLessThan(0.3);
      expect(Math.max(...shrunk)).toBeGreaterThan(0.9);
      // over a subset of the samples (the even ones): the mask the QC passes for founders
      const even = await infoOf(path, Int32Array.from({ length: Math.ceil(N / 2) }, (_, k) => 2 * k));
      const wantEven = ref.map((r) => referenceInfo(r.probs, (j) => j % 2 === 0));
      even.info.forEach((x, v) => expect(Math.abs(x - wantEven[v])).toBeLessThan(1e-6));
      expect(even.info.some((x, v) => Math.abs(x - all.info[v]) > 1e-3)).toBe(true);
    }
  });

  it('--info-filter MIN removes the variants below MIN, counted after --maf as the other filters, in the log line', async () => {
    const path = join(dir, 'i16.bgen');
    const ref = storedProbabilities(path);
    const info = ref.map((r) => referenceInfo(r.probs));
    const below = info.filter((x) => x < 0.6).length;
    expect(below).toBeGreaterThan(5);
    expect(below).toBeLessThan(M - 5);
    const qc = qcFromArgs(parseArgs(['--info-filter', '0.6'], genotypeQcOptions, 'test'))!;
    expect(qc).toEqual({ info: 0.6 });
    const { report, keptIds } = await runVariantQc(await openGenotypes({ bgen: path, sample: join(dir, 'i16.sample') }), qc);
    expect(report.removed.info).toBe(below);
    expect(keptIds).toEqual(ref.filter((_, v) => info[v] >= 0.6).map((r) => r.id));
    expect(formatQcReport(report)).toContain(`--info-filter 0.6: ${below} variants removed`);
    // with --maf: the monomorphic variant goes to --maf, the rest as before
    const both = await runVariantQc(await openGenotypes({ bgen: path, sample: join(dir, 'i16.sample') }), { maf: 0.01, info: 0.6 });
    expect(both.report.removed).toMatchObject({ maf: 1, info: below });
    expect(both.keptIds).toEqual(keptIds.filter((id) => id !== 'mono'));
    // the analysis record's per-reason list (pipeline, app) counts them too
    const src = await withGenotypeQc(await openGenotypes({ bgen: path, sample: join(dir, 'i16.sample') }), { info: 0.6 });
    for await (const _ of src.chunks());
    expect(genotypeReport(src).variants).toEqual([{ reason: 'IMPUTE2 info under --info-filter 0.6', count: below }]);
  });

  it('scan --bgen --info-filter logs the removed count; non-BGEN input and MIN outside [0, 1] are refused', async () => {
    const path = join(dir, 'i16.bgen');
    const info = storedProbabilities(path).map((r) => referenceInfo(r.probs));
    const pheno = ['#IID\ty', ...Array.from({ length: N }, (_, j) => `s${j}\t${(Math.sin(j) * 3).toFixed(4)}`)];
    writeFileSync(join(dir, 'pheno.tsv'), pheno.join('\n') + '\n');
    const r = spawnSync(
      join(root, 'node_modules/.bin/tsx'),
      [join(root, 'src/cli/main.ts'), 'scan', '--bgen', 'i16.bgen', '--sample', 'i16.sample', '--pheno', 'pheno.tsv', '--info-filter', '0.6', '--out', 'sc'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const log = readFileSync(join(dir, 'sc.scan.log'), 'utf8');
    const below = info.filter((x) => x < 0.6).length;
    expect(log).toContain(`--info-filter 0.6: ${below} variants removed`);
    expect(log).toContain(`variants scanned: ${M + 2 - below}`);
    await expect(openGenotypes({ vcf: join(dir, 'd.vcf'), dosage: true, qc: { info: 0.6 } })).rejects.toThrow(
      `d.vcf: --info-filter needs genotype probabilities (use --mach-r2-filter for imputation quality from dosages); expected a BGEN input (--bgen), whose genotype probabilities give the IMPUTE2 info, found a VCF input`,
    );
    expect(() => qcFromArgs(parseArgs(['--info-filter', '1.5'], genotypeQcOptions, 'test'))).toThrow('--info-filter: expected 0 <= MIN <= 1');
  }, 60_000);
});
