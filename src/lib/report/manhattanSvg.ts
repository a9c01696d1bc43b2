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
import { manhattanLayout, type ManhattanLayout } from './manhattanLayout';
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
  const thresholds = opts.thresholds ?? [5e-8, 1e-5];
  const colors = opts.colors ?? MANHATTAN_COLORS;
  const title = opts.title ?? `Manhattan plot: ${scan.response}${scan.test && scan.test !== 'ADD' ? ` (${scan.test})` : ''}`;
  const id = opts.id ?? slug(title);
  const mlp = mlog10pOf(scan);
  const L = manhattanLayout(scan, mlp, W, H, thresholds);
  const { m, pw, ph, y } = L;

  const topIdx = strongest(mlp, scan.id.length, opts.top ?? 30);
  const individual = new Set(topIdx);
  const hl = highlighted(scan, mlp, opts.highlight);
  for (const i of hl) individual.add(i);
  const { paths, cells } = binPoints(L, scan.pos, mlp, individual, cell);

  const nSig = countAbove(mlp, -Math.log10(thresholds[0]));
  const lambda = lambdaOf(scan);
  const desc =
    `${L.valid.toLocaleString('en-US')} variants on ${L.order.length} chromosome(s); ` +
    `${nSig} with P < ${thresholds[0].toExponential(0)}; strongest ${topIdx.length ? `${scan.id[topIdx[0]]} (P = ${fmtPFromMlog10(mlp[topIdx[0]])})` : 'none'}; ` +
    `genomic-control lambda ${Number.isFinite(lambda) ? lambda.toFixed(3) : 'NA'}. Points binned to ${cell}-px cells (${cells} cells).`;
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'manhattan');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(0, L.yTop, 6).filter((t) => t <= L.yTop), y, m.left, m.left + pw, '-log10(P)', 14, m.top + ph / 2);
  s += chromosomeAxis(L, H);
  s += `<line x1="${m.left}" x2="${fx(m.left + pw)}" y1="${fx(m.top + ph)}" y2="${fx(m.top + ph)}" stroke="#888"/>`;
  for (let k = 0; k < 2; k++) {
    if (paths[k]) s += `<path class="points chrom-${k === 0 ? 'odd' : 'even'}" d="${paths[k]}" stroke="${colors[k]}" stroke-width="${point}" stroke-linecap="round" fill="none"/>`;
  }
  s += thresholdLines(L, thresholds);
  s += topPoints(L, scan, mlp, individual, hl, colors, point);
  if (Number.isFinite(lambda)) s += `<text x="${fx(m.left + pw)}" y="16" text-anchor="end" fill="#555">λGC = ${lambda.toFixed(3)}</text>`;
  return s + '</svg>';
}

/** The `nTop` strongest of the `n` variants by -log10 P, strongest first (ties: file order), by partial selection. */
function strongest(mlp: Float64Array, n: number, nTop: number): number[] {
  const topIdx: number[] = [];
  if (!(nTop > 0)) return topIdx;
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
  return topIdx.sort((a, b) => mlp[b] - mlp[a] || a - b);
}

/** Variants whose ID is in `highlight` and that have a P value, in file order. */
function highlighted(scan: ScanResult, mlp: Float64Array, highlight: ReadonlySet<string> | undefined): number[] {
  const hl: number[] = [];
  if (highlight && highlight.size) {
    for (let i = 0; i < scan.id.length; i++) if (highlight.has(scan.id[i]) && !Number.isNaN(mlp[i])) hl.push(i);
  }
  return hl;
}

/**
 * Binning: every variant not drawn individually falls into a `cell` x `cell` px cell (one byte per cell,
 * value = 1 + colour index, first variant wins); each occupied cell becomes a zero-length segment of the
 * path of its colour. Returns the two paths and the number of occupied cells.
 */
