// Writes a small simulated cohort (IID-first CSVs and a PLINK trio) for the file-input tests, using the
// project's own CLI (`npm run cli -- simulate`), into a temp directory.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export function makeCohortFiles({ n = 400, snps = 500, phenos = 20, seed = 7 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'latentscan-e2e-cohort-'));
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'simulate', '--n', String(n), '--snps', String(snps), '--phenos', String(phenos), '--seed', String(seed), '--out', dir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`simulate failed: ${r.stderr || r.stdout}`);
  const files = readdirSync(dir);
  for (const f of ['geno.bed', 'geno.bim', 'geno.fam', 'pheno.csv', 'covar.csv']) {
    if (!files.includes(f)) throw new Error(`simulate did not write ${f} (wrote ${files.join(', ')})`);
  }
  return { dir, path: (f) => join(dir, f) };
}
