/**
 * Histogram of pairwise KING-robust kinship as an SVG string, with a log-scaled count axis (log10(1 + count))
 * and dashed lines at KING's degree bounds (0.0442 3rd, 0.0884 2nd, 0.177 1st, 0.354 duplicate/MZ twin).
 * Input is the kinship values or counts already binned by `binKinship` (so the app need not ship all
 * n(n-1)/2 pairs); bars are merged so that at most MAX_BARS are drawn.
 */
import { KING_DEGREES } from '../relate/kin0';
import { escapeXml, fx, niceTicks, slug, svgOpen, xAxis } from './svgText';

export interface KinshipBins {
  /** Left edge of the first bin. */
  from: number;
  width: number;
  /** Pairs per bin; the first and last bins also hold the values below and above the range. */
  counts: ArrayLike<number>;
}

export interface KinshipHistogramOptions {
  kinship?: ArrayLike<number>;
  bins?: KinshipBins;
  title?: string;
  id?: string;
  width?: number;
  height?: number;
}

/** The degree lines drawn, highest bound first (labels as on the plot). */
export const KINSHIP_DEGREE_LINES = KING_DEGREES.map((d, k) => ({ min: d.min, label: ['dup-MZ', '1st', '2nd', '3rd'][k] }));
const MAX_BARS = 400;

/**
 * Counts of kinship values in bins of `width` over [from, to) (default [-0.25, 0.55), width 0.005); values
 * below `from` go to the first bin and values at or above `to` to the last; NaN is skipped.
 */
export function binKinship(kinship: ArrayLike<number>, o: { from?: number; to?: number; width?: number } = {}): { from: number; width: number; counts: Float64Array } {
  const from = o.from ?? -0.25;
  const width = o.width ?? 0.005;
  const to = o.to ?? 0.55;
  if (!(width > 0) || !(to > from)) throw new RangeError(`binKinship: need width > 0 and to > from (got from ${from}, to ${to}, width ${width})`);
  const nb = Math.max(1, Math.round((to - from) / width));
  const counts = new Float64Array(nb);
  for (let i = 0; i < kinship.length; i++) {
    const v = kinship[i];
    if (Number.isNaN(v)) continue;
    const b = Math.floor((v - from) / width + 1e-9);
    counts[b < 0 ? 0 : b >= nb ? nb - 1 : b]++;
  }
  return { from, width, counts };
}

/** Pairs per degree, assigning each bin by its centre (approximate at bin resolution). */
export function degreeCountsFromBins(bins: KinshipBins): { label: string; count: number }[] {
  const out = KINSHIP_DEGREE_LINES.map((d) => ({ label: d.label, count: 0 }));
  const unrelated = { label: 'unrelated', count: 0 };
  for (let b = 0; b < bins.counts.length; b++) {
    const c = bins.from + (b + 0.5) * bins.width;
    const k = KINSHIP_DEGREE_LINES.findIndex((d) => c >= d.min);
    (k >= 0 ? out[k] : unrelated).count += bins.counts[b];
  }
  return [...out, unrelated];
}

