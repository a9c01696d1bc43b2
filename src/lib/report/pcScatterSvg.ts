/**
 * Principal-component scatter (PCa against PCb) as an SVG string, coloured by one grouping: categorical
 * labels (legend with counts; the 12 largest groups get their own colour, the rest 'other') or numeric values
 * (a continuous ramp drawn in RAMP_LEVELS steps, with a colour bar); missing values (null, NaN, '') grey.
 *
 * Up to `binAbove` samples each point is drawn at its own position; beyond that points fall into `cellPx`
 * cells like the Manhattan plot, each occupied cell drawn once in the colour of its most frequent group
 * (numeric: the ramp colour of its mean value). Either way there is one <path> per colour, so the element
 * count is bounded by the number of colours and, binned, the path length by the plot area.
 */
import { escapeXml, fmtNum, fx, niceTicks, slug, svgOpen, xAxis, yAxis } from './svgText';

export interface PcScatterOptions {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  xLabel: string;
  yLabel: string;
  colorBy?: { name: string; values: (string | number | null)[] };
  title?: string;
  id?: string;
  width?: number;
  height?: number;
  /** Cell size of the binning in px (default 3). */
  cellPx?: number;
  /** Draw points individually up to this many samples (default 5,000). */
  binAbove?: number;
  pointPx?: number;
}

/** Twelve distinguishable categorical colours (tableau 10 plus two), then 'other' and missing. */
export const GROUP_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#1a5276', '#7b2cbf', '#6b4f00'];
export const OTHER_COLOR = '#7f7f7f';
export const MISSING_COLOR = '#c8c8c8';
const SINGLE_COLOR = '#1f4e79';
/** Ramp stops (viridis-like, dark to light) and the number of colour levels drawn. */
const RAMP: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
export const RAMP_LEVELS = 16;

function rampColor(t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const k = Math.min(RAMP.length - 2, Math.floor(u));
  const f = u - k;
  const c = RAMP[k].map((a, j) => Math.round(a + (RAMP[k + 1][j] - a) * f));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** A colour class per sample (-1: missing) with each class's colour, legend label and count. */
interface Coloring {
  kind: 'none' | 'categorical' | 'numeric';
  cls: Int16Array;
  /** Numeric value per sample (numeric colouring; NaN = missing). */
  num?: Float64Array;
  colors: string[];
  labels: string[];
  counts: number[];
  missing: number;
  min?: number;
  max?: number;
  name?: string;
}

function isMissing(v: string | number | null | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || (typeof v === 'string' && v.trim() === '');
}

/** Numeric when every present value is a finite number (or a string that reads as one), else categorical. */
export function colorClasses(n: number, colorBy: PcScatterOptions['colorBy']): Coloring {
  const cls = new Int16Array(n);
  if (!colorBy) return { kind: 'none', cls, colors: [SINGLE_COLOR], labels: ['all'], counts: [n], missing: 0 };
  const vals = colorBy.values;
  let numeric = true;
  let present = 0;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (isMissing(v)) continue;
    present++;
    if (typeof v !== 'number' || !Number.isFinite(v)) numeric = false;
  }
  return numeric && present > 0 ? numericClasses(n, vals, colorBy.name, cls) : categoricalClasses(n, vals, colorBy.name, cls);
}

function numericClasses(n: number, vals: (string | number | null)[], name: string, cls: Int16Array): Coloring {
  const num = new Float64Array(n).fill(NaN);
  let min = Infinity;
  let max = -Infinity;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (isMissing(v)) {
      missing++;
      continue;
    }
    num[i] = v as number;
    if (num[i] < min) min = num[i];
    if (num[i] > max) max = num[i];
  }
  const span = max > min ? max - min : 1;
  const counts = new Array<number>(RAMP_LEVELS).fill(0);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(num[i])) cls[i] = -1;
    else {
      cls[i] = Math.min(RAMP_LEVELS - 1, Math.floor(((num[i] - min) / span) * RAMP_LEVELS));
      counts[cls[i]]++;
    }
  }
  const colors = counts.map((_, k) => rampColor((k + 0.5) / RAMP_LEVELS));
  const labels = counts.map((_, k) => `${fmtNum(min + (k / RAMP_LEVELS) * span)} to ${fmtNum(min + ((k + 1) / RAMP_LEVELS) * span)}`);
  return { kind: 'numeric', cls, num, colors, labels, counts, missing, min, max, name };
}

