import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AnalysisSession } from '../../src/app/analysisSession';
import { bytesSource } from '../../src/lib/io/ByteSource';
import { InputError } from '../../src/lib/base/errors';
import { DEFAULT_SELECTION } from '../../src/lib/select/selectionSettings';

describe('AnalysisSession (the worker-side analysis)', () => {
  it('rejects an incomplete PLINK set and unknown files with exact messages', async () => {
    const s = new AnalysisSession();
    const f = (name: string) => ({ name, src: bytesSource(new Uint8Array(0), name) });
    await expect(s.loadGenotypes([f('g.bed'), f('g.bim')])).rejects.toThrow(
      'g.bed, g.bim: incomplete PLINK file set; expected the three PLINK files together (.bed, .bim, .fam), found no .fam',
    );
    await expect(s.loadGenotypes([f('g.txt')])).rejects.toBeInstanceOf(InputError);
    await expect(s.loadGenotypes([f('g.txt')])).rejects.toThrow(
      'g.txt: unrecognised genotype files; expected .bed + .bim + .fam, .pgen + .pvar[.zst] + .psam, .bgen [+ .sample] [+ .bgen.bgi], or one .vcf / .vcf.gz, found g.txt',
    );
    await expect(s.loadGenotypes([f('g.pgen'), f('g.psam')])).rejects.toThrow(
      'g.pgen, g.psam: incomplete PLINK 2 file set; expected the three PLINK 2 files together (.pgen, .pvar or .pvar.zst, .psam), found no .pvar (or .pvar.zst)',
    );
    await expect(s.loadGenotypes([f('g.sample')])).rejects.toThrow('g.sample: incomplete BGEN file set; expected a .bgen file (with its .sample file and .bgen.bgi index, if any), found no .bgen');
  });

  it('demo -> prepare -> train -> scan -> results: top rows sorted, exports consistent, earlier steps kept on failure', async () => {
    await tf.setBackend('cpu');
    const s = new AnalysisSession();
    const demo = await s.loadDemo({ n: 300, snps: 200, phenos: 12, seed: 3 });
    expect(demo.geno).toMatchObject({ format: 'bed', samples: 300, variants: 200 });
    expect(demo.pheno.rows).toBe(300);
    const prep = await s.preparePhenotypes({});
    expect(prep.outputColumns.length).toBeGreaterThan(0);
    // User overrides from the Phenotypes step reach prepare(): a transform per column, the missing threshold.
    const auto = prep.columns.find((c) => c.name === 'ph002')!;
    expect(auto.transform).not.toBe('rank-int');
    const over = await s.preparePhenotypes({ transforms: { ph002: 'rank-int' }, maxMissing: 0.018 });
    expect(over.columns.find((c) => c.name === 'ph002')!.transform).toBe('rank-int');
    expect(over.columns.find((c) => c.name === 'ph001')).toMatchObject({ included: false, reason: '2% missing > 1.8%' });
    for (const c of over.columns) if ((c.missingRate ?? 0) > 0.018) expect(c.included).toBe(false);
    const cont = prep.columns.find((c) => c.included && (c.distinct ?? 0) > 2)!;
    await expect(s.preparePhenotypes({ transforms: { [cont.name]: 'binary' } })).rejects.toThrow(
      `pheno.csv: column ${cont.name}: cannot apply transform binary; expected a column with 2 distinct values, found ${cont.distinct}`,
    );
    await s.preparePhenotypes({});
    const before = tf.memory().numTensors;
    const tr = await s.train({ latent: 3, candidates: 1, maxEpochs: 5 }, 'cpu');
    expect(tf.memory().numTensors).toBe(before);
    expect(tr.hsvNames).toEqual(['HSV1', 'HSV2', 'HSV3']);
    const scan = await s.scan({ covariates: ['age', 'sex'], env: [] });
    expect(scan.nVariants).toBe(200);
    expect(scan.responses).toEqual(['HSV1', 'HSV2', 'HSV3']);
    const view = s.results(25);
    expect(view.rows.length).toBe(25);
    expect(view.totalTests).toBeGreaterThan(500); // 3 HSVs x 200 variants, minus untestable ones
    for (let i = 1; i < view.rows.length; i++) expect(view.rows[i - 1].mlog10p).toBeGreaterThanOrEqual(view.rows[i].mlog10p);
    // The top row is the largest -log10 P over every response.
    let max = -Infinity;
    for (const sc of s.analysis.scans ?? []) for (const m of Array.from(sc.mlog10p ?? [])) if (Number.isFinite(m)) max = Math.max(max, m);
    expect(view.rows[0].mlog10p).toBe(max);
    expect(view.plots.map((p) => p.response)).toEqual(['HSV1', 'HSV2', 'HSV3']);
    expect(view.plots[0].manhattan.startsWith('<svg')).toBe(true);
    // Search over every tested variant: an ID fragment, one HSV, a region, a gene from a gene file.
    const all = s.hits({}, 10_000);
    expect(all.matchedTests).toBe(view.totalTests);
    const byId = s.hits({ text: 'RS12' }, 10_000);
    expect(byId.rows.length).toBe(byId.matchedTests);
    expect(byId.rows.every((r) => r.id.toLowerCase().includes('rs12'))).toBe(true);
    expect(byId.matchedTests).toBe(all.rows.filter((r) => r.id.toLowerCase().includes('rs12')).length);
    const one = s.hits({ response: 'HSV2' }, 5);
    expect(one.rows.map((r) => r.response)).toEqual(new Array(5).fill('HSV2'));
    expect(one.rows[0].mlog10p).toBe(Math.max(...all.rows.filter((r) => r.response === 'HSV2').map((r) => r.mlog10p)));
    const r0 = all.rows[0];
    const region = s.hits({ text: `${r0.chrom}:${r0.pos}-${r0.pos}` }, 100);
    expect(region.rows.every((r) => r.chrom === r0.chrom && r.pos === r0.pos)).toBe(true);
    expect(region.rows.map((r) => r.response)).toContain(r0.response);
    await s.loadGeneFile(bytesSource(new TextEncoder().encode(`${r0.chrom}\t${r0.pos - 1}\t${r0.pos}\tMYGENE\n`), 'g.bed'));
    const g = s.hits({ text: 'mygene' }, 10_000);
    expect(g.description).toMatch(/^gene MYGENE ± 100 kb/);
    expect(g.rows.every((r) => r.chrom === r0.chrom && Math.abs(r.pos - r0.pos) <= 100_000)).toBe(true);
    expect(g.rows.every((r) => r.gene === 'MYGENE')).toBe(true);
    expect(s.hits({ text: 'no-such-variant' }).matchedTests).toBe(0);
    const sum = s.exportText('sumstats');
    expect(sum.text.split('\n')[0]).toMatch(/^#CHROM\tPOS\tID\tREF\tALT\tA1\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP/);
    const hsv = s.exportText('hsv-plink2');
    expect(hsv.text.split('\n')[0]).toBe('#FID\tIID\tHSV1\tHSV2\tHSV3');
    // A failed load leaves everything in place.
    await expect(s.loadTable('pheno', bytesSource(new TextEncoder().encode('IID,a\np1,1\np1,2\n'), 'bad.csv'))).rejects.toThrow(
      "bad.csv:3: column IID: duplicate ID; expected unique IDs, found 'p1' also at line 2",
    );
    expect(s.trained).not.toBeNull();
    expect(s.results(5).rows.length).toBe(5);
  }, 120_000);

  it('factor discovery runs with the settings the user chose (and rejects invalid ones before running)', async () => {
    await tf.setBackend('cpu');
    const s = new AnalysisSession();
    await s.loadDemo({ n: 300, snps: 200, phenos: 12, seed: 3 });
    await s.preparePhenotypes({});
    await s.train({ latent: 2, candidates: 1, maxEpochs: 5 }, 'cpu');
    const base = { covariates: ['age', 'sex'], env: ['smoking'] };
    const a = await s.select({ ...base, selection: { ...DEFAULT_SELECTION, gxg: 'none', penalty: 'lasso', tune: 'bic', nsis: 20, stability: 4 } });
    expect(a.method).toBe('SIS (d = 20) + lasso, BIC; SNP×SNP: none; stability over 4 half-samples');
    const nQc = s.sis!.universe.snp;
    expect(a.universe).toBe(nQc + 1 + nQc); // SNPs + E + SNPxE
    for (const r of s.sis!.responses) {
      expect(r.d).toBe(20);
      for (const t of r.selected) expect(t.stability).not.toBeNull();
    }
    expect(s.sis!.penalty).toBe('lasso');
    expect(s.sis!.tune).toBe('bic');
    expect(s.analysis.parameters?.selection).toMatchObject({ penalty: 'lasso', tune: 'bic', nsis: 20, stability: 4, gxg: 'none', env: ['smoking'] });
    const b = await s.select({ ...base, selection: { ...DEFAULT_SELECTION, gxg: 'among', gxgTop: 5 } });
    expect(b.universe).toBe(nQc + 1 + nQc + 10); // + C(5, 2) pairs among the top 5
    expect(b.method).toBe(`SIS (d = ${Math.floor(300 / Math.log(300))}) + MCP (γ 3), EBIC; SNP×SNP: pairs among the top 5`);
    expect(s.sis!.penalty).toBe('mcp');
    await expect(s.select({ ...base, selection: { ...DEFAULT_SELECTION, gxgTop: 1, maf: 0.7 } })).rejects.toThrow(
      'top SNPs paired (M) must be a whole number ≥ 2, got 1; minimum MAF must be in [0, 0.5), got 0.7',
    );
  }, 120_000);

  it('says when no participant matches the genotypes (wrong ID column), and counts the overlap', async () => {
    await tf.setBackend('cpu');
    const s = new AnalysisSession();
    const demo = await s.loadDemo({ n: 120, snps: 50, phenos: 8, seed: 2 });
    expect(s.overlap()).toEqual({ genotyped: 120, withPhenotypes: 120, withCovariates: 120, genoExamples: ['P00001', 'P00002', 'P00003'] });
    // The same phenotypes with a row number first: read by default on the row number, nothing matches.
    const csv = ['row,eid,a,b,c', ...Array.from({ length: 120 }, (_, i) => `${i + 1},P${String(i + 1).padStart(5, '0')},${Math.sin(i)},${Math.cos(i)},${Math.sin(3 * i)}`)].join('\n');
    await s.loadTable('pheno', bytesSource(new TextEncoder().encode(csv), 'p.csv'));
    expect(s.overlap()?.withPhenotypes).toBe(0);
    await s.preparePhenotypes({ exclude: ['eid'] });
    await s.train({ latent: 1, candidates: 1, maxEpochs: 2 }, 'cpu');
    await expect(s.scan({ covariates: [], env: [] })).rejects.toThrow(
      "p.csv: column row: no participant matches the genotypes; expected participant IDs that match the genotype sample IDs (IID), e.g. 'P00001', 'P00002', 'P00003', found none of 120 matches (e.g. '1', '2', '3'); choose the ID column in the Data step",
    );
    await s.loadTable('pheno', bytesSource(new TextEncoder().encode(csv), 'p.csv'), undefined, undefined, 'eid');
    expect(s.overlap()?.withPhenotypes).toBe(120);
    expect(demo.geno.samples).toBe(120);
  }, 60_000);
});
