/**
 * The counted allele in SIS (SisOptions.countedAllele): on a cohort where ALT is the major allele for half of the
 * variants, 'minor' (plink2's A1, the default) and 'alt' screen the same terms with the same |score| (1e-9
 * relative: interactions are built with their parents projected out, so counting the other allele only flips
 * signs), select the same terms, and a SNP term's BETA flips sign exactly where its A1 differs.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { runSis } from '../../src/lib/select/runSis';
import { sisOptionsFrom, DEFAULT_SELECTION } from '../../src/lib/select/selectionSettings';
import { selectedTsv } from '../../src/lib/select/selectionTables';

describe('SIS with the counted allele', () => {
  it('minor and alt: the same screened |scores| and selected terms; SNP betas flip sign where A1 differs', async () => {
    const n = 800;
    const c = simulateCohort({ n, snps: 600, phenos: 10, seed: 5, altMajorFraction: 0.5 });
    const dir = mkdtempSync(join(tmpdir(), 'ls-a1sis-'));
    try {
      for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
      const source = await openGenotypes({ bfile: join(dir, 'geno') });
      const K = c.factorNames.length;
      const col = (name: string) => c.covar.columns.find((x) => x.name === name)!.values as ArrayLike<number>;
      const input = {
        source,
        rowOf: Int32Array.from({ length: n }, (_, i) => i),
        n,
        responses: c.factorNames.slice(0, 3).map((name, k) => ({ name, values: Float64Array.from({ length: n }, (_, i) => c.factors[i * K + k]) })),
        covariates: [{ name: 'age', values: col('age') }, { name: 'sex', values: col('sex') }],
        env: [{ name: 'smoking', values: col('smoking') }],
      };
      const base = sisOptionsFrom({ ...DEFAULT_SELECTION, gxgTop: 10 });
      const minor = await runSis(input, { ...base, countedAllele: 'minor' });
      const alt = await runSis(input, { ...base, countedAllele: 'alt' });
      let flipped = 0, snpTerms = 0;
      minor.responses.forEach((r, k) => {
        const a = alt.responses[k];
        const key = (s: { term: string; type: string }) => `${s.type} ${s.term}`;
        const sa = new Map(a.screened.map((s) => [key(s), s.score]));
        expect(r.screened.map(key).sort()).toEqual(a.screened.map(key).sort());
        for (const s of r.screened) expect(Math.abs(Math.abs(s.score) - Math.abs(sa.get(key(s))!))).toBeLessThanOrEqual(1e-9 * Math.abs(s.score) + 1e-12);
        expect(r.selected.map(key)).toEqual(a.selected.map(key));
        r.selected.forEach((t, i) => {
          const u = a.selected[i];
          if (t.type !== 'SNP') return;
          snpTerms++;
          const differs = t.a1 !== u.a1;
          if (differs) flipped++;
          expect(t.beta).toBeCloseTo(differs ? -u.beta : u.beta, 8);
        });
        expect(selectedTsv(r).split('\n')[0].split('\t').slice(0, 6)).toEqual(['TERM', 'TYPE', 'CHROM', 'POS', 'A1', 'BETA']);
      });
      console.log(`counted allele in SIS: ${snpTerms} selected SNP terms, ${flipped} with REF counted`);
      expect(snpTerms).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
