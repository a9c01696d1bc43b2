/**
 * Scree plot as an SVG string: one bar per principal component (its eigenvalue), labelled with its share of
 * the sum of the eigenvalues shown, and the cumulative share as a line on a 0-100% right axis.
 */
import { escapeXml, fmtNum, fx, niceTicks, slug, svgOpen, yAxis } from './svgText';

export interface ScreeOptions {
  eigenvalues: ArrayLike<number>;
  title?: string;
  id?: string;
  width?: number;
  height?: number;
}

/** Share of each eigenvalue in the sum of the finite, non-negative ones shown (others: share 0). */
export function screeShares(eigenvalues: ArrayLike<number>): Float64Array {
  const out = new Float64Array(eigenvalues.length);
  let sum = 0;
  for (let i = 0; i < eigenvalues.length; i++) if (Number.isFinite(eigenvalues[i]) && eigenvalues[i] > 0) sum += eigenvalues[i];
  if (sum > 0) for (let i = 0; i < eigenvalues.length; i++) out[i] = Number.isFinite(eigenvalues[i]) && eigenvalues[i] > 0 ? eigenvalues[i] / sum : 0;
  return out;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function screeSvg(o: ScreeOptions): string {
  const W = o.width ?? 420;
  const H = o.height ?? 300;
  const ev = Array.from(o.eigenvalues, (v) => (Number.isFinite(v) ? v : NaN));
  const k = ev.length;
  const share = screeShares(ev);
  const title = o.title ?? 'Scree plot: eigenvalue per principal component';
  const id = o.id ?? slug(title);
  const m = { left: 56, right: 44, top: 26, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const top = Math.max(1e-12, ...ev.filter((v) => v > 0)) * 1.12;
  const y = (v: number) => m.top + ph - (Math.max(0, Math.min(v, top)) / top) * ph;
  const slot = pw / Math.max(1, k);
  const cx = (i: number) => m.left + (i + 0.5) * slot;
  const bw = Math.max(1, slot * 0.7);
  let cum = 0;
  const cumul = Array.from(share, (v) => (cum += v));
  const desc =
    `${k} principal component(s); ` +
    ev.slice(0, 10).map((v, i) => `PC${i + 1} ${fmtNum(v)} (${pct(share[i])})`).join(', ') +
    (k > 10 ? `, ...; the first 10 explain ${pct(cumul[9])} of the shown total` : '') + '.';
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'scree');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(0, top, 5).filter((t) => t <= top), y, m.left, m.left + pw, 'Eigenvalue', 14, m.top + ph / 2);
  s += `<line x1="${m.left}" x2="${fx(m.left + pw)}" y1="${fx(m.top + ph)}" y2="${fx(m.top + ph)}" stroke="#888"/>`;
  const every = Math.max(1, Math.ceil(k / Math.max(1, pw / 22)));
  s += '<g class="bars">';
  for (let i = 0; i < k; i++) {
    const v = ev[i];
    const yy = Number.isFinite(v) ? y(v) : m.top + ph;
    s +=
      `<rect class="bar" x="${fx(cx(i) - bw / 2)}" y="${fx(yy)}" width="${fx(bw)}" height="${fx(m.top + ph - yy)}" fill="#1f4e79" data-pc="${i + 1}" data-share="${share[i].toPrecision(8)}">` +
      `<title>${escapeXml(`PC${i + 1}: eigenvalue ${fmtNum(v, 4)}, ${pct(share[i])} of the shown total (cumulative ${pct(cumul[i])})`)}</title></rect>`;
    if (bw >= 18) s += `<text x="${fx(cx(i))}" y="${fx(yy - 3)}" text-anchor="middle" font-size="9" fill="#333">${pct(share[i])}</text>`;
  }
  s += '</g><g class="axis x-axis" fill="#333" text-anchor="middle">';
  for (let i = 0; i < k; i += every) s += `<text x="${fx(cx(i))}" y="${fx(m.top + ph + 14)}">${i + 1}</text>`;
  s += `<text x="${fx(m.left + pw / 2)}" y="${fx(H - 6)}">Principal component</text></g>`;
  if (k > 1) {
    const yc = (v: number) => m.top + ph - v * ph;
    s += `<path class="cumulative" d="M${cumul.map((v, i) => `${fx(cx(i))} ${fx(yc(v))}`).join('L')}" stroke="#c0392b" stroke-width="1.5" fill="none"/>`;
    s += '<g class="axis y2-axis" fill="#c0392b" font-size="10">';
    for (const t of [0, 0.5, 1]) s += `<text x="${fx(m.left + pw + 4)}" y="${fx(yc(t) + 3)}">${t * 100}%</text>`;
    s += `<text transform="translate(${fx(W - 6)},${fx(m.top + ph / 2)}) rotate(90)" text-anchor="middle">Cumulative share</text></g>`;
  }
  return s + '</svg>';
}
