// Browser discovery and launch for the e2e suite: CHROMIUM_PATH, then /usr/bin/chromium (or another local
// Chrome/Chromium), then Playwright's own download. Flags per DESIGN.md section 6 (WebGPU on SwiftShader).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const INSTALL_HINT = 'apt-get install -y chromium mesa-vulkan-drivers libvulkan1';

const LOCAL_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export function findBrowser() {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!existsSync(env)) throw new Error(`CHROMIUM_PATH=${env} does not exist. Install Chromium: ${INSTALL_HINT}`);
    return { path: env, source: 'CHROMIUM_PATH' };
  }
  for (const p of LOCAL_CANDIDATES) if (existsSync(p)) return { path: p, source: 'local' };
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return { path: own, source: 'playwright' };
  } catch {
    // Playwright has no browser of its own installed
  }
  throw new Error(`No Chromium found (CHROMIUM_PATH, /usr/bin/chromium, local Chrome, Playwright's own). Install it: ${INSTALL_HINT}`);
}

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Launches a persistent context on a fresh profile directory; close() removes the profile. */
export async function launchContext(opts = {}) {
  const { path } = findBrowser();
  const userDataDir = mkdtempSync(join(tmpdir(), 'latentscan-e2e-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: path,
    headless: true,
    args: CHROMIUM_ARGS,
    serviceWorkers: 'allow',
    acceptDownloads: true,
    viewport: { width: 1366, height: 900 },
    ...opts,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