function binPoints(L: ManhattanLayout, pos: ArrayLike<number>, mlp: Float64Array, individual: Set<number>, cell: number): { paths: string[]; cells: number } {
  const { m, pw, ph, x, y, chromIdx, parity } = L;
  const cols = Math.ceil(pw / cell) + 1;
  const rows = Math.ceil(ph / cell) + 1;
  const grid = new Uint8Array(cols * rows);
  for (let i = 0; i < chromIdx.length; i++) {
    const v = mlp[i];
    if (Number.isNaN(v) || individual.has(i)) continue;
    const ci = chromIdx[i];
    const cx = Math.round((x(ci, pos[i]) - m.left) / cell);
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
  return { paths, cells };
}

/** The x axis: chromosome labels (every one when they fit, else odd chromosomes and X) and its title. */
function chromosomeAxis(L: ManhattanLayout, height: number): string {
  const { m, pw, ph, order, chromNames, chromMin, chromMax, x } = L;
  let s = '<g class="axis x-axis" fill="#333" text-anchor="middle">';
  const crowded = order.length > 0 && pw / order.length < 18;
  order.forEach((ci, k) => {
    const name = chromNames[ci];
    const mid = x(ci, (Math.min(chromMin[ci], 0) + chromMax[ci]) / 2);
    const show = !crowded || k % 2 === 0 || name === 'X';
    if (show) s += `<text x="${fx(mid)}" y="${fx(m.top + ph + 14)}">${escapeXml(name)}</text>`;
  });
  return s + `<text x="${fx(m.left + pw / 2)}" y="${fx(height - 6)}">Chromosome</text></g>`;
}

/** Dashed threshold lines with their P labels. */
function thresholdLines(L: ManhattanLayout, thresholds: number[]): string {
  const { m, pw, y } = L;
  let s = '';
  thresholds.forEach((t, k) => {
    const yy = fx(y(-Math.log10(t)));
    s += `<line class="threshold" x1="${m.left}" x2="${fx(m.left + pw)}" y1="${yy}" y2="${yy}" stroke="${THRESHOLD_STYLE[k % 2]}" stroke-dasharray="4 3" stroke-width="1"/>`;
    s += `<text x="${fx(m.left + pw - 2)}" y="${fx(Number(yy) - 3)}" text-anchor="end" font-size="10" fill="${THRESHOLD_STYLE[k % 2]}">P = ${t.toExponential(0)}</text>`;
  });
  return s;
}

/**
 * The variants drawn individually (strongest and highlighted: `hl`), weakest first so the strongest are on top:
 * <circle>s with a <title> tooltip and data-chrom / data-pos attributes; highlighted ones larger, in the
 * highlight colour.
 */
function topPoints(
  L: ManhattanLayout,
  scan: ScanResult,
  mlp: Float64Array,
  individual: Set<number>,
  hl: number[],
  colors: [string, string],
  point: number,
): string {
  const marks = [...individual].sort((a, b) => mlp[a] - mlp[b] || a - b);
  if (!marks.length) return '';
  const { x, y, chromIdx, chromNames, parity } = L;
  let s = '<g class="top-points" stroke="#fff" stroke-width="0.5">';
  for (const i of marks) {
    const ci = chromIdx[i];
    const isHl = hl.includes(i);
    const fill = isHl ? HIGHLIGHT_COLOR : colors[parity[ci]];
    s +=
      `<circle cx="${fx(x(ci, scan.pos[i]))}" cy="${fx(y(mlp[i]))}" r="${fx(isHl ? point * 0.8 : point * 0.6)}" fill="${fill}" data-chrom="${escapeXml(chromNames[ci])}" data-pos="${scan.pos[i]}">` +
      `<title>${escapeXml(`${scan.id[i]} ${chromNames[ci]}:${scan.pos[i]} P = ${fmtPFromMlog10(mlp[i])}`)}</title></circle>`;
  }
  return s + '</g>';
}

function countAbove(a: Float64Array, t: number): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > t) c++;
  return c;
}
