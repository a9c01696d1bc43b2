// plink2 .pgen/.pvar.zst/.psam and BGEN .bgen/.sample through the genotype input (issue 16): made by plink2
// from the simulated cohort's .bed in the test (needs plink2 on the PATH, as the oracle tests do), picked in
// pieces; the genotype summary gives the .bed's sample and variant counts; the .bgen takes its .bgen.bgi index
// (written with the sqlite3 CLI from the test fixtures' helper) and the REF-first / REF-last switch (the first
// variant's REF and ALT shown swap, and back); then it runs the default structure step (PCs and kinship from
// plink2-style hard calls, LOCO on dosages) and the scan on its dosages.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** Writes DIR/geno.bgen.bgi for DIR/geno.bgen with bgenix's schema (tests/io/bgiFixtures.ts, the sqlite3 CLI). */
function writeBgi(dir) {
  const code = `const { walkBgen, writeBgi } = require('./tests/io/bgiFixtures'); const { readFileSync } = require('node:fs');
    const b = ${JSON.stringify(dir)} + '/geno.bgen'; writeBgi(b + '.bgi', b, walkBgen(readFileSync(b)), { withoutRowid: true, pageSize: 1024 });`;
  execFileSync('npx', ['tsx', '-e', code], { stdio: 'pipe' });
}

async function textOf(page, testid, want, what) {
  return await waitFor(async () => {
    const e = page.getByTestId(testid);
    const t = (await e.count()) ? await e.textContent() : null;
    return t !== null && t.includes(want) ? t : null;
  }, what);
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
    name: '.bgen alone, then its .sample and .bgi; REF-first / REF-last switch; the default structure step (PCs from hard calls) and the scan run on it',
    timeoutMs: 600_000,
    async fn({ baseURL, open }) {
      const c = makeCohortFiles({ n: 200, snps: 200, phenos: 8, seed: 22 });
      plink2(['--bfile', 'geno', '--export', 'bgen-1.3', 'ref-first', '--out', 'geno'], c.dir);
      writeBgi(c.dir);
      // the first variant: .bim column 5 = ALT (A1), column 6 = REF (A2), which ref-first puts first in the .bgen
      const [, id, , , alt, ref] = readFileSync(c.path('geno.bim'), 'utf8').split('\n')[0].split(/\s+/);
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
      // its index, picked on its own: the .bgen (and .sample) are read again with it
      await page.getByTestId('geno-input').setInputFiles(c.path('geno.bgen.bgi'));
      await textOf(page, 'geno-input-loaded', 'geno.bgen.bgi', '.bgen read again with its .bgi');
      assert.equal(await genoText(page, '.bgen + .sample + .bgi'), '✓ geno.bgen + geno.sample + geno.bgen.bgi: 200 samples, 200 variants');
      assert.equal(await page.getByTestId('bgen-index').textContent(), 'index geno.bgen.bgi');
      // REF-first (the default, as the CLI's --bgen), then REF-last: the .bgen is opened again, REF and ALT swap
      assert.equal(await page.getByTestId('bgen-ref-order').inputValue(), 'ref-first');
      assert.equal(await page.getByTestId('bgen-first-variant').textContent(), `first variant ${id}: REF ${ref}, ALT ${alt}`);
      await page.getByTestId('bgen-ref-order').selectOption('ref-last');
      await textOf(page, 'bgen-first-variant', `REF ${alt}, ALT ${ref}`, 'REF and ALT swapped (ref-last)');
      assert.equal(await page.getByTestId('bgen-first-variant').textContent(), `first variant ${id}: REF ${alt}, ALT ${ref}`);
      assert.equal(await genoText(page, 'still loaded'), '✓ geno.bgen + geno.sample + geno.bgen.bgi: 200 samples, 200 variants');
      assert.equal(await page.getByTestId('geno-input-error').count(), 0);
      await page.getByTestId('bgen-ref-order').selectOption('ref-first');
      await textOf(page, 'bgen-first-variant', `REF ${ref}, ALT ${alt}`, 'back to ref-first');
      // 1 candidate, 30 epochs; the default structure step runs on the .bgen: PCs (and kinship) from hard calls
      // made as plink2 makes them, the LOCO step and the scan on the dosages
      await page.getByTestId('step-hsv').click();
      await page.getByTestId('candidates').fill('1');
      await page.getByTestId('max-epochs').fill('30');
      await page.getByTestId('step-data').click();
      await page.getByTestId('run-pipeline').click();
      await page.getByTestId('step-assoc').click();
      // Run all moves on to the Results step when it is done: the scan summary is read on the Association step,
      // shown again if the run went past it before the check saw it.
      const summary = async () => ((await page.getByTestId('scan-summary').count()) ? await page.getByTestId('scan-summary').textContent().catch(() => null) : null);
      await waitFor(async () => {
        if (await page.getByTestId('structure-error').count()) return true;
        if (await summary()) return true;
        if (await page.getByTestId('results-table').count()) await page.getByTestId('step-assoc').click();
        return false;
      }, 'scan summary', 300_000, 250);
      if (await page.getByTestId('structure-error').count()) throw new Error(`the structure step failed: ${await page.getByTestId('structure-error').textContent()}`);
      assert.match((await summary()) ?? '', /on 200 participants/);
      assert.equal(await page.getByTestId('structure-error').count(), 0);
    },
  },
];
