// Minimal assertions for the e2e specs (node:assert with messages that name what was checked).
import assert from 'node:assert/strict';
export { assert };

/** Waits for `fn` to return a truthy value, polling; throws with `what` on timeout. */
export async function waitFor(fn, what, timeoutMs = 30_000, everyMs = 200) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Opens the app and waits until the backend label shows a backend. Returns { page, label }. */
export async function openApp(context, baseURL, timeoutMs = 60_000) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(baseURL);
  const label = await waitForBackend(page, timeoutMs);
  return { page, label };
}

export async function waitForBackend(page, timeoutMs = 60_000) {
  const el = page.getByTestId('backend');
  return await waitFor(
    async () => {
      const t = (await el.textContent({ timeout: 1000 })) ?? '';
      return /^(webgpu|wasm|cpu)\b/.test(t.trim()) ? t.trim() : null;
    },
    'the backend label to show webgpu, wasm or cpu',
    timeoutMs,
  );
}
