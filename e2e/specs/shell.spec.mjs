// The app shell: page, CSP, backend choice on SwiftShader, worker compute vs cpu, device loss, offline reload.
import { assert, openApp, waitFor, waitForBackend } from './assert.mjs';

export const tests = [
  {
    name: 'page loads with CSP, manifest, privacy statement and backend label',
    async fn({ baseURL, open }) {
      const ctx = await open();
      const { page } = await openApp(ctx, baseURL);
      assert.equal(await page.title(), 'LatentScan');
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /connect-src 'self'(;|$)/, 'connect-src must allow no remote origin');
      assert.doesNotMatch(csp, /https?:/, 'CSP must name no remote origin');
      assert.ok(await page.locator('link[rel="manifest"]').count(), 'manifest link missing');
      const privacy = await page.getByTestId('privacy').textContent();
      assert.match(privacy, /never leaves/);
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), true, 'page should be cross-origin isolated');
    },
  },
  {
    name: 'worker gets webgpu on SwiftShader (software adapter), training on wasm',
    async fn({ baseURL, open }) {
      const ctx = await open();
      const { page, label } = await openApp(ctx, baseURL);
      const status = await page.evaluate(() => window.__latentscan.backendStatus());
      assert.equal(status.active, 'webgpu', `active backend: ${status.active}; notes: ${status.plan.notes}`);
      assert.ok(status.env.adapter, 'adapter info missing');
      const a = status.env.adapter;
      assert.match(`${a.vendor} ${a.architecture} ${a.description} ${a.device}`, /swiftshader|google/i);
      assert.equal(a.software, true, 'SwiftShader must be recognised as a software adapter');
      assert.match(label, /^webgpu · .*software adapter/);
      assert.match(label, /training on wasm \(SIMD/);
      assert.equal(status.plan.train, 'wasm');
    },
  },
  {
    name: 'tiny tfjs computation in the worker matches the cpu backend (webgpu, wasm, cpu)',
    async fn({ baseURL, open }) {
      const ctx = await open();
      const { page } = await openApp(ctx, baseURL);
      for (const want of ['webgpu', 'wasm', 'cpu']) {
        if (want !== 'webgpu') {
          await page.getByTestId('backend-select').selectOption(want);
          await waitFor(async () => (await waitForBackend(page)).startsWith(want), `backend ${want}`);
        }
        const r = await page.evaluate(() => window.__latentscan.selfTest(64));
        assert.equal(r.backend, want);
        // float32 matMul of 64-term sums of values in [-1, 1]: allow 1e-4 relative to the largest value.
        assert.ok(r.maxAbsDiff <= 1e-4 * r.scale, `${want}: |diff| ${r.maxAbsDiff} vs float64 reference (scale ${r.scale})`);
        assert.ok(r.cpuMaxAbsDiff <= 1e-4 * r.scale, `${want}: |diff| ${r.cpuMaxAbsDiff} vs tfjs cpu backend`);
      }
    },
  },
  {
    name: 'GPU device loss falls back to wasm with a visible notice',
    async fn({ baseURL, open }) {
      const ctx = await open();
      const { page, label } = await openApp(ctx, baseURL);
      assert.match(label, /^webgpu/);
      assert.equal(await page.evaluate(() => window.__latentscan.loseDevice()), true);
      const notice = await waitFor(async () => {
        const n = page.getByTestId('backend-notice');
        return (await n.count()) ? await n.textContent() : null;
      }, 'the device-loss notice');
      assert.match(notice, /GPU device was lost/);
      await waitFor(async () => (await waitForBackend(page)).startsWith('wasm'), 'label to switch to wasm');
      const r = await page.evaluate(() => window.__latentscan.selfTest(32));
      assert.equal(r.backend, 'wasm');
      assert.ok(r.maxAbsDiff <= 1e-4 * r.scale);
    },
  },
  {
    name: 'offline reload works after one visit',
    async fn({ baseURL, open }) {
      const ctx = await open();
      const { page } = await openApp(ctx, baseURL);
      await page.evaluate(() => window.__latentscan.serviceWorkerControlling());
      await ctx.setOffline(true);
      await page.reload();
      const label = await waitForBackend(page);
      assert.match(label, /^(webgpu|wasm|cpu)/);
      assert.equal(await page.title(), 'LatentScan');
      assert.equal(await page.evaluate(() => navigator.onLine), false, 'the context should be offline');
      const r = await page.evaluate(() => window.__latentscan.selfTest(16));
      assert.ok(r.maxAbsDiff <= 1e-4 * r.scale, 'worker computes offline');
      // A second page load in a new tab, still offline.
      const p2 = await ctx.newPage();
      await p2.goto(baseURL);
      await waitForBackend(p2);
    },
  },
];
