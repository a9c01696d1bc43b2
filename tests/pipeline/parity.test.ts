/**
 * One pipeline for the app and the CLI: a simulated cohort through the worker session (src/app, what the
 * browser runs) and through `cli pipeline` with the same settings and the same defaults (covariates not
 * named: every covariate column that is not an E; k not given: defaultLatent) gives the same HSVs (max abs
 * difference <= 1e-6; hsv.tsv carries 9 significant digits), the same scan (every BETA, SE, P equal to 1e-12
 * relative, OBS_CT equal) and the same selected terms. Then `cli report --dir` on the pipeline's folder draws
 * the Manhattan and QQ plots from its analysis.json.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { cohortFiles } from '../../src/lib/sim/cohortFiles';
import { parseArgs } from '../../src/cli/args';
import { command as pipeline } from '../../src/cli/commands/pipeline';
import { command as report } from '../../src/cli/commands/report';
import { AnalysisSession } from '../../src/app/analysisSession';
import { bytesSource } from '../../src/lib/io/ByteSource';
import { parseAnalysis } from '../../src/lib/report/analysisJson';
import { DEFAULT_SELECTION } from '../../src/lib/select/selectionSettings';
import { defaultLatent, STRUCTURE_DEFAULTS } from '../../src/lib/pipeline/defaults';

let dir = '';
const files = new Map<string, Uint8Array>();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ls-parity-'));
  const c = simulateCohort({ n: 800, snps: 400, phenos: 16, seed: 9, factors: 2, plantedSnp: 2, plantedGxe: 1, plantedGxg: 1, termShares: [0.1] });
  for (const f of cohortFiles(c)) {
    writeFileSync(join(dir, f.name), f.data);
    files.set(f.name, typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** hsv.tsv (#FID IID HSV1..) as IID -> values. */
function readHsv(text: string): { names: string[]; rows: Map<string, number[]> } {
  const lines = text.trim().split('\n');
  const names = lines[0].split('\t').slice(2);
  const rows = new Map<string, number[]>();
  for (const l of lines.slice(1)) {
    const f = l.split('\t');
    rows.set(f[1], f.slice(2).map(Number));
  }
  return { names, rows };
}

describe('the app and the CLI run one pipeline', () => {
  it('same HSVs, scan and selected terms from the worker session and `cli pipeline`; report --dir draws the plots', async () => {
    const out = join(dir, 'cli');
    const gxgTop = 10;
    const argv = [
      '--pheno', join(dir, 'pheno.csv'), '--covar', join(dir, 'covar.csv'), '--env', 'smoking', '--gxg-top', String(gxgTop),
      '--bfile', join(dir, 'geno'), '--candidates', '1', '--max-epochs', '30', '--seed', '1', '--threads', '1', '--backend', 'cpu', '--out', out,
    ];
    await pipeline.run(parseArgs(argv, pipeline.options, 'pipeline'));

    // The same cohort through the worker session (tfjs cpu backend, set by the pipeline run above).
    const s = new AnalysisSession();
    const src = (name: string) => bytesSource(files.get(name)!, name);
    await s.loadTable('pheno', src('pheno.csv'));
    await s.loadTable('covar', src('covar.csv'));
    await s.loadGenotypes(['geno.bed', 'geno.bim', 'geno.fam'].map((n) => ({ name: n, src: src(n) })));
    await s.preparePhenotypes({});
    const tr = await s.train({ candidates: 1, maxEpochs: 30, seed: 1 }, 'cpu');
    // The pipeline's default structure adjustment (10 PCs + LOCO) is the app's: the session runs it once and
    // reuses it for the selection.
    const assoc = { env: ['smoking'], structure: { ...STRUCTURE_DEFAULTS } };
    const scan = await s.scan(assoc, undefined, undefined, 'wasm');
    expect(scan.covariates).toEqual(['age', 'sex', 'alcohol', 'exercise', ...Array.from({ length: 10 }, (_, i) => `PC${i + 1}`)]);
    const sel = await s.select({ ...assoc, selection: { ...DEFAULT_SELECTION, gxgTop } });

    // HSVs
    const cliHsv = readHsv(readFileSync(join(out, 'hsv.tsv'), 'utf8'));
    expect(tr.hsvNames).toEqual(cliHsv.names);
    expect(tr.hsvNames.length).toBe(defaultLatent(16));
    const t = s.trained!;
    const m = s.prepared!.matrix;
    const k = t.hsvNames.length;
    expect(cliHsv.rows.size).toBe(t.rows.length);
    let maxDiff = 0;
    t.rows.forEach((row, j) => {
      const c = cliHsv.rows.get(m.ids[row])!;
      for (let h = 0; h < k; h++) maxDiff = Math.max(maxDiff, Math.abs(c[h] - t.hsv[j * k + h]));
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-6);

    // Scans: the CLI's analysis.json against the session's record, test by test.
    const rec = parseAnalysis(readFileSync(join(out, 'analysis.json'), 'utf8'));
    const app = s.analysis.scans ?? [];
    const cli = rec.scans ?? [];
    expect(cli.map((x) => `${x.response} ${x.test}`)).toEqual(app.map((x) => `${x.response} ${x.test}`));
    expect(app.map((x) => x.test)).toContain('ADDxsmoking');
    const close = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));
    for (let i = 0; i < app.length; i++) {
      expect(Array.from(cli[i].id)).toEqual(Array.from(app[i].id));
      expect(Array.from(cli[i].obsCt!)).toEqual(Array.from(app[i].obsCt!));
      for (const f of ['beta', 'se', 'p'] as const) {
        const a = Array.from(app[i][f]!), b = Array.from(cli[i][f]!);
        expect(a.length).toBe(b.length);
        expect(a.every((v, j) => close(v, b[j])), `${app[i].response} ${app[i].test} ${f}`).toBe(true);
      }
    }
    expect(rec.cohort?.matchedSamples).toBe(s.analysis.cohort?.matchedSamples);

    // Selected terms
    const key = (x: { hsv: string; term: string; type: string }) => `${x.hsv} ${x.term} ${x.type}`;
    expect(sel.selected.length).toBeGreaterThan(0);
    expect((rec.selected ?? []).map(key)).toEqual(sel.selected.map(key));
    (rec.selected ?? []).forEach((x, i) => expect(Math.abs(x.beta - sel.selected[i].beta)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x.beta))));

    // report --dir on the pipeline's folder: Manhattan and QQ plots for every scan in the record.
    const html = join(out, 'report.html');
    await report.run(parseArgs(['--dir', out, '--out', html], report.options, 'report'));
    expect(existsSync(html)).toBe(true);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('Manhattan plot for HSV1');
    expect(text).toContain('QQ plot for HSV1');
    expect((text.match(/Manhattan plot for /g) ?? []).length).toBeGreaterThanOrEqual(app.length);
  });
});
