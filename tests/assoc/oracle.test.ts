/**
 * Oracle: runScan vs plink2 --glm on generated data with missing calls, missing responses and missing
 * covariates (plink2 2.00a3.5 from Debian, run inside the test).
 * Tolerances: BETA and SE within 1e-4 relative, -log10 P within 0.01, OBS_CT equal, same NA rows (ERRCODE).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { openBed } from '../../src/lib/io/bed';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { runScan, type ScanResult } from '../../src/lib/assoc/runScan';
import { ERRCODES } from '../../src/lib/assoc/regress';
import { makeCohort, readGlm, requirePlink2, runPlink2, type GlmRow, type OracleCohort } from './oracleData';

function openSource(c: OracleCohort) {
  return openBed({ bed: nodeFileSource(`${c.prefix}.bed`), bim: nodeFileSource(`${c.prefix}.bim`), fam: nodeFileSource(`${c.prefix}.fam`) });
}

function compare(res: ScanResult, k: number, rows: GlmRow[], tests: string[]): { compared: number; na: number } {
  const r = res.responses[k];
  let compared = 0;
  let na = 0;
  const byKey = new Map<string, GlmRow>();
  for (const row of rows) byKey.set(`${row.id} ${row.test}`, row);
  for (let ti = 0; ti < tests.length; ti++) {
    const ta = r.tests[ti];
    for (let v = 0; v < res.variants.id.length; v++) {
      const key = `${res.variants.id[v]} ${tests[ti]}`;
      const want = byKey.get(key);
      expect(want, key).toBeDefined();
      if (!want) continue;
      const ctx = `${r.name} ${key}`;
      expect(ta.obs[v], ctx).toBe(want.obs);
      expect(ERRCODES[ta.err[v]], ctx).toBe(want.err);
      if (want.err !== '.') {
        na++;
        continue;
      }
      compared++;
      expect(Math.abs(ta.beta[v] - want.beta), ctx).toBeLessThanOrEqual(1e-4 * Math.abs(want.beta) + 5e-7);
      expect(Math.abs(ta.se[v] - want.se), ctx).toBeLessThanOrEqual(1e-4 * Math.abs(want.se) + 5e-7);
      expect(Math.abs(ta.log10p[v] - want.log10p), ctx).toBeLessThanOrEqual(0.01);
    }
  }
  return { compared, na };
}

describe('runScan vs plink2 --glm (oracle)', () => {
  let c: OracleCohort;
  afterAll(() => {
    if (c) rmSync(c.dir, { recursive: true, force: true });
  });
  beforeAll(() => {
    requirePlink2();
    c = makeCohort({ n: 997, nVariants: 161, seed: 42 });
  });

  it('ADD with covariates age + sex (hide-covar), 3 responses with missing values', async () => {
    runPlink2(['--bfile', c.prefix, '--pheno', c.phenoFile, '--covar', c.covarFile, '--covar-name', 'age,sex', '--glm', 'hide-covar', 'omit-ref', '--out', join(c.dir, 'add')], c.dir);
    const res = await runScan({
      source: await openSource(c),
      responses: Object.entries(c.pheno).map(([name, values]) => ({ name, values })),
      covariates: [{ name: 'age', values: c.covar.age }, { name: 'sex', values: c.covar.sex }],
      chunkVariants: 37,
    });
    let total = 0;
    for (let k = 0; k < 3; k++) {
      const rows = readGlm(join(c.dir, `add.y${k + 1}.glm.linear`));
      const { compared, na } = compare(res, k, rows, ['ADD']);
      expect(na).toBeGreaterThanOrEqual(14); // monomorphic and all-missing variants
      total += compared;
    }
    expect(total).toBeGreaterThan(400);
    // Strong planted effects reach tiny P.
    expect(Math.max(...res.responses[0].log10p.filter(Number.isFinite))).toBeGreaterThan(50);
  });

  it('chrX: SEX from the .fam is added as a covariate, as plink2 does by default', async () => {
    const bim = readFileSync(`${c.prefix}.bim`, 'utf8').trim().split('\n');
    const xPrefix = join(c.dir, 'gx');
    writeFileSync(`${xPrefix}.bim`, bim.map((l, i) => (i >= 121 ? l.replace(/^\S+/, 'X') : l)).join('\n') + '\n');
    copyFileSync(`${c.prefix}.bed`, `${xPrefix}.bed`);
    copyFileSync(`${c.prefix}.fam`, `${xPrefix}.fam`);
    runPlink2(['--bfile', xPrefix, '--pheno', c.phenoFile, '--covar', c.covarFile, '--covar-name', 'age,E', '--glm', 'hide-covar', 'omit-ref', '--out', join(c.dir, 'chrx')], c.dir);
    const source = await openBed({ bed: nodeFileSource(`${xPrefix}.bed`), bim: nodeFileSource(`${xPrefix}.bim`), fam: nodeFileSource(`${xPrefix}.fam`) });
    const res = await runScan({
      source,
      responses: Object.entries(c.pheno).map(([name, values]) => ({ name, values })),
      covariates: [{ name: 'age', values: c.covar.age }, { name: 'E', values: c.covar.E }],
      chunkVariants: 64, // chunks mixing chrX and autosomes
      omnibus: true,
    });
    expect(res.variants.chrom.filter((x) => x === 'X').length).toBe(40);
    let total = 0;
    for (let k = 0; k < 3; k++) total += compare(res, k, readGlm(join(c.dir, `chrx.y${k + 1}.glm.linear`)), ['ADD']).compared;
    expect(total).toBeGreaterThan(400);
  });

  it('SNPxE (--glm interaction): rows ADD, E, ADDxE with covariates age + sex', async () => {
    runPlink2(
      ['--bfile', c.prefix, '--pheno', c.phenoFile, '--covar', c.covarFile, '--covar-name', 'age,sex,E', '--glm', 'interaction', 'omit-ref', '--parameters', '1-4,7', '--out', join(c.dir, 'gxe')],
      c.dir,
    );
    const res = await runScan({
      source: await openSource(c),
      responses: Object.entries(c.pheno).map(([name, values]) => ({ name, values })),
      covariates: [{ name: 'age', values: c.covar.age }, { name: 'sex', values: c.covar.sex }],
      gxe: { name: 'E', values: c.covar.E },
      chunkVariants: 50,
    });
    expect(res.tests).toEqual(['ADD', 'E', 'ADDxE']);
    let total = 0;
    for (let k = 0; k < 3; k++) {
      const rows = readGlm(join(c.dir, `gxe.y${k + 1}.glm.linear`));
      total += compare(res, k, rows, ['ADD', 'E', 'ADDxE']).compared;
    }
    expect(total).toBeGreaterThan(1200);
  });
});
