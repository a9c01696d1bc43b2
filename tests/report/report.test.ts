import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildReport } from '../../src/lib/report/buildReport';
import type { Analysis, ScanResult } from '../../src/lib/report/Analysis';
import { formatSumstats, formatSelected, formatHsvPhenotype } from '../../src/lib/report/exportFormats';
import { readBuiltinGenesNode } from '../../src/platform/node/nodeBuiltinGenes';
import { GeneIndex } from '../../src/lib/annotate/GeneIndex';
import { createRng } from '../../src/lib/math/rng';
import { parseAnalysis, serializeAnalysis } from '../../src/lib/report/analysisJson';
import { collectHits } from '../../src/lib/report/collectHits';
import { parseSelected } from '../../src/lib/report/parseResultFiles';

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((x): x is string => !!x);

function chromiumPath(): string {
  const p = CHROMIUM_CANDIDATES.find((c) => existsSync(c));
  if (!p) throw new Error('Chromium is not installed (needed to open the report offline); install it with: apt-get install -y chromium');
  return p;
}

/** Two HSV scans over 3 chromosomes with a planted hit inside CFTR (chr7:117,600,000). */
function scans(): ScanResult[] {
  const rng = createRng(9);
  const out: ScanResult[] = [];
  for (const hsv of ['HSV1', 'HSV2']) {
    const chrom: string[] = [], pos: number[] = [], id: string[] = [], p: number[] = [], beta: number[] = [], se: number[] = [], a1: string[] = [];
    for (const [c, len] of [['7', 159e6], ['17', 83e6], ['X', 156e6]] as const) {
      for (let i = 0; i < 1000; i++) {
        chrom.push(c);
        pos.push(Math.floor((i + 0.5) * (len / 1000)));
        id.push(`rs${c}_${i}`);
        p.push(rng.next());
        beta.push(rng.normal() * 0.02);
        se.push(0.02);
        a1.push('A');
      }
    }
    if (hsv === 'HSV1') {
      pos[739] = 117_600_000;
      p[739] = 2e-12;
      beta[739] = 0.2;
    }
    out.push({ response: hsv, chrom, pos, id, p, beta, se, a1 });
  }
  return out;
}

function fullAnalysis(): Analysis {
  const phen = Array.from({ length: 8 }, (_, j) => `lab_${j}`);
  const corr: number[] = [];
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) corr.push(i === j ? 1 : (i % 2) === (j % 2) ? 0.6 : -0.1);
  const curve = (a: number, n: number) => Array.from({ length: n }, (_, e) => a + 0.5 * Math.exp(-e / 4));
  const sc = scans();
  return {
    title: 'Test cohort <&> report',
    createdAt: '2026-11-26T01:00:00Z',
    warnings: ['12 non-numeric cells in lab_3 counted as missing'],
    cohort: {
      sources: [
        { name: 'pheno.csv', kind: 'phenotypes', samples: 1200, columns: 40, format: 'CSV' },
        { name: 'cohort.bed', kind: 'genotypes', samples: 1190, variants: 3100, format: 'PLINK .bed' },
      ],
      matchedSamples: 1180,
      droppedSamples: [{ reason: 'not in genotypes', count: 10 }, { reason: 'no phenotype observed', count: 10 }],
      variantsBefore: 3100,
      variantsAfter: 3000,
      variantQc: [{ reason: '--maf 0.01', count: 60 }, { reason: '--geno 0.05', count: 40 }],
    },
    preparation: {
      columns: phen.map((name, j) => ({ name, kind: 'continuous', included: j !== 5, transform: j === 5 ? '' : 'z-score', reason: j === 5 ? 'more than 20% missing' : undefined, missingRate: j === 5 ? 0.3 : 0.01, mean: 1, sd: 2, skewness: 0.1 })),
      outputColumns: 7,
      correlation: { rows: phen, cols: phen, values: corr },
      recipe: { format: 'latentscan-pheno-recipe', version: 1 },
    },
    training: {
      backend: 'wasm',
      latent: 2,
      activation: 'elu',
      candidates: [
        { hidden: [64], seed: 101, epochs: 20, trainLoss: 0.41, valLoss: 0.45, seconds: 3.2, trainCurve: curve(0.4, 20), valCurve: curve(0.44, 20) },
        { hidden: [128], seed: 102, epochs: 25, trainLoss: 0.35, valLoss: 0.38, seconds: 4.1, trainCurve: curve(0.35, 25), valCurve: curve(0.38, 25) },
      ],
      best: 1,
      pca: { valLoss: 0.47, trainLoss: 0.46 },
      rotation: 'varimax',
      loadingsBefore: { rows: phen, cols: ['HSV1', 'HSV2'], values: phen.flatMap((_, j) => [0.5, j % 2 ? 0.5 : -0.5]) },
      loadingsAfter: { rows: phen, cols: ['HSV1', 'HSV2'], values: phen.flatMap((_, j) => (j % 2 ? [0.9, 0.05] : [0.05, 0.9])) },
      varianceShare: [0.55, 0.45],
    },
    hsvCorrelation: { rows: ['HSV1', 'HSV2'], cols: phen, values: phen.flatMap((_, j) => [j % 2 ? 0.9 : 0.1, 0]).slice(0, 16) },
    interpretation: [
      { hsv: 'HSV1', name: 'odd labs', share: 0.55, top: [{ phenotype: 'lab_1', r: 0.9 }, { phenotype: 'lab_3', r: 0.88 }] },
      { hsv: 'HSV2', share: 0.45, top: [{ phenotype: 'lab_0', r: 0.91 }] },
    ],
    scans: sc,
    omnibus: { ...sc[0], response: 'Omnibus', df: 2 },
    selected: [
      { hsv: 'HSV1', term: 'rs7_739', type: 'SNP', beta: 0.2, p: 2e-12, stability: 0.98 },
      { hsv: 'HSV1', term: 'rs7_739:smoking', type: 'GxE', beta: 0.05, stability: 0.6 },
      { hsv: 'HSV2', term: 'smoking', type: 'ENV', beta: 0.3 },
    ],
    versions: { latentscan: '0.1.0', tfjs: '4.22.0', node: 'v20' },
    parameters: { seed: 1, train: { latent: 2, candidates: 2, activation: 'elu' }, scan: { covariates: ['age', 'sex'] } },
  };
}

