/**
 * The structure step computed once and reused (src/lib/pipeline/structureFile.ts, `cli structure`,
 * `scan`/`sis --structure-from`): the file gives back every PC and LOCO prediction bit for bit (NaN, the
 * genome-wide prediction of a chromosome the step did not see) and refuses other inputs; on the command line
 * `scan --structure-from` writes the bytes of `scan --pca K --loco` (ADD and SNPxE with PC x E), and `sis` selects
 * the same terms.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocoResult } from '../../src/lib/relate/locoRidge';
import type { PcaResult } from '../../src/lib/relate/pca';
import type { StructureStepResult } from '../../src/lib/pipeline/structureStep';
import { formatStructureFile, parseStructureFile, structureFromFile, type StructureInputs } from '../../src/lib/pipeline/structureFile';

const root = join(__dirname, '..', '..');

function fakeStep(n: number): StructureStepResult {
  const samples = { fid: Array.from({ length: n }, (_, i) => `F${i}`), iid: Array.from({ length: n }, (_, i) => `I${i}`) };
  const k = 2;
  const pca: PcaResult = {
    samples, k, eigenvalues: Float64Array.of(2.5, 1 / 3), vectors: Float64Array.from({ length: n * k }, (_, i) => Math.sin(i + 0.1) / 7),
    nVariants: 50, iterations: 4, seconds: 0.1,
  };
  const chroms = ['1', '2', 'X'];
  const sums = [0, 1].map((r) => new Map(chroms.map((c, ci) => [c, Float64Array.from({ length: n }, (_, i) => Math.cos(i * (ci + 1) + r) / 3)])));
  const loco: LocoResult = {
    responses: ['y1', 'y2'], chromosomes: chroms, nAnalysed: n - 1, nVariants: 50, nBlocks: 3, blockSize: 20,
    level1: [{ lambda: 10, r2: 0.1 }, { lambda: 20, r2: NaN }],
    prediction(r, chrom) {
      let tot = 0;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        tot = 0;
        for (const s of sums[r].values()) tot += s[i];
        out[i] = i === 0 ? NaN : (tot - (sums[r].get(chrom === '23' ? 'X' : chrom)?.[i] ?? 0)) * 1.7;
      }
      return out;
    },
    seconds: 0.2,
  };
  return {
    pca, pcColumns: [], loco, locoAdjustment: undefined, king: null, kinshipSkipped: null, chromosomes: ['1', '2', 'X', 'MT'],
    variantsUsed: 50, variantsRead: 60, lines: ['structure: a line'], seconds: 0.3,
  };
}

describe('structure file (structureFile.ts)', () => {
  const n = 7;
  const step = fakeStep(n);
  const input: StructureInputs = {
    samples: step.pca!.samples,
    responses: [{ name: 'y1', values: Float64Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i / 3)) }, { name: 'y2', values: new Float64Array(n).fill(1) }],
    covariates: [{ name: 'age', values: Float64Array.from({ length: n }, (_, i) => 40 + i) }],
    genotypes: { format: 'bed', variants: 60 },
  };

  it('reads back every PC and LOCO prediction bit for bit, the genome-wide one for an unseen chromosome', () => {
    const bytes = formatStructureFile(step, { pcs: 2, loco: true }, input);
    expect(bytes.indexOf(0x0a) % 8).toBe(7);
    const file = parseStructureFile(bytes, 'x.structure.bin');
    expect(file.header.settings).toEqual({ pcs: 2, loco: true });
    const back = structureFromFile(file, input, 'x.structure.bin');
    expect(Array.from(back.pca!.eigenvalues)).toEqual(Array.from(step.pca!.eigenvalues));
    expect(Buffer.from(back.pca!.vectors.buffer).equals(Buffer.from(step.pca!.vectors.buffer))).toBe(true);
    expect(back.pcColumns.map((c) => c.name)).toEqual(['PC1', 'PC2']);
    expect(back.pcColumns[1].values[3]).toBe(step.pca!.vectors[3 * 2 + 1]);
    for (const r of [0, 1]) {
      for (const c of ['1', '2', 'X', '23', 'chrX', 'MT', '7']) {
        const want = step.loco!.prediction(r, c === 'chrX' ? 'X' : c);
        const got = back.locoAdjustment!.prediction(r, c);
        expect(Buffer.from(Float64Array.from(got).buffer).equals(Buffer.from(want.buffer)), `response ${r} chromosome ${c}`).toBe(true);
      }
    }
    expect(back.locoAdjustment!.chromosomes).toEqual(['1', '2', 'X', 'MT']);
    expect(back.loco!.level1[1].r2).toBeNaN();
    expect(back.lines).toEqual(step.lines);
  });

  it('refuses other inputs (naming what differs), and a file cut short', () => {
    const bytes = formatStructureFile(step, { pcs: 2, loco: true }, input);
    const file = parseStructureFile(bytes, 'x.structure.bin');
    const age2 = { name: 'age', values: Float64Array.from(input.covariates[0].values, (v, i) => (i === 2 ? v + 1e-12 : v)) };
    expect(() => structureFromFile(file, { ...input, covariates: [age2] }, 'x.structure.bin')).toThrow(/other inputs.*response and covariate values/);
    expect(() => structureFromFile(file, { ...input, covariates: [] }, 'x.structure.bin')).toThrow(/covariates \[\] \(this run's\)/);
    expect(() => structureFromFile(file, { ...input, responses: input.responses.slice(0, 1) }, 'x.structure.bin')).toThrow(/responses/);
    expect(() => structureFromFile(file, { ...input, genotypes: { format: 'bed', variants: 61 } }, 'x.structure.bin')).toThrow(/genotype input/);
    expect(() => parseStructureFile(bytes.subarray(0, bytes.length - 8), 'x.structure.bin')).toThrow(/cut short/);
    expect(() => parseStructureFile(new TextEncoder().encode('{"format":"other"}\n'), 'x.structure.bin')).toThrow(/not a structure file/);
  });
});

function cli(args: string[], cwd: string) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}
function must(args: string[], cwd: string): string {
  const r = cli(args, cwd);
  if (r.code !== 0) throw new Error(`cli ${args[0]} failed (${r.code}):\n${r.out.slice(-3000)}`);
  return r.out;
}

describe('scan and sis --structure-from PREFIX = computing the step in the command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentscan-structure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scan --structure-from writes the bytes of scan --pca 3 --loco (ADD and SNPxE); sis selects the same terms; other inputs refused', () => {
    must(['simulate', '--n', '800', '--snps', '800', '--phenos', '12', '--seed', '5', '--out', 'sim'], dir);
    const names = readFileSync(join(dir, 'sim', 'pheno.csv'), 'utf8').split('\n')[0].split(',').slice(1, 4).join(',');
    const base = ['--bfile', 'sim/geno', '--pheno', 'sim/pheno.csv', '--pheno-name', names, '--covar', 'sim/covar.csv', '--covar-name', 'age,sex', '--threads', '1'];
    must(['structure', ...base, '--pca', '3', '--out', 'st'], dir);
    for (const gxe of [[], ['--gxe', 'smoking']]) {
      must(['scan', ...base, ...gxe, '--pca', '3', '--loco', '--out', 'a'], dir);
      must(['scan', ...base, ...gxe, '--structure-from', 'st', '--out', 'b'], dir);
      const files = readdirSync(dir).filter((f) => f.startsWith('a.') && f !== 'a.scan.log');
      expect(files.filter((f) => f.endsWith('.glm.linear'))).toHaveLength(3);
      expect(files).toContain('a.eigenvec');
      for (const f of files) expect(readFileSync(join(dir, `b${f.slice(1)}`), 'utf8'), `${f} ${gxe.join(' ')}`).toBe(readFileSync(join(dir, f), 'utf8'));
      const noTime = (f: string) => readFileSync(join(dir, f), 'utf8').replace(/^time: .*$/m, '');
      expect(noTime('b.scan.log')).toBe(noTime('a.scan.log'));
      expect(noTime('b.scan.log')).toContain('LOCO ridge (regenie step 1)');
    }
    const sis = ['sis', ...base, '--env', 'smoking', '--nsis', '20'];
    must([...sis, '--pca', '3', '--loco', '--out', 'sa'], dir);
    must([...sis, '--structure-from', 'st', '--out', 'sb'], dir);
    const sisFiles = readdirSync(dir).filter((x) => x.startsWith('sa.') && x.endsWith('.tsv'));
    expect(sisFiles).toHaveLength(3 * 2 + 1);
    for (const f of sisFiles) {
      expect(readFileSync(join(dir, `sb${f.slice(2)}`), 'utf8'), f).toBe(readFileSync(join(dir, f), 'utf8'));
    }
    const other = cli(['scan', ...base.map((x) => (x === 'age,sex' ? 'age' : x)), '--structure-from', 'st', '--out', 'c'], dir);
    expect(other.code).not.toBe(0);
    expect(other.out).toContain('st.structure.bin: structure step of other inputs (run cli structure again on these); expected covariates ["age"]');
    const both = cli(['scan', ...base, '--structure-from', 'st', '--pca', '3', '--out', 'c'], dir);
    expect(both.code).not.toBe(0);
    expect(both.out).toContain('--structure-from reads the structure step with its settings: leave out --pca');
  }, 120_000);
});
