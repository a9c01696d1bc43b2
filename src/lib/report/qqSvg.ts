/**
 * QQ plot as an SVG string: observed against expected -log10 P under the null (uniform P), with the
 * identity line, a pointwise 95% band (the i-th smallest of n uniform P values is Beta(i, n - i + 1)), and
 * the genomic-control lambda in the corner. Points are binned into `cellPx` cells like the Manhattan plot,
 * so the element count and path length are bounded whatever the number of variants.
 */
import { betaInc } from '../math/dist';
import { escapeXml, fmtNum, fx, niceTicks, slug, svgOpen, xAxis, yAxis } from './svgText';
import { lambdaOf, mlog10pOf } from './pValues';
import type { ScanResult } from './Analysis';

export interface QqOptions {
  width?: number;
  height?: number;
  title?: string;
  id?: string;
  /** Cell size of the binning in px (default 2). */
  cellPx?: number;
  pointPx?: number;
  color?: string;
  /** Draw the 95% band (default true). */
  band?: boolean;
}

/** q-quantile of Beta(a, b) by bisection on log10 x (exact enough for a plot, any n). */
function betaQuantile(q: number, a: number, b: number): number {
  let lo = -330;
  let hi = 0;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (betaInc(Math.pow(10, mid), a, b) < q) lo = mid;
    else hi = mid;
  }
  return Math.pow(10, (lo + hi) / 2);
}

/** 95% band of the i-th smallest of n uniform P values, as [-log10 upper, -log10 lower] (i 1-based). */
export function qqBand(i: number, n: number): [number, number] {
  if (i <= 200) return [-Math.log10(betaQuantile(0.975, i, n - i + 1)), -Math.log10(betaQuantile(0.025, i, n - i + 1))];
  // normal approximation of Beta(i, n - i + 1), accurate for i > 200
  const mean = i / (n + 1);
  const sd = Math.sqrt((i * (n - i + 1)) / ((n + 1) * (n + 1) * (n + 2)));
  const up = Math.min(1, mean + 1.959964 * sd);
  const lo = Math.max(1e-300, mean - 1.959964 * sd);
  return [-Math.log10(up), -Math.log10(lo)];
}

export function qqSvg(scan: ScanResult, opts: QqOptions = {}): string {
  const W = opts.width ?? 360;
  const H = opts.height ?? 360;
  const cell = opts.cellPx ?? 2;
  const point = opts.pointPx ?? 3;
  const color = opts.color ?? '#1f4e79';
  const title = opts.title ?? `QQ plot: ${scan.response}${scan.test && scan.test !== 'ADD' ? ` (${scan.test})` : ''}`;
  const id = opts.id ?? slug(title);
  const m = { left: 52, right: 14, top: 26, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const all = mlog10pOf(scan);
  const obs = Float64Array.from(all.filter((v) => !Number.isNaN(v))).sort().reverse(); // descending
  const n = obs.length;
  const lambda = lambdaOf(scan);
  const maxExp = n > 0 ? -Math.log10(0.5 / n) : 1;
  let maxObs = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(obs[i])) { maxObs = obs[i]; break; }
  const xTop = Math.max(1, maxExp * 1.04);
  const yTop = Math.max(1, maxObs * 1.05, xTop);
  const x = (v: number) => m.left + (Math.min(v, xTop) / xTop) * pw;
  const y = (v: number) => m.top + ph - (Math.min(v, yTop) / yTop) * ph;

  const desc =
    `${n.toLocaleString('en-US')} P values; genomic-control lambda ${Number.isFinite(lambda) ? lambda.toFixed(3) : 'NA'}; ` +
    `largest observed -log10(P) ${fmtNum(maxObs)} against ${fmtNum(maxExp)} expected. Grey band: pointwise 95% interval under the null.`;
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'qq');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(0, yTop, 6).filter((t) => t <= yTop), y, m.left, m.left + pw, 'Observed -log10(P)', 14, m.top + ph / 2);
  s += xAxis(niceTicks(0, xTop, 5).filter((t) => t <= xTop), x, m.top + ph, 'Expected -log10(P)', H - 6, m.left + pw / 2);
  s += `<line x1="${m.left}" x2="${fx(m.left + pw)}" y1="${fx(m.top + ph)}" y2="${fx(m.top + ph)}" stroke="#888"/>`;
  if (n > 1 && opts.band !== false) {
    // band at ~60 log-spaced ranks
    const ranks: number[] = [];
    for (let k = 0; k <= 60; k++) {
      const r = Math.round(Math.pow(n, k / 60));
      if (r >= 1 && r <= n && r !== ranks[ranks.length - 1]) ranks.push(r);
    }
    const upper: string[] = [];
    const lower: string[] = [];
    for (const r of ranks) {
      const e = -Math.log10((r - 0.5) / n);
      const [lo, hi] = qqBand(r, n);
      upper.push(`${fx(x(e))} ${fx(y(hi))}`);
      lower.push(`${fx(x(e))} ${fx(y(lo))}`);
    }
    s += `<path class="band" d="M${upper.join('L')}L${lower.reverse().join('L')}Z" fill="#ddd" fill-opacity="0.7" stroke="none"/>`;
  }
  const d = Math.min(xTop, yTop);
  s += `<line class="identity" x1="${fx(x(0))}" y1="${fx(y(0))}" x2="${fx(x(d))}" y2="${fx(y(d))}" stroke="#c0392b" stroke-width="1"/>`;
  const cols = Math.ceil(pw / cell) + 1;
  const rows = Math.ceil(ph / cell) + 1;
  const grid = new Uint8Array(cols * rows);
  let path = '';
  for (let i = 0; i < n; i++) {
    const e = -Math.log10((i + 0.5) / n);
    const cx = Math.round((x(e) - m.left) / cell);
    const cy = Math.round((y(obs[i]) - m.top) / cell);
    const k = cy * cols + cx;
    if (grid[k]) continue;
    grid[k] = 1;
    path += `M${fx(m.left + cx * cell)} ${fx(m.top + cy * cell)}h0`;
  }
  if (path) s += `<path class="points" d="${path}" stroke="${color}" stroke-width="${point}" stroke-linecap="round" fill="none"/>`;
  if (Number.isFinite(lambda)) s += `<text x="${fx(m.left + 8)}" y="${fx(m.top + 14)}" fill="#333">λGC = ${lambda.toFixed(3)}</text>`;
  s += `<text x="${fx(m.left + 8)}" y="${fx(m.top + 28)}" fill="#555">n = ${n.toLocaleString('en-US')}</text>`;
  return s + '</svg>';
}
