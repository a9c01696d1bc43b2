// e2e runner: serves dist/ on loopback with `vite preview` (building first if dist/ is missing), runs the specs
// in e2e/specs/*.spec.mjs in headless Chromium (WebGPU on SwiftShader), records every request of every test
// and fails on any request that leaves the page's origin. Usage: node e2e/run.mjs [name-filter ...]
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { findBrowser, launchContext } from './browser.mjs';
import { startPreview } from './preview.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function isOffOrigin(url, origin) {
  if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:')) return false;
  try {
    return new URL(url).origin !== origin;
  } catch {
    return true;
  }
}

async function main() {
  const browser = findBrowser();
  console.log(`browser: ${browser.path} (${browser.source})`);
  const { proc, baseURL } = await startPreview();
  console.log(`serving dist/ at ${baseURL}`);
  const origin = new URL(baseURL).origin;
  const specDir = join(root, 'e2e', 'specs');
  const files = readdirSync(specDir).filter((f) => f.endsWith('.spec.mjs')).sort();
  const results = [];
  const offOrigin = [];
  let total = 0;
  try {
    for (const f of files) {
      const mod = await import(pathToFileURL(join(specDir, f)).href);
      for (const t of mod.tests) {
        const name = `${f.replace(/\.spec\.mjs$/, '')} › ${t.name}`;
        if (filters.length && !filters.some((x) => name.includes(x))) continue;
        total++;
        const t0 = Date.now();
        const requests = [];
        const opened = [];
        const open = async (opts) => {
          const h = await launchContext(opts);
          opened.push(h);
          h.context.on('request', (r) => requests.push(r.url()));
          h.context.on('console', (m) => {
            if (process.env.E2E_VERBOSE || m.type() === 'error') console.log(`    [console.${m.type()}] ${m.text()}`);
          });
          return h.context;
        };
        let error = null;
        // A spec that serves the app itself (e.g. a plain static host) names its origin with useOrigin().
        let testOrigin = origin;
        const useOrigin = (url) => (testOrigin = new URL(url).origin);
        const timeoutMs = t.timeoutMs ?? 120_000;
        let timer;
        try {
          await Promise.race([
            t.fn({ baseURL, origin, open, requests, useOrigin }),
            new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs))),
          ]);
        } catch (e) {
          error = e;
        } finally {
          clearTimeout(timer);
          for (const h of opened) await h.close();
        }
        const s = ((Date.now() - t0) / 1000).toFixed(1);
        const bad = requests.filter((u) => isOffOrigin(u, testOrigin));
        for (const u of bad) offOrigin.push(`${name}: ${u}`);
        if (!error && bad.length) error = new Error(`requests left the origin ${testOrigin}: ${bad.join(', ')}`);
        results.push({ name, error });
        console.log(`${error ? '✗' : '✓'} ${name} (${s} s, ${requests.length} requests)`);
        if (error) console.log(`    ${String(error.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
      }
    }
  } finally {
    proc.kill();
  }
  const failed = results.filter((r) => r.error);
  console.log(`\n${results.length - failed.length}/${results.length} e2e tests passed; off-origin requests: ${offOrigin.length}`);
  if (total === 0) {
    console.error('no e2e tests matched');
    process.exit(1);
  }
  process.exit(failed.length || offOrigin.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
