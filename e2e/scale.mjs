// The app at cohort scale (issue 17 item 4), measured, not a pass/fail spec: serves dist/, loads a simulated
// cohort's pheno.csv, covar.csv and geno.bed/.bim/.fam through the file inputs in headless Chromium, presses
// "Run all with defaults" and samples every 2 s until factor discovery is done:
// - the stage and ETA the progress panels show (each stage's first and last time seen);
// - the page's JS heap (performance.memory, precise) and each worker's (CDP Runtime.getHeapUsage on the
//   worker targets: the analysis worker and its train workers);
// - the resident memory of Chromium's processes by type (ps: renderer = page + its workers, wasm memory
//   included; gpu-process; the rest);
// - main-thread long tasks (> 50 ms: the UI's responsiveness).
// Usage: node e2e/scale.mjs [--n 20000] [--snps 100000] [--phenos 300] [--candidates K] [--dir COHORT]
//        [--gxg none|top|among|all] [--max-minutes M] [--out FILE.json]. Without --dir the cohort is simulated (`cli simulate`)
//        into a temp folder; --candidates and --gxg change those settings in the UI before the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, launchContext } from './browser.mjs';
import { startPreview } from './preview.mjs';
import { openApp, waitFor } from './specs/assert.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const n = Number(opt('n', '20000'));
const snps = Number(opt('snps', '100000'));
const phenos = Number(opt('phenos', '300'));
const candidates = opt('candidates', null);
const gxg = opt('gxg', null);
const maxMinutes = Number(opt('max-minutes', '240'));
const outFile = opt('out', null);

function cohortDir() {
  const given = opt('dir', null);
  if (given) return given;
  const dir = mkdtempSync(join(tmpdir(), 'latentscan-scale-'));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts/cli.mjs'), 'simulate', '--n', String(n), '--snps', String(snps), '--phenos', String(phenos), '--seed', '17', '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('cli simulate failed');
  console.log(`cohort: ${dir} (simulated in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return dir;
}

/** Resident MB of the browser's processes by type (renderer, gpu-process, other), from ps. */
function processMemory(browserPid) {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l);
    return { pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]) / 1024, args: m[4] };
  });
  // the browser process and its descendants
  const mine = new Set([browserPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (!mine.has(r.pid) && mine.has(r.ppid)) (mine.add(r.pid), (grew = true));
  }
  const by = { renderer: 0, gpu: 0, other: 0 };
  for (const r of rows) {
    if (!mine.has(r.pid)) continue;
    const type = /--type=renderer/.test(r.args) ? 'renderer' : /--type=gpu-process/.test(r.args) ? 'gpu' : 'other';
    by[type] += r.rss;
  }
  return by;
}

/** JS heap (used MB) of every worker target, through the page's CDP session (Target.sendMessageToTarget). */
function workerHeaps(cdp) {
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const m = JSON.parse(message);
    pending.get(m.id)?.(m.result);
    pending.delete(m.id);
  });
  const sessions = new Map();
  return async () => {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const out = {};
    for (const t of targetInfos.filter((x) => x.type === 'worker')) {
      try {
        let sessionId = sessions.get(t.targetId);
        if (!sessionId) {
          ({ sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false }));
          sessions.set(t.targetId, sessionId);
        }
        const id = nextId++;
        const got = new Promise((res) => pending.set(id, res));
        await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
        const r = await Promise.race([got, new Promise((res) => setTimeout(() => res(null), 2000))]);
        if (r) out[`${t.title || t.url.split('/').pop()}#${t.targetId.slice(0, 6)}`] = r.usedSize / 2 ** 20;
      } catch {
        // the worker ended
      }
    }
    return out;
  };
}