function categoricalClasses(n: number, vals: (string | number | null)[], name: string, cls: Int16Array): Coloring {
  const byLabel = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (isMissing(v)) missing++;
    else byLabel.set(String(v), (byLabel.get(String(v)) ?? 0) + 1);
  }
  const groups = [...byLabel].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shown = groups.slice(0, GROUP_COLORS.length);
  const rest = groups.slice(GROUP_COLORS.length);
  const index = new Map(shown.map(([g], k) => [g, k]));
  const labels = shown.map(([g]) => g);
  const counts = shown.map(([, c]) => c);
  const colors = GROUP_COLORS.slice(0, shown.length);
  if (rest.length) {
    labels.push(`other (${rest.length} groups)`);
    counts.push(rest.reduce((a, [, c]) => a + c, 0));
    colors.push(OTHER_COLOR);
  }
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    cls[i] = isMissing(v) ? -1 : (index.get(String(v)) ?? shown.length);
  }
  return { kind: 'categorical', cls, colors, labels, counts, missing, name };
}

function extent(a: ArrayLike<number>, b: ArrayLike<number>, n: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  if (!(hi >= lo)) return [-1, 1];
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(1e-6, Math.abs(lo) * 0.1);
  return [lo - pad, hi + pad];
}

export function pcScatterSvg(o: PcScatterOptions): string {
  const W = o.width ?? 520;
  const H = o.height ?? 400;
  const n = Math.min(o.x.length, o.y.length);
  const coloring = colorClasses(n, o.colorBy);
  const title = o.title ?? `${o.yLabel} against ${o.xLabel}${o.colorBy ? ` by ${o.colorBy.name}` : ''}`;
  const id = o.id ?? slug(title);
  const legendW = coloring.kind === 'none' ? 0 : 150;
  const m = { left: 56, right: 14 + legendW, top: 26, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const [x0, x1] = extent(o.x, o.y, n);
  const [y0, y1] = extent(o.y, o.x, n);
  const x = (v: number) => m.left + ((v - x0) / (x1 - x0)) * pw;
  const y = (v: number) => m.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const binned = n > (o.binAbove ?? 5000);
  const cell = o.cellPx ?? 3;
  const pts = binned ? binnedPaths(o, n, coloring, x, y, m, pw, ph, cell) : exactPaths(o, n, coloring, x, y);

  let desc = `${(n - pts.skipped).toLocaleString('en-US')} samples`;
  if (pts.skipped) desc += ` (${pts.skipped.toLocaleString('en-US')} without coordinates left out)`;
  if (coloring.kind === 'categorical') desc += `; coloured by ${coloring.name}: ${coloring.labels.map((l, k) => `${l} ${coloring.counts[k]}`).join(', ')}`;
  if (coloring.kind === 'numeric') desc += `; coloured by ${coloring.name} from ${fmtNum(coloring.min!)} to ${fmtNum(coloring.max!)}`;
  if (coloring.kind !== 'none') desc += `; missing ${coloring.missing}`;
  desc += binned ? `. Points binned to ${cell}-px cells (${pts.cells} cells).` : '.';
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'pc-scatter');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(y0, y1, 6).filter((t) => t >= y0 && t <= y1), y, m.left, m.left + pw, o.yLabel, 14, m.top + ph / 2);
  s += xAxis(niceTicks(x0, x1, 5).filter((t) => t >= x0 && t <= x1), x, m.top + ph, o.xLabel, H - 6, m.left + pw / 2);
  s += `<rect x="${m.left}" y="${m.top}" width="${fx(pw)}" height="${fx(ph)}" fill="none" stroke="#888"/>`;
  const point = o.pointPx ?? (binned ? cell + 0.5 : 4);
  // missing underneath, then the largest groups first so small groups stay visible on top
  const order = coloring.counts.map((_, k) => k).sort((a, b) => (coloring.kind === 'numeric' ? a - b : coloring.counts[b] - coloring.counts[a] || a - b));
  if (pts.paths[0]) s += `<path class="points missing" d="${pts.paths[0]}" stroke="${MISSING_COLOR}" stroke-width="${point}" stroke-linecap="round" fill="none"/>`;
  for (const k of order) {
    const d = pts.paths[k + 1];
    if (d) s += `<path class="points group-${k}" d="${d}" stroke="${coloring.colors[k]}" stroke-width="${point}" stroke-linecap="round" fill="none"/>`;
  }
  if (coloring.kind === 'categorical') s += categoricalLegend(coloring, W - legendW + 4, m.top);
  if (coloring.kind === 'numeric') s += colorBar(coloring, id, W - legendW + 4, m.top, Math.min(200, ph));
  return s + '</svg>';
}

/** One path per class (index 0: missing, k + 1: class k), every point at its own position. */
function exactPaths(o: PcScatterOptions, n: number, c: Coloring, x: (v: number) => number, y: (v: number) => number) {
  const paths = new Array<string>(c.colors.length + 1).fill('');
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(o.x[i]) || !Number.isFinite(o.y[i])) {
      skipped++;
      continue;
    }
    paths[c.cls[i] + 1] += `M${fx(x(o.x[i]))} ${fx(y(o.y[i]))}h0`;
  }
  return { paths, skipped, cells: 0 };
}

