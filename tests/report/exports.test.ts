import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysisCommands, fmtG6, formatAnnotatedHits, formatHsvPhenotype, formatSelected, formatSumstats, shellQuote } from '../../src/lib/report/exportFormats';
import { parseGlmLinear, parseSelected, mlog10FromText } from '../../src/lib/report/parseResultFiles';
import { createRng } from '../../src/lib/math/rng';

function needTool(name: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} is not installed; install it with: apt-get install -y ${pkg}`);
}

/** Splits a printed command line into words (single-quoted words as shellQuote writes them). */
function words(cmd: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd)) !== null) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  return out;
}

// REGENIE options these commands may use (from the REGENIE documentation, v3): each takes a value unless listed as a flag.
const REGENIE_FLAGS = new Set(['--qt', '--bt', '--lowmem']);
const REGENIE_VALUED = new Set(['--step', '--bed', '--phenoFile', '--phenoColList', '--covarFile', '--covarColList', '--bsize', '--lowmem-prefix', '--threads', '--out', '--pred']);

let dir: string;
let fam: string[][];
const k = 3;

beforeAll(() => {
  needTool('plink2', 'plink2');
  dir = mkdtempSync(join(tmpdir(), 'ls-export-'));
  // a directory name with a space: the printed commands must quote it
  const sub = join(dir, 'my study');
  spawnSync('mkdir', ['-p', sub]);
  const r = spawnSync('plink2', ['--dummy', '300', '400', '0.02', 'scalar-pheno', '--make-bed', '--out', join(sub, 'geno')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plink2 --dummy failed: ${r.stdout}${r.stderr}`);
  fam = readFileSync(join(sub, 'geno.fam'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
});

function hsvInput() {
  const rng = createRng(11);
  const values: number[] = [];
  for (let i = 0; i < fam.length; i++) for (let j = 0; j < k; j++) values.push(i % 17 === 3 && j === 1 ? NaN : rng.normal());
  return { fid: fam.map((f) => f[0]), iid: fam.map((f) => f[1]), names: ['HSV1', 'HSV2', 'HSV3'], values };
}

