/**
 * The two validation figures as SVG strings, in the style of src/lib/report (svgText helpers):
 *  - predictionSvg: one panel per outcome, the cross-validated metric (AUC / C-index / R^2) of each feature set
 *    (HSV, PC, PHENO) as a dot with a +-1 fold-SD whisker, the verdict as the panel's caption;
 *  - associationSvg: one forest panel per outcome, OR / HR per SD on a log axis (beta per SD on a linear
 *    one) with 95% CIs, one row per HSV, the null value as a dashed line.
 */
import { escapeXml, fmtNum, fx, niceTicks, slug, svgOpen, xAxis, yAxis } from '../report/svgText';
import type { Comparison } from './cvPredict';
import type { VerdictResult } from './predictionVerdict';
import type { AssocRow } from './associateOutcomes';

const SET_COLORS: Record<string, string> = { HSV: '#d62728', PC: '#1f77b4', PHENO: '#7f7f7f' };
const SET_LABEL: Record<string, string> = { HSV: 'HSVs', PC: 'PCs', PHENO: 'all phenotypes' };

function foldSd(v: Float64Array): number {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1));
}

export interface ValidationSvgOptions {
  panelWidth?: number;
  height?: number;
  title?: string;
  id?: string;
}

export function predictionSvg(comps: Comparison[], verdicts: VerdictResult[], opts: ValidationSvgOptions = {}): string {
  const PW = opts.panelWidth ?? 220;
  const H = opts.height ?? 260;
  const title = opts.title ?? 'Cross-validated prediction of outcomes';
  const id = opts.id ?? slug(title);
  const W = Math.max(1, comps.length) * PW;
  const m = { left: 48, right: 10, top: 30, bottom: 62 };
  const desc = comps
    .map((c) => `${c.outcome}: ` + c.results.map((r) => `${SET_LABEL[r.set] ?? r.set} ${r.metric} ${fmtNum(r.value)}`).join(', '))
    .join('; ');
  let s = svgOpen({ width: W, height: H, title, desc, id });
  comps.forEach((c, ci) => {
    const x0 = ci * PW;
    const ph = H - m.top - m.bottom;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of c.results) {
      const sd = foldSd(r.foldValues);
      if (Number.isFinite(r.value)) {
        lo = Math.min(lo, r.value - sd);
        hi = Math.max(hi, r.value + sd);
      }
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    const pad = (hi - lo) * 0.15 || 0.01;
    lo -= pad;
    hi += pad;
    const y = (v: number) => m.top + ph - ((v - lo) / (hi - lo)) * ph;
    const left = x0 + m.left;
    const right = x0 + PW - m.right;
    const metric = c.results[0]?.metric ?? '';
    s += `<g class="panel" data-outcome="${escapeXml(c.outcome)}">`;
    s += `<text x="${fx((left + right) / 2)}" y="16" text-anchor="middle" font-weight="600">${escapeXml(`${c.outcome} (${metric})`)}</text>`;
    s += yAxis(niceTicks(lo, hi, 4), y, left, right, metric === 'R2' ? 'R²' : metric, x0 + 12, m.top + ph / 2);
    const step = (right - left) / (c.results.length + 1);
    c.results.forEach((r, j) => {
      const xx = left + step * (j + 1);
      const sd = foldSd(r.foldValues);
      const col = SET_COLORS[r.set] ?? '#333';
      if (Number.isFinite(r.value)) {
        s += `<line x1="${fx(xx)}" x2="${fx(xx)}" y1="${fx(y(r.value - sd))}" y2="${fx(y(r.value + sd))}" stroke="${col}" stroke-width="1.5"/>`;
        s += `<circle cx="${fx(xx)}" cy="${fx(y(r.value))}" r="4.5" fill="${col}"><title>${escapeXml(`${SET_LABEL[r.set] ?? r.set} (${r.p} features): ${metric} ${fmtNum(r.value)}, fold SD ${fmtNum(sd)}`)}</title></circle>`;
      }
      s += `<text x="${fx(xx)}" y="${fx(m.top + ph + 14)}" text-anchor="middle">${escapeXml(r.set === 'PHENO' ? `all (${r.p})` : `${r.set}s (${r.p})`)}</text>`;
    });
    const v = verdicts[ci];
    const caption =
      v.verdict === 'at-least-as-well' ? 'HSVs ≥ PCs' : v.verdict === 'within-noise' ? 'HSVs ≈ PCs (within noise)' : v.verdict === 'worse' ? 'HSVs worse than PCs' : 'no PC comparison';
    s += `<text x="${fx((left + right) / 2)}" y="${fx(H - 22)}" text-anchor="middle" class="verdict" data-verdict="${v.verdict}">${escapeXml(caption)}</text>`;
    s += `<text x="${fx((left + right) / 2)}" y="${fx(H - 8)}" text-anchor="middle" fill="#666">${escapeXml(`n = ${c.n}, ${c.results[0]?.foldValues.length ?? 0} folds`)}</text>`;
    s += '</g>';
  });
  return s + '</svg>';
}

