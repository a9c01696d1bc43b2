/**
 * Build of the static app: Svelte 5, ES-module workers, the tfjs wasm binaries copied next to the app, and an
 * offline PWA whose service worker (src/sw.ts, injectManifest) precaches every asset and adds the
 * cross-origin isolation headers on static hosts. Dev and preview servers send the same headers themselves.
 */
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Same-origin isolation: lets wasm threads use SharedArrayBuffer. CORP so the service worker may re-serve. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Where the tfjs wasm binaries live in the built site (the worker calls setWasmPaths with this folder). */
const WASM_DIR = 'tfjs-wasm';
const wasmSrc = fileURLToPath(new URL('./node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

function tfjsWasmAssets(): Plugin {
  const files = readdirSync(wasmSrc).filter((f) => f.endsWith('.wasm'));
  return {
    name: 'latentscan-tfjs-wasm',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = req.url?.match(new RegExp(`/${WASM_DIR}/([\\w.-]+\\.wasm)(\\?.*)?$`));
        if (!m || !files.includes(m[1])) return next();
        res.setHeader('Content-Type', 'application/wasm');
        for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
        res.end(readFileSync(join(wasmSrc, m[1])));
      });
    },
    generateBundle() {
      for (const f of files) {
        this.emitFile({ type: 'asset', fileName: `${WASM_DIR}/${f}`, source: readFileSync(join(wasmSrc, f)) });
      }
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [
    svelte(),
    tfjsWasmAssets(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false, // registered in src/main.ts (isolation reload logic lives there)
      registerType: 'autoUpdate',
      manifest: {
        name: 'LatentScan',
        short_name: 'LatentScan',
        description:
          'Autoencoder health status variables and genome-wide scans, computed entirely on your machine. No data leaves the page.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f4e79',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,mjs,css,html,wasm,png,svg,ico,webmanifest,json,gz,tsv}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // Precache entries carry revisions; hashed assets need none.
        dontCacheBustURLsMatching: /[.-][A-Za-z0-9_-]{8}\.(js|css|wasm)$/,
      },
      devOptions: { enabled: false },
    }),
  ],
  // Worker chunks stay unminified: tfjs-backend-wasm's threaded build stringifies its emscripten factory into the
  // pthread workers' source, which minification breaks ("ReferenceError: e is not defined"). 4.2 MB vs 2.5 MB.
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  optimizeDeps: {
    // Scan the worker too, so dev does not re-optimize (and break the worker) on its first load.
    entries: ['index.html', 'workers/*.ts'],
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'comlink', 'fflate', 'papaparse'],
  },
});
