/**
 * Genotype decoding benchmark (issue 3): MB/s of .bed decoded to allele counts and to float dosages, peak
 * memory for two file sizes (it must not grow with the number of variants), and plink2 --freq on the same
 * file as the reference row. Full mode streams a 2 GB .bed (n = 10,000 samples, 800,000 variants), written
 * fast by repeating a simulated 4,000-variant block; quick mode uses 100 MB and 400 MB files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { createRng } from '../src/lib/math/rng';
import { simulateGenotypeMatrix, simulateVariantInfo } from '../src/lib/sim/simulateGenotypes';
import { bedBytes, bedHeader, formatBim, formatFam } from '../src/lib/io/writeBed';
import { openVcf } from '../src/lib/io/vcf';
import { nodeFileSource } from '../src/platform/node/nodeFileSource';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const N = 10_000;
const BLOCK = 4_000;

/** Writes PREFIX.bed/.bim/.fam with `nVariants` variants (a multiple of BLOCK) by repeating one block. */
function writeBigBed(prefix: string, nVariants: number): void {
  const rng = createRng(42);
  const o = { nSamples: N, nSnps: BLOCK, mafMin: 0.05, mafMax: 0.5, missingRate: 0.01, ldBlock: 0, ldRho: 0, chromosomes: 1 };
  const { altFreq } = simulateVariantInfo(rng, o);
  const block = simulateGenotypeMatrix(rng, o, altFreq, new Map());
  const fd = openSync(`${prefix}.bed`, 'w');
  writeSync(fd, bedHeader());
  for (let b = 0; b < nVariants / BLOCK; b++) writeSync(fd, block);
  closeSync(fd);
  const bim = openSync(`${prefix}.bim`, 'w');
  const lines: string[] = [];
  for (let v = 0; v < nVariants; v++) {
    lines.push(`${1 + Math.floor(v / 40_000)}\tv${v}\t0\t${1000 + (v % 40_000) * 50}\tA\tG\n`);
    if (lines.length === 100_000) {
      writeSync(bim, lines.join(''));
      lines.length = 0;
    }
  }
  writeSync(bim, lines.join(''));
  closeSync(bim);
  const ids = Array.from({ length: N }, (_, j) => `S${j + 1}`);
  const fam = openSync(`${prefix}.fam`, 'w');
  writeSync(fam, formatFam({ fid: ids, iid: ids }));
  closeSync(fam);
}

interface ChildResult {
  seconds: number;
  bytes: number;
  variants: number;
  maxRssMB: number;
}

