/**
 * Manhattan plot as an SVG string: -log10 P against genome position, chromosomes in genome order with
 * alternating colours, dashed lines at the genome-wide (5e-8) and suggestive (1e-5) thresholds.
 *
 * Binned so that a million points draw smoothly: every point falls into a cell of `cellPx` x `cellPx` pixels
 * and each occupied cell is drawn once, as a round-capped zero-length segment in one <path> per colour. The
 * output therefore has a bounded number of elements and a path whose length is bounded by the plot area
 * (at most (plot width / cell) x (plot height / cell) cells), whatever the number of variants. The `top`
 * strongest variants are drawn individually as <circle>s with a <title> (ID, position, P) for tooltips and
 * data-chrom / data-pos attributes (the app opens the region around a clicked point).
 */
import { escapeXml, fmtPFromMlog10, fx, niceTicks, slug, svgOpen, yAxis } from './svgText';
import { mlog10pOf, lambdaOf } from './pValues';
import { chromOrder, normalizeChrom } from '../annotate/normalizeChrom';
import type { ScanResult } from './Analysis';

export interface ManhattanOptions {
  width?: number;
  height?: number;
  /** Plot title (default 'Manhattan plot: <response>'). */
  title?: string;
  /** Unique id prefix within the page (default from the title). */
  id?: string;
  /** Cell size of the binning in px (default 2). */
  cellPx?: number;
  /** Marker diameter in px (default 3). */
  pointPx?: number;
  /** Strongest variants drawn individually with a tooltip (default 30). */
  top?: number;
  /** Threshold lines as P values (default [5e-8, 1e-5]). */
  thresholds?: number[];
  /** The two alternating chromosome colours. */
  colors?: [string, string];
  /** Variant IDs to highlight (e.g. selected SNPs), drawn individually in the highlight colour. */
  highlight?: ReadonlySet<string>;
}

export const MANHATTAN_COLORS: [string, string] = ['#1f4e79', '#6fa8dc'];
const THRESHOLD_STYLE = ['#c0392b', '#2471a3'];
const HIGHLIGHT_COLOR = '#e67e22';

