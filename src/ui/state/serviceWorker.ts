/**
 * Registers the service worker (production builds only). On a static host that cannot send COOP/COEP the
 * first visit is not cross-origin isolated; once the worker controls the page it adds those headers, so we
 * reload once (guarded by sessionStorage against loops), as coi-serviceworker does.
 */
const RELOAD_KEY = 'latentscan-coi-reload';

/** The page says whether a reload would lose nothing (no file loaded, no job running). */
let canReload: () => boolean = () => true;
export function setReloadGuard(fn: () => boolean): void {
  canReload = fn;
}

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('./sw.js', { scope: './' })
      .then(async () => {
        if (window.crossOriginIsolated || sessionStorage.getItem(RELOAD_KEY)) return;
        await serviceWorkerControlling();
        // Never reload over the user's work: without isolation the app still runs (wasm without threads).
        if (!canReload()) return;
        sessionStorage.setItem(RELOAD_KEY, '1');
        location.reload();
      })
      .catch((e: unknown) => console.warn('service worker registration failed:', e));
  });
}

/** Resolves when a service worker controls this page (e2e tests wait for it before going offline). */
export async function serviceWorkerControlling(): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller) return true;
  await new Promise<void>((r) => navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true }));
  return true;
}
