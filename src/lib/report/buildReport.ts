/**
 * buildReport(analysis): one self-contained HTML document (inline CSS and SVG, no scripts, no external
 * resources: it opens offline and can be archived with the study). Sections: data summary and QC, phenotype
 * preparation, autoencoder search and PCA comparison, HSV interpretation, population structure (when there
 * is a structure record or a scan), association results and plots, selected factors with genes, software versions, parameters and seeds. Every section is optional; a
 * missing one says so. Pure: a string in, a string out (Node, worker or page).
 */
import type { Analysis, AnnotatedHit, LabelledMatrix, OmnibusResult, ScanResult, SelectedTermSummary, StructureSummary } from './Analysis';
import type { GeneIndex } from '../annotate/GeneIndex';
import { manhattanSvg } from './manhattanSvg';
import { qqSvg } from './qqSvg';
import { heatmapOrder, heatmapSvg } from './heatmapSvg';
import { lossCurvesSvg } from './lossCurvesSvg';
import { regionalSvg } from './regionalSvg';
import { collectHits } from './collectHits';
import { lambdaOf, mlog10pOf } from './pValues';
import { kinshipHistogramSvg, pcScatterSvg, screeSvg, screeShares } from './structurePlots';
import { lambdaWarnings } from './lambdaWarnings';
import { escapeXml, fmtNum, fmtPFromMlog10, slug } from './svgText';

