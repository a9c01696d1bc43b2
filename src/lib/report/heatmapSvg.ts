/**
 * Heatmap of a labelled matrix (HSV x phenotype correlations, loadings before/after rotation, phenotype
 * correlations) as an SVG string, in a given or clustered order, with a diverging colour scale (blue
 * negative, white 0, red positive) and a legend. Up to `maxRects` cells are drawn as <rect>s with a <title>
 * each (value on hover); larger matrices are drawn as one embedded PNG (data: URI, still self-contained),
 * so a 500 x 500 correlation matrix stays a small file.
 */
import type { LabelledMatrix } from './Analysis';
import { clusterCorrelation, clusterRows } from './clusterOrder';
import { base64, encodePng } from './encodePng';
import { escapeXml, fmtNum, fx, slug, svgOpen } from './svgText';

export type HeatmapCluster = 'none' | 'rows' | 'cols' | 'both' | 'symmetric';

export interface HeatmapOptions {
  title?: string;
  id?: string;
  /** Explicit orders (indices into rows / cols); take precedence over `cluster`. */
  rowOrder?: number[];
  colOrder?: number[];
  /**
   * 'none' (default): as given; 'rows'/'cols'/'both': average-linkage clustering of rows/columns by Euclidean
   * distance; 'symmetric': a square correlation matrix, one order for both axes by 1 - |r|.
   */
  cluster?: HeatmapCluster;
  /** Colour scale limit: values in [-limit, limit] (default 1 when every |value| <= 1, else max |value|). */
  limit?: number;
  /** Target size in px of the cell area (default width 720). */
  width?: number;
  /** Cell size bounds in px (default 4..28). */
  minCell?: number;
  maxCell?: number;
  /** Above this many cells, draw a raster image instead of rects (default 20,000). */
  maxRects?: number;
  /** Legend caption (default 'correlation' when limit is 1, else 'value'). */
  legend?: string;
}

/** Diverging colour for v in [-1, 1] (RdBu-like); NaN -> light grey. */
export function divergingColor(v: number): [number, number, number] {
  if (!Number.isFinite(v)) return [224, 224, 224];
  const t = Math.max(-1, Math.min(1, v));
  const neg: [number, number, number] = [33, 102, 172];
  const pos: [number, number, number] = [178, 24, 43];
  const end = t < 0 ? neg : pos;
  const a = Math.abs(t);
  return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a)) as [number, number, number];
}

