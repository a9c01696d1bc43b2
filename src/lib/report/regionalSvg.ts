/**
 * Regional view around a hit as an SVG string: -log10 P of the neighbouring variants against position
 * (the lead variant as a diamond, the others coloured by distance to it), and a genes track below with
 * each gene drawn as a line with an arrowhead showing its strand and its symbol.
 */
import type { Gene } from '../annotate/Gene';
import { normalizeChrom } from '../annotate/normalizeChrom';
import type { ScanResult } from './Analysis';
import { mlog10pOf } from './pValues';
import { escapeXml, fmtPFromMlog10, fx, niceTicks, slug, svgOpen, yAxis } from './svgText';

export interface RegionalOptions {
  width?: number;
  height?: number;
  title?: string;
  id?: string;
  /** bp either side of the lead variant (default 250,000). */
  flank?: number;
  /** Maximum gene rows in the track (default 5; further genes are counted in the description). */
  maxGeneRows?: number;
}

export function regionalSvg(scan: ScanResult, leadId: string, genes: readonly Gene[], opts: RegionalOptions = {}): string {
  const flank = opts.flank ?? 250_000;
  const W = opts.width ?? 720;
  const maxRows = opts.maxGeneRows ?? 5;
  const leadIdx = Array.prototype.indexOf.call(scan.id, leadId) as number;
  if (leadIdx < 0) throw new RangeError(`regional plot: variant ${leadId} is not in the scan of ${scan.response}`);
  const chrom = normalizeChrom(scan.chrom[leadIdx]);
  const center = scan.pos[leadIdx];
  const from = Math.max(0, center - flank);
  const to = center + flank;
  const mlp = mlog10pOf(scan);
  const idx: number[] = [];
  for (let i = 0; i < scan.id.length; i++) {
    if (scan.pos[i] >= from && scan.pos[i] <= to && !Number.isNaN(mlp[i]) && normalizeChrom(scan.chrom[i]) === chrom) idx.push(i);
  }
  const inRegion = genes.filter((g) => normalizeChrom(g.chrom) === chrom && g.end >= from && g.start + 1 <= to).slice().sort((a, b) => a.start - b.start);
  // greedy row packing with room for labels
  const bpPerPx = (to - from) / Math.max(1, W - 70);
  const rowEnds: number[] = [];
  const placed: { g: Gene; row: number }[] = [];
  let hidden = 0;
  for (const g of inRegion) {
    const labelBp = (g.symbol.length * 6 + 10) * bpPerPx;
    let row = rowEnds.findIndex((e) => e < g.start);
    if (row < 0) row = rowEnds.length;
    if (row >= maxRows) {
      hidden++;
      continue;
    }
    rowEnds[row] = Math.max(g.end, g.start + labelBp);
    placed.push({ g, row });
  }
  const nRows = Math.max(1, rowEnds.length);
  const m = { left: 56, right: 14, top: 26 };
  const plotH = 200;
  const trackTop = m.top + plotH + 48;
  const H = opts.height ?? trackTop + nRows * 24 + 16;
  const pw = W - m.left - m.right;
  const title = opts.title ?? `Region around ${leadId} (${scan.response})`;
  const id = opts.id ?? slug(title);
  let maxY = 1;
  for (const i of idx) if (Number.isFinite(mlp[i])) maxY = Math.max(maxY, mlp[i]);
  const yTop = Math.max(maxY * 1.08, 8);
  const x = (p: number) => m.left + ((p - from) / Math.max(1, to - from)) * pw;
  const y = (v: number) => m.top + plotH - (Math.min(v, yTop) / yTop) * plotH;
  const desc =
    `${idx.length} variants within ${flank.toLocaleString('en-US')} bp of ${leadId} (chr${chrom}:${center}, P = ${fmtPFromMlog10(mlp[leadIdx])}); ` +
    `${inRegion.length} gene(s) in the window${inRegion.length ? `: ${inRegion.slice(0, 8).map((g) => g.symbol).join(', ')}${inRegion.length > 8 ? ', ...' : ''}` : ''}` +
    (hidden ? ` (${hidden} not drawn)` : '') + '.';
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'regional');
  s += `<text x="${fx(m.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  s += yAxis(niceTicks(0, yTop, 5).filter((t) => t <= yTop), y, m.left, m.left + pw, '-log10(P)', 14, m.top + plotH / 2);
  // x axis in Mb
  s += '<g class="axis x-axis" stroke="#888" fill="#333">';
  for (const t of niceTicks(from, to, 6)) {
    if (t < from || t > to) continue;
    const xx = fx(x(t));
    s += `<line x1="${xx}" x2="${xx}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}"/><text x="${xx}" y="${m.top + plotH + 15}" text-anchor="middle" stroke="none">${(t / 1e6).toFixed(2)}</text>`;
  }
  s += `<text x="${fx(m.left + pw / 2)}" y="${m.top + plotH + 28}" text-anchor="middle" stroke="none">Position on chromosome ${escapeXml(chrom)} (Mb)</text></g>`;
  s += `<line x1="${m.left}" x2="${fx(m.left + pw)}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#888"/>`;
  const gw = -Math.log10(5e-8);
  if (gw <= yTop) s += `<line class="threshold" x1="${m.left}" x2="${fx(m.left + pw)}" y1="${fx(y(gw))}" y2="${fx(y(gw))}" stroke="#c0392b" stroke-dasharray="4 3"/>`;
  s += '<g class="points" stroke="#fff" stroke-width="0.4">';
  for (const i of idx) {
    if (i === leadIdx) continue;
    const near = Math.abs(scan.pos[i] - center) / flank;
    const fill = near < 0.1 ? '#d62728' : near < 0.4 ? '#ff7f0e' : '#6fa8dc';
    s += `<circle cx="${fx(x(scan.pos[i]))}" cy="${fx(y(mlp[i]))}" r="2.6" fill="${fill}"><title>${escapeXml(`${scan.id[i]} ${chrom}:${scan.pos[i]} P = ${fmtPFromMlog10(mlp[i])}`)}</title></circle>`;
  }
  const lx = x(center);
  const ly = y(mlp[leadIdx]);
  s += `<path class="lead" d="M${fx(lx)} ${fx(ly - 6)}L${fx(lx + 6)} ${fx(ly)}L${fx(lx)} ${fx(ly + 6)}L${fx(lx - 6)} ${fx(ly)}Z" fill="#7b2cbf" stroke="#000" stroke-width="0.6"><title>${escapeXml(`${leadId} (lead) ${chrom}:${center} P = ${fmtPFromMlog10(mlp[leadIdx])}`)}</title></path>`;
  s += `<text x="${fx(lx + 8)}" y="${fx(ly - 6)}" font-size="10" fill="#333">${escapeXml(leadId)}</text></g>`;
  s += `<g class="genes" font-size="10" fill="#333"><text x="4" y="${trackTop - 6}" font-weight="600">Genes</text>`;
  for (const { g, row } of placed) {
    const x0 = Math.max(m.left, x(g.start + 1));
    const x1 = Math.min(m.left + pw, x(g.end));
    const yy = trackTop + row * 24 + 6;
    const color = g.type && /coding/i.test(g.type) ? '#1a5276' : '#7f8c8d';
    s += `<g class="gene"><title>${escapeXml(`${g.symbol} ${chrom}:${g.start + 1}-${g.end} (${g.strand})${g.type ? ` ${g.type}` : ''}`)}</title>`;
    s += `<rect x="${fx(x0)}" y="${yy - 3}" width="${fx(Math.max(1, x1 - x0))}" height="6" fill="${color}"/>`;
    if (g.strand !== '.') {
      const ax = g.strand === '+' ? x1 : x0;
      const dir = g.strand === '+' ? 1 : -1;
      s += `<path d="M${fx(ax)} ${yy - 5}L${fx(ax + dir * 5)} ${yy}L${fx(ax)} ${yy + 5}Z" fill="${color}"/>`;
    }
    // labels start at the gene's left end, or end at its right end when they would run off the plot
    const labelW = g.symbol.length * 6;
    const anchorEnd = x0 + labelW > m.left + pw && x1 - labelW >= m.left;
    s += `<text x="${fx(anchorEnd ? x1 : x0)}" y="${yy + 15}" font-style="italic"${anchorEnd ? ' text-anchor="end"' : ''}>${escapeXml(g.symbol)}</text></g>`;
  }
  if (inRegion.length === 0) s += `<text x="${m.left}" y="${trackTop + 10}" fill="#777">no genes in this window</text>`;
  return s + '</g></svg>';
}
