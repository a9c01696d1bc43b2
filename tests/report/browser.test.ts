// The browser paths in a real browser: the built-in gene table fetched from the same origin and decompressed
// with fflate, and PNG export of a plot (svgToPng through <img> and canvas). The library code is bundled with
// esbuild and served with the gene table from a local HTTP server; Chromium runs offline apart from it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { builtinGenesPath } from '../../src/platform/node/nodeBuiltinGenes';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((x): x is string => !!x);

let server: Server;
let origin = '';
let browser: Browser;
const offOrigin: string[] = [];

beforeAll(async () => {
  const exe = CANDIDATES.find((c) => existsSync(c));
  if (!exe) throw new Error('Chromium is not installed (needed for the browser tests); install it with: apt-get install -y chromium');
  const root = new URL('../../', import.meta.url).pathname;
  const bundle = await build({
    stdin: {
      contents: `
        import { fetchBuiltinGenes } from './src/lib/annotate/loadBuiltinGenes';
        import { GeneIndex } from './src/lib/annotate/GeneIndex';
        import { annotatePosition } from './src/lib/annotate/annotatePosition';
        import { manhattanSvg } from './src/lib/report/manhattanSvg';
        import { svgToPng } from './src/lib/report/svgToPng';
        (globalThis as any).lib = { fetchBuiltinGenes, GeneIndex, annotatePosition, manhattanSvg, svgToPng };`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0].text;
  const gz = readFileSync(builtinGenesPath());
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><meta charset="utf-8"><script src="/lib.js"></script></head><body></body></html>');
    } else if (url === '/lib.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else if (url === '/genes_GRCh38.tsv.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(gz);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function page() {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin) || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
    offOrigin.push(u);
    return route.abort();
  });
  const p = await context.newPage();
  await p.goto(`${origin}/`);
  return p;
}

describe('in the browser', () => {
  it('fetches and decompresses the built-in gene table from the same origin and annotates with it', async () => {
    const p = await page();
    const r = await p.evaluate(async () => {
      const lib = (globalThis as unknown as { lib: any }).lib;
      const set = await lib.fetchBuiltinGenes('/');
      const idx = new lib.GeneIndex(set.genes, set.source);
      const a = lib.annotatePosition(idx, 'chr7', 117600000);
      const y = lib.annotatePosition(idx, '24', 2787000);
      return { n: set.genes.length, cftr: a.nearest.map((h: any) => [h.symbol, h.distance, h.strand]), sry: y.nearest.map((h: any) => h.symbol) };
    });
    expect(r.n).toBe(27492);
    expect(r.cftr).toEqual([['CFTR', 0, '+']]);
    expect(r.sry).toEqual(['SRY']);
    expect(offOrigin).toEqual([]);
  });

  it('exports a plot as PNG at 2x through svgToPng', async () => {
    const p = await page();
    const r = await p.evaluate(async () => {
      const lib = (globalThis as unknown as { lib: any }).lib;
      const n = 5000;
      const chrom: string[] = [], pos: number[] = [], id: string[] = [], pv: number[] = [];
      for (let i = 0; i < n; i++) {
        chrom.push(String(1 + (i % 3)));
        pos.push(1000 * i);
        id.push(`v${i}`);
        pv.push(((i * 7919) % n) / n + 1e-9);
      }
      const svg = lib.manhattanSvg({ response: 'HSV1', chrom, pos, id, p: pv }, { width: 600, height: 240 });
      const blob: Blob = await lib.svgToPng(svg, { scale: 2 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const bmp = await createImageBitmap(blob);
      // sample a pixel inside the plot band to check something was drawn (not a blank canvas)
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 120 && data[i + 2] > 60) dark++;
      return { type: blob.type, magic: Array.from(bytes.subarray(0, 4)), w: bmp.width, h: bmp.height, dark };
    });
    expect(r.type).toBe('image/png');
    expect(r.magic).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect([r.w, r.h]).toEqual([1200, 480]);
    expect(r.dark).toBeGreaterThan(2000);
    expect(offOrigin).toEqual([]);
  });
});