export interface BuildReportOptions {
  /** Gene index for regional plots and for annotating hits when the analysis has no annotations. */
  genes?: GeneIndex;
  /** Label of the gene source (default: the index's source). */
  genesLabel?: string;
  /** Regional plots for up to this many hits (default 4; needs genes). */
  regional?: number;
  /** Rows in each top-hits table (default 10). */
  topHits?: number;
}

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--accent:#1f4e79;--warn:#9a6700}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;padding-top:8px;border-top:2px solid var(--accent)}h3{font-size:15px;margin:20px 0 6px}
p.meta{color:var(--muted);margin:0 0 12px}
nav ol{columns:2;margin:8px 0 16px}
table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
caption{text-align:left;font-weight:600;color:var(--muted);padding:2px 0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.best td{font-weight:600;background:#eef6ff}
figure{margin:12px 0;overflow-x:auto}figcaption{color:var(--muted);font-size:12px}
svg{max-width:100%;height:auto}
.missing{color:var(--muted);font-style:italic}
.warn{color:var(--warn)}
.verdict{padding:8px 12px;background:#f6f8fa;border-left:4px solid var(--accent)}
details{margin:6px 0}summary{cursor:pointer;color:var(--accent)}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:12px}
.plots{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}
@media print{body{max-width:none;padding:0}h2{break-before:auto}figure,table{break-inside:avoid}details{display:block}}
`;

const h = escapeXml;

/** Removes the xmlns URL from inline SVG (HTML needs none), so the report holds no URL at all. */
function inline(svg: string): string {
  return svg.replace(' xmlns="http://www.w3.org/2000/svg"', '');
}

function figure(svg: string, caption: string): string {
  return `<figure>${inline(svg)}<figcaption>${h(caption)}</figcaption></figure>`;
}

function table(head: string[], rows: string[][], opts: { numeric?: boolean[]; rowClass?: (i: number) => string; caption?: string; testid?: string } = {}): string {
  const num = opts.numeric ?? [];
  let s = `<table${opts.testid ? ` data-testid="${h(opts.testid)}"` : ''}>`;
  if (opts.caption) s += `<caption>${h(opts.caption)}</caption>`;
  s += '<thead><tr>' + head.map((c, j) => `<th scope="col"${num[j] ? ' class="num"' : ''}>${h(c)}</th>`).join('') + '</tr></thead><tbody>';
  rows.forEach((r, i) => {
    const cls = opts.rowClass?.(i);
    s += `<tr${cls ? ` class="${cls}"` : ''}>` + r.map((c, j) => `<td${num[j] ? ' class="num"' : ''}>${c}</td>`).join('') + '</tr>';
  });
  return s + '</tbody></table>';
}

const missing = (what: string) => `<p class="missing">${h(what)}</p>`;
const n0 = (v: number | undefined) => (v === undefined ? '—' : v.toLocaleString('en-US'));
const f3 = (v: number | undefined) => (v === undefined || v === null ? '—' : fmtNum(v, 4));
const pct = (v: number | undefined) => (v === undefined ? '—' : `${(100 * v).toFixed(1)}%`);

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${h(title)}</h2>${body}</section>`;
}

function dataSection(a: Analysis): string {
  const c = a.cohort;
  if (!c) return missing('No data summary was recorded for this analysis.');
  let s = '';
  if (c.sources?.length) {
    s += table(
      ['Source', 'Kind', 'Format', 'Samples', 'Columns', 'Variants'],
      c.sources.map((x) => [h(x.name), h(x.kind), h(x.format ?? '—'), n0(x.samples), n0(x.columns), n0(x.variants)]),
      { numeric: [false, false, false, true, true, true], caption: 'Input sources' },
    );
  }
  const facts: string[][] = [];
  if (c.matchedSamples !== undefined) facts.push(['Samples analysed (matched across sources)', n0(c.matchedSamples)]);
  if (c.variantsBefore !== undefined) facts.push(['Variants before QC', n0(c.variantsBefore)]);
  if (c.variantsAfter !== undefined) facts.push(['Variants after QC', n0(c.variantsAfter)]);
  if (facts.length) s += table(['Count', 'Value'], facts, { numeric: [false, true], caption: 'Cohort' });
  if (c.droppedSamples?.length) s += table(['Samples dropped because', 'Count'], c.droppedSamples.map((d) => [h(d.reason), n0(d.count)]), { numeric: [false, true], caption: 'Sample exclusions' });
  else if (c.matchedSamples !== undefined) s += '<p>No samples were dropped.</p>';
  if (c.variantQc?.length) s += table(['Variant filter', 'Removed'], c.variantQc.map((d) => [h(d.reason), n0(d.count)]), { numeric: [false, true], caption: 'Variant QC' });
  if (c.warnings?.length) s += '<h3>Warnings</h3><ul>' + c.warnings.map((w) => `<li class="warn">${h(w)}</li>`).join('') + '</ul>';
  return s || missing('The data summary is empty.');
}

function prepSection(a: Analysis): string {
  const p = a.preparation;
  if (!p) return missing('No phenotype preparation was recorded.');
  let s = '';
  if (p.columns?.length) {
    const inc = p.columns.filter((c) => c.included).length;
    s += `<p>${inc} of ${p.columns.length} phenotype columns included${p.outputColumns !== undefined ? `, giving ${p.outputColumns} prepared columns` : ''}. Missing cells are kept as a mask (the loss counts observed cells only), not imputed.</p>`;
    const byReason = new Map<string, number>();
    for (const c of p.columns) if (!c.included) byReason.set(c.reason || 'excluded', (byReason.get(c.reason || 'excluded') ?? 0) + 1);
    if (byReason.size) s += table(['Excluded because', 'Columns'], [...byReason].map(([r, n]) => [h(r), n0(n)]), { numeric: [false, true] });
    const rows = p.columns.map((c) => [h(c.name), h(c.kind), c.included ? 'yes' : 'no', h(c.transform || '—'), pct(c.missingRate), f3(c.mean), f3(c.sd), f3(c.skewness), h(c.reason ?? '')]);
    s += `<details${p.columns.length <= 40 ? ' open' : ''}><summary>All ${p.columns.length} columns</summary>` +
      table(['Column', 'Type', 'Included', 'Transform', 'Missing', 'Mean', 'SD', 'Skewness', 'Note'], rows, { numeric: [false, false, false, false, true, true, true, true, false], testid: 'report-columns' }) + '</details>';
  }
  if (p.nearDuplicates?.length) s += table(['Column', 'Near-duplicate of', 'r'], p.nearDuplicates.map((d) => [h(d.a), h(d.b), f3(d.r)]), { numeric: [false, false, true], caption: 'Near-duplicate pairs (|r| > 0.999)' });
  if (p.correlation) s += figure(heatmapSvg(p.correlation, { title: 'Correlation of prepared phenotypes', id: 'fig-pheno-corr', cluster: p.correlation.rows.length === p.correlation.cols.length ? 'symmetric' : 'none' }), 'Pearson correlation of the prepared phenotypes, clustered (average linkage on 1 - |r|).');
  if (p.recipe !== undefined) s += `<details><summary>Preparation recipe (JSON)</summary><pre>${h(JSON.stringify(p.recipe, null, 2))}</pre></details>`;
  return s || missing('The preparation summary is empty.');
}

function trainingSection(a: Analysis): string {
  const t = a.training;
  if (!t) return missing('No autoencoder training was recorded.');
  let s = '';
  const facts: string[][] = [];
  if (t.latent !== undefined) facts.push(['Health status variables (k)', String(t.latent)]);
  if (t.activation) facts.push(['Activation', h(t.activation)]);
  if (t.backend) facts.push(['Backend', h(t.backend)]);
  if (t.rotation) facts.push(['Rotation', h(t.rotation)]);
  if (t.seconds !== undefined) facts.push(['Training time', `${fmtNum(t.seconds)} s`]);
  if (facts.length) s += table(['Setting', 'Value'], facts);
  const cands = t.candidates ?? [];
  if (cands.length) {
    const rows = cands.map((c, i) => [String(i + 1), h(c.hidden.join(' → ')), String(c.seed), String(c.epochs), f3(c.trainLoss), f3(c.valLoss), c.seconds === undefined ? '—' : fmtNum(c.seconds), i === t.best ? 'chosen' : '']);
    if (t.pca) rows.push(['PCA', '—', '—', '—', f3(t.pca.trainLoss), f3(t.pca.valLoss), '—', 'baseline']);
    s += table(['#', 'Hidden sizes', 'Seed', 'Epochs', 'Train loss', 'Validation loss', 'Seconds', ''], rows, {
      numeric: [true, false, true, true, true, true, true, false],
      rowClass: (i) => (i === t.best ? 'best' : ''),
      caption: 'Random search leaderboard (masked MSE on standardized cells)',
      testid: 'report-leaderboard',
    });
  }
  const best = t.best !== undefined ? cands[t.best] : undefined;
  if (best && t.pca) {
    const gain = (t.pca.valLoss - best.valLoss) / t.pca.valLoss;
    s += `<p class="verdict">The chosen autoencoder's validation loss (${f3(best.valLoss)}) is ${Math.abs(100 * gain).toFixed(1)}% ${gain >= 0 ? 'lower' : 'higher'} than PCA with the same k (${f3(t.pca.valLoss)})${gain >= 0.05 ? ': the nonlinear model earns its keep.' : gain >= 0 ? ': a small gain over PCA.' : ': PCA reconstructs these data at least as well.'}</p>`;
  } else if (t.pca && !best) s += `<p>PCA validation loss: ${f3(t.pca.valLoss)}.</p>`;
  const series = cands.filter((c) => c.valCurve || c.trainCurve).map((c) => ({ name: `#${cands.indexOf(c) + 1} [${c.hidden.join(',')}]`, train: c.trainCurve, val: c.valCurve, best: cands.indexOf(c) === t.best }));
  if (series.length) s += figure(lossCurvesSvg(series, { id: 'fig-loss', pcaValLoss: t.pca?.valLoss }), 'Validation (solid) and training (dashed) loss per epoch for each candidate; the dotted line is PCA with the same k.');
  if (t.varianceShare) {
    const vs = Array.from(t.varianceShare);
    s += table(['HSV', 'Share of reconstruction'], vs.map((v, i) => [`HSV${i + 1}`, pct(v)]), { numeric: [false, true] });
  }
  if (t.loadingsBefore || t.loadingsAfter) {
    // one phenotype order for both panels (clustered on the rotated loadings), so they compare row by row
    const ref = (t.loadingsAfter ?? t.loadingsBefore) as LabelledMatrix;
    const rowOrder = heatmapOrder(ref, { cluster: 'rows' }).rows;
    const sameRows = (m?: LabelledMatrix) => !!m && m.rows.length === ref.rows.length && m.rows.every((r, i) => r === ref.rows[i]);
    s += '<div class="plots">';
    if (t.loadingsBefore) s += figure(heatmapSvg(t.loadingsBefore, { title: 'Loadings before rotation', id: 'fig-load-before', ...(sameRows(t.loadingsBefore) ? { rowOrder } : { cluster: 'rows' }), width: 360 }), 'HSV-phenotype loadings before rotation.');
    if (t.loadingsAfter) s += figure(heatmapSvg(t.loadingsAfter, { title: `Loadings after rotation${t.rotation ? ` (${t.rotation})` : ''}`, id: 'fig-load-after', rowOrder, width: 360 }), 'After rotation: each HSV should load on few phenotypes (same phenotype order in both panels).');
    s += '</div>';
  }
  return s || missing('The training summary is empty.');
}

function interpretationSection(a: Analysis): string {
  let s = '';
  if (a.interpretation?.length) {
    const named = a.interpretation.some((x) => x.name);
    const rows = a.interpretation.map((x) => [h(x.hsv), ...(named ? [h(x.name ?? '—')] : []), pct(x.share), x.top.slice(0, 6).map((t) => `${h(t.phenotype)} (${fmtNum(t.r, 2)})`).join(', ')]);
    s += table(['HSV', ...(named ? ['Suggested name'] : []), 'Share', 'Top phenotypes (r)'], rows, { numeric: named ? [false, false, true, false] : [false, true, false], testid: 'report-interpretation' });
  }
  if (a.hsvCorrelation) s += figure(heatmapSvg(a.hsvCorrelation, { title: 'HSV-phenotype correlation', id: 'fig-hsv-corr', cluster: 'cols' }), 'Correlation of each HSV with each prepared phenotype; phenotypes clustered by their correlation profiles.');
  return s || missing('No HSV interpretation was recorded.');
}

/** Column j of a row-major n x k matrix, as numbers (NaN where JSON gave null). */
function pcColumn(p: NonNullable<StructureSummary['pca']>, j: number): Float64Array {
  const n = p.iids.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = p.vectors[i * p.k + j];
    out[i] = typeof v === 'number' ? v : NaN;
  }
  return out;
}

