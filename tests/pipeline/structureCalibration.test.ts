/**
 * Calibration of the scan with genetic PCs and the LOCO ridge step on a structured, related cohort with null
 * tested SNPs: 3 ancestral groups (F_ST 0.04), 20% admixed, 40% of people in sibling pairs, group shifts of 1 SD in
 * the health factors, and a polygenic background of share 0.3 on the odd chromosomes only (so relatives are
 * correlated through the genome, as in a real heritable trait, while every SNP of the even chromosomes has no
 * effect on any response: lambda is measured over those). The responses are the 5 factors, no planted term.
 * Tolerances: lambda of `--pca 10 --loco` pooled over the even-chromosome tests (10,000) within the issue's
 * [0.97, 1.04] (pooled SD about 0.024), each response's within [0.86, 1.14] (3 sampling SD at 2,000 variants),
 * and the count of P < 1e-3 within its 99% binomial interval; without adjustment lambda > 1.5 (the cohort is hard).
 * Measured on seeds 4, 5, 6 (docs/relatedness.md): PCs only 1.050, 1.014, -; PCs + LOCO 1.005, 0.980, -
 * (m = 4,000); at m = 8,000 PCs only 1.072, 1.022, 1.005 and PCs + LOCO 1.038, 1.005, 0.997.
 */
import { describe, it, expect } from 'vitest';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { structureStep } from '../../src/lib/pipeline/structureStep';
import { scanStep } from '../../src/lib/pipeline/scanStep';
import { binomialQuantile99 } from './binomial';
import { lambdaFromLog10p } from '../../src/lib/assoc/genomicControl';

describe('scan --pca 10 --loco on a structured cohort with sibling pairs and null responses', () => {
  it('is calibrated with the adjustment and inflated without', async () => {
    const n = 1200, m = 4000;
    const c = simulateCohort({ n, snps: m, phenos: 10, seed: 4, ancestryGroups: 3, fst: 0.04, admixedFraction: 0.2, siblingFraction: 0.4, groupFactorShift: 1, polygenicShare: 0.3, polygenicChromosomes: 'odd', plantedSnp: 0, plantedGxe: 0, plantedGxg: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'ls-calib-'));
    for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
    const source = await openGenotypes({ bfile: join(dir, 'geno') });
    const K = c.factorNames.length;
    const responses = c.factorNames.map((name, k) => ({ name, values: Float64Array.from({ length: n }, (_, i) => c.factors[i * K + k]) }));
    const covariates = c.covar.columns.filter((col) => col.name === 'age' || col.name === 'sex').map((col) => ({ name: col.name, values: col.values as ArrayLike<number> }));
    const raw = await scanStep({ source, responses, covariates, env: [] }, { backend: 'cpu' });
    const st = await structureStep(source, { responses, covariates }, { pcs: 10, loco: true });
    const adj = await scanStep(
      { source, responses, covariates: [...covariates, ...st.pcColumns], env: [], loco: { chromosomes: st.chromosomes, prediction: (r, ch) => st.loco!.prediction(r, ch) } },
      { backend: 'cpu' },
    );
    // lambda over the null SNPs: the even chromosomes
    const even = (sc: (typeof raw.scans)[number]) => Float64Array.from(Array.from(sc.mlog10p as ArrayLike<number>).filter((_, v) => Number(sc.chrom[v]) % 2 === 0));
    const lam = (s: typeof raw) => s.scans.map((sc) => lambdaFromLog10p(even(sc)));
    const pooledOf = (s: typeof raw) => lambdaFromLog10p(Float64Array.from(s.scans.flatMap((sc) => Array.from(even(sc)))));
    let small = 0, tests = 0;
    for (const sc of adj.scans) for (const lp of even(sc)) if (Number.isFinite(lp)) { tests++; if (lp > 3) small++; }
    const [lo, hi] = binomialQuantile99(tests, 1e-3);
    const fmt = (x: number[]) => x.map((l) => l.toFixed(3)).join(', ');
    console.log(`even-chromosome lambda without: ${fmt(lam(raw))}; with --pca 10 --loco: ${fmt(lam(adj))}; P < 1e-3: ${small} of ${tests} (99% interval ${lo}-${hi})`);
    for (const l of lam(raw)) expect(l).toBeGreaterThan(1.5);
    const pooled = pooledOf(adj);
    console.log(`pooled lambda with --pca 10 --loco: ${pooled.toFixed(4)}`);
    expect(pooled).toBeGreaterThanOrEqual(0.97);
    expect(pooled).toBeLessThanOrEqual(1.04);
    for (const l of lam(adj)) {
      expect(l).toBeGreaterThanOrEqual(0.86);
      expect(l).toBeLessThanOrEqual(1.14);
    }
    expect(small).toBeGreaterThanOrEqual(lo);
    expect(small).toBeLessThanOrEqual(hi);
  }, 120_000);
});
