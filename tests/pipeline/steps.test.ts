/**
 * Pipeline pieces on small inputs built here: the one sample alignment (FID+IID matching, complete cases,
 * every left-out sample counted by reason, exact messages), the defaults' covariate policy, and
 * genotypeReport (VCF records skipped and every QC removal counted, for logs, record and app).
 */
import { describe, it, expect } from 'vitest';
import { alignSamples } from '../../src/lib/pipeline/alignSamples';
import { covariateEnvOverlap, defaultCovariateNames, defaultLatent } from '../../src/lib/pipeline/defaults';
import { genotypeReport, withGenotypeQc } from '../../src/lib/pipeline/genotypeReport';
import { openVcf } from '../../src/lib/io/vcf';
import { bytesSource } from '../../src/lib/io/ByteSource';
import type { Table } from '../../src/lib/io/Table';
import type { GenotypeSource } from '../../src/lib/io/GenotypeSource';

function table(source: string, ids: string[], cols: Record<string, number[]>, fid: string[] | null = null): Table {
  return {
    source,
    idColumn: 'IID',
    fid,
    ids,
    columns: Object.entries(cols).map(([name, v]) => ({ name, kind: 'numeric' as const, values: Float64Array.from(v), nonNumeric: 0 })),
    warnings: [],
  };
}

const samples = { fid: ['f1', 'f2', 'f3', 'f4', 'f5'], iid: ['a', 'b', 'c', 'd', 'e'] };

describe('alignSamples', () => {
  it('aligns responses, covariates and E to the genotype samples and counts every left-out sample by reason', () => {
    const hsv = table('hsv.tsv', ['e', 'a', 'b', 'c'], { HSV1: [5, 1, 2, NaN], HSV2: [50, 10, 20, 30] });
    const covar = table('covar.csv', ['a', 'b', 'c', 'd', 'e'], { age: [30, NaN, 50, 60, 70], smoking: [0, 1, 1, 0, NaN] });
    const r = alignSamples({ samples, responses: hsv, covar, covariates: ['age'], env: ['smoking'] });
    expect(r.responses.map((c) => c.name)).toEqual(['HSV1', 'HSV2']);
    expect(Array.from(r.responses[1].values)).toEqual([10, 20, 30, NaN, 50]);
    expect(Array.from(r.covariates[0].values)).toEqual([30, NaN, 50, 60, 70]);
    expect(r.env.map((e) => e.name)).toEqual(['smoking']);
    // a: complete; b: no age; c: HSV1 missing; d: no HSVs; e: no smoking
    expect(Array.from(r.rowOf)).toEqual([0, -1, -1, -1, -1]);
    expect(r.n).toBe(1);
    expect(r.dropped).toEqual([
      { reason: 'missing covariate value (age)', count: 1 },
      { reason: 'no response value (HSV1)', count: 2 },
      { reason: 'missing environment factor (smoking)', count: 1 },
    ]);
    expect(r.lines.at(-1)).toBe('  left out: missing environment factor (smoking): 1');
  });

  it('matches FID+IID pairs first, as plink2', () => {
    const t = table('p.tsv', ['a', 'a'], { y: [1, 2] }, ['f9', 'f1']);
    // duplicate IIDs across families are not allowed by readTable; here the pair decides which row a sample gets
    const r = alignSamples({ samples: { fid: ['f1'], iid: ['a'] }, responses: t, covariates: [], env: [] });
    expect(Array.from(r.responses[0].values)).toEqual([2]);
  });

  it('refuses a column that is both covariate and E, and names a missing E, with exact messages', () => {
    const hsv = table('hsv.tsv', ['a'], { HSV1: [1] });
    const covar = table('covar.csv', ['a'], { age: [1], smoking: [0] });
    expect(() => alignSamples({ samples, responses: hsv, covar, covariates: ['age', 'smoking'], env: ['smoking'] })).toThrow(
      'smoking given both as covariate and as environment factor; a term is either adjusted for or screened',
    );
    expect(() => alignSamples({ samples, responses: hsv, covar, covariates: [], env: ['coffee'] })).toThrow(
      'covar.csv: column coffee: environment factor (--env) not found; expected a column of the covariate table (--covar), found no such column',
    );
  });
});

describe('defaults', () => {
  it('covariates: every column but IDs and E; k from the number of phenotypes', () => {
    expect(defaultCovariateNames(['FID', 'IID', 'age', 'sex', 'smoking'], ['smoking'])).toEqual(['age', 'sex']);
    expect(defaultCovariateNames(['id', 'age'], [], 'id')).toEqual(['age']);
    expect(covariateEnvOverlap(['age'], ['smoking'])).toBeNull();
    expect([defaultLatent(3), defaultLatent(40), defaultLatent(500)]).toEqual([2, 5, 10]);
  });
});

const VCF_HEADER = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc\td\n';

async function drain(s: GenotypeSource): Promise<number> {
  let n = 0;
  for await (const c of s.chunks()) n += c.count;
  return n;
}

describe('genotypeReport', () => {
  it('counts VCF records skipped and each QC removal, complete after a pass', async () => {
    const body = [
      '1\t10\tok1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1\t0/1',
      '1\t20\tmulti\tA\tG,T\t.\t.\t.\tGT\t0/0\t0/1\t1/2\t0/0',
      '1\t30\tshort\tA\tG\t.\t.\t.\tGT\t0/0\t0/1',
      '1\t40\tmono\tA\tG\t.\t.\t.\tGT\t0/0\t0/0\t0/0\t0/0',
      '1\t50\tgappy\tA\tG\t.\t.\t.\tGT\t./.\t./.\t0/1\t1/1',
      '1\t60\tok2\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\t0/0\t1/1',
    ].join('\n');
    const vcf = await openVcf(bytesSource(new TextEncoder().encode(VCF_HEADER + body + '\n'), 'x.vcf'));
    const qc = await withGenotypeQc(vcf, { geno: 0.2, maf: 0.01 });
    expect(genotypeReport(qc).variantsKept).toBeNull();
    expect(await drain(qc)).toBe(2);
    const r = genotypeReport(qc);
    expect(r.variantsIn).toBe(4);
    expect(r.variantsKept).toBe(2);
    expect(r.variants).toEqual([
      { reason: 'VCF record skipped: multi-allelic', count: 1 },
      { reason: 'VCF record skipped: malformed', count: 1 },
      { reason: 'missing call rate over --geno 0.2', count: 1 },
      { reason: 'minor allele frequency under --maf 0.01', count: 1 },
    ]);
    expect(r.lines[0]).toBe("VCF records skipped: 1 multi-allelic, 1 malformed; e.g. x.vcf:4: multi-allelic ALT 'G,T'; x.vcf:5: expected 4 sample columns, found 2");
    expect(r.lines).toContain('genotype QC: 2 of 4 variants and 4 of 4 samples pass QC');
    // no filter: the source itself, and nothing removed
    expect(await withGenotypeQc(vcf, {})).toBe(vcf);
  });
});