/** One path per class, each occupied cell drawn once in its most frequent class (numeric: its mean value). */
function binnedPaths(
  o: PcScatterOptions,
  n: number,
  c: Coloring,
  x: (v: number) => number,
  y: (v: number) => number,
  m: { left: number; top: number },
  pw: number,
  ph: number,
  cell: number,
) {
  const cols = Math.ceil(pw / cell) + 1;
  const rows = Math.ceil(ph / cell) + 1;
  const nc = c.colors.length + 1;
  const tally = new Uint32Array(cols * rows * nc);
  const sum = c.kind === 'numeric' ? new Float64Array(cols * rows) : null;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(o.x[i]) || !Number.isFinite(o.y[i])) {
      skipped++;
      continue;
    }
    const k = Math.round((y(o.y[i]) - m.top) / cell) * cols + Math.round((x(o.x[i]) - m.left) / cell);
    tally[k * nc + c.cls[i] + 1]++;
    if (sum && c.cls[i] >= 0) sum[k] += c.num![i];
  }
  const paths = new Array<string>(nc).fill('');
  let cells = 0;
  const span = c.max! > c.min! ? c.max! - c.min! : 1;
  for (let k = 0; k < cols * rows; k++) {
    let best = -1;
    let present = 0;
    for (let j = 0; j < nc; j++) {
      const t = tally[k * nc + j];
      if (j > 0) present += t;
      if (t > 0 && (best < 0 || t > tally[k * nc + best] || (best === 0 && j > 0))) best = j;
    }
    if (best < 0) continue;
    if (sum && present > 0) best = 1 + Math.min(RAMP_LEVELS - 1, Math.floor(((sum[k] / present - c.min!) / span) * RAMP_LEVELS));
    cells++;
    paths[best] += `M${fx(m.left + (k % cols) * cell)} ${fx(m.top + Math.floor(k / cols) * cell)}h0`;
  }
  return { paths, skipped, cells };
}

function truncate(s: string, max = 18): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function categoricalLegend(c: Coloring, lx: number, top: number): string {
  let s = `<g class="legend" font-size="10" fill="#333"><text x="${fx(lx)}" y="${fx(top + 4)}" font-weight="600">${escapeXml(truncate(c.name ?? '', 24))}</text>`;
  const items = c.labels.map((l, k) => ({ label: l, count: c.counts[k], color: c.colors[k] }));
  if (c.missing) items.push({ label: 'missing', count: c.missing, color: MISSING_COLOR });
  items.forEach((it, k) => {
    const yy = top + 20 + k * 15;
    s +=
      `<g class="legend-item"><title>${escapeXml(`${it.label}: ${it.count.toLocaleString('en-US')}`)}</title>` +
      `<circle cx="${fx(lx + 5)}" cy="${fx(yy - 3)}" r="4" fill="${it.color}"/>` +
      `<text x="${fx(lx + 14)}" y="${fx(yy)}">${escapeXml(`${truncate(it.label)} (${it.count.toLocaleString('en-US')})`)}</text></g>`;
  });
  return s + '</g>';
}

function colorBar(c: Coloring, id: string, lx: number, top: number, h: number): string {
  let s = `<g class="legend colorbar" font-size="10" fill="#333"><text x="${fx(lx)}" y="${fx(top + 4)}" font-weight="600">${escapeXml(truncate(c.name ?? '', 24))}</text>`;
  s += `<defs><linearGradient id="${id}-ramp" x1="0" y1="1" x2="0" y2="0">`;
  RAMP.forEach((_, k) => (s += `<stop offset="${fx(k / (RAMP.length - 1))}" stop-color="${rampColor(k / (RAMP.length - 1))}"/>`));
  const y0 = top + 14;
  const bh = h - 40;
  s += `</linearGradient></defs><rect x="${fx(lx)}" y="${fx(y0)}" width="12" height="${fx(bh)}" fill="url(#${id}-ramp)" stroke="#888" stroke-width="0.5"/>`;
  s += `<text x="${fx(lx + 16)}" y="${fx(y0 + 4)}">${escapeXml(fmtNum(c.max!))}</text>`;
  s += `<text x="${fx(lx + 16)}" y="${fx(y0 + bh / 2 + 3)}">${escapeXml(fmtNum((c.min! + c.max!) / 2))}</text>`;
  s += `<text x="${fx(lx + 16)}" y="${fx(y0 + bh)}">${escapeXml(fmtNum(c.min!))}</text>`;
  if (c.missing) {
    s += `<circle cx="${fx(lx + 6)}" cy="${fx(y0 + bh + 16)}" r="4" fill="${MISSING_COLOR}"/><text x="${fx(lx + 16)}" y="${fx(y0 + bh + 19)}">${escapeXml(`missing (${c.missing.toLocaleString('en-US')})`)}</text>`;
  }
  return s + '</g>';
}
