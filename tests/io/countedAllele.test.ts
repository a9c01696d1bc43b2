/**
 * The counted allele (src/lib/io/countedAllele.ts) against plink2 2.00a3.5 `--glm` without omit-ref:
 *  - the rule on hand-made variants: ALT founder frequency exactly 0.5 (ALT counted), above 0.5 among founders but
 *    0.5 over everyone (REF), below among founders but 0.5 over everyone (ALT), missing calls, and a cohort with
 *    no founder (ALT everywhere: plink2's frequency is NaN);
 *  - `cli scan --gxe` on a cohort where ALT is the major allele for half of the variants, 60 of 600 samples
 *    non-founders, E binary and uncentered: every ADD, E and ADDxE row equal to plink2's (A1 and OBS_CT equal, the
 *    same NA rows, BETA/SE within 1e-4 relative, -log10 P within 0.01), where counting ALT makes rows NA.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flipPackedBytes } from '../../src/lib/io/countedAllele';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { readGlm, requirePlink2, runPlink2 } from '../assoc/oracleData';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { scanStep } from '../../src/lib/pipeline/scanStep';
import { formatSumstats } from '../../src/lib/report/exportFormats';

const root = join(__dirname, '..', '..');
function cli(args: string[], cwd: string) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), 'scan', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ls-a1-'));
  dirs.push(d);
  return d;
}

describe('counted allele (A1) as plink2 --glm', () => {
  it('flipPackedBytes swaps 00 and 11 and keeps 01 (missing) and 10 (het)', () => {
    const b = Uint8Array.of(0b00_01_10_11, 0b11_11_00_00, 0b01_10_01_10);
    flipPackedBytes(b);
    expect(Array.from(b)).toEqual([0b11_01_10_00, 0b00_00_11_11, 0b01_10_01_10]);
  });

  it('the rule: REF when the founders\' ALT frequency is above 0.5; ties, no founder call and no founder: ALT', async () => {
    requirePlink2();
    const dir = tempDir();
    // 6 founders, 2 children of the first two; ALT counts per sample (null = missing)
    const fam = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6'].map((id, i) => `f ${id} 0 0 ${1 + (i % 2)} -9`).concat(['f C1 F1 F2 1 -9', 'f C2 F1 F2 2 -9']);
    const vars: [string, (number | null)[], string][] = [
      ['tie_founders', [1, 1, 1, 1, 1, 1, 0, 0], 'G'],
      ['founder_major', [2, 2, 1, 1, 1, 1, 0, 0], 'A'],
      ['all_major', [0, 0, 1, 1, 1, 1, 2, 2], 'G'],
      ['missing', [2, 2, 2, null, null, 0, 0, 0], 'A'],
      ['tie_all', [2, 0, 2, 0, 1, 1, 1, 1], 'G'],
    ];
    const code = (x: number | null) => (x === null ? 0b01 : x === 2 ? 0b00 : x === 1 ? 0b10 : 0b11);
    const bed = [0x6c, 0x1b, 0x01];
    for (const [, g] of vars) {
      const b = [0, 0];
      g.forEach((x, j) => (b[j >> 2] |= code(x) << (2 * (j & 3))));
      bed.push(...b);
    }
    writeFileSync(join(dir, 't.bed'), Uint8Array.from(bed));
    writeFileSync(join(dir, 't.bim'), vars.map(([id], i) => `1\t${id}\t0\t${1000 + i}\tG\tA\n`).join(''));
    writeFileSync(join(dir, 't.fam'), fam.join('\n') + '\n');
    writeFileSync(join(dir, 'nf.bed'), Uint8Array.from(bed));
    writeFileSync(join(dir, 'nf.bim'), readFileSync(join(dir, 't.bim')));
    writeFileSync(join(dir, 'nf.fam'), fam.map((l) => l.split(' ').map((x, i) => (i === 2 ? 'X' : i === 3 ? 'Y' : x)).join(' ')).join('\n') + '\n');
    writeFileSync(join(dir, 'p.txt'), ['#FID IID y', ...fam.map((l, j) => `f ${l.split(' ')[1]} ${[0.3, -1.2, 0.8, 0.1, -0.4, 1.5, -0.9, 0.6][j]}`)].join('\n') + '\n');
    for (const prefix of ['t', 'nf']) {
      runPlink2(['--bfile', prefix, '--pheno', 'p.txt', '--glm', 'allow-no-covars', '--out', `${prefix}ref`], dir);
      const r = cli(['--bfile', prefix, '--pheno', 'p.txt', '--out', `${prefix}ours`], dir);
      expect(r.code, r.err).toBe(0);
      const want = readGlm(join(dir, `${prefix}ref.y.glm.linear`)).map((x) => `${x.id} ${x.a1}`);
      expect(readGlm(join(dir, `${prefix}ours.y.glm.linear`)).map((x) => `${x.id} ${x.a1}`)).toEqual(want);
      // the expected A1 written out, so the rule is visible here
      expect(want).toEqual(vars.map(([id, , a1]) => `${id} ${prefix === 'nf' ? 'G' : a1}`));
    }
    // The record and the app's sumstats export keep REF and ALT and name the counted allele in A1.
    const source = await openGenotypes({ bfile: join(dir, 't') });
    const y = { name: 'y', values: Float64Array.of(0.3, -1.2, 0.8, 0.1, -0.4, 1.5, -0.9, 0.6) };
    const step = await scanStep({ source, responses: [y], covariates: [], env: [] }, { backend: 'cpu' });
    const rows = formatSumstats(step.scans[0]).trim().split('\n').slice(1).map((l) => l.split('\t').slice(2, 6).join(' '));
    expect(rows).toEqual(vars.map(([id, , a1]) => `${id} A G ${a1}`));
  });

  it('cli scan --gxe on an ALT-major cohort with non-founders: every row as plink2 --glm interaction', () => {
    requirePlink2();
    const dir = tempDir();
    const c = simulateCohort({ n: 600, snps: 400, phenos: 10, seed: 21, altMajorFraction: 0.5 });
    for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
    // the last 60 samples become children of the first two (non-founders: frequencies over the other 540)
    const fam = readFileSync(join(dir, 'geno.fam'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
    fam.slice(-60).forEach((f) => { f[2] = fam[0][1]; f[3] = fam[1][1]; });
    writeFileSync(join(dir, 'geno.fam'), fam.map((f) => f.join(' ')).join('\n') + '\n');
    const r = cli(['--bfile', 'geno', '--pheno', 'pheno.csv', '--pheno-name', 'ph001,ph002', '--covar', 'covar.csv', '--covar-name', 'age,sex', '--gxe', 'smoking', '--out', 'ours'], dir);
    expect(r.code, r.err).toBe(0);
    const alt = cli(['--bfile', 'geno', '--pheno', 'pheno.csv', '--pheno-name', 'ph001', '--covar', 'covar.csv', '--covar-name', 'age,sex', '--gxe', 'smoking', '--a1', 'alt', '--out', 'alt'], dir);
    expect(alt.code, alt.err).toBe(0);
    // plink2: covariates age, sex, smoking (file order); --parameters 1-4,7 = ADD, age, sex, smoking, ADDxsmoking
    const toPlink = (name: string) => {
      const [head, ...rows] = readFileSync(join(dir, `${name}.csv`), 'utf8').trim().split('\n').map((l) => l.split(','));
      const text = [['#FID', ...head], ...rows.map((r) => [r[0], ...r])].map((r) => r.join('\t')).join('\n') + '\n';
      writeFileSync(join(dir, `${name}.tsv`), text);
    };
    toPlink('pheno');
    toPlink('covar');
    const altOf = new Map(readFileSync(join(dir, 'geno.bim'), 'utf8').trim().split('\n').map((l) => l.split('\t')).map((f) => [f[1], f[4]]));
    runPlink2(['--bfile', 'geno', '--pheno', 'pheno.tsv', '--pheno-name', 'ph001,ph002', '--covar', 'covar.tsv', '--covar-name', 'age,sex,smoking', '--glm', 'interaction', '--parameters', '1-4,7', '--out', 'ref'], dir);
    let compared = 0, refCounted = 0, naAlt = 0, naRef = 0;
    for (const y of ['ph001', 'ph002']) {
      const want = readGlm(join(dir, `ref.${y}.glm.linear`)).filter((x) => ['ADD', 'smoking', 'ADDxsmoking'].includes(x.test));
      const ours = readGlm(join(dir, `ours.${y}.glm.linear`));
      expect(ours.map((o) => `${o.id} ${o.test} ${o.a1} ${o.obs}`)).toEqual(want.map((w) => `${w.id} ${w.test} ${w.a1} ${w.obs}`));
      ours.forEach((o, i) => {
        const w = want[i];
        if (w.err !== '.') {
          naRef++;
          expect(Number.isNaN(o.beta), `${y} ${o.id} ${o.test}`).toBe(true);
          return;
        }
        compared++;
        expect(Number.isNaN(o.beta), `${y} ${o.id} ${o.test} is NA here but not in plink2`).toBe(false);
        expect(Math.abs(o.beta - w.beta)).toBeLessThanOrEqual(1e-4 * Math.abs(w.beta) + 1e-6);
        expect(Math.abs(o.se - w.se)).toBeLessThanOrEqual(1e-4 * Math.abs(w.se) + 1e-6);
        expect(Math.abs(o.log10p - w.log10p)).toBeLessThanOrEqual(0.01);
      });
      if (y === 'ph001') refCounted = ours.filter((o) => o.test === 'ADD' && o.a1 !== altOf.get(o.id)).length;
    }
    naAlt = readGlm(join(dir, 'alt.ph001.glm.linear')).filter((x) => Number.isNaN(x.beta)).length;
    console.log(`counted allele: ${compared} rows equal to plink2, ${naRef} NA in both; REF counted for ${refCounted} of 400 variants; with --a1 alt ${naAlt} NA rows for ph001`);
    expect(compared).toBeGreaterThan(2000);
    expect(refCounted).toBeGreaterThan(100);
  }, 120_000);
});
