// The random search's candidates on train workers (src/platform/browser/browserTrainPool.ts, nested Web Workers
// started by the analysis worker): the default pool uses more than one worker, and the search's result equals
// the same search trained one candidate after another (?trainWorkers=1). Requests are checked by e2e/run.mjs.
import { assert, openApp, waitFor } from './assert.mjs';

const CANDIDATES = '4';
const EPOCHS = '40';

/** Loads the demo cohort, trains a small search on the HSV step, returns the training record and the wall time. */
async function trainDemo(open, url) {
  const ctx = await open();
  const { page, label } = await openApp(ctx, url);
  await page.getByTestId('load-demo').click();
  await waitFor(async () => (await page.getByTestId('geno-input-loaded').count()) > 0, 'demo cohort loaded', 120_000);
  await page.getByTestId('step-hsv').click();
  await page.getByTestId('candidates').fill(CANDIDATES);
  await page.getByTestId('max-epochs').fill(EPOCHS);
  const t0 = Date.now();
  await page.getByTestId('train').click();
  await waitFor(
    async () => (await page.getByTestId('train-summary').count()) > 0 && (await page.getByTestId('progress-train').count()) === 0,
    'trained',
    300_000,
    250,
  );
  const wall = (Date.now() - t0) / 1000;
  const training = await page.evaluate(() => window.__latentscan.training());
  const shown = await page.getByTestId('train-workers').textContent();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  return { training, shown: shown.replace(/\s+/g, ' ').trim(), wall, label, cores };
}

export const tests = [
  {
    name: 'train pool: the candidates train on several workers and equal the serial search',
    timeoutMs: 600_000,
    async fn({ baseURL, open }) {
      const pooled = await trainDemo(open, `${baseURL}?trainWorkers=2`);
      assert.match(pooled.label, /training on wasm/, `backend: ${pooled.label}`);
      assert.equal(pooled.training.workers, 2, `workers: ${pooled.training.workers}`);
      assert.equal(pooled.shown, `${CANDIDATES} candidates on 2 workers`);
      const serial = await trainDemo(open, `${baseURL}?trainWorkers=1`);
      assert.equal(serial.training.workers, 1);
      assert.equal(serial.shown, `${CANDIDATES} candidates on 1 worker`);
      const brief = (t) => t.candidates.map((c) => ({ hidden: c.hidden, seed: c.seed, epochs: c.epochs, trainLoss: c.trainLoss, valLoss: c.valLoss }));
      assert.equal(pooled.training.best, serial.training.best, 'best candidate');
      assert.equal(pooled.training.candidates[pooled.training.best].valLoss, serial.training.candidates[serial.training.best].valLoss, 'best validation loss');
      assert.deepEqual(brief(pooled.training), brief(serial.training), 'every candidate as trained serially');
      assert.deepEqual(pooled.training.loadingsAfter, serial.training.loadingsAfter, 'rotated loadings');
      console.log(
        `    ${CANDIDATES} candidates x ${EPOCHS} epochs (demo cohort, ${pooled.cores} cores): train click to summary ` +
          `${serial.wall.toFixed(1)} s on 1 worker, ${pooled.wall.toFixed(1)} s on 2 workers; search ` +
          `${serial.training.seconds.toFixed(1)} s vs ${pooled.training.seconds.toFixed(1)} s; best ${pooled.training.best + 1}, ` +
          `val loss ${pooled.training.candidates[pooled.training.best].valLoss}`,
      );
    },
  },
  {
    name: 'train pool: by default one worker per core but one (the page keeps a core), at most one per candidate',
    timeoutMs: 600_000,
    async fn({ baseURL, open }) {
      const r = await trainDemo(open, baseURL);
      const want = Math.max(1, Math.min(r.cores - 1, Number(CANDIDATES)));
      assert.equal(r.training.workers, want, `workers ${r.training.workers} with ${r.cores} cores`);
      if (r.cores > 2) assert.ok(r.training.workers > 1, 'more than one train worker on a machine with 3 or more cores');
    },
  },
];
