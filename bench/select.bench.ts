/**
 * Selection benchmark (issue 6), measured with the scan engine in the same run on the same files:
 * 1. SIS over SNPs x 3 E for 16 HSVs (screening of SNP, E and SNPxE terms in one genotype pass, then the
 *    penalized selection of each HSV) vs 2 x `cli scan` of the same 16 responses (the budget:
 *    SIS must cost less than 2 scans; time ratio = 2 scans / SIS, above 1 = within budget).
 *    Full: n = 20,000, 20,000 SNPs (plink2 --dummy, 1% missing calls); quick: n = 4,000, 4,000 SNPs.
 * 2. SNPxSNP screening (top-50 marginal SNPs x every SNP, 4 HSVs): pair scores per second on the CPU.
 * Both commands run with the same worker threads (default: all cores).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { timed } from './timed';
import { createRng } from '../src/lib/math/rng';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsxBin = join(root, 'node_modules/.bin/tsx');
const main = join(root, 'src/cli/main.ts');

/** One `cli` command (tsx src/cli/main.ts), timed. */
function timedCli(args: string[], cwd: string): { seconds: number; peakMB?: number } {
  return timed(tsxBin, [main, ...args], cwd);
}

function makeInputs(dir: string, prefix: string, n: number, snps: number, K: number, seed: number): void {
  const r = spawnSync('plink2', ['--dummy', String(n), String(snps), '0.01', 'scalar-pheno', '--seed', String(seed), '--make-bed', '--out', join(dir, prefix)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plink2 --dummy failed (apt-get install -y plink2): ${r.stderr ?? r.error}`);
  const fam = readFileSync(join(dir, `${prefix}.fam`), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
  const rng = createRng(seed);
  const ph = ['#FID\tIID\t' + Array.from({ length: K }, (_, k) => `HSV${k + 1}`).join('\t')];
  const cv = ['#FID\tIID\tage\tsex\tE1\tE2\tE3'];
  for (const [fid, iid] of fam) {
    const cells: string[] = [];
    for (let k = 0; k < K; k++) cells.push(rng.normal().toFixed(5));
    ph.push(`${fid}\t${iid}\t${cells.join('\t')}`);
    cv.push(`${fid}\t${iid}\t${(30 + 40 * rng.next()).toFixed(1)}\t${rng.next() < 0.5 ? 1 : 0}\t${rng.next() < 0.3 ? 1 : 0}\t${rng.normal().toFixed(4)}\t${rng.normal().toFixed(4)}`);
  }
  writeFileSync(join(dir, `${prefix}.pheno.tsv`), ph.join('\n') + '\n');
  writeFileSync(join(dir, `${prefix}.covar.tsv`), cv.join('\n') + '\n');
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = opts.workDir;
  const n = opts.quick ? 4000 : 20000;
  const snps = opts.quick ? 4000 : 20000;
  const K = 16;
  makeInputs(dir, 'g', n, snps, K, 7);
  const common = ['--bfile', 'g', '--pheno', 'g.pheno.tsv', '--covar', 'g.covar.tsv', '--covar-name', 'age,sex'];
  const scan = timedCli(['scan', ...common, '--out', 'scan'], dir);
  const sis = timedCli(['sis', ...common, '--env', 'E1,E2,E3', '--out', 'sis'], dir);
  const log = readFileSync(join(dir, 'sis.sis.log'), 'utf8');
  const screenS = Number(/screening ([\d.]+) s/.exec(log)?.[1] ?? NaN);
  const selectS = Number(/selection ([\d.]+) s/.exec(log)?.[1] ?? NaN);
  const scanLog = readFileSync(join(dir, 'scan.scan.log'), 'utf8');
  const scanS = Number(/time: ([\d.]+) s/.exec(scanLog)?.[1] ?? NaN);
  const size = `n=${n} snps=${snps} responses=${K} E=3 covariates=age+sex`;
  const rows: BenchRow[] = [
    {
      area: 'select',
      name: 'SIS screening: SNP + E + SNPxE (3 E), 16 HSVs, one genotype pass (vs 2 scans of the 16 HSVs)',
      size,
      ours: { seconds: screenS, throughput: { value: (snps * 4 * K) / screenS, unit: 'term-responses/s' } },
      reference: { tool: '2 x scan engine (runScan in cli scan, same run)', seconds: 2 * scanS },
      note: `compute time from the logs (sis.log "screening", scan.log "time"); ratio above 1 = SIS costs less than 2 scans`,
    },
    {
      area: 'select',
      name: 'whole cli sis (screening + MCP/lasso selection of 16 HSVs) vs 2 x whole cli scan',
      size,
      ours: { seconds: sis.seconds, peakMB: sis.peakMB },
      reference: { tool: '2 x cli scan (16 responses, same run)', seconds: 2 * scan.seconds, peakMB: scan.peakMB },
      note: `wall time of both commands; selection ${selectS.toFixed(1)} s of it`,
    },
  ];
  // SNPxSNP pair scores per second (CPU).
  const pn = opts.quick ? 2000 : 4000;
  const ps = opts.quick ? 2000 : 10000;
  makeInputs(dir, 'p', pn, ps, 4, 9);
  const pairArgs = ['sis', '--bfile', 'p', '--pheno', 'p.pheno.tsv', '--covar', 'p.covar.tsv', '--covar-name', 'age,sex', '--gxg', 'top', '--gxg-top', '50', '--out', 'pairs'];
  const pr = timedCli(pairArgs, dir);
  const plog = readFileSync(join(dir, 'pairs.sis.log'), 'utf8');
  const m = /SNPxSNP: (\d+) pair scores in (\d+) pass\(es\), (\d+) pairs\/s/.exec(plog);
  const pairSeconds = Number(/SNPxSNP ([\d.]+) s/.exec(plog)?.[1] ?? NaN);
  rows.push({
    area: 'select',
    name: 'SNPxSNP screening, top-50 x every SNP, 4 HSVs (CPU)',
    size: `n=${pn} snps=${ps} responses=4 covariates=age+sex`,
    ours: { seconds: pairSeconds, peakMB: pr.peakMB, throughput: { value: m ? Number(m[3]) : NaN, unit: 'pair scores/s' } },
    note: `${m?.[1] ?? '?'} pair scores (pair x HSV); whole command ${pr.seconds.toFixed(1)} s`,
  });
  return rows;
}
