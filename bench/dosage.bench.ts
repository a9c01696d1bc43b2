/**
 * Dosage genotypes (issue 16): plink2 .pgen with dosages and UK Biobank-style .bgen, on the same data.
 * Inputs from `plink2 --dummy N M dosage-freq=0.6` (most genotypes non-integer dosages) -> .pgen, exported as
 * BGEN v1.2 (zlib, 8-bit, ref-first) and v1.3 (zstd, 16-bit, ref-first).
 *  - decode: our reader (bench/dosageDecodeChild.ts, a process of its own) over every dosage, MB/s of the
 *    file, vs `plink2 --freq` on the same file (reads every dosage); peak memory of ours at M/2 and M variants
 *    (it must not grow with the number of variants);
 *  - scan: `npm run cli -- scan` (the CLI bundle) of 4 responses on the .pgen and on the .bgen vs
 *    `plink2 --glm` on the same file.
 * Full: n = 20,000 x 20,000 variants; quick: 2,000 x 2,000.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { timed, type Timed } from './timed';
import { createRng } from '../src/lib/math/rng';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsxBin = join(root, 'node_modules/.bin/tsx');
const R = 4;

function plink2(args: string[], cwd: string): Timed {
  return timed('plink2', [...args, '--threads', '2'], cwd);
}

/** d.pgen/.pvar/.psam (M variants), h.* (the first M/2), d.bgen/.sample (v1.2), d13.bgen/.sample (v1.3), pheno.tsv. */
function makeInputs(dir: string, n: number, m: number): void {
  plink2(['--dummy', String(n), String(m), '0.01', 'acgt', 'dosage-freq=0.6', '--seed', '3', '--make-pgen', '--out', 'd'], dir);
  plink2(['--pfile', 'd', '--thin-count', String(m / 2), '--seed', '1', '--make-pgen', '--out', 'h'], dir);
  plink2(['--pfile', 'd', '--export', 'bgen-1.2', 'bits=8', 'ref-first', '--out', 'd'], dir);
  plink2(['--pfile', 'd', '--export', 'bgen-1.3', 'bits=16', 'ref-first', '--out', 'd13'], dir);
  // plink2 --dummy writes '#IID SEX PHENO1' (no FID column)
  const psam = readFileSync(join(dir, 'd.psam'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const rng = createRng(5);
  const lines = ['#IID\t' + Array.from({ length: R }, (_, k) => `R${k + 1}`).join('\t')];
  for (const [iid] of psam) lines.push(`${iid}\t${Array.from({ length: R }, () => rng.normal().toFixed(5)).join('\t')}`);
  writeFileSync(join(dir, 'pheno.tsv'), lines.join('\n') + '\n');
}

function decode(format: 'pgen' | 'bgen', path: string, dir: string) {
  const t = timed(tsxBin, [join(root, 'bench/dosageDecodeChild.ts'), format, path], dir);
  return { ...t, ...(JSON.parse(t.stdout.trim().split('\n').pop()!) as { seconds: number; bytes: number; variants: number; dosages: number; maxRssMB: number }), wall: t.seconds };
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 2_000 : 20_000;
  const m = opts.quick ? 2_000 : 20_000;
  const dir = opts.workDir;
  makeInputs(dir, n, m);
  const size = `n=${n} variants=${m} (plink2 --dummy dosage-freq=0.6)`;
  const rows: BenchRow[] = [];
  const inputs: { label: string; format: 'pgen' | 'bgen'; ours: string; half: string; plinkIn: string[] }[] = [
    { label: '.pgen with dosages', format: 'pgen', ours: 'd', half: 'h', plinkIn: ['--pfile', 'd'] },
    { label: '.bgen v1.2 zlib 8-bit', format: 'bgen', ours: 'd.bgen', half: '', plinkIn: ['--bgen', 'd.bgen', 'ref-first', '--sample', 'd.sample'] },
    { label: '.bgen v1.3 zstd 16-bit', format: 'bgen', ours: 'd13.bgen', half: '', plinkIn: ['--bgen', 'd13.bgen', 'ref-first', '--sample', 'd13.sample'] },
  ];
  for (const inp of inputs) {
    const full = decode(inp.format, inp.ours, dir);
    const half = inp.half ? decode(inp.format, inp.half, dir) : null;
    const ref = plink2([...inp.plinkIn, '--freq', '--out', `freq_${inp.format}`], dir);
    const mb = full.bytes / 1e6;
    rows.push({
      area: 'dosage',
      name: `decode ${inp.label} (every dosage) vs plink2 --freq`,
      size: `${size}, ${mb.toFixed(0)} MB`,
      ours: { seconds: full.wall, peakMB: full.maxRssMB, throughput: { value: mb / full.seconds, unit: 'MB/s' } },
      reference: { tool: `plink2 ${inp.plinkIn[0]} --freq --threads 2`, seconds: ref.seconds, peakMB: ref.peakMB },
      note: `${(full.dosages / 1e6 / full.seconds).toFixed(1)} M dosages/s in the reader (one thread)` +
        (half ? `; peak memory at ${half.variants} variants ${half.maxRssMB.toFixed(0)} MB vs ${full.maxRssMB.toFixed(0)} MB at ${full.variants}` : '') +
        '; wall time of the whole process for both',
    });
  }
  const runner = join(root, 'scripts/cli.mjs');
  timed(process.execPath, [runner, 'scan', '--help'], dir); // builds the CLI bundle when needed, outside the timings
  for (const inp of inputs.slice(0, 2)) {
    const genoArgs = inp.format === 'pgen' ? ['--pfile', 'd'] : ['--bgen', 'd.bgen', '--sample', 'd.sample'];
    const ours = timed(process.execPath, [runner, 'scan', ...genoArgs, '--pheno', 'pheno.tsv', '--out', `ours_${inp.format}`], dir);
    const ref = plink2([...inp.plinkIn, '--pheno', 'pheno.tsv', '--glm', 'allow-no-covars', '--out', `ref_${inp.format}`], dir);
    rows.push({
      area: 'dosage',
      name: `scan ADD on dosages, ${R} responses, ${inp.label} (cli scan vs plink2 --glm)`,
      size,
      ours: { seconds: ours.seconds, peakMB: ours.peakMB },
      reference: { tool: 'plink2 --glm --threads 2', seconds: ref.seconds, peakMB: ref.peakMB },
      note: 'wall time of the whole command for both (ours: the CLI bundle, node scripts/cli.mjs)',
    });
  }
  return rows;
}
