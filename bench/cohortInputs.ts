/**
 * Bench inputs: plink2 --dummy genotypes (1% missing calls) as PREFIX.bed/.bim/.fam, K normal responses
 * (PREFIX.pheno.tsv: HSV1..HSVK) and covariates age, sex, E1 (binary), E2, E3 (PREFIX.covar.tsv), seeded.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/lib/math/rng';

export function makeCohortInputs(dir: string, prefix: string, n: number, snps: number, K: number, seed: number): void {
  const r = spawnSync('plink2', ['--dummy', String(n), String(snps), '0.01', 'scalar-pheno', '--seed', String(seed), '--make-bed', '--out', join(dir, prefix)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plink2 --dummy failed (apt-get install -y plink2): ${r.stderr ?? r.error}`);
  const fam = readFileSync(join(dir, `${prefix}.fam`), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
  const rng = createRng(seed);
  const ph = ['#FID\tIID\t' + Array.from({ length: K }, (_, k) => `HSV${k + 1}`).join('\t')];
  const cv = ['#FID\tIID\tage\tsex\tE1\tE2\tE3'];
  for (const [fid, iid] of fam) {
    const cells: string[] = [];
    for (let k = 0; k < K; k++) cells.push(rng.normal().toFixed(5));
    ph.push(`${fid}\t${iid}\t${cells.join('\t')}`);
    cv.push(`${fid}\t${iid}\t${(30 + 40 * rng.next()).toFixed(1)}\t${rng.next() < 0.5 ? 1 : 0}\t${rng.next() < 0.3 ? 1 : 0}\t${rng.normal().toFixed(4)}\t${rng.normal().toFixed(4)}`);
  }
  writeFileSync(join(dir, `${prefix}.pheno.tsv`), ph.join('\n') + '\n');
  writeFileSync(join(dir, `${prefix}.covar.tsv`), cv.join('\n') + '\n');
}