async function main() {
  const dir = cohortDir();
  for (const f of ['pheno.csv', 'covar.csv', 'geno.bed', 'geno.bim', 'geno.fam']) if (!existsSync(join(dir, f))) throw new Error(`${dir}/${f} missing`);
  const { proc, baseURL } = await startPreview();
  const h = await launchContext({ args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  const report = { n, snps, phenos, candidates: candidates ?? 'default', gxg: gxg ?? 'default', stages: {}, peak: { pageHeapMB: 0, workerHeapMB: {}, workerHeapSumMB: 0, rssMB: { renderer: 0, gpu: 0, other: 0 } }, longTasks: null, seconds: null, error: null };
  try {
    // the browser process: the oldest with our profile directory (launchContext) on its command line
    const browserPid = Number(execFileSync('pgrep', ['-o', '-f', 'latentscan-e2e-profile'], { encoding: 'utf8' }).trim());
    const { page } = await openApp(h.context, baseURL);
    const cdp = await h.context.newCDPSession(page);
    const heaps = workerHeaps(cdp);
    const t0 = Date.now();
    await page.getByTestId('pheno-input').setInputFiles(join(dir, 'pheno.csv'));
    await page.getByTestId('covar-input').setInputFiles(join(dir, 'covar.csv'));
    await page.getByTestId('geno-input').setInputFiles([join(dir, 'geno.bed'), join(dir, 'geno.bim'), join(dir, 'geno.fam')]);
    await waitFor(async () => (await page.getByTestId('geno-input-loaded').count()) > 0, 'genotypes loaded', 600_000, 1000);
    console.log(`loaded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${await page.getByTestId('geno-input-loaded').textContent()}`);
    if (candidates) {
      await page.getByTestId('step-hsv').click();
      await page.getByTestId('candidates').fill(candidates);
      await page.getByTestId('step-data').click();
    }
    if (gxg) {
      await page.getByTestId('step-assoc').click();
      await page.locator('[data-testid="sis-settings"] summary').click();
      await page.getByTestId('sis-gxg').selectOption(gxg);
      await page.getByTestId('step-data').click();
    }
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
      }).observe({ type: 'longtask', buffered: false });
    });
    const t1 = Date.now();
    await page.getByTestId('run-pipeline').click();
    let lastLog = 0;
    for (;;) {
      const s = (Date.now() - t1) / 1000;
      const panels = await page.locator('.progress[role="status"]').evaluateAll((els) => els.map((e) => ({ stage: e.querySelector('[data-testid="progress-stage"]')?.textContent?.trim() ?? '?', eta: e.querySelector('[data-testid="progress-eta"]')?.textContent?.trim() ?? '' })));
      for (const p of panels) {
        const st = (report.stages[p.stage] ??= { first: s, last: s });
        st.last = s;
      }
      const pageHeap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0) / 2 ** 20;
      report.peak.pageHeapMB = Math.max(report.peak.pageHeapMB, pageHeap);
      const wh = await heaps().catch(() => ({}));
      let sum = 0;
      for (const [k, v] of Object.entries(wh)) {
        report.peak.workerHeapMB[k] = Math.max(report.peak.workerHeapMB[k] ?? 0, v);
        sum += v;
      }
      report.peak.workerHeapSumMB = Math.max(report.peak.workerHeapSumMB, sum);
      const mem = processMemory(browserPid);
      for (const k of Object.keys(mem)) report.peak.rssMB[k] = Math.max(report.peak.rssMB[k], mem[k]);
      if (s - lastLog >= 30) {
        lastLog = s;
        console.log(`${s.toFixed(0)} s: ${panels.map((p) => `${p.stage} (${p.eta})`).join('; ') || '-'}; page heap ${pageHeap.toFixed(0)} MB, workers ${Object.values(wh).map((v) => v.toFixed(0)).join('+') || '-'} MB, renderer RSS ${mem.renderer.toFixed(0)} MB, gpu ${mem.gpu.toFixed(0)} MB`);
      }
      const alert = await page.locator('[role="alert"]').allTextContents();
      if (alert.some((t) => t.trim())) throw new Error(`the app reported: ${alert.join(' | ')}`);
      if ((await page.getByTestId('selected-method').count()) > 0 && panels.length === 0) break;
      if (s > maxMinutes * 60) throw new Error(`stopped after ${maxMinutes} minutes (stages seen: ${Object.keys(report.stages).join(', ')})`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    report.seconds = (Date.now() - t1) / 1000;
    const lt = await page.evaluate(() => window.__longTasks);
    report.longTasks = { count: lt.length, over200ms: lt.filter((d) => d > 200).length, maxMs: Math.max(0, ...lt) };
    console.log(`done in ${report.seconds.toFixed(0)} s`);
  } catch (e) {
    report.error = String(e?.message ?? e);
    console.error(report.error);
  } finally {
    await h.close();
    proc.kill();
  }
  console.log(JSON.stringify(report, null, 2));
  if (outFile) writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
  process.exit(report.error ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
