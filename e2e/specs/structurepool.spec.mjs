// The structure step on structure workers (src/platform/browser/browserStructurePool.ts, nested Web Workers started
// by the analysis worker): with ?structureWorkers=2 the genetic PCA's passes and the LOCO step's jobs run on two
// workers, and the PCs and LOCO fits equal those of the step run in the analysis worker (?structureWorkers=1), bit
// for bit. Requests are checked by e2e/run.mjs.
import { assert, openApp, waitFor } from './assert.mjs';

/** Loads the demo cohort, trains one quick candidate, runs the scan (with its structure step); returns the record's structure. */
async function structureOfDemo(open, url) {
  const ctx = await open();
  const { page } = await openApp(ctx, url);
  await page.getByTestId('load-demo').click();
  await waitFor(async () => (await page.getByTestId('geno-input-loaded').count()) > 0, 'demo cohort loaded', 120_000);
  await page.getByTestId('step-hsv').click();
  await page.getByTestId('candidates').fill('1');
  await page.getByTestId('max-epochs').fill('20');
  await page.getByTestId('train').click();
  await waitFor(async () => (await page.getByTestId('train-summary').count()) > 0 && (await page.getByTestId('progress-train').count()) === 0, 'trained', 300_000, 250);
  await page.getByTestId('step-assoc').click();
  const t0 = Date.now();
  await page.getByTestId('scan').click();
  await waitFor(async () => (await page.getByTestId('scan-summary').count()) > 0, 'scan with structure', 300_000, 250);
  const wall = (Date.now() - t0) / 1000;
  const structure = await page.evaluate(() => window.__latentscan.structure());
  await ctx.close();
  return { structure, wall };
}

export const tests = [
  {
    name: 'structure pool: PCA and LOCO on 2 structure workers equal the step in the analysis worker',
    timeoutMs: 600_000,
    async fn({ baseURL, open }) {
      const pooled = await structureOfDemo(open, `${baseURL}?structureWorkers=2`);
      const single = await structureOfDemo(open, `${baseURL}?structureWorkers=1`);
      assert.equal(pooled.structure.workers, 2, `workers: ${pooled.structure.workers}`);
      assert.equal(single.structure.workers, 1, `workers: ${single.structure.workers}`);
      assert.equal(pooled.structure.pca.k, 10);
      assert.deepEqual(Array.from(pooled.structure.pca.eigenvalues), Array.from(single.structure.pca.eigenvalues), 'eigenvalues');
      assert.deepEqual(Array.from(pooled.structure.pca.vectors), Array.from(single.structure.pca.vectors), 'PCs, bit for bit');
      assert.ok(pooled.structure.locoR2.length > 0, 'LOCO fits');
      assert.deepEqual(pooled.structure.locoR2, single.structure.locoR2, 'LOCO out-of-fold R^2');
      console.log(
        `    structure step + scan (demo cohort): ${single.wall.toFixed(1)} s in the analysis worker, ${pooled.wall.toFixed(1)} s on 2 structure workers; ` +
          `step ${single.structure.seconds?.toFixed(1)} s vs ${pooled.structure.seconds?.toFixed(1)} s`,
      );
    },
  },
];