/**
 * Population structure: what the scan and the selection were adjusted for (the structure step's lines), the PC
 * scatters (PC1/PC2, PC3/PC4; uncoloured: the record holds no grouping column), the scree plot, the LOCO ridge
 * fit, the kinship histogram with related pairs by degree, and a warning for each scan whose genomic-control
 * lambda (as shown under Association results) exceeds LAMBDA_WARN. Null (no section) when the analysis has
 * neither a structure record nor a scan.
 */
function structureSection(a: Analysis): string | null {
  const st = a.structure;
  const scans = a.scans ?? [];
  if (!st && !scans.length && !a.omnibus) return null;
  const adjusted = st ? { pcs: st.pcs, loco: st.loco } : { pcs: 0, loco: false };
  const warnings = lambdaWarnings(scans.map((sc) => ({ response: sc.response, test: sc.test ?? 'ADD', lambda: lambdaOf(sc) })), adjusted);
  let s = warnings.length ? '<div role="note" data-testid="report-lambda-warnings">' + warnings.map((w) => `<p class="warn">${h(w)}</p>`).join('') + '</div>' : '';
  if (!st) return s + missing('No population-structure adjustment was recorded: the scans were not adjusted for genetic PCs or a LOCO prediction.');
  const facts: string[][] = [
    ['Genetic PCs adjusted for (covariates)', st.pcs > 0 ? `PC1..PC${st.pcs}` : 'none'],
    ['LOCO ridge step (regenie step 1)', st.loco ? 'yes: each response minus its LOCO prediction' : 'no'],
  ];
  if (st.variantsUsed !== undefined) facts.push(['Variants used', n0(st.variantsUsed)]);
  if (st.seconds !== undefined) facts.push(['Time', `${fmtNum(st.seconds)} s`]);
  s += table(['Adjustment', 'Value'], facts, { testid: 'report-structure-facts' });
  const lines = st.adjustedFor ?? [];
  if (lines.length) s += '<ul data-testid="report-adjusted-for">' + lines.map((l) => `<li>${h(l)}</li>`).join('') + '</ul>';
  const p = st.pca;
  if (p && p.k >= 1 && p.iids.length) {
    const pairs = p.k >= 4 ? [[0, 1], [2, 3]] : p.k >= 2 ? [[0, 1]] : [];
    s += '<div class="plots">';
    for (const [x, y] of pairs) {
      s += figure(
        pcScatterSvg({ x: pcColumn(p, x), y: pcColumn(p, y), xLabel: `PC${x + 1}`, yLabel: `PC${y + 1}`, id: `fig-pc${x + 1}-${y + 1}` }),
        `Genetic PC${y + 1} against PC${x + 1}, one point per sample (${n0(p.iids.length)} samples).`,
      );
    }
    if (p.eigenvalues.length) {
      const share = screeShares(p.eigenvalues)[0];
      s += figure(screeSvg({ eigenvalues: p.eigenvalues, id: 'fig-scree' }), `Eigenvalue of each of the ${p.eigenvalues.length} genetic PCs; PC1 carries ${pct(share)} of their sum.`);
    }
    s += '</div>';
  } else if (st.pcs > 0) s += missing('The genetic PCs were not recorded.');
  if (st.locoR2?.length) {
    s += table(['Response', 'Out-of-fold R²'], st.locoR2.map((r) => [h(r.response), f3(r.r2)]), { numeric: [false, true], caption: 'LOCO ridge: out-of-fold R² of the genome-wide prediction', testid: 'report-loco-r2' });
  }
  if (st.kinship) {
    const k = st.kinship;
    s += '<div class="plots">';
    s += figure(kinshipHistogramSvg({ bins: k.bins, id: 'fig-kinship' }), `KING-robust kinship of all ${n0(k.pairs)} sample pairs (count axis log-scaled); dashed lines at the degree thresholds.`);
    s += `<div>${table(['Degree', 'Pairs'], k.degrees.map((d) => [h(d.label), n0(d.count)]), { numeric: [false, true], caption: 'Related pairs by degree (KING-robust)', testid: 'report-related-pairs' })}</div>`;
    s += '</div>';
  } else s += `<p class="missing" data-testid="report-kinship-skipped">No kinship computed${st.kinshipSkipped ? `: ${h(st.kinshipSkipped)}` : ''}.</p>`;
  return s;
}

