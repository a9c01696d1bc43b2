/**
 * PC x E covariates in the SNPxE scan (scanStep `envAdjust`): the ADDxE test equals plink2 --glm interaction with
 * the products written as covariates (plink2 2.00a3.5 with its default counted allele, run in the test; tolerances as tests/assoc/oracle.test.ts:
 * BETA and SE within 1e-4 relative, -log10 P within 0.01), and the ADD pass is not touched by them.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBed } from '../../src/lib/io/bed';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { createRng } from '../../src/lib/math/rng';
import { scanStep, productColumn } from '../../src/lib/pipeline/scanStep';
import { makeCohort, readGlm, requirePlink2, runPlink2, type OracleCohort } from '../assoc/oracleData';

describe('scanStep envAdjust (PC x E covariates of the SNPxE model)', () => {
  let c: OracleCohort | undefined;
  afterAll(() => {
    if (c) rmSync(c.dir, { recursive: true, force: true });
  });

  it('matches plink2 --glm interaction with PC, PCxE and E covariates; the ADD pass is unchanged', async () => {
    requirePlink2();
    c = makeCohort({ n: 801, nVariants: 120, seed: 7 });
    const n = c.n;
    const rng = createRng(3);
    const pcs = ['pc1', 'pc2'].map((name) => ({ name, values: Float64Array.from({ length: n }, () => Math.round(rng.normal() * 1e4) / 1e4) }));
    const E = { name: 'E', values: c.covar.E };
    const prod = pcs.map((p) => productColumn(p, E));
    expect(prod.map((p) => p.name)).toEqual(['pc1xE', 'pc2xE']);
    const cols = [...pcs, ...prod, E];
    const fmt = (x: number) => (Number.isNaN(x) ? 'NA' : String(x));
    const covarFile = join(c.dir, 'covar_pcxe.tsv');
    writeFileSync(covarFile, [`#FID\tIID\t${cols.map((x) => x.name).join('\t')}`, ...Array.from({ length: n }, (_, i) => `F${i}\tI${i}\t${cols.map((x) => fmt(x.values[i])).join('\t')}`)].join('\n') + '\n');
    // --parameters picks the model's terms: 1 ADD, 2-6 the covariates in file order (E last), 7-11 ADDx each covariate
    // (ADDxE = 11): ADD + PCs + PCxE + E + ADDxE, the model scanStep fits
    runPlink2(['--bfile', c.prefix, '--pheno', c.phenoFile, '--covar', covarFile, '--glm', 'interaction', '--parameters', '1-6,11', '--out', join(c.dir, 'pcxe')], c.dir);
    const source = await openBed({ bed: nodeFileSource(`${c.prefix}.bed`), bim: nodeFileSource(`${c.prefix}.bim`), fam: nodeFileSource(`${c.prefix}.fam`) });
    const responses = Object.entries(c.pheno).map(([name, values]) => ({ name, values }));
    const step = await scanStep({ source, responses, covariates: pcs, env: [E], envAdjust: pcs }, { backend: 'cpu' });
    let compared = 0;
    for (const sc of step.scans.filter((s) => s.test === 'ADDxE')) {
      const want = new Map(readGlm(join(c.dir, `pcxe.${sc.response}.glm.linear`)).filter((r) => r.test === 'ADDxE').map((r) => [r.id, r]));
      for (let v = 0; v < sc.id.length; v++) {
        const w = want.get(sc.id[v])!;
        expect(w, sc.id[v]).toBeDefined();
        if (w.err !== '.') continue;
        compared++;
        expect(Math.abs(sc.beta![v] - w.beta)).toBeLessThanOrEqual(1e-4 * Math.abs(w.beta) + 5e-7);
        expect(Math.abs(sc.se![v] - w.se)).toBeLessThanOrEqual(1e-4 * Math.abs(w.se) + 5e-7);
        expect(Math.abs(sc.mlog10p![v] - w.log10p)).toBeLessThanOrEqual(0.01);
      }
    }
    expect(compared).toBeGreaterThan(300);
    // The marginal ADD pass has the PCs as covariates only.
    const plain = await scanStep({ source, responses, covariates: pcs, env: [] }, { backend: 'cpu' });
    const addWith = step.scans.filter((s) => s.test === 'ADD');
    const addWithout = plain.scans.filter((s) => s.test === 'ADD');
    expect(addWith.length).toBe(3);
    addWith.forEach((s, k) => expect(Array.from(s.beta!)).toEqual(Array.from(addWithout[k].beta!)));
  });
});
