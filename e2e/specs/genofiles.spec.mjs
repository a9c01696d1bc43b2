// plink2 .pgen/.pvar.zst/.psam and BGEN .bgen/.sample through the genotype input (issue 16): made by plink2
// from the simulated cohort's .bed in the test (needs plink2 on the PATH, as the oracle tests do), picked in
// pieces; the genotype summary gives the .bed's sample and variant counts; the .bgen (dosages) is refused by
// the genetic PCs (hard calls only) with a message, and scanned with them off.
import { execFileSync } from 'node:child_process';
import { assert, openApp, waitFor } from './assert.mjs';
import { makeCohortFiles } from './cohort.mjs';

function plink2(args, cwd) {
  execFileSync('plink2', ['--threads', '1', '--memory', '1024', ...args], { cwd, stdio: 'pipe' });
}

async function genoText(page, what, timeoutMs = 60_000) {
  return await waitFor(async () => {
    const e = page.getByTestId('geno-input-loaded');
    return (await e.count()) ? await e.textContent() : null;
  }, what, timeoutMs);
}

async function pendingText(page, what) {
  return await waitFor(async () => {
    const e = page.getByTestId('geno-input-pending');
    return (await e.count()) ? await e.textContent() : null;
  }, what);
}

export const tests = [
  {
    name: '.pgen + .pvar.zst + .psam picked in pieces: the missing file is named, then the summary gives the counts',
    async fn({ baseURL, open }) {
      const c = makeCohortFiles({ n: 150, snps: 120, phenos: 5, seed: 21 });
      plink2(['--bfile', 'geno', '--make-pgen', 'vzs', '--out', 'geno'], c.dir);
      const ctx = await open();
      const { page } = await openApp(ctx, baseURL);
      await page.getByTestId('pheno-input').setInputFiles(c.path('pheno.csv'));
      await page.getByTestId('geno-input').setInputFiles([c.path('geno.pgen'), c.path('geno.psam')]);
      assert.equal(await pendingText(page, 'the pending-files note'), 'Got geno.pgen, geno.psam; add the .pvar (or .pvar.zst) file.');
      await page.getByTestId('geno-input').setInputFiles(c.path('geno.pvar.zst'));
      assert.equal(await genoText(page, '.pgen set loaded'), '✓ geno.pgen + geno.pvar.zst + geno.psam: 150 samples, 120 variants');
      assert.equal(await page.getByTestId('geno-input-pending').count(), 0);
      assert.equal(await page.getByTestId('geno-input-error').count(), 0);
      await waitFor(async () => /Of 150 genotyped participants,\s*150 have phenotypes/.test((await page.getByTestId('sample-overlap').textContent().catch(() => '')) ?? ''), 'IDs matched');
    },
  },
  {
    name: '.bgen alone, then its .sample; genetic PCs refused with a message, the scan runs with them off',
    timeoutMs: 600_000,
    async fn({ baseURL, open }) {
      const c = makeCohortFiles({ n: 200, snps: 200, phenos: 8, seed: 22 });
      plink2(['--bfile', 'geno', '--export', 'bgen-1.3', 'ref-first', '--out', 'geno'], c.dir);
      const ctx = await open();
      const { page } = await openApp(ctx, baseURL);
      await page.getByTestId('pheno-input').setInputFiles(c.path('pheno.csv'));
      await page.getByTestId('geno-input').setInputFiles(c.path('geno.bgen'));
      assert.equal(await genoText(page, '.bgen loaded'), '✓ geno.bgen: 200 samples, 200 variants');
      // the .sample on its own: the .bgen is read again with it
      await page.getByTestId('geno-input').setInputFiles(c.path('geno.sample'));
      await waitFor(async () => /\.sample/.test((await page.getByTestId('geno-input-loaded').textContent()) ?? ''), '.bgen read again with its .sample');
      assert.equal(await genoText(page, '.bgen + .sample'), '✓ geno.bgen + geno.sample: 200 samples, 200 variants');
      await waitFor(async () => /Of 200 genotyped participants,\s*200 have phenotypes/.test((await page.getByTestId('sample-overlap').textContent().catch(() => '')) ?? ''), 'IDs matched');
      // 1 candidate, 30 epochs; with the default 10 genetic PCs the structure step says why it cannot run
      await page.getByTestId('step-hsv').click();
      await page.getByTestId('candidates').fill('1');
      await page.getByTestId('max-epochs').fill('30');
      await page.getByTestId('step-data').click();
      await page.getByTestId('run-pipeline').click();
      await page.getByTestId('step-assoc').click();
      const refused = await waitFor(async () => {
        const e = page.getByTestId('structure-error');
        return (await e.count()) ? await e.textContent() : null;
      }, 'the structure step refusing the .bgen', 300_000, 250);
      assert.equal(
        refused,
        'geno.bgen: genetic PCs need hard calls, and a .bgen holds dosages only; set the genetic PCs to 0 (--pca 0), or convert the file to hard calls (plink2 --bgen FILE ref-first --make-bed) and use the .bed',
      );
      // no PCs (the LOCO step reads dosages): the scan runs on the .bgen's dosages
      await page.locator('[data-testid="structure-settings"] summary').click();
      await page.getByTestId('structure-pcs').fill('0');
      await page.getByTestId('scan').click();
      await waitFor(async () => (await page.getByTestId('scan-summary').count()) > 0, 'scan summary', 300_000, 250);
      assert.match(await page.getByTestId('scan-summary').textContent(), /on 200 participants/);
      assert.equal(await page.getByTestId('structure-error').count(), 0);
    },
  },
];
