/// <reference lib="webworker" />
/**
 * Service worker (vite-plugin-pwa injectManifest): precaches every built asset (HTML, JS chunks incl. worker
 * chunks, CSS, tfjs wasm binaries, icons, manifest, gene table), serves them cache-first so the app works
 * offline after one visit, and re-serves every same-origin response with the cross-origin isolation headers
 * (COOP/COEP/CORP), coi-serviceworker style, so wasm threads work on static hosts that cannot set headers.
 * It never touches other origins (the page's CSP forbids them anyway).
 */
export {};
declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

const MANIFEST = self.__WB_MANIFEST;
const PREFIX = 'latentscan-precache-';

function hashString(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
const CACHE = PREFIX + hashString(MANIFEST.map((e) => `${e.url}@${e.revision ?? ''}`).join('|'));

const scopeUrl = (path: string): string => new URL(path, self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(
        MANIFEST.map(async (e) => {
          const url = scopeUrl(e.url);
          const res = await fetch(url, { cache: 'reload' });
          if (!res.ok) throw new Error(`precache ${url}: HTTP ${res.status}`);
          await cache.put(url, res);
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== CACHE) await caches.delete(k);
      await self.clients.claim();
    })(),
  );
});

function withIsolation(res: Response): Response {
  if (res.status === 0 || res.type === 'opaque' || res.type === 'opaqueredirect') return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function respond(req: Request): Promise<Response> {
  const url = new URL(req.url);
  url.search = '';
  url.hash = '';
  const cache = await caches.open(CACHE);
  let hit = await cache.match(url.href);
  if (!hit && req.mode === 'navigate') hit = await cache.match(scopeUrl('index.html'));
  if (hit) return withIsolation(hit);
  return withIsolation(await fetch(req));
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  if (new URL(req.url).origin !== self.location.origin) return;
  if (req.cache === 'only-if-cached' && req.mode !== 'same-origin') return;
  event.respondWith(respond(req));
});
