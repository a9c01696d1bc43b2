/**
 * `npm run cli -- validate` end to end on seeded files in a temp dir: output files and columns, the
 * association rows equal to a direct associateOutcomes call, the plain verdict sentence, the follow-up
 * change files and the drift warning naming the shifted column; usage errors.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/lib/math/rng';
import { associateOutcomes } from '../../src/lib/validate/associateOutcomes';
import { prepare } from '../../src/lib/pheno/prepare';
import type { Table } from '../../src/lib/io/Table';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'src', 'cli', 'main.ts');

function cli(args: string[]) {
  return spawnSync(tsx, [main, 'validate', ...args], { cwd: root, encoding: 'utf8' });
}

describe('validate CLI', () => {
  let dir = '';
  const n = 400;
  const rng = createRng(5);
  const F = Float64Array.from({ length: n * 2 }, () => rng.normal());
  const age = Float64Array.from({ length: n }, () => 40 + 10 * rng.normal());
  const disease = Float64Array.from({ length: n }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-1.2 * F[i * 2])) ? 1 : 0));
  const later = Float64Array.from({ length: n }, (_, i) => F[i * 2 + 1] + 0.5 * rng.normal());
  const time = Float64Array.from({ length: n }, (_, i) => Math.round((-Math.log(1 - rng.next()) / Math.exp(0.8 * F[i * 2])) * 100) / 100 + 0.01);
  const event = Float64Array.from({ length: n }, () => (rng.next() < 0.7 ? 1 : 0));
  const hsv = Float64Array.from({ length: n * 2 }, (_, j) => F[j] + 0.3 * rng.normal());
  const pcs = Float64Array.from({ length: n * 2 }, (_, j) => (j % 2 === 0 ? 0.5 * F[j] + rng.normal() : rng.normal()));
  const id = (i: number) => `S${i + 1}`;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
    const rows = (f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
    writeFileSync(join(dir, 'hsv.tsv'), '#FID\tIID\tHSV1\tHSV2\n' + rows((i) => `${id(i)}\t${id(i)}\t${hsv[i * 2]}\t${hsv[i * 2 + 1]}`));
    writeFileSync(join(dir, 'hsv2.tsv'), '#FID\tIID\tHSV1\tHSV2\n' + rows((i) => `${id(i)}\t${id(i)}\t${hsv[i * 2] + 0.1}\t${hsv[i * 2 + 1] - 0.2}`));
    writeFileSync(join(dir, 'pcs.tsv'), 'IID\tPC1\tPC2\tPC3\n' + rows((i) => `${id(i)}\t${pcs[i * 2]}\t${pcs[i * 2 + 1]}\t0`));
    // outcomes in another order, one participant missing, one missing value
    writeFileSync(
      join(dir, 'outcomes.csv'),
      'IID,disease,later,time,event\n' +
        Array.from({ length: n - 1 }, (_, j) => n - 1 - j)
          .map((i) => `${id(i)},${i === 7 ? 'NA' : disease[i]},${later[i]},${time[i]},${event[i]}`)
          .join('\n') +
        '\n',
    );
    writeFileSync(join(dir, 'covar.csv'), 'IID,age,sex\n' + rows((i) => `${id(i)},${age[i]},${i % 2 ? 'F' : 'M'}`));
    // recipe from a training phenotype table; a wave with column b shifted
    const mk = (seed: number, shift: number): Table => {
      const r = createRng(seed);
      return {
        source: 'pheno.csv',
        idColumn: 'IID',
        fid: null,
        ids: Array.from({ length: 500 }, (_, i) => id(i)),
        columns: ['a', 'b'].map((name) => ({
          name,
          kind: 'numeric' as const,
          values: Float32Array.from({ length: 500 }, () => 1 + r.normal() + (name === 'b' ? shift : 0)),
          nonNumeric: 0,
        })),
        warnings: [],
      };
    };
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify(prepare(mk(1, 0)).recipe));
    const wave = mk(2, 0.6);
    writeFileSync(
      join(dir, 'wave.csv'),
      'IID,a,b\n' + wave.ids.map((x, i) => `${x},${wave.columns[0].values[i]},${wave.columns[1].values[i]}`).join('\n') + '\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes assoc, predict, summary, change and drift files', () => {
    const out = join(dir, 'val');
    const r = cli([
      '--hsv', join(dir, 'hsv.tsv'), '--outcomes', join(dir, 'outcomes.csv'), '--outcome-name', 'disease,later',
      '--time', 'time', '--event', 'event', '--covar', join(dir, 'covar.csv'), '--covar-name', 'age,sex',
      '--pcs', join(dir, 'pcs.tsv'), '--folds', '4', '--seed', '3', '--hsv-followup', join(dir, 'hsv2.tsv'),
      '--recipe', join(dir, 'recipe.json'), '--wave', join(dir, 'wave.csv'), '--out', out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const assoc = readFileSync(`${out}.assoc.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(assoc[0]).toEqual(['HSV', 'OUTCOME', 'MODEL', 'EFFECT', 'ESTIMATE', 'L95', 'U95', 'P', 'N', 'CASES', 'BETA', 'SE', 'CONVERGED']);
    expect(assoc.length).toBe(1 + 2 * 3);
    // direct computation on the same alignment: outcomes by IID, S1 absent, S8's disease missing
    // tables are read as Float32 columns, so the direct computation uses the Float32-rounded values
    const f32 = (a: Float64Array) => Float64Array.from(a, (v) => Math.fround(v));
    const outNaN = (a: Float64Array, skip7: boolean) => Float64Array.from(a, (v, i) => (i === 0 || (skip7 && i === 7) ? NaN : Math.fround(v)));
    const direct = associateOutcomes(
      { names: ['HSV1', 'HSV2'], values: f32(hsv) },
      [
        { kind: 'binary', name: 'disease', y: outNaN(disease, true) },
        { kind: 'quantitative', name: 'later', y: outNaN(later, false) },
        { kind: 'survival', name: 'time', time: outNaN(time, false), event: outNaN(event, false) },
      ],
      { names: ['age', 'sex=F'], values: Float64Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? Math.fround(age[j >> 1]) : (j >> 1) % 2 === 1 ? 1 : 0)) },
    );
    // the CLI orders rows outcome-major like associateOutcomes
    direct.forEach((d, j) => {
      const row = assoc[1 + j];
      expect(row.slice(0, 4)).toEqual([d.hsv, d.outcome, d.model, `${d.effect}_per_SD`]);
      expect(Math.abs(Number(row[4]) / d.estimate - 1)).toBeLessThan(1e-5);
      expect(Math.abs(Number(row[7]) / d.p - 1)).toBeLessThan(1e-5);
      expect(Number(row[8])).toBe(d.n);
    });
    expect(assoc[1][8]).toBe(String(n - 2));
    const pred = readFileSync(`${out}.predict.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(pred[0].slice(0, 8)).toEqual(['OUTCOME', 'KIND', 'METRIC', 'N', 'FOLDS', 'HSV', 'PC', 'PHENO']);
    expect(pred.map((p) => p[2])).toEqual(['METRIC', 'AUC', 'R2', 'C-index']);
    expect(pred[1][7]).toBe('NA');
    // HSVs track the factors driving the outcomes; the PC file carries only half of F1 and none of F2
    for (let j = 1; j <= 3; j++) expect(Number(pred[j][5])).toBeGreaterThan(Number(pred[j][6]));
    const summary = readFileSync(`${out}.summary.txt`, 'utf8');
    expect(summary).toMatch(/^disease: the HSVs predict at least as well as the same number of PCs \(cross-validated AUC 0\.\d{3} from 2 HSVs vs 0\.\d{3} from 2 PCs, difference \+0\.\d{4} \(paired fold SE 0\.\d{4}\), n = 398, 4 folds\)\.\n/);
    expect(r.stdout).toContain('later: the HSVs predict at least as well as the same number of PCs');
    const change = readFileSync(`${out}.change.tsv`, 'utf8').trim().split('\n');
    expect(change[0]).toBe('IID\tdHSV1\tdHSV2');
    expect(change[1].split('\t').map(Number).slice(1).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.1, -0.2]);
    expect(existsSync(`${out}.change.assoc.tsv`)).toBe(true);
    const drift = readFileSync(`${out}.drift.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(drift.map((d) => [d[0], d[10]])).toEqual([['COLUMN', 'SHIFTED'], ['a', 'N'], ['b', 'Y']]);
    expect(r.stdout).toMatch(/warning: wave\.csv: 1 of 2 columns outside the training distribution: b \(mean shift 0\.\d+ SD/);
  });

  it('says plainly when the HSVs predict worse than the PCs', () => {
    const out = join(dir, 'swap');
    // swap roles: the weak PC file as HSVs, the HSVs as PCs
    writeFileSync(join(dir, 'weak.tsv'), readFileSync(join(dir, 'pcs.tsv'), 'utf8').replace('PC1\tPC2\tPC3', 'HSV1\tHSV2\tHSV3').replace(/\t0\n/g, '\n').replace('\tHSV3', ''));
    writeFileSync(join(dir, 'strong.tsv'), readFileSync(join(dir, 'hsv.tsv'), 'utf8'));
    const r = cli(['--hsv', join(dir, 'weak.tsv'), '--outcomes', join(dir, 'outcomes.csv'), '--outcome-name', 'disease', '--pcs', join(dir, 'strong.tsv'), '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('disease: the HSVs do NOT predict as well as the same number of PCs');
    expect(readFileSync(`${out}.predict.tsv`, 'utf8').trim().split('\n')[1].split('\t').at(-1)).toBe('worse');
  });

  it('rejects --time without --event and a missing outcome column', () => {
    const a = cli(['--hsv', join(dir, 'hsv.tsv'), '--outcomes', join(dir, 'outcomes.csv'), '--time', 'time', '--out', join(dir, 'x')]);
    expect(a.status).toBe(2);
    expect(a.stderr.trim()).toBe('error: validate: --time and --event go together');
    const b = cli(['--hsv', join(dir, 'hsv.tsv'), '--outcomes', join(dir, 'outcomes.csv'), '--outcome-name', 'nope', '--out', join(dir, 'x')]);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('outcomes.csv: column not found: nope');
  });

  it('prints help', () => {
    const h = execFileSync(tsx, [main, 'validate', '--help'], { cwd: root, encoding: 'utf8' });
    expect(h).toContain('--outcome-name');
    expect(h).toContain('PREFIX.predict.tsv');
  });
});