export function kinshipHistogramSvg(o: KinshipHistogramOptions): string {
  const W = o.width ?? 520;
  const H = o.height ?? 300;
  const bins = o.bins ?? binKinship(o.kinship ?? []);
  const nb = bins.counts.length;
  const merge = Math.max(1, Math.ceil(nb / MAX_BARS));
  const title = o.title ?? 'Pairwise kinship (KING-robust)';
  const id = o.id ?? slug(title);
  const m = { left: 56, right: 14, top: 26, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const lo = bins.from;
  const hi = bins.from + nb * bins.width;
  let total = 0;
  let maxC = 0;
  const bars: { a: number; b: number; c: number }[] = [];
  for (let b = 0; b < nb; b += merge) {
    let c = 0;
    for (let j = b; j < Math.min(nb, b + merge); j++) c += bins.counts[j];
    total += c;
    if (c > maxC) maxC = c;
    bars.push({ a: lo + b * bins.width, b: lo + Math.min(nb, b + merge) * bins.width, c });
  }
  const x = (v: number) => m.left + ((v - lo) / (hi - lo || 1)) * pw;
  const yTop = Math.max(1, Math.log10(1 + maxC) * 1.08);
  const y = (c: number) => m.top + ph - (Math.log10(1 + c) / yTop) * ph;
  const deg = degreeCountsFromBins(bins);
  const desc =
    `${total.toLocaleString('en-US')} pairs in ${nb} bins of ${bins.width} from ${lo} to ${Number(hi.toPrecision(6))} (the end bins include values beyond); ` +
    `by bin centre: ${deg.map((d) => `${d.label} ${d.count.toLocaleString('en-US')}`).join(', ')}. Count axis log-scaled.`;
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'kinship-histogram');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += countAxis(maxC, y, m, pw, ph);
  s += xAxis(niceTicks(lo, hi, 6).filter((t) => t >= lo && t <= hi), x, m.top + ph, 'Kinship coefficient', H - 6, m.left + pw / 2);
  s += `<line x1="${m.left}" x2="${fx(m.left + pw)}" y1="${fx(m.top + ph)}" y2="${fx(m.top + ph)}" stroke="#888"/>`;
  s += '<g class="bars" fill="#1f4e79">';
  bars.forEach((r, k) => {
    if (r.c <= 0) return;
    const edge = k === 0 ? ' (and below)' : k === bars.length - 1 ? ' (and above)' : '';
    s +=
      `<rect x="${fx(x(r.a))}" y="${fx(y(r.c))}" width="${fx(Math.max(0.5, x(r.b) - x(r.a) - 0.3))}" height="${fx(m.top + ph - y(r.c))}">` +
      `<title>${escapeXml(`${Number(r.a.toPrecision(6))} to ${Number(r.b.toPrecision(6))}${edge}: ${r.c.toLocaleString('en-US')} pairs`)}</title></rect>`;
  });
  s += '</g>';
  for (const d of KINSHIP_DEGREE_LINES) {
    if (d.min < lo || d.min > hi) continue;
    const xx = fx(x(d.min));
    s += `<line class="degree" data-min="${d.min}" x1="${xx}" x2="${xx}" y1="${m.top}" y2="${fx(m.top + ph)}" stroke="#c0392b" stroke-dasharray="4 3"/>`;
    s += `<text class="degree-label" x="${fx(Number(xx) + 2)}" y="${fx(m.top + 10)}" font-size="10" fill="#c0392b">${escapeXml(d.label)}</text>`;
  }
  return s + '</svg>';
}

/** The log-scaled count axis: ticks at 0 and powers of ten up to the largest count. */
function countAxis(maxC: number, y: (c: number) => number, m: { left: number; top: number }, pw: number, ph: number): string {
  const ticks = [0];
  for (let p = 1; p <= Math.max(1, maxC) * 1.0001; p *= 10) ticks.push(p);
  let s = '<g class="axis y-axis" stroke="#888" fill="#333">';
  for (const t of ticks) {
    const yy = fx(y(t));
    s += `<line x1="${fx(m.left - 4)}" x2="${fx(m.left)}" y1="${yy}" y2="${yy}"/><line x1="${fx(m.left)}" x2="${fx(m.left + pw)}" y1="${yy}" y2="${yy}" stroke="#eee"/>`;
    s += `<text x="${fx(m.left - 6)}" y="${yy}" text-anchor="end" dominant-baseline="middle" stroke="none">${t >= 1e4 ? `1e${Math.round(Math.log10(t))}` : t}</text>`;
  }
  return s + `<text transform="translate(14,${fx(m.top + ph / 2)}) rotate(-90)" text-anchor="middle" stroke="none">Pairs (log scale)</text></g>`;
}