function topHitsTable(scan: ScanResult, n: number): string {
  const m = mlog10pOf(scan);
  const idx = topIndices(m, n);
  const rows = idx.map((i) => [h(scan.id[i]), h(scan.chrom[i]), String(scan.pos[i]), scan.a1 ? h(scan.a1[i]) : '—', scan.beta ? f3(scan.beta[i]) : '—', scan.se ? f3(scan.se[i]) : '—', fmtPFromMlog10(m[i])]);
  return table(['ID', 'Chr', 'Position', 'A1', 'Beta', 'SE', 'P'], rows, { numeric: [false, false, true, false, true, true, true], caption: `Top ${rows.length} variants` });
}

/** Indices of the n largest values (NaN skipped), largest first, ties by index; one pass with a small sorted buffer. */
export function topIndices(m: Float64Array, n: number): number[] {
  const top: number[] = [];
  if (n <= 0) return top;
  for (let i = 0; i < m.length; i++) {
    const v = m[i];
    if (Number.isNaN(v)) continue;
    if (top.length === n && !(v > m[top[n - 1]])) continue;
    let j = top.length < n ? top.length : n - 1;
    if (top.length < n) top.push(i);
    while (j > 0 && m[top[j - 1]] < v) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = i;
  }
  return top;
}

function scanBlock(scan: ScanResult, k: number, topN: number, highlight: Set<string>, extra = ''): string {
  const m = mlog10pOf(scan);
  const lambda = lambdaOf(scan);
  let nValid = 0, nSig = 0, nSug = 0;
  for (let i = 0; i < m.length; i++) {
    if (Number.isNaN(m[i])) continue;
    nValid++;
    if (m[i] > -Math.log10(5e-8)) nSig++;
    if (m[i] > 5) nSug++;
  }
  const label = scan.response + (scan.test && scan.test !== 'ADD' ? ` (${scan.test})` : '') + extra;
  const id = `scan-${k}-${slug(label)}`;
  let s = `<h3 id="${id}">${h(label)}</h3>`;
  s += `<p>${nValid.toLocaleString('en-US')} variants tested; ${nSig} with P &lt; 5e-8, ${nSug} with P &lt; 1e-5; genomic-control λ = ${Number.isFinite(lambda) ? lambda.toFixed(3) : 'NA'}.</p>`;
  s += figure(manhattanSvg(scan, { id: `${id}-manhattan`, highlight }), `Manhattan plot for ${label}: dashed lines at P = 5e-8 (genome-wide) and 1e-5 (suggestive).`);
  s += '<div class="plots">';
  s += figure(qqSvg(scan, { id: `${id}-qq` }), `QQ plot for ${label} with the pointwise 95% band under the null.`);
  s += `<div>${topHitsTable(scan, topN)}</div>`;
  return s + '</div>';
}

