// The guided flow driven through the real UI: demo cohort end to end, files through the inputs, cancel,
// malformed input, offline after install. Every request of every test is checked by e2e/run.mjs.
import { assert, openApp, waitFor } from './assert.mjs';
import { makeCohortFiles } from './cohort.mjs';

async function resultRows(page) {
  return await page.locator('[data-testid="results-table"] tbody tr').count();
}

export const tests = [
  {
    name: 'demo cohort end to end: run all with defaults fills the results table',
    timeoutMs: 600_000,
    async fn({ baseURL, open }) {
      const ctx = await open();
      const { page } = await openApp(ctx, baseURL);
      await page.getByTestId('load-demo').click();
      await waitFor(async () => (await page.getByTestId('geno-input-loaded').count()) > 0, 'demo cohort loaded', 120_000);
      const run = page.getByTestId('run-pipeline');
      assert.equal(await run.isEnabled(), true);
      const t0 = Date.now();
      await run.click();
      await waitFor(async () => (await resultRows(page)) > 0, 'results table rows', 540_000, 500);
      const n = await resultRows(page);
      console.log(`    demo: ${n} result rows after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const p = await page.locator('[data-testid="results-table"] tbody tr').first().getByTestId('p-value').textContent();
      assert.match(p, /^\d\.\de-\d+$|^0\.\d+$/, `P value formatted for humans: ${p}`);
      assert.ok(await page.getByTestId('manhattan').locator('svg').count(), 'Manhattan plot drawn');
      assert.ok(await page.getByTestId('qq').locator('svg').count(), 'QQ plot drawn');
      const dl = page.waitForEvent('download');
      await page.getByTestId('export-sumstats').click();
      const d = await dl;
      assert.match(d.suggestedFilename(), /glm/);
    },
  },
];
