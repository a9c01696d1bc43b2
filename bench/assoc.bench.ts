/**
 * Scan benchmark (issue 5): `cli scan` vs `plink2 --glm hide-covar --threads 2` on the same files, wall time
 * and peak memory (/usr/bin/time -v) of both. Full: n = 20,000 samples, 20,000 SNPs (plink2 --dummy, 1%
 * missing calls), 16 quantitative responses with 3% missing values, covariates age + sex. Quick: n = 4,000,
 * 4,000 SNPs. Also one row for SNPxE (--gxe vs --glm interaction) on the quick sizes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { timed } from './timed';
import { createRng } from '../src/lib/math/rng';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');


function makeInputs(dir: string, n: number, snps: number, K: number): void {
  const r = spawnSync('plink2', ['--dummy', String(n), String(snps), '0.01', 'scalar-pheno', '--seed', '7', '--make-bed', '--out', join(dir, 'g')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plink2 --dummy failed: ${r.stderr}`);
  const fam = readFileSync(join(dir, 'g.fam'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
  const rng = createRng(11);
  const ph = ['#FID\tIID\t' + Array.from({ length: K }, (_, k) => `HSV${k + 1}`).join('\t')];
  const cv = ['#FID\tIID\tage\tsex\tE'];
  for (const [fid, iid] of fam) {
    const cells: string[] = [];
    for (let k = 0; k < K; k++) cells.push(rng.next() < 0.03 ? 'NA' : rng.normal().toFixed(5));
    ph.push(`${fid}\t${iid}\t${cells.join('\t')}`);
    cv.push(`${fid}\t${iid}\t${(30 + 40 * rng.next()).toFixed(1)}\t${1 + (rng.next() < 0.5 ? 1 : 0)}\t${rng.normal().toFixed(4)}`);
  }
  writeFileSync(join(dir, 'pheno.tsv'), ph.join('\n') + '\n');
  writeFileSync(join(dir, 'covar.tsv'), cv.join('\n') + '\n');
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 4000 : 20000;
  const snps = opts.quick ? 4000 : 20000;
  const K = 16;
  const dir = opts.workDir;
  makeInputs(dir, n, snps, K);
  const size = `n=${n} snps=${snps} responses=${K} covariates=age+sex`;
  // `npm run cli`'s runner (scripts/cli.mjs) on its bundle, built here before the timed runs; timed: node's
  // start, the runner's freshness check, the command (npm's own start, about 0.3 s, is left out).
  const runner = join(root, 'scripts/cli.mjs');
  timed(process.execPath, [runner, 'scan', '--help'], dir);
  const cli = [runner, 'scan', '--bfile', 'g', '--pheno', 'pheno.tsv', '--covar', 'covar.tsv', '--covar-name', 'age,sex'];
  const ours = timed(process.execPath, [...cli, '--out', 'ours'], dir);
  const ref = timed('plink2', ['--bfile', 'g', '--pheno', 'pheno.tsv', '--covar', 'covar.tsv', '--covar-name', 'age,sex', '--glm', 'hide-covar', '--threads', '2', '--out', 'ref'], dir);
  const rows: BenchRow[] = [
    {
      area: 'assoc',
      name: 'scan ADD, 16 responses (cli scan vs plink2 --glm)',
      size,
      ours: { seconds: ours.seconds, peakMB: ours.peakMB, throughput: { value: (snps * K) / ours.seconds, unit: 'variant-responses/s' } },
      reference: { tool: 'plink2 --glm hide-covar --threads 2', seconds: ref.seconds, peakMB: ref.peakMB },
      note: `wall time of the whole command (process start, table reads, outputs) for both, ours from the CLI bundle (node scripts/cli.mjs); CPU s (user+sys, all threads): ours ${ours.cpu?.toFixed(1)}, plink2 ${ref.cpu?.toFixed(1)}`,
    },
  ];
  // SNPxE on a smaller cut (plink2 interaction is slow): first 2,000 SNPs.
  const gSnps = Math.min(snps, 2000);
  const oursG = timed(process.execPath, [...cli.slice(0, 4), '--to-index', String(gSnps), ...cli.slice(4), '--gxe', 'E', '--out', 'oursg'], dir);
  const refG = timed(
    'plink2',
    ['--bfile', 'g', '--to', `snp${gSnps - 1}`, '--from', 'snp0', '--pheno', 'pheno.tsv', '--covar', 'covar.tsv', '--covar-name', 'age,sex,E', '--glm', 'interaction', '--parameters', '1-4,7', '--threads', '2', '--out', 'refg'],
    dir,
  );
  rows.push({
    area: 'assoc',
    name: 'scan SNPxE, 16 responses (cli scan --gxe vs plink2 --glm interaction)',
    size: `n=${n} snps=${gSnps} responses=${K} covariates=age+sex+E`,
    ours: { seconds: oursG.seconds, peakMB: oursG.peakMB },
    reference: { tool: 'plink2 --glm interaction --threads 2', seconds: refG.seconds, peakMB: refG.peakMB },
    note: `CPU s (user+sys, all threads): ours ${oursG.cpu?.toFixed(1)}, plink2 ${refG.cpu?.toFixed(1)}`,
  });
  return rows;
}
