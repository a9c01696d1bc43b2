import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (args: string[]) => execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('cli train / encode', () => {
  it('train writes the contract files; encode on the training data reproduces the training HSVs exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ae-cli-'));
    try {
      const sim = simulateCohort({ n: 300, snps: 50, phenos: 24, seed: 4 });
      for (const f of cohortFiles(sim)) if (f.name === 'pheno.csv') writeFileSync(join(dir, f.name), f.data);
      const out = join(dir, 'ae');
      cli(['train', '--pheno', join(dir, 'pheno.csv'), '--latent', '3', '--out', out, '--seed', '5', '--candidates', '2', '--max-epochs', '6', '--backend', 'wasm', '--rotate', 'varimax', '--quiet']);
      const tj = JSON.parse(readFileSync(`${out}.train.json`, 'utf8'));
      expect(tj.backend).toBe('wasm');
      expect(tj.rotate).toBe('varimax');
      expect(tj.inputs.length).toBeGreaterThan(10);
      expect(tj.candidates.length).toBe(2);
      for (const c of tj.candidates) {
        expect(Array.isArray(c.hidden)).toBe(true);
        expect(typeof c.seed).toBe('number');
        expect(c.epochs).toBeGreaterThan(0);
        expect(c.valLoss).toBeGreaterThan(0);
        expect(c.trainLoss).toBeGreaterThan(0);
      }
      expect(tj.best).toBe(tj.candidates[0].valLoss <= tj.candidates[1].valLoss ? 0 : 1);
      expect(tj.pca.valLoss).toBeGreaterThan(0);
      expect(tj.seconds).toBeGreaterThan(0);
      expect(tj.versions.tfjs).toMatch(/^4\./);
      expect(tj.recipe.format).toBe('latentscan-pheno-recipe');
      expect(tj.settings.seed).toBe(5);
      for (const f of ['model.json', 'weights.bin', 'hsv.json', 'recipe.json']) expect(existsSync(join(`${out}.model`, f))).toBe(true);
      const tsv = readFileSync(`${out}.hsv.tsv`, 'utf8').trimEnd().split('\n');
      expect(tsv[0]).toBe('#FID\tIID\tHSV1\tHSV2\tHSV3');
      expect(tsv.length).toBe(301);
      const first = tsv[1].split('\t');
      expect(first[0]).toBe(first[1]); // no FID in the input: FID = IID
      cli(['encode', '--model', `${out}.model`, '--pheno', join(dir, 'pheno.csv'), '--out', join(dir, 'enc')]);
      expect(readFileSync(join(dir, 'enc.hsv.tsv'), 'utf8')).toBe(readFileSync(`${out}.hsv.tsv`, 'utf8'));

      // a shifted wave: one column moved by 2 SD is named in the drift warning
      const lines = readFileSync(join(dir, 'pheno.csv'), 'utf8').trimEnd().split('\n');
      const header = lines[0].split(',');
      const col = header.indexOf(tj.recipe.columns.find((c: { transform: string }) => c.transform === 'zscore').source);
      const sd = tj.recipe.stats.find((s: { source: string }) => s.source === header[col]).sd;
      const shifted = [lines[0], ...lines.slice(1).map((l) => {
        const cells = l.split(',');
        if (cells[col] !== '' && cells[col] !== 'NA') cells[col] = String(Number(cells[col]) + 2 * sd);
        return cells.join(',');
      })];
      writeFileSync(join(dir, 'wave2.csv'), shifted.join('\n') + '\n');
      cli(['encode', '--model', `${out}.model`, '--pheno', join(dir, 'wave2.csv'), '--out', join(dir, 'wave2')]);
      const ej = JSON.parse(readFileSync(join(dir, 'wave2.encode.json'), 'utf8'));
      expect(ej.shiftedColumns).toEqual([header[col]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