function associationSection(a: Analysis, topN: number): string {
  const scans = a.scans ?? [];
  if (!scans.length && !a.omnibus) return missing('No genome-wide scan results were recorded.');
  const highlight = new Set<string>();
  for (const t of a.selected ?? []) for (const part of t.term.split(':')) highlight.add(part);
  let s = '';
  if (scans.length > 1) {
    s += table(
      ['Response', 'Test', 'Variants', 'P < 5e-8', 'λGC'],
      scans.map((sc) => {
        const m = mlog10pOf(sc);
        let nv = 0, ns = 0;
        for (let i = 0; i < m.length; i++) if (!Number.isNaN(m[i])) { nv++; if (m[i] > -Math.log10(5e-8)) ns++; }
        const l = lambdaOf(sc);
        return [h(sc.response), h(sc.test ?? 'ADD'), n0(nv), n0(ns), Number.isFinite(l) ? l.toFixed(3) : 'NA'];
      }),
      { numeric: [false, false, true, true, true], caption: 'Scans at a glance' },
    );
  }
  scans.forEach((sc, k) => (s += scanBlock(sc, k, topN, highlight)));
  if (a.omnibus) s += omnibusBlock(a.omnibus, topN, highlight);
  return s;
}

function omnibusBlock(o: OmnibusResult, topN: number, highlight: Set<string>): string {
  const label: ScanResult = { ...o, response: o.response || 'Omnibus' };
  return `<p>Omnibus test across all HSVs: z' R<sup>-1</sup> z, chi-square with ${o.df ?? 'k'} degrees of freedom (invariant to rotations of the HSVs).</p>` + scanBlock(label, 999, topN, highlight);
}