describe('HSV phenotype export for plink2 and REGENIE', () => {
  it('writes #FID IID HSV1..HSVk (plink2) and FID IID ... (REGENIE) with NA for missing', () => {
    const input = hsvInput();
    const p2 = formatHsvPhenotype(input, 'plink2').split('\n');
    expect(p2[0]).toBe('#FID\tIID\tHSV1\tHSV2\tHSV3');
    expect(p2).toHaveLength(fam.length + 2);
    expect(p2[4].split('\t')[3]).toBe('NA'); // row 3, HSV2
    const rg = formatHsvPhenotype(input, 'regenie').split('\n');
    expect(rg[0]).toBe('FID\tIID\tHSV1\tHSV2\tHSV3');
    expect(rg.slice(1)).toEqual(p2.slice(1));
    expect(() => formatHsvPhenotype({ ...input, names: ['HSV 1', 'b', 'c'] })).toThrow("phenotype export: column name 'HSV 1' must be letters, digits, _ . or - (plink2/REGENIE)");
    expect(() => formatHsvPhenotype({ ...input, values: [1] })).toThrow(`phenotype export: expected ${fam.length} x 3 = ${fam.length * 3} values, got 1`);
  });

  it('plink2 reads the file and the printed --glm command runs as printed', () => {
    const sub = join(dir, 'my study');
    const input = hsvInput();
    writeFileSync(join(sub, 'hsv.tsv'), formatHsvPhenotype(input, 'plink2'));
    writeFileSync(join(sub, 'hsv.regenie.tsv'), formatHsvPhenotype(input, 'regenie'));
    // covariates: a FID IID table, as plink2 and REGENIE both read
    const rng = createRng(5);
    writeFileSync(join(sub, 'covar.tsv'), 'FID\tIID\tage\tsex\n' + fam.map((f) => `${f[0]}\t${f[1]}\t${(40 + 10 * rng.normal()).toFixed(1)}\t${1 + (rng.next() < 0.5 ? 1 : 0)}`).join('\n') + '\n');
    for (const covar of [false, true]) {
      const cmds = analysisCommands({
        bfile: join(sub, 'geno'),
        phenoFile: join(sub, 'hsv.tsv'),
        regeniePhenoFile: join(sub, 'hsv.regenie.tsv'),
        phenoNames: input.names,
        covarFile: covar ? join(sub, 'covar.tsv') : undefined,
        covarNames: covar ? ['age', 'sex'] : undefined,
        out: join(sub, covar ? 'gwas_cov' : 'gwas'),
      });
      expect(cmds.plink2).toContain(`--pheno ${shellQuote(join(sub, 'hsv.tsv'))}`);
      expect(cmds.plink2).toContain("'"); // the space in 'my study' is quoted
      // run exactly the printed line through a shell
      const r = spawnSync('sh', ['-c', cmds.plink2], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const log = readFileSync(join(sub, `${covar ? 'gwas_cov' : 'gwas'}.log`), 'utf8');
      expect(log).toContain('3 quantitative phenotypes loaded');
      if (covar) expect(log).toMatch(/2 covariates loaded/);
      for (const name of input.names) {
        const f = join(sub, `${covar ? 'gwas_cov' : 'gwas'}.${name}.glm.linear`);
        expect(existsSync(f), f).toBe(true);
        const rows = readFileSync(f, 'utf8').trim().split('\n');
        expect(rows).toHaveLength(401);
        const head = rows[0].split('\t');
        const obs = rows[1].split('\t')[head.indexOf('OBS_CT')];
        // HSV2 has 18 NA rows (i % 17 === 3 for 300 samples); plink2 also drops missing calls per variant
        const nMissing = name === 'HSV2' ? input.iid.filter((_, i) => i % 17 === 3).length : 0;
        expect(Number(obs)).toBeLessThanOrEqual(fam.length - nMissing);
        expect(Number(obs)).toBeGreaterThan(fam.length - nMissing - 20);
      }
    }
  });

  it('REGENIE commands: known options, existing inputs, step 2 reads what step 1 writes (REGENIE itself is not installed; syntax and paths only)', () => {
    const sub = join(dir, 'my study');
    const cmds = analysisCommands({
      bfile: join(sub, 'geno'),
      phenoFile: join(sub, 'hsv.tsv'),
      regeniePhenoFile: join(sub, 'hsv.regenie.tsv'),
      phenoNames: ['HSV1', 'HSV2', 'HSV3'],
      covarFile: join(sub, 'covar.tsv'),
      covarNames: ['age', 'sex'],
      out: join(sub, 'gwas'),
      threads: 4,
    });
    const steps = [words(cmds.regenieStep1), words(cmds.regenieStep2)];
    const opts = steps.map((w) => {
      expect(w[0]).toBe('regenie');
      const o = new Map<string, string | true>();
      for (let i = 1; i < w.length; i++) {
        const name = w[i];
        if (REGENIE_FLAGS.has(name)) o.set(name, true);
        else if (REGENIE_VALUED.has(name)) {
          expect(w[i + 1], `${name} needs a value`).toBeDefined();
          expect(w[i + 1].startsWith('--'), `${name} needs a value`).toBe(false);
          o.set(name, w[++i]);
        } else throw new Error(`unknown REGENIE option ${name}`);
      }
      return o;
    });
    const [s1, s2] = opts;
    expect(s1.get('--step')).toBe('1');
    expect(s2.get('--step')).toBe('2');
    for (const o of opts) {
      for (const ext of ['.bed', '.bim', '.fam']) expect(existsSync(`${o.get('--bed')}${ext}`)).toBe(true);
      const pheno = String(o.get('--phenoFile'));
      expect(readFileSync(pheno, 'utf8').split('\n')[0].split('\t').slice(0, 2)).toEqual(['FID', 'IID']);
      expect(readFileSync(String(o.get('--covarFile')), 'utf8').split('\n')[0].split('\t').slice(0, 2)).toEqual(['FID', 'IID']);
      const header = readFileSync(pheno, 'utf8').split('\n')[0].split('\t');
      for (const n of String(o.get('--phenoColList')).split(',')) expect(header).toContain(n);
      expect(o.get('--qt')).toBe(true);
      expect(o.get('--threads')).toBe('4');
    }
    // step 1 writes <out>_pred.list; step 2 must read exactly that
    expect(s2.get('--pred')).toBe(`${s1.get('--out')}_pred.list`);
    expect(s1.get('--lowmem')).toBe(true);
    expect(s1.get('--out')).not.toBe(s2.get('--out'));
  });

  it('summary statistics round-trip plink2 output in plink2 columns', () => {
    const sub = join(dir, 'my study');
    const file = join(sub, 'gwas.HSV1.glm.linear');
    const text = readFileSync(file, 'utf8');
    const [scan] = parseGlmLinear(text, file);
    expect(scan.response).toBe('HSV1');
    expect(scan.test).toBe('ADD');
    const out = formatSumstats(scan).trim().split('\n').map((l) => l.split('\t'));
    expect(out[0]).toEqual(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'A1', 'TEST', 'OBS_CT', 'BETA', 'SE', 'T_STAT', 'P']);
    const src = text.trim().split('\n').map((l) => l.split('\t'));
    const h = src[0];
    for (let i = 1; i < src.length; i++) {
      for (const col of ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'A1', 'TEST', 'OBS_CT', 'BETA', 'SE', 'T_STAT', 'P']) {
        expect(out[i][out[0].indexOf(col)], `${col} row ${i}`).toBe(src[i][h.indexOf(col)]);
      }
    }
    // without T_STAT it is recomputed as BETA/SE from 6-digit values: within 1e-4 relative
    const noT = formatSumstats({ ...scan, tStat: undefined }).trim().split('\n').map((l) => l.split('\t'));
    for (let i = 1; i < src.length; i++) {
      const t = Number(src[i][h.indexOf('T_STAT')]);
      if (!Number.isFinite(t)) continue; // NA rows (plink2 ERRCODE)
      expect(Math.abs(Number(noT[i][10]) - t)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(t)));
    }
  });

  it('formats numbers as plink2 does and parses P values beyond double range', () => {
    expect([0.0707993, 1.15522, 0.249412, 1.234567e-10, 5e-8, 123456789, 0, NaN].map(fmtG6)).toEqual(['0.0707993', '1.15522', '0.249412', '1.23457e-10', '5e-08', '1.23457e+08', '0', 'NA']);
    expect(mlog10FromText('1e-400')).toBeCloseTo(400, 10);
    expect(mlog10FromText('2.5e-8')).toBeCloseTo(-Math.log10(2.5e-8), 10);
    expect(mlog10FromText('NA')).toBeNaN();
  });

  it('selected terms and annotated hits tables', () => {
    const sel = formatSelected([
      { hsv: 'HSV1', term: 'rs1', type: 'SNP', beta: 0.12, p: 3e-9, stability: 0.96, genes: 'CFTR', a1: 'G' },
      { hsv: 'HSV2', term: 'rs2:smoking', type: 'GxE', beta: -0.05 },
    ]);
    expect(sel).toBe('HSV\tTERM\tTYPE\tA1\tBETA\tP\tSTABILITY\tGENES\nHSV1\trs1\tSNP\tG\t0.12\t3e-09\t0.96\tCFTR\nHSV2\trs2:smoking\tGxE\tNA\t-0.05\tNA\tNA\tNA\n');
    expect(parseSelected(sel, 'selected.tsv')).toEqual([
      { hsv: 'HSV1', term: 'rs1', type: 'SNP', beta: 0.12, p: 3e-9, stability: 0.96, genes: 'CFTR', a1: 'G' },
      { hsv: 'HSV2', term: 'rs2:smoking', type: 'GxE', beta: -0.05 },
    ]);
    const hits = formatAnnotatedHits([{ id: 'rs1', chrom: '7', pos: 117600000, hsv: 'HSV1', p: 3e-9, nearestGene: 'CFTR', distance: 0, strand: '+', genesInWindow: ['CFTR', 'CTTNBP2'] }]);
    expect(hits.split('\n')[1]).toBe('7\t117600000\trs1\tHSV1\t3e-09\tNA\tCFTR\t0\t+\tCFTR,CTTNBP2');
  });
});