function decodeInChild(prefix: string, mode: 'counts' | 'dosage'): ChildResult {
  const out = execFileSync('npx', ['tsx', join(root, 'bench/genotypesDecodeChild.ts'), prefix, mode], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

function plink2Freq(prefix: string): { seconds: number; peakMB?: number } | null {
  const probe = spawnSync('plink2', ['--version'], { encoding: 'utf8' });
  if (probe.error) return null;
  const hasTime = !spawnSync('/usr/bin/time', ['-v', 'true']).error;
  const t0 = performance.now();
  const args = ['--bfile', prefix, '--freq', '--threads', '2', '--out', `${prefix}.ref`];
  const r = hasTime ? spawnSync('/usr/bin/time', ['-v', 'plink2', ...args], { encoding: 'utf8' }) : spawnSync('plink2', args, { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`plink2 --freq failed: ${r.stderr}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { seconds, peakMB: m ? Number(m[1]) / 1024 : undefined };
}

/** VCF.gz (bgzip, from plink2 --export vcf bgz) -> packed chunks, vs plink2 --vcf --make-bed on the same file. */
async function vcfRow(opts: BenchOptions): Promise<BenchRow | null> {
  if (spawnSync('plink2', ['--version']).error) return null;
  const n = 2000;
  const m = opts.quick ? 5000 : 20000;
  const prefix = join(opts.workDir, 'v');
  const rng = createRng(7);
  const o = { nSamples: n, nSnps: m, mafMin: 0.05, mafMax: 0.5, missingRate: 0.01, ldBlock: 0, ldRho: 0, chromosomes: 1 };
  const { variants, altFreq } = simulateVariantInfo(rng, o);
  const packed = simulateGenotypeMatrix(rng, o, altFreq, new Map());
  const ids = Array.from({ length: n }, (_, j) => `S${j + 1}`);
  writeFileSync(`${prefix}.bed`, bedBytes(packed));
  writeFileSync(`${prefix}.bim`, formatBim(variants));
  writeFileSync(`${prefix}.fam`, formatFam({ fid: ids, iid: ids }));
  execFileSync('plink2', ['--bfile', prefix, '--export', 'vcf', 'bgz', '--out', prefix], { stdio: 'ignore' });
  const vcf = `${prefix}.vcf.gz`;
  const t0 = performance.now();
  const src = await openVcf(nodeFileSource(vcf));
  let got = 0;
  for await (const c of src.chunks()) got += c.count;
  const ours = (performance.now() - t0) / 1000;
  if (got !== m) throw new Error(`VCF: read ${got} variants, expected ${m}`);
  const t1 = performance.now();
  execFileSync('plink2', ['--vcf', vcf, '--make-bed', '--threads', '2', '--out', `${prefix}.ref`], { stdio: 'ignore' });
  const ref = (performance.now() - t1) / 1000;
  const mb = statSync(vcf).size / 1e6;
  return {
    area: 'genotypes',
    name: 'stream VCF.gz (bgzip) -> packed hard calls',
    size: `n=${n} variants=${m} vcf.gz=${mb.toFixed(1)} MB`,
    ours: { seconds: ours, throughput: { value: (n * m) / 1e6 / ours, unit: 'M genotypes/s' } },
    reference: { tool: 'plink2 --vcf --make-bed --threads 2', seconds: ref },
  };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const sizes = opts.quick ? [40_000, 160_000] : [200_000, 800_000]; // x 2,500 bytes: 100/400 MB or 0.5/2 GB
  const rows: BenchRow[] = [];
  const peaks: number[] = [];
  for (const m of sizes) {
    const prefix = join(opts.workDir, `g${m}`);
    const tw = performance.now();
    writeBigBed(prefix, m);
    const writeS = (performance.now() - tw) / 1000;
    const mb = (3 + m * (N / 4)) / 1e6;
    const size = `n=${N} variants=${m} bed=${mb.toFixed(0)} MB`;
    const ref = plink2Freq(prefix);
    for (const mode of ['counts', 'dosage'] as const) {
      const r = decodeInChild(prefix, mode);
      if (r.variants !== m) throw new Error(`decoded ${r.variants} variants, expected ${m}`);
      peaks.push(r.maxRssMB);
      rows.push({
        area: 'genotypes',
        name: mode === 'counts' ? 'stream .bed -> allele counts (as --freq)' : 'stream .bed -> float dosages',
        size,
        ours: { seconds: r.seconds, peakMB: r.maxRssMB, throughput: { value: r.bytes / 1e6 / r.seconds, unit: 'MB/s' } },
        reference: mode === 'counts' && ref ? { tool: 'plink2 --freq --threads 2', ...ref } : undefined,
        note: `file written in ${writeS.toFixed(1)} s by repeating a ${BLOCK}-variant block; time includes open (.fam/.bim parse)${ref ? '' : '; plink2 not installed'}`,
      });
    }
  }
  const [smallPeak, , bigPeak] = peaks;
  rows.push({
    area: 'genotypes',
    name: 'peak memory vs number of variants (counts mode)',
    size: `${sizes[0]} vs ${sizes[1]} variants`,
    ours: { seconds: 0, peakMB: bigPeak },
    note: `peak RSS ${smallPeak.toFixed(0)} MB at ${sizes[0]} variants, ${bigPeak.toFixed(0)} MB at ${sizes[1]} (4x the variants)`,
  });
  const v = await vcfRow(opts);
  if (v) rows.push(v);
  return rows;
}
