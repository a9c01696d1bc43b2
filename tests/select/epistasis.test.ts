/**
 * SNPxSNP screening scores against plink 1.9 `--epistasis` (linear model y ~ 1 + gA + gB + gA*gB for a
 * quantitative response, Wald test of the product), on a cohort generated here with a planted pair and no
 * missing calls (plink drops a pair's incomplete samples where we mean-impute) and no covariates.
 *
 * Our screening score of a pair is its partial correlation r with the response given the intercept and
 * both parents; its t statistic on n - 4 df is t = r sqrt((n - 4) / (1 - r^2)), and plink's STAT is t^2
 * (it then takes P from a chi-square on 1 df, the normal approximation, where our tables use t on n - 4).
 * Tolerances: STAT within 1e-4 relative (plink prints 6 significant digits), -log10 P (plink's chi-square
 * rule applied to our STAT) within 0.01 of plink's printed P, for every pair plink and we both score.
 * Both screening kernels: WASM SIMD on the CPU and WGSL (`--screen-backend webgpu`, Dawn on SwiftShader).
 */
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { chi2UpperLog10P } from '../../src/lib/math/dist';
import { parseArgs } from '../../src/cli/args';
import { command as sis } from '../../src/cli/commands/sis';
import { requireTool } from '../io/genoFixtures';

const N = 1500;
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ls-epi-'));
  const c = simulateCohort({ n: N, snps: 70, phenos: 10, seed: 5, factors: 2, plantedSnp: 2, plantedGxe: 0, plantedGxg: 1, missingCallRate: 0, termShares: [0.05] });
  for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function table(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
}

describe('SNPxSNP scores vs plink 1.9 --epistasis', () => {
  for (const backend of ['wasm', 'webgpu'] as const) {
    it(`${backend} kernel: every pair's STAT within 1e-4 relative, -log10 P within 0.01`, async () => {
      requireTool('plink1.9', 'plink1.9');
      const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { terms: { term: string; type: string; factor: string }[] };
      const planted = truth.terms.find((t) => t.type === 'GxG');
      expect(planted).toBeDefined();
      const factor = planted!.factor;
      // The response as a plink phenotype file (FID IID value), from factors.csv (IID first).
      const fam = table(join(dir, 'geno.fam'));
      const f = table(join(dir, 'factors.csv')).map((r) => r[0].split(','));
      const col = f[0].indexOf(factor);
      const byIid = new Map(f.slice(1).map((r) => [r[0], r[col]]));
      writeFileSync(join(dir, 'y.pheno'), fam.map((r) => `${r[0]} ${r[1]} ${byIid.get(r[1])}`).join('\n') + '\n');
      const r = spawnSync('plink1.9', ['--bfile', join(dir, 'geno'), '--pheno', join(dir, 'y.pheno'), '--epistasis', '--epi1', '1', '--allow-no-sex', '--out', join(dir, 'plink')], { encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      const plink = new Map<string, { stat: number; p: number }>();
      for (const row of table(join(dir, 'plink.epi.qt')).slice(1)) plink.set(`${row[1]}:${row[3]}`, { stat: Number(row[5]), p: Number(row[6]) });

      const out = join(dir, `ours.${backend}`);
      await sis.run(parseArgs(['--bfile', join(dir, 'geno'), '--pheno', join(dir, 'factors.csv'), '--pheno-name', factor, '--gxg', 'all', '--nsis', '100000', '--threads', '1', '--screen-backend', backend, '--out', out], sis.options, 'sis'));
      const ours = table(`${out}.${factor}.sis.tsv`).slice(1).filter((row) => row[2] === 'GxG');
      expect(ours.length).toBeGreaterThan(2000);
      let compared = 0;
      let maxLog = 0;
      for (const row of ours) {
        const [a, b] = row[1].split(':');
        const ref = plink.get(`${a}:${b}`) ?? plink.get(`${b}:${a}`);
        expect(ref, `plink scored ${row[1]}`).toBeDefined();
        const rr = Number(row[3]);
        const stat = (rr * rr * (N - 4)) / (1 - rr * rr);
        expect(Math.abs(stat - ref!.stat), `${row[1]} STAT ${stat} vs ${ref!.stat}`).toBeLessThanOrEqual(1e-4 * Math.max(ref!.stat, 1e-2));
        const d = Math.abs(chi2UpperLog10P(stat, 1) - -Math.log10(ref!.p));
        expect(d, `${row[1]} -log10 P`).toBeLessThanOrEqual(0.01);
        maxLog = Math.max(maxLog, -Math.log10(ref!.p));
        compared++;
      }
      expect(compared).toBe(ours.length);
      // The planted pair is among them, with a P far below the genome-wide bar: the comparison covers the tail.
      expect(maxLog).toBeGreaterThan(8);
    });
  }
});
