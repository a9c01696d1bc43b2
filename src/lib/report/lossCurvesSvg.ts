/**
 * Loss curves of the autoencoder random search as an SVG string: validation (solid) and training (dashed)
 * masked MSE per epoch for each candidate, the chosen candidate emphasized, and the PCA baseline's
 * validation loss as a horizontal reference line.
 */
import { escapeXml, fmtNum, fx, niceTicks, slug, svgOpen, xAxis, yAxis } from './svgText';

export interface LossSeries {
  /** Legend label, e.g. 'candidate 3 (256)'. */
  name: string;
  train?: ArrayLike<number>;
  val?: ArrayLike<number>;
  /** Emphasize (the chosen candidate). */
  best?: boolean;
}

export interface LossCurvesOptions {
  width?: number;
  height?: number;
  title?: string;
  id?: string;
  /** PCA baseline validation loss, drawn as a dashed reference line. */
  pcaValLoss?: number;
}

export const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function lossCurvesSvg(series: LossSeries[], opts: LossCurvesOptions = {}): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 320;
  const title = opts.title ?? 'Autoencoder loss per epoch';
  const id = opts.id ?? slug(title);
  const legendW = 170;
  const m = { left: 56, right: 12 + legendW, top: 26, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  let maxEpoch = 1;
  let lo = Infinity;
  let hi = -Infinity;
  const scan = (a?: ArrayLike<number>) => {
    if (!a) return;
    maxEpoch = Math.max(maxEpoch, a.length);
    for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) {
      lo = Math.min(lo, a[i]);
      hi = Math.max(hi, a[i]);
    }
  };
  for (const s of series) {
    scan(s.train);
    scan(s.val);
  }
  if (opts.pcaValLoss !== undefined && Number.isFinite(opts.pcaValLoss)) {
    lo = Math.min(lo, opts.pcaValLoss);
    hi = Math.max(hi, opts.pcaValLoss);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.05;
  const y0 = Math.max(0, lo - pad);
  const y1 = hi + pad;
  const x = (e: number) => m.left + ((e - 1) / Math.max(1, maxEpoch - 1)) * pw;
  const y = (v: number) => m.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const best = series.find((s) => s.best);
  const desc =
    `${series.length} candidate network(s), up to ${maxEpoch} epochs; masked MSE from ${fmtNum(lo)} to ${fmtNum(hi)}` +
    (best ? `; chosen: ${best.name}` : '') +
    (opts.pcaValLoss !== undefined ? `; PCA validation loss ${fmtNum(opts.pcaValLoss)}` : '') + '.';
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'loss-curves');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(y0, y1, 5).filter((t) => t >= y0 && t <= y1), y, m.left, m.left + pw, 'Masked MSE', 14, m.top + ph / 2);
  s += xAxis(niceTicks(1, maxEpoch, 6).filter((t) => t >= 1 && Number.isInteger(t)), x, m.top + ph, 'Epoch', H - 6, m.left + pw / 2);
  const line = (a: ArrayLike<number>) => {
    let d = '';
    let pen = false;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${fx(x(i + 1))} ${fx(y(a[i]))}`;
      pen = true;
    }
    return d;
  };
  series.forEach((se, k) => {
    const c = SERIES_COLORS[k % SERIES_COLORS.length];
    const w = se.best ? 2.5 : 1.2;
    const op = best && !se.best ? 0.55 : 1;
    s += `<g class="series" opacity="${op}"><title>${escapeXml(se.name)}</title>`;
    if (se.train && se.train.length) s += `<path d="${line(se.train)}" fill="none" stroke="${c}" stroke-width="${w}" stroke-dasharray="5 3"/>`;
    if (se.val && se.val.length) s += `<path d="${line(se.val)}" fill="none" stroke="${c}" stroke-width="${w}"/>`;
    s += '</g>';
  });
  if (opts.pcaValLoss !== undefined && Number.isFinite(opts.pcaValLoss)) {
    const yy = fx(y(opts.pcaValLoss));
    s += `<line class="pca" x1="${m.left}" x2="${fx(m.left + pw)}" y1="${yy}" y2="${yy}" stroke="#333" stroke-dasharray="2 3"/>`;
    s += `<text x="${fx(m.left + pw - 2)}" y="${fx(Number(yy) - 4)}" text-anchor="end" font-size="10" fill="#333">PCA validation ${escapeXml(fmtNum(opts.pcaValLoss))}</text>`;
  }
  const lx = m.left + pw + 16;
  s += '<g class="legend" font-size="10" fill="#333">';
  s += `<line x1="${lx}" x2="${lx + 22}" y1="${m.top + 4}" y2="${m.top + 4}" stroke="#555"/><text x="${lx + 28}" y="${m.top + 7}">validation</text>`;
  s += `<line x1="${lx}" x2="${lx + 22}" y1="${m.top + 18}" y2="${m.top + 18}" stroke="#555" stroke-dasharray="5 3"/><text x="${lx + 28}" y="${m.top + 21}">training</text>`;
  series.slice(0, 14).forEach((se, k) => {
    const yy = m.top + 40 + k * 14;
    s += `<rect x="${lx}" y="${yy - 6}" width="10" height="10" fill="${SERIES_COLORS[k % SERIES_COLORS.length]}"/>`;
    s += `<text x="${lx + 16}" y="${yy + 3}"${se.best ? ' font-weight="700"' : ''}>${escapeXml(se.name + (se.best ? ' (chosen)' : ''))}</text>`;
  });
  if (series.length > 14) s += `<text x="${lx}" y="${m.top + 40 + 14 * 14 + 3}">+${series.length - 14} more</text>`;
  return s + '</g></svg>';
}
