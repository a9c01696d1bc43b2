/**
 * `cli pipeline` end to end on a small simulated cohort (n = 1,500, 800 SNPs, 30 phenotypes, seed 5), with a
 * short autoencoder search (1 candidate, 40 epochs): the contract files DIR/hsv.tsv, DIR/train.json and
 * DIR/selected.tsv (header with HSV TERM TYPE BETA, gene columns) and the per-HSV files are written, every
 * TERM is well formed, and the strongest planted terms are found. The full-size run (n = 4,000, 10,000 SNPs,
 * 200 phenotypes) is measured in docs/selection.md.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { parseArgs } from '../../src/cli/args';
import { command as pipeline } from '../../src/cli/commands/pipeline';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ls-pipe-'));
  const c = simulateCohort({ n: 1500, snps: 800, phenos: 30, seed: 5, factors: 2, plantedSnp: 2, plantedGxe: 1, plantedGxg: 1, termShares: [0.1] });
  for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli pipeline', () => {
  it('writes hsv.tsv, train.json, selected.tsv and per-HSV files; finds planted terms', async () => {
    const out = join(dir, 'out');
    const argv = [
      '--pheno', join(dir, 'pheno.csv'), '--covar', join(dir, 'covar.csv'), '--covar-name', 'age,sex',
      '--env', 'smoking,alcohol,exercise', '--gxg', '--gxg-top', '10', '--bfile', join(dir, 'geno'), '--latent', '2',
      '--seed', '1', '--candidates', '1', '--max-epochs', '40', '--threads', '1', '--out', out,
    ];
    await pipeline.run(parseArgs(argv, pipeline.options, 'pipeline'));
    for (const f of ['hsv.tsv', 'train.json', 'selected.tsv', 'pipeline.log', 'sis.HSV1.sis.tsv', 'sis.HSV1.selected.tsv', 'sis.HSV2.selected.tsv']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const lines = readFileSync(join(out, 'selected.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const header = lines[0];
    expect(header.slice(0, 4)).toEqual(['HSV', 'TERM', 'TYPE', 'CHROM']);
    for (const c of ['BETA', 'NEAREST_GENE']) expect(header).toContain(c);
    const iTerm = header.indexOf('TERM');
    const iType = header.indexOf('TYPE');
    const rows = lines.slice(1);
    expect(rows.length).toBeGreaterThan(0);
    const envs = new Set(['smoking', 'alcohol', 'exercise']);
    for (const r of rows) {
      const parts = r[iTerm].split(':');
      switch (r[iType]) {
        case 'SNP':
          expect(r[iTerm]).toMatch(/^rs\d+$/);
          break;
        case 'ENV':
          expect(envs.has(r[iTerm])).toBe(true);
          break;
        case 'GxE':
          expect(parts[0]).toMatch(/^rs\d+$/);
          expect(envs.has(parts[1])).toBe(true);
          break;
        case 'GxG':
          expect(parts.every((p) => /^rs\d+$/.test(p))).toBe(true);
          break;
        default:
          throw new Error(`bad TYPE ${r[iType]}`);
      }
    }
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { terms: { term: string; type: string }[] };
    const found = new Set(rows.map((r) => r[iTerm]));
    const snps = truth.terms.filter((t) => t.type === 'SNP');
    expect(snps.filter((t) => found.has(t.term)).length).toBeGreaterThanOrEqual(1);
    const hsv = readFileSync(join(out, 'hsv.tsv'), 'utf8').split('\n')[0];
    expect(hsv).toContain('HSV1');
  });
});