function hex(c: [number, number, number]): string {
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** Resolves the row and column orders for a matrix and options. */
export function heatmapOrder(mat: LabelledMatrix, opts: Pick<HeatmapOptions, 'rowOrder' | 'colOrder' | 'cluster'>): { rows: number[]; cols: number[] } {
  const nr = mat.rows.length;
  const nc = mat.cols.length;
  const ident = (n: number) => Array.from({ length: n }, (_, i) => i);
  let rows = ident(nr);
  let cols = ident(nc);
  const cluster = opts.cluster ?? 'none';
  switch (cluster) {
    case 'none':
      break;
    case 'rows':
      rows = clusterRows(mat.values, nr, nc);
      break;
    case 'cols':
      cols = clusterRows(transposed(mat.values, nr, nc), nc, nr);
      break;
    case 'both':
      rows = clusterRows(mat.values, nr, nc);
      cols = clusterRows(transposed(mat.values, nr, nc), nc, nr);
      break;
    case 'symmetric':
      if (nr !== nc) throw new RangeError(`heatmap: cluster 'symmetric' needs a square matrix, got ${nr} x ${nc}`);
      rows = clusterCorrelation(mat.values, nr);
      cols = rows.slice();
      break;
    default:
      throw new Error(`unknown heatmap cluster option ${String(cluster)}`);
  }
  if (opts.rowOrder) rows = opts.rowOrder.slice();
  if (opts.colOrder) cols = opts.colOrder.slice();
  return { rows, cols };
}

function transposed(v: ArrayLike<number | null>, nr: number, nc: number): Float64Array {
  const t = new Float64Array(nr * nc);
  for (let i = 0; i < nr; i++) for (let j = 0; j < nc; j++) t[j * nr + i] = v[i * nc + j] ?? NaN;
  return t;
}

export function heatmapSvg(mat: LabelledMatrix, opts: HeatmapOptions = {}): string {
  const nr = mat.rows.length;
  const nc = mat.cols.length;
  if (mat.values.length !== nr * nc) throw new RangeError(`heatmap: expected ${nr} x ${nc} = ${nr * nc} values, got ${mat.values.length}`);
  const title = opts.title ?? 'Heatmap';
  const id = opts.id ?? slug(title);
  const { rows, cols } = heatmapOrder(mat, opts);
  let maxAbs = 0;
  for (let i = 0; i < mat.values.length; i++) {
    const v = mat.values[i];
    if (v !== null && Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const limit = opts.limit ?? (maxAbs <= 1 ? 1 : maxAbs);
  const legend = opts.legend ?? (limit === 1 ? 'correlation' : 'value');
  const target = opts.width ?? 720;
  const cellSize = Math.max(opts.minCell ?? 4, Math.min(opts.maxCell ?? 28, Math.floor(target / Math.max(1, nc))));
  const showColLabels = cellSize >= 8;
  const showRowLabels = cellSize >= 8;
  const longest = (xs: string[]) => xs.reduce((a, s) => Math.max(a, s.length), 0);
  const labelFont = Math.min(11, Math.max(7, cellSize - 2));
  const rowLabelW = showRowLabels ? Math.min(200, longest(mat.rows) * labelFont * 0.6 + 8) : 8;
  const colLabelH = showColLabels ? Math.min(160, longest(mat.cols) * labelFont * 0.55 + 10) : 8;
  const left = rowLabelW + 4;
  const top = 26 + colLabelH;
  const gw = cellSize * nc;
  const gh = cellSize * nr;
  const W = Math.ceil(Math.max(left + gw + 90, 12 + title.length * 7.5));
  const H = Math.ceil(top + gh + 16);
  const desc =
    `${nr} x ${nc} matrix (${mat.rows.slice(0, 3).join(', ')}${nr > 3 ? ', ...' : ''} by ${mat.cols.slice(0, 3).join(', ')}${nc > 3 ? ', ...' : ''}); ` +
    `colour from blue (${fmtNum(-limit)}) through white (0) to red (${fmtNum(limit)}); order: ${opts.rowOrder || opts.colOrder ? 'given' : (opts.cluster ?? 'none') === 'none' ? 'as given' : `clustered (${opts.cluster})`}.`;
  let s = svgOpen({ width: W, height: H, id, title, desc }, 'heatmap');
  s += `<text x="4" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  const val = (r: number, c: number) => {
    const v = mat.values[r * nc + c];
    return v === null ? NaN : v;
  };
  if (nr * nc <= (opts.maxRects ?? 20_000)) {
    s += '<g class="cells" shape-rendering="crispEdges">';
    rows.forEach((r, i) => {
      cols.forEach((c, j) => {
        const v = val(r, c);
        s +=
          `<rect x="${fx(left + j * cellSize)}" y="${fx(top + i * cellSize)}" width="${cellSize}" height="${cellSize}" fill="${hex(divergingColor(v / limit))}">` +
          `<title>${escapeXml(`${mat.rows[r]} / ${mat.cols[c]}: ${fmtNum(v)}`)}</title></rect>`;
      });
    });
    s += '</g>';
  } else {
    const rgb = new Uint8Array(nr * nc * 3);
    rows.forEach((r, i) => {
      cols.forEach((c, j) => {
        rgb.set(divergingColor(val(r, c) / limit), (i * nc + j) * 3);
      });
    });
    const png = base64(encodePng(rgb, nc, nr));
    s += `<image class="cells raster" x="${left}" y="${top}" width="${gw}" height="${gh}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`;
  }
  if (showRowLabels) {
    s += `<g class="row-labels" font-size="${labelFont}" fill="#333" text-anchor="end">`;
    rows.forEach((r, i) => (s += `<text x="${fx(left - 4)}" y="${fx(top + (i + 0.5) * cellSize)}" dominant-baseline="middle">${escapeXml(mat.rows[r])}</text>`));
    s += '</g>';
  }
  if (showColLabels) {
    s += `<g class="col-labels" font-size="${labelFont}" fill="#333">`;
    cols.forEach((c, j) => {
      const cx = fx(left + (j + 0.5) * cellSize);
      s += `<text transform="translate(${cx},${fx(top - 4)}) rotate(-60)" dominant-baseline="middle">${escapeXml(mat.cols[c])}</text>`;
    });
    s += '</g>';
  }
  // legend: vertical colour bar
  const lx = left + gw + 24;
  const lh = Math.min(160, Math.max(60, gh));
  s += `<g class="legend" font-size="10" fill="#333"><defs><linearGradient id="${id}-grad" x1="0" y1="1" x2="0" y2="0">`;
  for (const t of [-1, -0.5, 0, 0.5, 1]) s += `<stop offset="${(t + 1) / 2}" stop-color="${hex(divergingColor(t))}"/>`;
  s += `</linearGradient></defs><rect x="${fx(lx)}" y="${fx(top)}" width="12" height="${fx(lh)}" fill="url(#${id}-grad)" stroke="#888" stroke-width="0.5"/>`;
  s += `<text x="${fx(lx + 16)}" y="${fx(top + 4)}">${escapeXml(fmtNum(limit))}</text>`;
  s += `<text x="${fx(lx + 16)}" y="${fx(top + lh / 2 + 3)}">0</text>`;
  s += `<text x="${fx(lx + 16)}" y="${fx(top + lh)}">${escapeXml(fmtNum(-limit))}</text>`;
  s += `<text x="${fx(lx)}" y="${fx(top - 8)}">${escapeXml(legend)}</text></g>`;
  return s + '</svg>';
}
