/**
 * Selection benchmark (issue 6), measured with the scan engine in the same run on the same files:
 * 1. SIS over SNPs x 3 E for 16 HSVs (screening of SNP, E and SNPxE terms in one genotype pass, then the
 *    penalized selection of each HSV) vs 2 x `cli scan` of the same 16 responses (the budget:
 *    SIS must cost less than 2 scans; time ratio = 2 scans / SIS, above 1 = within budget).
 *    Full: n = 20,000, 20,000 SNPs (plink2 --dummy, 1% missing calls); quick: n = 4,000, 4,000 SNPs.
 * Both commands run with the same worker threads (default: all cores). SNPxSNP screening: bench/pairs.bench.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { timed } from './timed';
import { makeCohortInputs } from './cohortInputs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsxBin = join(root, 'node_modules/.bin/tsx');
const main = join(root, 'src/cli/main.ts');

/** One `cli` command (tsx src/cli/main.ts), timed. */
function timedCli(args: string[], cwd: string): { seconds: number; peakMB?: number } {
  return timed(tsxBin, [main, ...args], cwd);
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = opts.workDir;
  const n = opts.quick ? 4000 : 20000;
  const snps = opts.quick ? 4000 : 20000;
  const K = 16;
  makeCohortInputs(dir, 'g', n, snps, K, 7);
  const common = ['--bfile', 'g', '--pheno', 'g.pheno.tsv', '--covar', 'g.covar.tsv', '--covar-name', 'age,sex'];
  const scan = timedCli(['scan', ...common, '--out', 'scan'], dir);
  const sis = timedCli(['sis', ...common, '--env', 'E1,E2,E3', '--out', 'sis'], dir);
  const log = readFileSync(join(dir, 'sis.sis.log'), 'utf8');
  const screenS = Number(/screening ([\d.]+) s/.exec(log)?.[1] ?? NaN);
  const selectS = Number(/selection ([\d.]+) s/.exec(log)?.[1] ?? NaN);
  const scanLog = readFileSync(join(dir, 'scan.scan.log'), 'utf8');
  const scanS = Number(/time: ([\d.]+) s/.exec(scanLog)?.[1] ?? NaN);
  const size = `n=${n} snps=${snps} responses=${K} E=3 covariates=age+sex`;
  return [
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
}