function selectedSection(a: Analysis, hits: AnnotatedHit[], opts: BuildReportOptions): string {
  let s = '';
  const sel = a.selected ?? [];
  const geneOf = new Map<string, string>();
  for (const x of hits) if (x.nearestGene) geneOf.set(x.id, x.nearestGene + (x.distance ? ` (${(x.distance / 1000).toFixed(1)} kb)` : ''));
  const genesFor = (t: SelectedTermSummary) => t.genes || t.term.split(':').map((p) => geneOf.get(p)).filter(Boolean).join('; ') || '—';
  if (sel.length) {
    s += table(
      ['HSV', 'Term', 'Type', 'Beta', 'P', 'Stability', 'Genes'],
      sel.map((t) => [h(t.hsv), h(t.term), h(t.type), f3(t.beta), t.p === undefined ? '—' : fmtPFromMlog10(-Math.log10(t.p)), t.stability === undefined ? '—' : pct(t.stability), h(genesFor(t))]),
      { numeric: [false, false, false, true, true, true, false], caption: 'Selected terms (SIS + penalized regression)', testid: 'report-selected' },
    );
  } else s += missing('No selected terms were recorded.');
  if (hits.length) {
    const src = a.annotationSource ? ` Genes: ${a.annotationSource.genes}, window ±${a.annotationSource.window.toLocaleString('en-US')} bp.` : opts.genes ? ` Genes: ${opts.genesLabel ?? opts.genes.source}.` : '';
    s += `<p>Nearest genes: the gene(s) containing the variant (distance 0), else the nearest gene within the window.${h(src)}</p>`;
    s += table(
      ['ID', 'Chr', 'Position', 'HSV', 'P', 'Nearest gene', 'Distance (bp)', 'Strand', 'Genes in window'],
      hits.map((x) => [h(x.id), h(x.chrom), String(x.pos), h(x.hsv ?? '—'), x.p === undefined ? '—' : fmtPFromMlog10(-Math.log10(x.p)), h(x.nearestGene || '—'), x.distance === undefined ? '—' : n0(x.distance), h(x.strand || '—'), h((x.genesInWindow ?? []).slice(0, 12).join(', ') + ((x.genesInWindow?.length ?? 0) > 12 ? ', …' : ''))]),
      { numeric: [false, false, true, false, true, false, true, false, false], caption: 'Annotated hits', testid: 'report-hits' },
    );
  }
  const nReg = opts.regional ?? 4;
  if (opts.genes && nReg > 0 && hits.length && a.scans?.length) {
    const done = new Set<string>();
    let count = 0;
    for (const x of hits) {
      if (count >= nReg || done.has(x.id)) continue;
      const scan = a.scans.find((sc) => sc.response === (x.hsv ?? '').split(' ')[0] && Array.prototype.indexOf.call(sc.id, x.id) >= 0) ?? a.scans.find((sc) => Array.prototype.indexOf.call(sc.id, x.id) >= 0);
      if (!scan) continue;
      done.add(x.id);
      const genes = opts.genes.overlapping(x.chrom, Math.max(1, x.pos - 250_000), x.pos + 250_000);
      s += figure(regionalSvg(scan, x.id, genes, { id: `fig-region-${count}-${slug(x.id)}` }), `Variants within 250 kb of ${x.id} (${scan.response}) and the genes there.`);
      count++;
    }
  }
  return s;
}

