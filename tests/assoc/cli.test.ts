/**
 * `cli scan` contract: plink2-format outputs compared with plink2 on the same files (BETA/SE 1e-4 relative,
 * -log10 P 0.01, OBS_CT equal), IID-first CSV phenotypes, --pheno-name, --gxe rows, --omnibus file, shards by
 * --chr and --from-bp/--to-bp that concatenate to the full scan, and exact error messages.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeCohort, readGlm, requirePlink2, runPlink2, type OracleCohort } from './oracleData';

const root = join(__dirname, '..', '..');
function cli(args: string[], cwd: string) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), 'scan', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli scan', () => {
  let c: OracleCohort;
  afterAll(() => {
    if (c) rmSync(c.dir, { recursive: true, force: true });
  });
  beforeAll(() => {
    requirePlink2();
    c = makeCohort({ n: 613, nVariants: 120, seed: 3, responses: 2 });
    // IID-first CSV version of the phenotypes, rows shuffled (matching is by ID).
    const lines = readFileSync(c.phenoFile, 'utf8').trim().split('\n');
    const body = lines.slice(1).map((l) => l.split('\t').slice(1).join(','));
    body.reverse();
    writeFileSync(join(c.dir, 'pheno.csv'), ['IID,' + lines[0].split('\t').slice(2).join(','), ...body].join('\n') + '\n');
  });

  it('writes PREFIX.<response>.glm.linear matching plink2 (CSV phenotypes, covariates)', () => {
    const r = cli(['--bfile', 'g', '--pheno', 'pheno.csv', '--covar', 'covar.tsv', '--covar-name', 'age,sex', '--out', 'o'], c.dir);
    expect(r.code, r.err).toBe(0);
    runPlink2(['--bfile', 'g', '--pheno', 'pheno.tsv', '--covar', 'covar.tsv', '--covar-name', 'age,sex', '--glm', 'hide-covar', '--out', 'ref'], c.dir);
    for (const y of ['y1', 'y2']) {
      const text = readFileSync(join(c.dir, `o.${y}.glm.linear`), 'utf8');
      expect(text.split('\n')[0]).toBe('#CHROM\tPOS\tID\tREF\tALT\tA1\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP');
      const ours = readGlm(join(c.dir, `o.${y}.glm.linear`));
      const ref = readGlm(join(c.dir, `ref.${y}.glm.linear`));
      expect(ours.length).toBe(ref.length);
      ours.forEach((o, i) => {
        const w = ref[i];
        expect([o.id, o.a1, o.test, o.obs]).toEqual([w.id, w.a1, w.test, w.obs]);
        if (w.err !== '.') {
          expect(Number.isNaN(o.beta)).toBe(true);
          return;
        }
        expect(Math.abs(o.beta - w.beta)).toBeLessThanOrEqual(1e-4 * Math.abs(w.beta) + 1e-6);
        expect(Math.abs(o.se - w.se)).toBeLessThanOrEqual(1e-4 * Math.abs(w.se) + 1e-6);
        expect(Math.abs(o.log10p - w.log10p)).toBeLessThanOrEqual(0.01);
      });
    }
    expect(readFileSync(join(c.dir, 'o.scan.log'), 'utf8')).toMatch(/response y1: \d+ samples analysed .* ADD lambda \d\.\d{4}/);
  });

  it('QC flags as plink2 (--maf --geno --mind): the same variants and samples analysed, removals counted in the log', () => {
    const qc = ['--maf', '0.3', '--geno', '0.05', '--mind', '0.2'];
    const r = cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--covar', 'covar.tsv', '--covar-name', 'age,sex', ...qc, '--out', 'q'], c.dir);
    expect(r.code, r.err).toBe(0);
    runPlink2(['--bfile', 'g', '--pheno', 'pheno.tsv', '--covar', 'covar.tsv', '--covar-name', 'age,sex', ...qc, '--glm', 'hide-covar', '--out', 'qref'], c.dir);
    const ours = readGlm(join(c.dir, 'q.y1.glm.linear'));
    const ref = readGlm(join(c.dir, 'qref.y1.glm.linear'));
    expect(ref.length).toBeGreaterThan(0);
    expect(ref.length).toBeLessThan(120);
    expect(ours.map((o) => [o.id, o.obs])).toEqual(ref.map((w) => [w.id, w.obs]));
    ours.forEach((o, i) => {
      if (ref[i].err === '.') expect(Math.abs(o.beta - ref[i].beta)).toBeLessThanOrEqual(1e-4 * Math.abs(ref[i].beta) + 1e-6);
    });
    const log = readFileSync(join(c.dir, 'q.scan.log'), 'utf8');
    expect(log).toMatch(/genotype QC: --maf 0\.3: \d+ variants removed/);
    expect(log).toMatch(new RegExp(`genotype QC: ${ref.length} of 120 variants and \\d+ of 613 samples pass QC`));
  });

  it('--pheno-name, --gxe and --omnibus', () => {
    const r = cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--pheno-name', 'y2', '--covar', 'covar.tsv', '--covar-name', 'age', '--gxe', 'E', '--omnibus', '--errcode', '--out', 'x'], c.dir);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(c.dir, 'x.y1.glm.linear'))).toBe(false);
    const rows = readGlm(join(c.dir, 'x.y2.glm.linear'));
    expect(rows.slice(0, 3).map((x) => x.test)).toEqual(['ADD', 'E', 'ADDxE']);
    expect(rows.length).toBe(3 * 120);
    expect(rows.some((x) => x.err === 'CONST_OMITTED_ALLELE')).toBe(true);
    const om = readFileSync(join(c.dir, 'x.omnibus.glm.tsv'), 'utf8').trim().split('\n');
    expect(om[0]).toBe('#CHROM\tPOS\tID\tA1\tOBS_CT\tCHISQ\tDF\tP');
    expect(om.length).toBe(121);
    // One response: CHISQ = T_STAT^2 (printed with 6 digits).
    const f = om[1].split('\t');
    const add = rows[0];
    expect(f[6]).toBe('1');
    expect(Math.abs(Number(f[5]) - add.t * add.t)).toBeLessThanOrEqual(1e-4 * Number(f[5]));
    expect(existsSync(join(c.dir, 'x.omnibus.ADDxE.glm.tsv'))).toBe(true);
  });

  it('shards by --chr and by --from-bp/--to-bp concatenate to the full scan', () => {
    expect(cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--out', 'full'], c.dir).code).toBe(0);
    expect(cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--chr', '1', '--out', 's1'], c.dir).code).toBe(0);
    expect(cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--chr', '2', '--to-bp', '1900', '--out', 's2a'], c.dir).code).toBe(0);
    expect(cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--chr', '2', '--from-bp', '1901', '--out', 's2b'], c.dir).code).toBe(0);
    const body = (p: string) => readFileSync(join(c.dir, p), 'utf8').split('\n').slice(1).join('\n');
    const full = readFileSync(join(c.dir, 'full.y1.glm.linear'), 'utf8');
    const head = full.split('\n')[0];
    expect(head + '\n' + body('s1.y1.glm.linear') + body('s2a.y1.glm.linear') + body('s2b.y1.glm.linear')).toBe(full);
    expect(body('s1.y1.glm.linear').split('\n').filter(Boolean).length).toBe(60);
  });

  it('names an unknown response column and the columns there are', () => {
    const r = cli(['--bfile', 'g', '--pheno', 'pheno.tsv', '--pheno-name', 'nope', '--out', 'e'], c.dir);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('error: pheno.tsv: column nope: unknown response column; expected one of y1, y2, found no such column');
  });
});
