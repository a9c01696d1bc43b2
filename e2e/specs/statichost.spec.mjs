// A static host that sends no COOP/COEP headers: the service worker must make the page cross-origin isolated
// (coi-serviceworker style) after one reload, and never reload over loaded data.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, waitFor, waitForBackend } from './assert.mjs';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.gz': 'application/gzip' };

/** Plain static file server on 127.0.0.1 without any isolation header. */
async function staticServer() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    try {
      const body = await readFile(join(dist, path));
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const tests = [
  {
    name: 'static host without headers: the service worker isolates the page after one reload',
    async fn({ open, useOrigin }) {
      const srv = await staticServer();
      useOrigin(srv.url);
      try {
        const ctx = await open();
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        let navigations = 0;
        page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);
        await page.goto(srv.url);
        await waitFor(async () => navigations >= 2 && (await page.evaluate(() => window.crossOriginIsolated).catch(() => false)), 'isolation after the reload', 60_000);
        const label = await waitForBackend(page);
        assert.match(label, /threads\)/);
        assert.doesNotMatch(label, /no threads/, `wasm threads once isolated: ${label}`);
        // Offline too, from the service worker.
        await ctx.setOffline(true);
        await page.reload();
        await waitForBackend(page);
        assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
      } finally {
        await srv.close();
      }
    },
  },
  {
    name: 'static host: no isolation reload over data the user already loaded',
    async fn({ open, useOrigin }) {
      const srv = await staticServer();
      useOrigin(srv.url);
      try {
        const ctx = await open();
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        let navigations = 0;
        page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);
        // Block the service worker's install until the demo is loaded, so it takes control afterwards.
        let release;
        const gate = new Promise((r) => (release = r));
        await ctx.route('**/tfjs-wasm/tfjs-backend-wasm.wasm', async (route) => {
          await gate;
          await route.continue();
        });
        await page.goto(srv.url);
        await page.getByTestId('load-demo').click();
        await waitFor(async () => (await page.getByTestId('geno-input-loaded').count()) > 0, 'demo loaded', 120_000);
        release();
        await page.evaluate(() => window.__latentscan.serviceWorkerControlling());
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(navigations, 1, 'the page was not reloaded');
        assert.ok(await page.getByTestId('geno-input-loaded').count(), 'the demo data is still loaded');
      } finally {
        await srv.close();
      }
    },
  },
];
