import { describe, it, expect } from 'vitest';
import { buildReport } from '../../src/lib/report/buildReport';
import type { Analysis, ScanResult, StructureSummary } from '../../src/lib/report/Analysis';
import { parseAnalysis, serializeAnalysis } from '../../src/lib/report/analysisJson';
import { createRng } from '../../src/lib/math/rng';

/** A small scan whose genomic-control lambda is given (the report shows lambdaGc when the record has it). */
function scan(response: string, lambdaGc: number, test?: string): ScanResult {
  const n = 20;
  return {
    response,
    ...(test ? { test } : {}),
    chrom: Array.from({ length: n }, (_, i) => String(1 + (i % 2))),
    pos: Array.from({ length: n }, (_, i) => 1000 * (i + 1)),
    id: Array.from({ length: n }, (_, i) => `rs${i}`),
    p: Array.from({ length: n }, (_, i) => (i + 0.5) / n),
    lambdaGc,
  };
}

/** 30 samples in 3 groups, k = 4 PCs (row-major n x k), 2 responses with a LOCO fit, kinship of 435 pairs. */
function structure(k = 4): StructureSummary {
  const rng = createRng(3);
  const n = 30;
  const vectors = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) vectors[i * k + j] = (j === i % 3 ? 1 : 0) + 0.1 * rng.normal();
  const counts = new Float64Array(40);
  counts[5] = 400; // unrelated, around 0
  counts[30] = 2; // 1st degree
  counts[36] = 1; // duplicates
  return {
    adjustedFor: [
      'structure: 1900 of 2000 variants with MAF >= 0.01 used for the genetic PCs and the LOCO ridge step',
      'genetic PCs: 4 over 1500 variants; adjusted for as covariates PC1..PC4 <&>',
      'LOCO ridge (regenie step 1): 2 blocks, 30 samples',
    ],
    pcs: k,
    loco: true,
    variantsUsed: 1900,
    seconds: 1.5,
    pca: { k, eigenvalues: Array.from({ length: k }, (_, j) => 8 / (j + 1)), iids: Array.from({ length: n }, (_, i) => `s${i}`), vectors },
    locoR2: [
      { response: 'HSV1', r2: 0.1234 },
      { response: 'HSV2', r2: 0.0567 },
    ],
    kinship: {
      pairs: 435,
      bins: { from: -0.2, width: 0.02, counts },
      degrees: [
        { label: 'dup-MZ', count: 1 },
        { label: '1st', count: 2 },
        { label: '2nd', count: 0 },
        { label: '3rd', count: 0 },
        { label: 'unrelated', count: 432 },
      ],
    },
  };
}

function analysis(st?: StructureSummary): Analysis {
  return { title: 'Structure test', scans: [scan('HSV1', 1.2), scan('HSV2', 1.05)], ...(st ? { structure: st } : {}) };
}

/** The structure section of a report, or '' when there is none. */
function sectionOf(html: string): string {
  return html.match(/<section id="structure"[\s\S]*?<\/section>/)?.[0] ?? '';
}

const sectionIds = (html: string) => [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/<(script|link|iframe|object|embed|img|audio|video|source)\b/i);
  for (const m of html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*"([^"]*)"/gi)) expect(m[1]).toMatch(/^#/);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size, 'element ids are unique').toBe(ids.length);
}