export function associationSvg(rows: AssocRow[], opts: ValidationSvgOptions = {}): string {
  const outcomes = [...new Set(rows.map((r) => r.outcome))];
  const hsvs = [...new Set(rows.map((r) => r.hsv))];
  const PW = opts.panelWidth ?? 240;
  const rowH = 18;
  const m = { left: 60, right: 12, top: 30, bottom: 40 };
  const H = opts.height ?? m.top + m.bottom + rowH * hsvs.length;
  const title = opts.title ?? 'HSV-outcome associations per SD (95% CI)';
  const id = opts.id ?? slug(title);
  const W = Math.max(1, outcomes.length) * PW;
  const desc = rows.map((r) => `${r.hsv} ${r.outcome} ${r.effect} ${fmtNum(r.estimate)} (${fmtNum(r.lower)}-${fmtNum(r.upper)})`).join('; ');
  let s = svgOpen({ width: W, height: H, title, desc, id });
  outcomes.forEach((o, oi) => {
    const rs = rows.filter((r) => r.outcome === o);
    const ratio = rs[0]?.effect !== 'beta';
    const tr = (v: number) => (ratio ? Math.log(v) : v);
    const nullV = ratio ? 1 : 0;
    let lo = tr(nullV);
    let hi = tr(nullV);
    for (const r of rs) {
      if (Number.isFinite(r.lower) && r.lower > (ratio ? 0 : -Infinity)) lo = Math.min(lo, tr(r.lower));
      if (Number.isFinite(r.upper)) hi = Math.max(hi, tr(r.upper));
    }
    const pad = (hi - lo) * 0.08 || 0.1;
    lo -= pad;
    hi += pad;
    const x0 = oi * PW;
    const left = x0 + m.left;
    const right = x0 + PW - m.right;
    const x = (v: number) => left + ((v - lo) / (hi - lo)) * (right - left);
    const bottom = H - m.bottom;
    s += `<g class="panel" data-outcome="${escapeXml(o)}">`;
    s += `<text x="${fx((left + right) / 2)}" y="16" text-anchor="middle" font-weight="600">${escapeXml(o)}</text>`;
    const ticks = ratio
      ? niceTicks(Math.exp(lo), Math.exp(hi), 4).filter((t) => t > 0).map((t) => Math.log(t))
      : niceTicks(lo, hi, 4);
    s += xAxis(ticks, x, bottom, `${rs[0]?.effect ?? ''} per SD`, H - 6, (left + right) / 2, (v) => fmtNum(ratio ? Math.exp(v) : v));
    s += `<line x1="${fx(x(tr(nullV)))}" x2="${fx(x(tr(nullV)))}" y1="${m.top}" y2="${fx(bottom)}" stroke="#999" stroke-dasharray="3 3"/>`;
    hsvs.forEach((h, hi2) => {
      const r = rs.find((z) => z.hsv === h);
      const yy = m.top + rowH * (hi2 + 0.5);
      s += `<text x="${fx(left - 6)}" y="${fx(yy)}" text-anchor="end" dominant-baseline="middle">${escapeXml(h)}</text>`;
      if (!r || !Number.isFinite(r.estimate) || !Number.isFinite(r.lower) || !Number.isFinite(r.upper)) return;
      const sig = r.p < 0.05 / Math.max(1, rows.length);
      const col = sig ? '#d62728' : '#555';
      s += `<line x1="${fx(x(tr(r.lower)))}" x2="${fx(x(tr(r.upper)))}" y1="${fx(yy)}" y2="${fx(yy)}" stroke="${col}" stroke-width="1.5"/>`;
      s += `<rect x="${fx(x(tr(r.estimate)) - 3.5)}" y="${fx(yy - 3.5)}" width="7" height="7" fill="${col}"><title>${escapeXml(`${h} ~ ${o}: ${r.effect} ${fmtNum(r.estimate)} (${fmtNum(r.lower)}-${fmtNum(r.upper)}), P ${r.p.toExponential(1)}, N ${r.n}`)}</title></rect>`;
    });
    s += '</g>';
  });
  return s + '</svg>';
}
