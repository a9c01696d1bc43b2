/**
 * Issue 9 on the simulator's cohort, end to end through the CLI: simulate (outcomes driven by the latent
 * factors) -> train (autoencoder, varimax) -> validate. The HSVs must predict the factor-driven disease and
 * time-to-event outcomes at least as well as the same number of PCs (verdict not "worse"), with AUC > 0.7,
 * and the disease association must concentrate on the HSVs of the two planted factors (F1, F2).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = (args: string[]) => execFileSync(tsx, [join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });

describe('HSVs vs PCs on the simulated cohort', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-sim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('predict the factor-driven outcomes at least as well as PCs', () => {
    cli(['simulate', '--n', '1500', '--snps', '50', '--phenos', '60', '--seed', '2', '--out', join(dir, 'c')]);
    cli(['train', '--pheno', join(dir, 'c', 'pheno.csv'), '--latent', '5', '--out', join(dir, 'ae'), '--seed', '1', '--candidates', '1', '--max-epochs', '30', '--quiet']);
    const out = cli([
      'validate', '--hsv', join(dir, 'ae.hsv.tsv'), '--outcomes', join(dir, 'c', 'outcomes.csv'), '--outcome-name', 'disease',
      '--time', 'time', '--event', 'event', '--covar', join(dir, 'c', 'covar.csv'), '--covar-name', 'age,sex',
      '--pheno', join(dir, 'c', 'pheno.csv'), '--out', join(dir, 'val'),
    ]);
    const pred = readFileSync(join(dir, 'val.predict.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const col = (name: string) => pred[0].indexOf(name);
    for (const row of pred.slice(1)) {
      expect(row[col('VERDICT')]).not.toBe('worse');
      expect(Number(row[col('HSV')])).toBeGreaterThan(0.65);
    }
    expect(Number(pred[1][col('HSV')])).toBeGreaterThan(0.7); // disease AUC
    expect(out).toMatch(/disease: the HSVs predict (at least as well as|as well as) the same number of PCs/);
    // disease = 0.9 F1 + 0.6 F2: two HSVs carry it, the other three do not
    const assoc = readFileSync(join(dir, 'val.assoc.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const p = assoc.filter((r) => r[1] === 'disease').map((r) => Number(r[7])).sort((a, b) => a - b);
    expect(p[0]).toBeLessThan(1e-10);
    expect(p[1]).toBeLessThan(1e-5);
    expect(p[2]).toBeGreaterThan(1e-3);
  });
});