function tagsOf(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'gi'))].map((m) => m[0]);
}

/** Static checks that hold for any self-contained report. */
function expectSelfContained(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/<(script|link|iframe|object|embed|img|audio|video|source)\b/i);
  expect(html).not.toMatch(/@import/i);
  for (const m of html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*"([^"]*)"/gi)) expect(m[1], m[0].slice(0, 80)).toMatch(/^(#|data:image\/png;base64,)/);
  for (const m of html.matchAll(/url\(([^)]*)\)/gi)) expect(m[1]).toMatch(/^#/);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size, 'element ids are unique').toBe(ids.length);
}

let genes: GeneIndex;
beforeAll(async () => {
  const g = await readBuiltinGenesNode();
  genes = new GeneIndex(g.genes, g.source);
});

describe('buildReport', () => {
  it('a full analysis: every section, figures and tables, no external resource', () => {
    const html = buildReport(fullAnalysis(), { genes });
    expectSelfContained(html);
    for (const id of ['data', 'preparation', 'training', 'interpretation', 'association', 'selected', 'versions', 'parameters']) expect(html).toContain(`<section id="${id}"`);
    expect(html).toContain('<title>Test cohort &lt;&amp;&gt; report</title>');
    // figures: pheno correlation, loss curves, 2 loadings, HSV correlation, 2 x (Manhattan + QQ), omnibus Manhattan + QQ, >= 1 regional
    const figures = tagsOf(html, 'figure');
    expect(figures.length).toBeGreaterThanOrEqual(12);
    expect(tagsOf(html, 'svg').length).toBe(figures.length);
    expect(html.match(/class="manhattan"/g)).toHaveLength(3);
    expect(html.match(/class="qq"/g)).toHaveLength(3);
    expect(html.match(/class="regional"/g)?.length).toBeGreaterThanOrEqual(1);
    for (const t of ['report-leaderboard', 'report-selected', 'report-hits', 'report-versions', 'report-parameters', 'report-interpretation', 'report-columns']) expect(html).toContain(`data-testid="${t}"`);
    // the planted hit is annotated with CFTR (inside, distance 0) in the hits table and the selected table
    expect(html).toMatch(/<td>rs7_739<\/td><td>7<\/td><td class="num">117600000<\/td><td>HSV1<\/td><td class="num">2\.0e-12<\/td><td>CFTR<\/td><td class="num">0<\/td>/);
    expect(html).toMatch(/<td>rs7_739:smoking<\/td><td>GxE<\/td>.*?<td>CFTR<\/td>/);
    expect(html).toContain("The chosen autoencoder's validation loss (0.38) is 19.1% lower than PCA with the same k (0.47)");
    expect(html).toContain('--maf 0.01');
    expect(html).toContain('train.activation');
  });

  it('a partial analysis still renders, saying what is missing', () => {
    const html = buildReport({});
    expectSelfContained(html);
    expect(tagsOf(html, 'section')).toHaveLength(8);
    expect(html).toContain('No genome-wide scan results were recorded.');
    expect(html).toContain('No autoencoder training was recorded.');
    expect(tagsOf(html, 'figure')).toHaveLength(0);
    const onlyScan = buildReport({ scans: [scans()[1]] });
    expect(tagsOf(onlyScan, 'figure')).toHaveLength(2);
    expect(onlyScan).toContain('No selected terms were recorded.');
  });

  it('opens in Chromium with the network off: no request leaves the file, figures and tables are there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, buildReport(fullAnalysis(), { genes }));
    const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const requests: string[] = [];
      const failed: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('requestfailed', (r) => failed.push(r.url()));
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });
      const facts = await page.evaluate(() => ({
        figures: document.querySelectorAll('figure').length,
        svgs: [...document.querySelectorAll('figure > svg')].map((s) => ({ ns: s.namespaceURI, title: s.querySelector(':scope > title')?.textContent ?? '', w: s.getBoundingClientRect().width })),
        tables: document.querySelectorAll('table').length,
        selectedRows: document.querySelectorAll('[data-testid=report-selected] tbody tr').length,
        hitsRows: document.querySelectorAll('[data-testid=report-hits] tbody tr').length,
        sections: [...document.querySelectorAll('section')].map((s) => s.id),
        rasters: [...document.querySelectorAll('image')].length,
      }));
      expect(facts.sections).toEqual(['data', 'preparation', 'training', 'interpretation', 'structure', 'association', 'selected', 'versions', 'parameters']);
      expect(facts.figures).toBeGreaterThanOrEqual(12);
      for (const s of facts.svgs) {
        expect(s.ns).toBe('http://www.w3.org/2000/svg');
        expect(s.title.length).toBeGreaterThan(3);
        expect(s.w).toBeGreaterThan(100);
      }
      expect(facts.tables).toBeGreaterThanOrEqual(10);
      expect(facts.selectedRows).toBe(3);
      expect(facts.hitsRows).toBeGreaterThanOrEqual(1);
      // only the file itself is requested (data: URIs of embedded rasters do not count as network)
      expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([url]);
      expect(failed).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('collectHits', () => {
  it('significant variants clumped per locus, selected SNP and GxE terms placed by their own CHROM/POS', () => {
    const sc = scans();
    // a second significant variant 100 kb from the planted one is clumped into the same locus
    const s0 = { ...sc[0], p: Array.from(sc[0].p!) };
    (s0.p as number[])[740] = 1e-9;
    (s0.pos as number[])[740] = 117_700_000;
    const hits = collectHits([s0], [], genes);
    expect(hits.map((h) => [h.id, h.nearestGene, h.distance])).toEqual([['rs7_739', 'CFTR', 0]]);
    // pipeline selected.tsv rows (HSV TERM TYPE CHROM POS ...) without any scan
    const sel = parseSelected(
      'HSV\tTERM\tTYPE\tCHROM\tPOS\tBETA\tP\nHSV1\trsA\tSNP\t7\t117600000\t0.2\t1e-10\nHSV2\t1:1000:A:G:smoking\tGxE\t24\t2787000\t0.1\tNA\nHSV2\tsmoking\tENV\tNA\tNA\t0.3\tNA\n',
      'selected.tsv',
    );
    expect(sel[1]).toMatchObject({ chrom: '24', pos: 2787000 });
    const h2 = collectHits([], sel, genes);
    expect(h2.map((h) => [h.id, h.chrom, h.hsv, h.nearestGene])).toEqual([
      ['rsA', '7', 'HSV1', 'CFTR'],
      ['1:1000:A:G', 'Y', 'HSV2', 'SRY'],
    ]);
  });
});

describe('analysis.json', () => {
  it('round-trips typed arrays and missing values, and renders the same report', () => {
    const a = fullAnalysis();
    const s0 = a.scans![0];
    const p = Float64Array.from(s0.p!);
    p[5] = NaN; // not tested (e.g. monomorphic)
    a.scans![0] = { ...s0, p, pos: Float64Array.from(s0.pos), beta: Float32Array.from(s0.beta!) };
    const text = serializeAnalysis(a);
    expect(text).not.toContain('"0":'); // no typed array written as an object
    const back = parseAnalysis(text);
    expect(Number.isNaN((back.scans![0].p as number[])[5])).toBe(true);
    expect(back.scans![0].id).toEqual(s0.id);
    expect(buildReport(back, { genes })).toBe(buildReport(a, { genes }));
  });
});

describe('cli report', () => {
  it('builds the report and exports from a pipeline output folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-report-cli-'));
    const sc = scans();
    for (const s of sc) writeFileSync(join(dir, `scan.${s.response}.glm.linear`), formatSumstats(s));
    writeFileSync(join(dir, 'selected.tsv'), formatSelected(fullAnalysis().selected!));
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    writeFileSync(join(dir, 'hsv.tsv'), formatHsvPhenotype({ fid: ids, iid: ids, names: ['HSV1', 'HSV2'], values: ids.flatMap((_, i) => [i / 10, -i / 10]) }));
    const train = {
      backend: 'cpu',
      inputs: ['a', 'b', 'c'],
      settings: { latent: 2, activation: 'elu', rotate: 'varimax', seed: 7 },
      seeds: { master: 7, candidates: [11, 12] },
      candidates: [
        { hidden: [16], seed: 11, epochs: 5, trainLoss: 0.5, valLoss: 0.6, seconds: 1, history: { trainLoss: [0.9, 0.7, 0.6, 0.55, 0.5], valLoss: [0.95, 0.75, 0.65, 0.62, 0.6] } },
        { hidden: [32], seed: 12, epochs: 4, trainLoss: 0.45, valLoss: 0.5, seconds: 1, history: { trainLoss: [0.9, 0.6, 0.5, 0.45], valLoss: [0.9, 0.65, 0.55, 0.5] } },
      ],
      best: 1,
      pca: { valLoss: 0.58, trainLoss: 0.55 },
      rotate: 'varimax',
      hsv: {
        names: ['HSV1', 'HSV2'],
        share: [0.6, 0.4],
        top: [[{ column: 'a', corr: 0.9 }], [{ column: 'c', corr: -0.8 }]],
        correlations: [[0.9, 0.2, 0.1], [0.1, 0.3, -0.8]],
        loadingsBefore: [[0.7, 0.6], [0.5, 0.5], [0.2, -0.7]],
        loadingsAfter: [[0.9, 0.1], [0.7, 0.1], [0.0, -0.8]],
      },
      prepare: { report: { source: 'pheno.csv', rowsIn: 22, rowsOut: 20, rowsDropped: { count: 2, reason: 'no phenotype observed' }, summaries: [{ name: 'a', type: 'continuous', missingRate: 0, mean: 1, sd: 1, skewness: 0 }, { name: 'b', type: 'continuous', missingRate: 0.1 }, { name: 'c', type: 'binary', missingRate: 0 }, { name: 'id2', type: 'id-like', missingRate: 0 }], dropped: [{ column: 'id2', reason: 'ID-like' }], duplicates: [], warnings: [] } },
      recipe: { columns: [{ source: 'a', transform: 'zscore' }, { source: 'b', transform: 'zscore' }, { source: 'c', transform: 'binary' }] },
      versions: { latentscan: '0.1.0', tfjs: '4.22.0' },
      seconds: 3,
    };
    writeFileSync(join(dir, 'train.json'), JSON.stringify(train));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'report', '--dir', dir, '--exports', '--bfile', 'data/cohort', '--title', 'CLI report'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expectSelfContained(html);
    expect(html).toContain('<h1>CLI report</h1>');
    expect(html.match(/class="manhattan"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="report-leaderboard"');
    expect(html).toMatch(/<td>rs7_739<\/td><td>7<\/td><td class="num">117600000<\/td><td>HSV1<\/td><td class="num">2\.0e-12<\/td><td>CFTR<\/td>/);
    expect(html).toContain('ID-like');
    expect(html).toContain('Loadings after rotation (varimax)');
    const sh = readFileSync(join(dir, 'run-plink2-regenie.sh'), 'utf8');
    expect(sh).toContain(`plink2 --bfile data/cohort --pheno ${join(dir, 'hsv.tsv')}`);
    expect(sh).toContain('--pheno-name HSV1,HSV2 --glm allow-no-covars');
    expect(sh).toContain('regenie --step 1');
    expect(sh).toContain('regenie --step 2');
    expect(readFileSync(join(dir, 'hsv.regenie.tsv'), 'utf8').split('\n')[0]).toBe('FID\tIID\tHSV1\tHSV2');
    expect(readFileSync(join(dir, 'hits.annotated.tsv'), 'utf8')).toContain('rs7_739\tHSV1\t2e-12\t0.2\tCFTR\t0\t+');
    for (const f of ['figures/hsv1.manhattan.svg', 'figures/hsv2.qq.svg', 'sumstats/hsv1.glm.linear']) expect(existsSync(join(dir, f)), f).toBe(true);
    // re-exported summary statistics are the scan file itself (idempotent round trip)
    expect(readFileSync(join(dir, 'sumstats/hsv1.glm.linear'), 'utf8')).toBe(readFileSync(join(dir, 'scan.HSV1.glm.linear'), 'utf8'));
  });
});
