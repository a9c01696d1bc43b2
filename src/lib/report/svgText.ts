/**
 * Small helpers shared by the hand-written SVG plots: XML escaping, compact coordinates, nice axis ticks,
 * ids unique within a document, and the accessible frame (role="img", <title>, <desc>).
 */

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** A coordinate with at most 2 decimals and no trailing zeros: keeps the SVG small and stable in snapshots. */
export function fx(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Human-readable number for labels: 3 significant digits, scientific below 1e-3. */
export function fmtNum(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NA' : v > 0 ? 'Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(digits - 1).replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

/** P value as users read it: scientific notation, 2 significant digits (1.2e-8). */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return 'NA';
  if (p === 0) return '<1e-308';
  return p.toExponential(1).replace('e+', 'e');
}

/** P value from -log10 P, exact for values beyond double range (1e-400 prints as 1.0e-400). */
export function fmtPFromMlog10(m: number): string {
  if (!Number.isFinite(m)) return 'NA';
  const e = Math.floor(m);
  let mant = Math.pow(10, e - m);
  let exp = -e;
  if (mant < 1) {
    mant *= 10;
    exp -= 1;
  }
  const ms = mant.toFixed(1);
  return ms === '10.0' ? `1.0e${exp + 1}` : `${ms}e${exp}`;
}

/** Ticks at 1, 2 or 5 times a power of ten covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  const start = Math.ceil(min / step - 1e-9) * step;
  for (let v = start; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out.map((v) => Number(v.toPrecision(12)));
}

/** An id-safe slug for element ids ('HSV 1 (rotated)' -> 'hsv-1-rotated'). */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'plot';
}

export interface SvgFrame {
  width: number;
  height: number;
  /** Unique id prefix for this figure within the page. */
  id: string;
  title: string;
  desc: string;
}

/** Opens an accessible SVG: role img, labelled by its <title> and described by its <desc>. */
export function svgOpen(f: SvgFrame, extraClass = ''): string {
  const cls = extraClass ? ` class="${escapeXml(extraClass)}"` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}"` +
    ` role="img" aria-labelledby="${f.id}-title ${f.id}-desc"${cls} font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11">` +
    `<title id="${f.id}-title">${escapeXml(f.title)}</title><desc id="${f.id}-desc">${escapeXml(f.desc)}</desc>` +
    `<rect width="${f.width}" height="${f.height}" fill="#fff"/>`
  );
}

/** Left axis with ticks, grid lines and a rotated label. */
export function yAxis(ticks: number[], y: (v: number) => number, left: number, right: number, label: string, labelX: number, midY: number, format: (v: number) => string = fmtNum): string {
  let s = '<g class="axis y-axis" stroke="#888" fill="#333">';
  for (const t of ticks) {
    const yy = fx(y(t));
    s += `<line x1="${fx(left - 4)}" x2="${fx(left)}" y1="${yy}" y2="${yy}"/>`;
    s += `<line x1="${fx(left)}" x2="${fx(right)}" y1="${yy}" y2="${yy}" stroke="#eee"/>`;
    s += `<text x="${fx(left - 6)}" y="${yy}" text-anchor="end" dominant-baseline="middle" stroke="none">${escapeXml(format(t))}</text>`;
  }
  s += `<text transform="translate(${fx(labelX)},${fx(midY)}) rotate(-90)" text-anchor="middle" stroke="none">${escapeXml(label)}</text>`;
  return s + '</g>';
}

/** Bottom axis with ticks and a label. */
export function xAxis(ticks: number[], x: (v: number) => number, bottom: number, label: string, labelY: number, midX: number, format: (v: number) => string = fmtNum): string {
  let s = '<g class="axis x-axis" stroke="#888" fill="#333">';
  for (const t of ticks) {
    const xx = fx(x(t));
    s += `<line x1="${xx}" x2="${xx}" y1="${fx(bottom)}" y2="${fx(bottom + 4)}"/>`;
    s += `<text x="${xx}" y="${fx(bottom + 15)}" text-anchor="middle" stroke="none">${escapeXml(format(t))}</text>`;
  }
  s += `<text x="${fx(midX)}" y="${fx(labelY)}" text-anchor="middle" stroke="none">${escapeXml(label)}</text>`;
  return s + '</g>';
}
