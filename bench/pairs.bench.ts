/**
 * SNPxSNP screening benchmark (issue 17), beside plink 1.9 `--epistasis` on the same files in the same run:
 * 1. top-M x every SNP (`sis --gxg top --gxg-top 50`, 5 responses) vs `plink1.9 --epistasis set-by-all` with
 *    a set of 50 SNPs, once per response (the same number of pairs a response; plink takes one phenotype).
 *    Full: n = 20,000 x 100,000 SNPs (the size); quick: n = 4,000 x 10,000.
 * 2. every pair (`sis --gxg all`, 5 responses) vs `plink1.9 --epistasis`, once per response.
 *    Full: n = 4,000 x 10,000 SNPs (5e7 pairs a response, the size); quick: n = 2,000 x 2,000.
 * Inputs: plink2 --dummy genotypes (1% missing calls), 5 normal responses, covariates age and sex.
 * Ours: the SNPxSNP pass's seconds from sis.log (partial correlation given the covariates and both parents,
 * missing calls mean-imputed), from the CLI bundle, all cores. plink: wall time of its runs, 2 threads,
 * no covariates (its QT epistasis takes none), complete cases per pair, results only at P < 1e-4 written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { timed } from './timed';
import { makeCohortInputs } from './cohortInputs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runner = join(root, 'scripts/cli.mjs');
const K = 5;

interface PairCase {
  label: string;
  prefix: string;
  n: number;
  snps: number;
  gxg: 'top' | 'all';
}

function pairLog(dir: string, out: string): { pairs: number; seconds: number; perSecond: number; passes: number } {
  const log = readFileSync(join(dir, `${out}.sis.log`), 'utf8');
  const m = /SNPxSNP: (\d+) pair scores in (\d+) pass\(es\), (\d+) pairs\/s/.exec(log);
  const s = /SNPxSNP ([\d.]+) s/.exec(log);
  if (!m || !s) throw new Error(`no SNPxSNP line in ${out}.sis.log`);
  return { pairs: Number(m[1]), passes: Number(m[2]), perSecond: Number(m[3]), seconds: Number(s[1]) };
}

/** plink 1.9 --epistasis on each response in turn: summed wall time, peak memory, pairs tested. */
function plinkEpistasis(dir: string, c: PairCase): { seconds: number; peakMB: number; pairs: number } {
  const ph = readFileSync(join(dir, `${c.prefix}.pheno.tsv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const mode: string[] = [];
  if (c.gxg === 'top') {
    const bim = readFileSync(join(dir, `${c.prefix}.bim`), 'utf8').split('\n', 50).map((l) => l.split(/\s+/)[1]);
    writeFileSync(join(dir, 'top.set'), ['TOP', ...bim, 'END'].join('\n') + '\n');
    mode.push('set-by-all', '--set', 'top.set');
  }
  let seconds = 0;
  let peakMB = 0;
  let pairs = 0;
  for (let k = 0; k < K; k++) {
    writeFileSync(join(dir, 'y.pheno'), ph.map((r) => `${r[0]} ${r[1]} ${r[2 + k]}`).join('\n') + '\n');
    const t = timed('plink1.9', ['--bfile', c.prefix, '--pheno', 'y.pheno', '--epistasis', ...mode, '--epi1', '0.0001', '--allow-no-sex', '--threads', '2', '--out', `epi${k}`], dir);
    seconds += t.seconds;
    peakMB = Math.max(peakMB, t.peakMB ?? 0);
    pairs += Number(/(\d+) valid tests? performed/.exec(readFileSync(join(dir, `epi${k}.log`), 'utf8'))?.[1] ?? NaN);
  }
  return { seconds, peakMB, pairs };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = opts.workDir;
  const cases: PairCase[] = [
    { label: 'top-50 x every SNP', prefix: 'top', gxg: 'top', ...(opts.quick ? { n: 4000, snps: 10000 } : { n: 20000, snps: 100000 }) },
    { label: 'every pair (--gxg all)', prefix: 'all', gxg: 'all', ...(opts.quick ? { n: 2000, snps: 2000 } : { n: 4000, snps: 10000 }) },
  ];
  timed(process.execPath, [runner, 'sis', '--help'], dir); // builds the CLI bundle when it is stale, untimed
  const rows: BenchRow[] = [];
  for (const c of cases) {
    makeCohortInputs(dir, c.prefix, c.n, c.snps, K, 11);
    const args = ['sis', '--bfile', c.prefix, '--pheno', `${c.prefix}.pheno.tsv`, '--covar', `${c.prefix}.covar.tsv`, '--covar-name', 'age,sex', '--gxg', c.gxg];
    if (c.gxg === 'top') args.push('--gxg-top', '50');
    const whole = timed(process.execPath, [runner, ...args, '--out', `ours.${c.prefix}`], dir);
    const ours = pairLog(dir, `ours.${c.prefix}`);
    const ref = plinkEpistasis(dir, c);
    rows.push({
      area: 'pairs',
      name: `SNPxSNP screening, ${c.label}, ${K} responses (cli sis vs plink 1.9 --epistasis per response)`,
      size: `n=${c.n} snps=${c.snps} responses=${K} covariates=age+sex (ours)`,
      ours: { seconds: ours.seconds, peakMB: whole.peakMB, throughput: { value: ours.perSecond, unit: 'pair scores/s' } },
      reference: { tool: `plink1.9 --epistasis${c.gxg === 'top' ? ' set-by-all (50 SNPs)' : ''} --threads 2, x${K}`, seconds: ref.seconds, peakMB: ref.peakMB, throughput: { value: ref.pairs / ref.seconds, unit: 'pair tests/s' } },
      note: `ours: ${ours.pairs} pair scores in ${ours.passes} pass(es), the SNPxSNP pass of a ${whole.seconds.toFixed(1)} s command; plink: ${ref.pairs} valid tests, whole commands`,
    });
  }
  return rows;
}