describe('report: population structure section', () => {
  it('shows what was adjusted for, the PC scatters, the scree plot, LOCO R^2, kinship by degree', () => {
    const html = buildReport(analysis(structure()));
    expectSelfContained(html);
    expect(sectionIds(html)).toEqual(['data', 'preparation', 'training', 'interpretation', 'structure', 'association', 'selected', 'versions', 'parameters']);
    expect(html).toContain('<li><a href="#structure">Population structure</a></li>');
    const s = sectionOf(html);
    // the adjusted-for lines, escaped, in order
    const lines = [...s.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
    expect(lines).toEqual([
      'structure: 1900 of 2000 variants with MAF &gt;= 0.01 used for the genetic PCs and the LOCO ridge step',
      'genetic PCs: 4 over 1500 variants; adjusted for as covariates PC1..PC4 &lt;&amp;&gt;',
      'LOCO ridge (regenie step 1): 2 blocks, 30 samples',
    ]);
    expect(s).toContain('<td>Genetic PCs adjusted for (covariates)</td><td>PC1..PC4</td>');
    expect(s).toContain('<td>Variants used</td><td>1,900</td>');
    // one svg per plot: PC1/PC2, PC3/PC4, scree, kinship histogram; uncoloured scatters (no legend)
    expect(count(s, /<svg /g)).toBe(4);
    expect(count(s, /<figure>/g)).toBe(4);
    expect(count(s, /class="pc-scatter"/g)).toBe(2);
    expect(s).toContain('<title id="fig-pc1-2-title">PC2 against PC1</title>');
    expect(s).toContain('<title id="fig-pc3-4-title">PC4 against PC3</title>');
    expect(s).toContain('30 samples.</desc>');
    expect(s).not.toContain('coloured by');
    expect(count(s, /class="scree"/g)).toBe(1);
    expect(count(s, /class="kinship-histogram"/g)).toBe(1);
    expect(s).toContain('PC1 carries 48.0% of their sum'); // 8 / (8 + 4 + 8/3 + 2)
    // LOCO out-of-fold R^2 per response
    expect(s).toMatch(/<td>HSV1<\/td><td class="num">0\.1234<\/td>/);
    expect(s).toMatch(/<td>HSV2<\/td><td class="num">0\.0567<\/td>/);
    // related pairs by degree, exact counts from the record
    const pairs = s.match(/<table data-testid="report-related-pairs">[\s\S]*?<\/table>/)?.[0] ?? '';
    const rows = [...pairs.matchAll(/<tr><td>([^<]*)<\/td><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([['dup-MZ', '1'], ['1st', '2'], ['2nd', '0'], ['3rd', '0'], ['unrelated', '432']]);
    expect(s).toContain('KING-robust kinship of all 435 sample pairs');
    expect(s).not.toContain('report-kinship-skipped');
  });

  it('warns for a lambda of 1.2 and not for 1.05, suggesting only the adjustment the run did not make', () => {
    const withBoth = sectionOf(buildReport(analysis(structure())));
    const warns = [...withBoth.matchAll(/<p class="warn">([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(warns).toEqual(['warning: genomic-control lambda 1.20 for HSV1 ADD: residual structure or relatedness']);
    expect(withBoth).not.toContain('for HSV2');

    const pcsOnly = sectionOf(buildReport(analysis({ ...structure(), loco: false, locoR2: undefined })));
    expect(pcsOnly).toContain('<p class="warn">warning: genomic-control lambda 1.20 for HSV1 ADD: residual structure or relatedness; use the LOCO ridge step (--loco)</p>');

    // the lambda shown under Association results is the one warned about (here a SNPxE test row)
    const gxe = buildReport({ scans: [scan('HSV1', 1.05), scan('HSV1', 1.31, 'ADDxsmoking')], structure: structure() });
    expect(gxe).toContain('genomic-control λ = 1.310');
    expect([...sectionOf(gxe).matchAll(/<p class="warn">([^<]*)<\/p>/g)].map((m) => m[1])).toEqual([
      'warning: genomic-control lambda 1.31 for HSV1 ADDxsmoking: residual structure or relatedness',
    ]);

    const calm = sectionOf(buildReport({ scans: [scan('HSV1', 1.05), scan('HSV2', 1.1)], structure: structure() }));
    expect(calm).not.toContain('class="warn"');
    expect(calm).not.toContain('report-lambda-warnings');
  });

  it('without a structure record: one line (and the lambda warning), no plots', () => {
    const html = buildReport(analysis());
    expectSelfContained(html);
    const s = sectionOf(html);
    expect(s).not.toBe('');
    expect(count(s, /<p class="missing">/g)).toBe(1);
    expect(s).toContain('<p class="missing">No population-structure adjustment was recorded: the scans were not adjusted for genetic PCs or a LOCO prediction.</p>');
    expect(s).not.toContain('<svg');
    expect(s).not.toContain('<table');
    expect(s).toContain('<p class="warn">warning: genomic-control lambda 1.20 for HSV1 ADD: residual structure or relatedness; adjust for genetic PCs (--pca 10) and use the LOCO ridge step (--loco)</p>');
    expect(count(s, /class="warn"/g)).toBe(1);
  });

  it('no section at all without scans and without a structure record', () => {
    const html = buildReport({ title: 'Training only', training: { latent: 3 } });
    expect(sectionIds(html)).not.toContain('structure');
    expect(html).not.toContain('href="#structure"');
    expect(html).not.toContain('population-structure');
  });

  it('kinship skipped: the reason instead of the histogram; two PCs give one scatter', () => {
    const st = structure(2);
    delete st.kinship;
    st.kinshipSkipped = '5000 samples: over 4000 (28 bytes a pair); run `npm run cli -- king` <for> the .kin0 table';
    const s = sectionOf(buildReport(analysis(st)));
    expect(s).toContain('<p class="missing" data-testid="report-kinship-skipped">No kinship computed: 5000 samples: over 4000 (28 bytes a pair); run `npm run cli -- king` &lt;for&gt; the .kin0 table.</p>');
    expect(count(s, /class="kinship-histogram"/g)).toBe(0);
    expect(count(s, /class="pc-scatter"/g)).toBe(1);
    expect(count(s, /<svg /g)).toBe(2); // PC2/PC1 and the scree plot
    expect(s).not.toContain('report-related-pairs');
  });

  it('renders the same from the JSON record (typed arrays as plain arrays)', () => {
    const a = analysis(structure());
    const back = parseAnalysis(serializeAnalysis(a));
    expect(Array.isArray(back.structure?.pca?.vectors)).toBe(true);
    expect(sectionOf(buildReport(back))).toBe(sectionOf(buildReport(a)));
  });
});
