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

/** Writes `<dir>/geno.vcf.gz` (gzip) with the hard calls of geno.bed/.bim/.fam (A1 = ALT, as plink2 exports). */
export async function writeVcfGz(dir) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { gzipSync } = await import('node:zlib');
  const bed = readFileSync(join(dir, 'geno.bed'));
  const bim = readFileSync(join(dir, 'geno.bim'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
  const fam = readFileSync(join(dir, 'geno.fam'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
  const n = fam.length;
  const bpv = Math.ceil(n / 4);
  const GT = ['1/1', './.', '0/1', '0/0']; // 00 = two A1 (ALT), 01 missing, 10 het, 11 zero A1
  const lines = ['##fileformat=VCFv4.2', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'];
  lines.push(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...fam.map((f) => f[1])].join('\t'));
  bim.forEach((b, v) => {
    const calls = [];
    for (let j = 0; j < n; j++) calls.push(GT[(bed[3 + v * bpv + (j >> 2)] >> (2 * (j & 3))) & 3]);
    lines.push([b[0], b[3], b[1], b[5], b[4], '.', 'PASS', '.', 'GT', ...calls].join('\t'));
  });
  const path = join(dir, 'geno.vcf.gz');
  writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
  return path;
}