export function manhattanSvg(scan: ScanResult, opts: ManhattanOptions = {}): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 320;
  const cell = opts.cellPx ?? 2;
  const point = opts.pointPx ?? 3;
  const nTop = opts.top ?? 30;
  const thresholds = opts.thresholds ?? [5e-8, 1e-5];
  const colors = opts.colors ?? MANHATTAN_COLORS;
  const title = opts.title ?? `Manhattan plot: ${scan.response}${scan.test && scan.test !== 'ADD' ? ` (${scan.test})` : ''}`;
  const id = opts.id ?? slug(title);
  const m = { left: 52, right: 12, top: 26, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const n = scan.id.length;
  const mlp = mlog10pOf(scan);

  // chromosomes: normalized names (cached per raw spelling), extents, genome order
  const rawToChrom = new Map<string, number>();
  const chromNames: string[] = [];
  const chromIdx = new Int32Array(n);
  const chromMax: number[] = [];
  const chromMin: number[] = [];
  const chromNameIdx = new Map<string, number>();
  let valid = 0;
  let maxY = 0;
  for (let i = 0; i < n; i++) {
    const raw = scan.chrom[i];
    let ci = rawToChrom.get(raw);
    if (ci === undefined) {
      const c = normalizeChrom(raw);
      ci = chromNameIdx.get(c);
      if (ci === undefined) {
        ci = chromNames.length;
        chromNameIdx.set(c, ci);
        chromNames.push(c);
        chromMax.push(-Infinity);
        chromMin.push(Infinity);
      }
      rawToChrom.set(raw, ci);
    }
    chromIdx[i] = ci;
    const p = scan.pos[i];
    if (p > chromMax[ci]) chromMax[ci] = p;
    if (p < chromMin[ci]) chromMin[ci] = p;
    const y = mlp[i];
    if (!Number.isNaN(y)) {
      valid++;
      if (Number.isFinite(y) && y > maxY) maxY = y;
    }
  }
  const order = chromNames.map((_, i) => i).sort((a, b) => chromOrder(chromNames[a]) - chromOrder(chromNames[b]) || (chromNames[a] < chromNames[b] ? -1 : 1));
  // x offsets: each chromosome gets its observed span, plus a gap of 1% of the genome between chromosomes
  const spans = chromNames.map((_, i) => Math.max(1, chromMax[i] - Math.min(chromMin[i], 0)));
  const total = spans.reduce((a, b) => a + b, 0);
  const gap = order.length > 1 ? total * 0.01 : 0;
  const offset = new Float64Array(chromNames.length);
  let acc = 0;
  for (const ci of order) {
    offset[ci] = acc;
    acc += spans[ci] + gap;
  }
  const xTotal = Math.max(1, acc - gap);
  const parity = new Uint8Array(chromNames.length);
  order.forEach((ci, k) => (parity[ci] = k & 1));
  const yTop = Math.max(-Math.log10(Math.min(...thresholds)) + 0.5, maxY * 1.05, 1);
  const x = (ci: number, pos: number) => m.left + ((offset[ci] + pos) / xTotal) * pw;
  const y = (v: number) => m.top + ph - (Math.min(v, yTop) / yTop) * ph;

  // strongest variants drawn individually (partial selection of the top nTop by -log10 P)
  const topIdx: number[] = [];
  if (nTop > 0) {
    for (let i = 0; i < n; i++) {
      const v = mlp[i];
      if (Number.isNaN(v)) continue;
      if (topIdx.length < nTop) {
        topIdx.push(i);
        if (topIdx.length === nTop) topIdx.sort((a, b) => mlp[b] - mlp[a]);
      } else if (v > mlp[topIdx[nTop - 1]]) {
        let j = nTop - 1;
        while (j > 0 && mlp[topIdx[j - 1]] < v) {
          topIdx[j] = topIdx[j - 1];
          j--;
        }
        topIdx[j] = i;
      }
    }
    topIdx.sort((a, b) => mlp[b] - mlp[a] || a - b);
  }
  const individual = new Set(topIdx);
  const hl: number[] = [];
  if (opts.highlight && opts.highlight.size) {
    for (let i = 0; i < n; i++) if (opts.highlight.has(scan.id[i]) && !Number.isNaN(mlp[i])) hl.push(i);
  }
  for (const i of hl) individual.add(i);

  // binning: one byte per cell, value = 1 + colour index
  const cols = Math.ceil(pw / cell) + 1;
  const rows = Math.ceil(ph / cell) + 1;
  const grid = new Uint8Array(cols * rows);
  for (let i = 0; i < n; i++) {
    const v = mlp[i];
    if (Number.isNaN(v) || individual.has(i)) continue;
    const ci = chromIdx[i];
    const cx = Math.round((x(ci, scan.pos[i]) - m.left) / cell);
    const cy = Math.round((y(v) - m.top) / cell);
    const k = cy * cols + cx;
    if (grid[k] === 0) grid[k] = 1 + parity[ci];
  }
  const paths = ['', ''];
  let cells = 0;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const g = grid[cy * cols + cx];
      if (g === 0) continue;
      cells++;
      paths[g - 1] += `M${fx(m.left + cx * cell)} ${fx(m.top + cy * cell)}h0`;
    }
  }

  const nSig = countAbove(mlp, -Math.log10(thresholds[0]));
  const lambda = lambdaOf(scan);
  const desc =
    `${valid.toLocaleString('en-US')} variants on ${order.length} chromosome(s); ` +
    `${nSig} with P < ${thresholds[0].toExponential(0)}; strongest ${topIdx.length ? `${scan.id[topIdx[0]]} (P = ${fmtPFromMlog10(mlp[topIdx[0]])})` : 'none'}; ` +
    `genomic-control lambda ${Number.isFinite(lambda) ? lambda.toFixed(3) : 'NA'}. Points binned to ${cell}-px cells (${cells} cells).`;
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'manhattan');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(0, yTop, 6).filter((t) => t <= yTop), y, m.left, m.left + pw, '-log10(P)', 14, m.top + ph / 2);
  // chromosome labels (every one when they fit, else odd chromosomes and X)
  s += '<g class="axis x-axis" fill="#333" text-anchor="middle">';
  const crowded = order.length > 0 && pw / order.length < 18;
  order.forEach((ci, k) => {
    const name = chromNames[ci];
    const mid = x(ci, (Math.min(chromMin[ci], 0) + chromMax[ci]) / 2);
    const show = !crowded || k % 2 === 0 || name === 'X';
    if (show) s += `<text x="${fx(mid)}" y="${fx(m.top + ph + 14)}">${escapeXml(name)}</text>`;
  });
  s += `<text x="${fx(m.left + pw / 2)}" y="${fx(H - 6)}">Chromosome</text></g>`;
  s += `<line x1="${m.left}" x2="${fx(m.left + pw)}" y1="${fx(m.top + ph)}" y2="${fx(m.top + ph)}" stroke="#888"/>`;
  for (let k = 0; k < 2; k++) {
    if (paths[k]) s += `<path class="points chrom-${k === 0 ? 'odd' : 'even'}" d="${paths[k]}" stroke="${colors[k]}" stroke-width="${point}" stroke-linecap="round" fill="none"/>`;
  }
  thresholds.forEach((t, k) => {
    const yy = fx(y(-Math.log10(t)));
    s += `<line class="threshold" x1="${m.left}" x2="${fx(m.left + pw)}" y1="${yy}" y2="${yy}" stroke="${THRESHOLD_STYLE[k % 2]}" stroke-dasharray="4 3" stroke-width="1"/>`;
    s += `<text x="${fx(m.left + pw - 2)}" y="${fx(Number(yy) - 3)}" text-anchor="end" font-size="10" fill="${THRESHOLD_STYLE[k % 2]}">P = ${t.toExponential(0)}</text>`;
  });
  const marks = [...individual].sort((a, b) => mlp[a] - mlp[b] || a - b);
  if (marks.length) {
    s += '<g class="top-points" stroke="#fff" stroke-width="0.5">';
    for (const i of marks) {
      const ci = chromIdx[i];
      const isHl = hl.includes(i);
      const fill = isHl ? HIGHLIGHT_COLOR : colors[parity[ci]];
      s +=
        `<circle cx="${fx(x(ci, scan.pos[i]))}" cy="${fx(y(mlp[i]))}" r="${fx(isHl ? point * 0.8 : point * 0.6)}" fill="${fill}" data-chrom="${escapeXml(chromNames[ci])}" data-pos="${scan.pos[i]}">` +
        `<title>${escapeXml(`${scan.id[i]} ${chromNames[ci]}:${scan.pos[i]} P = ${fmtPFromMlog10(mlp[i])}`)}</title></circle>`;
    }
    s += '</g>';
  }
  if (Number.isFinite(lambda)) s += `<text x="${fx(m.left + pw)}" y="16" text-anchor="end" fill="#555">λGC = ${lambda.toFixed(3)}</text>`;
  return s + '</svg>';
}

function countAbove(a: Float64Array, t: number): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > t) c++;
  return c;
}