function versionsSection(a: Analysis): string {
  const v = a.versions;
  if (!v || !Object.keys(v).length) return missing('No software versions were recorded.');
  return table(['Software', 'Version'], Object.entries(v).map(([k, x]) => [h(k), h(x)]), { testid: 'report-versions' });
}

function flatten(obj: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, Array.isArray(obj) ? obj.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(obj)]);
  return out;
}

function parametersSection(a: Analysis): string {
  const p = a.parameters;
  let s = '';
  if (p && Object.keys(p).length) {
    s += table(['Parameter', 'Value'], flatten(p).map(([k, v]) => [h(k), h(v)]), { testid: 'report-parameters' }) + `<details><summary>As JSON</summary><pre>${h(JSON.stringify(p, null, 2))}</pre></details>`;
  }
  for (const l of a.logs ?? []) s += `<details><summary>Log: ${h(l.name)}</summary><pre>${h(l.text)}</pre></details>`;
  return s || missing('No parameters were recorded.');
}

export function buildReport(analysis: Analysis, opts: BuildReportOptions = {}): string {
  const a = analysis;
  const title = a.title ?? 'LatentScan analysis';
  let hits: AnnotatedHit[] = a.annotations ?? [];
  if (!a.annotations && opts.genes) hits = collectHits(a.scans ?? [], a.selected ?? [], opts.genes, { window: a.annotationSource?.window });
  const structure = structureSection(a);
  const sections: [string, string, string][] = [
    ['data', 'Data summary and QC', dataSection(a)],
    ['preparation', 'Phenotype preparation', prepSection(a)],
    ['training', 'Autoencoder search and PCA comparison', trainingSection(a)],
    ['interpretation', 'HSV interpretation', interpretationSection(a)],
    ...(structure === null ? [] : [['structure', 'Population structure', structure] as [string, string, string]]),
    ['association', 'Association results', associationSection(a, opts.topHits ?? 10)],
    ['selected', 'Selected factors and genes', selectedSection(a, hits, opts)],
    ['versions', 'Software versions', versionsSection(a)],
    ['parameters', 'Parameters and seeds', parametersSection(a)],
  ];
  let body = `<header><h1>${h(title)}</h1><p class="meta">${a.createdAt ? `Analysis of ${h(a.createdAt)}. ` : ''}Generated by LatentScan; all computation ran on the analyst's machine. This file is self-contained and opens offline.</p></header>`;
  if (a.warnings?.length) body += '<div role="note">' + a.warnings.map((w) => `<p class="warn">${h(w)}</p>`).join('') + '</div>';
  body += '<nav aria-label="Contents"><ol>' + sections.map(([id, t]) => `<li><a href="#${id}">${h(t)}</a></li>`).join('') + '</ol></nav><main>';
  for (const [id, t, content] of sections) body += section(id, t, content);
  body += '</main><footer><p class="meta">Gene annotation (when built in): NCBI Entrez Gene records with UCSC hg38 locations, via the Bioconductor package org.Hs.eg.db 3.16.0.</p></footer>';
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>${h(title)}</title><style>${CSS}</style></head><body>${body}</body></html>\n`;
}

export type { LabelledMatrix };
