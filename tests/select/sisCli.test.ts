/**
 * `cli sis` end to end on a small simulated cohort (n = 2,000, 1,500 SNPs, seed 3), in-process: the true
 * latent factors (factors.csv) as responses, so that the selection alone is measured. Every planted SNP,
 * SNPxE and SNPxSNP term must be selected (TERM names exactly as truth.json), with at most 2 false SNP
 * terms in all; the output files and their headers follow the contract; input errors name file and column.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { parseArgs } from '../../src/cli/args';
import { command as sis } from '../../src/cli/commands/sis';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ls-sis-'));
  const c = simulateCohort({ n: 2000, snps: 1500, phenos: 20, seed: 3, factors: 3, plantedSnp: 3, plantedGxe: 1, plantedGxg: 1, termShares: [0.06] });
  for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runSisCli(argv: string[]): Promise<void> {
  await sis.run(parseArgs(argv, sis.options, 'sis'));
}

describe('cli sis', () => {
  it('selects every planted term on the true factors, few false SNP terms, contract outputs', async () => {
    const out = join(dir, 'out', 'f');
    await runSisCli([
      '--bfile', join(dir, 'geno'), '--pheno', join(dir, 'factors.csv'), '--covar', join(dir, 'covar.csv'),
      '--covar-name', 'age,sex', '--env', 'smoking,alcohol,exercise', '--gxg', '--gxg-top', '20', '--threads', '1', '--out', out,
    ]);
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { terms: { term: string; type: string; factor: string }[] };
    const combined = readFileSync(`${out}.selected.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const header = combined[0];
    for (const col of ['HSV', 'TERM', 'TYPE', 'BETA']) expect(header).toContain(col);
    const rows = combined.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    for (const t of truth.terms) {
      expect(rows.some((r) => r.TERM === t.term && r.HSV === t.factor), `planted ${t.term} on ${t.factor}`).toBe(true);
    }
    const plantedNames = new Set(truth.terms.map((t) => t.term));
    const falseSnp = rows.filter((r) => r.TYPE === 'SNP' && !plantedNames.has(r.TERM));
    expect(falseSnp.length).toBeLessThanOrEqual(2);
    for (const r of rows) expect(['SNP', 'ENV', 'GxE', 'GxG']).toContain(r.TYPE);
    for (const f of ['F1', 'F2', 'F3']) {
      expect(existsSync(`${out}.${f}.sis.tsv`)).toBe(true);
      const per = readFileSync(`${out}.${f}.selected.tsv`, 'utf8').split('\n')[0].split('\t');
      expect(per.slice(0, 5)).toEqual(['TERM', 'TYPE', 'CHROM', 'POS', 'A1']);
      const screened = readFileSync(`${out}.${f}.sis.tsv`, 'utf8').trim().split('\n');
      expect(screened[0]).toBe('RANK\tTERM\tTYPE\tSCORE\tROUND');
      expect(screened.length - 1).toBe(Math.floor(2000 / Math.log(2000)));
    }
    const log = readFileSync(`${out}.sis.log`, 'utf8');
    expect(log).toMatch(/SNPxSNP: \d+ pair scores in 1 pass\(es\), \d+ pairs\/s/);
  });

  it('--threads 2 (worker pools for the genotype passes and the per-factor selection) writes the same selection as --threads 1', async () => {
    const common = ['--bfile', join(dir, 'geno'), '--pheno', join(dir, 'factors.csv'), '--covar', join(dir, 'covar.csv'), '--covar-name', 'age,sex', '--env', 'smoking'];
    await runSisCli([...common, '--threads', '1', '--out', join(dir, 't1', 'f')]);
    await runSisCli([...common, '--threads', '2', '--out', join(dir, 't2', 'f')]);
    const one = readFileSync(join(dir, 't1', 'f.selected.tsv'), 'utf8');
    expect(one.trim().split('\n').length).toBeGreaterThan(3);
    expect(readFileSync(join(dir, 't2', 'f.selected.tsv'), 'utf8')).toBe(one);
  }, 120_000);

  it('names the file and column of a missing --env factor', async () => {
    await expect(
      runSisCli(['--bfile', join(dir, 'geno'), '--pheno', join(dir, 'factors.csv'), '--covar', join(dir, 'covar.csv'), '--env', 'coffee', '--out', join(dir, 'x')]),
    ).rejects.toThrow(`covar.csv: column coffee: environment factor (--env) not found; expected a column of the covariate table (--covar), found no such column`);
    await expect(
      runSisCli(['--bfile', join(dir, 'geno'), '--pheno', join(dir, 'factors.csv'), '--covar', join(dir, 'covar.csv'), '--covar-name', 'age,smoking', '--env', 'smoking', '--out', join(dir, 'x')]),
    ).rejects.toThrow('smoking given both as covariate and as environment factor; a term is either adjusted for or screened');
  });
});
