/**
 * Browser-only: rasterizes an SVG string (from the plot builders) to a PNG Blob for download, through an
 * <img> and a canvas at `scale` x the SVG's size. Nothing runs at import, so Node can import this module; the
 * DOM is touched only when svgToPng is called.
 */
export interface SvgToPngOptions {
  /** Pixel density (default 2, crisp on high-DPI screens and in slides). */
  scale?: number;
  /** Background fill (default white; the plots already paint one). */
  background?: string;
}

/** Width and height from an SVG string's width/height attributes (or its viewBox). */
export function svgSize(svg: string): { width: number; height: number } {
  const open = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const w = /\bwidth="([\d.]+)"/.exec(open)?.[1];
  const h = /\bheight="([\d.]+)"/.exec(open)?.[1];
  if (w && h) return { width: Number(w), height: Number(h) };
  const vb = /viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"/.exec(open);
  if (vb) return { width: Number(vb[1]), height: Number(vb[2]) };
  throw new RangeError('svgToPng: the SVG has no width/height or viewBox');
}

export async function svgToPng(svg: string, opts: SvgToPngOptions = {}): Promise<Blob> {
  if (typeof document === 'undefined' || typeof Image === 'undefined') throw new Error('svgToPng needs a browser (document, Image, canvas)');
  const scale = opts.scale ?? 2;
  const { width, height } = svgSize(svg);
  const withNs = svg.includes('xmlns=') ? svg : svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
  const url = URL.createObjectURL(new Blob([withNs], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('svgToPng: the SVG could not be drawn'));
    });
    img.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('svgToPng: no 2D canvas context');
    ctx.fillStyle = opts.background ?? '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('svgToPng: canvas.toBlob failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
