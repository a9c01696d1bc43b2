/**
 * Generates a small cohort on disk for oracle tests: PLINK .bed/.bim/.fam with missing calls, monomorphic and
 * all-missing variants, and phenotype/covariate TSVs (plink-style #FID IID) with missing values; runs plink2.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/lib/math/rng';

export interface OracleCohort {
  dir: string;
  prefix: string;
  n: number;
  nVariants: number;
  /** dosage[v*n + i], NaN = missing. */
  dosage: Float64Array;
  /** Per response values in .fam order (NaN = missing). */
  pheno: Record<string, Float64Array>;
  covar: Record<string, Float64Array>;
  phenoFile: string;
  covarFile: string;
}

export interface CohortOptions {
  n: number;
  nVariants: number;
  seed: number;
  responses?: number;
  missingCall?: number;
  missingPheno?: number;
  missingCovar?: number;
}

export function requirePlink2(): void {
  try {
    execFileSync('plink2', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('plink2 is not installed: the assoc oracle tests need it (apt-get install -y plink2)');
  }
}

export function makeCohort(o: CohortOptions): OracleCohort {
  const dir = mkdtempSync(join(tmpdir(), 'assoc-oracle-'));
  const rng = createRng(o.seed);
  const { n, nVariants } = o;
  const K = o.responses ?? 3;
  const bpv = Math.ceil(n / 4);
  const bed = new Uint8Array(3 + nVariants * bpv);
  bed.set([0x6c, 0x1b, 0x01]);
  const dosage = new Float64Array(nVariants * n);
  const bim: string[] = [];
  for (let v = 0; v < nVariants; v++) {
    const kind = v % 23;
    const f = kind === 7 ? 0.004 : 0.03 + 0.94 * rng.next();
    for (let i = 0; i < n; i++) {
      let g: number;
      if (kind === 5) g = NaN; // all missing
      else if (rng.next() < (o.missingCall ?? 0.02)) g = NaN;
      else if (kind === 3) g = 2; // monomorphic hom A1
      else if (kind === 11) g = 0; // monomorphic other
      else g = (rng.next() < f ? 1 : 0) + (rng.next() < f ? 1 : 0);
      dosage[v * n + i] = g;
      const code = Number.isNaN(g) ? 1 : g === 2 ? 0 : g === 1 ? 2 : 3;
      bed[3 + v * bpv + (i >> 2)] |= code << ((i & 3) * 2);
    }
    const chr = v < nVariants / 2 ? 1 : 2;
    bim.push(`${chr}\tv${v}\t0\t${1000 + v * 10}\tA\tG`);
  }
  const fam: string[] = [];
  for (let i = 0; i < n; i++) fam.push(`F${i}\tI${i}\t0\t0\t${1 + (i % 2)}\t-9`);
  const prefix = join(dir, 'g');
  writeFileSync(`${prefix}.bed`, bed);
  writeFileSync(`${prefix}.bim`, bim.join('\n') + '\n');
  writeFileSync(`${prefix}.fam`, fam.join('\n') + '\n');

  const covar: Record<string, Float64Array> = { age: new Float64Array(n), sex: new Float64Array(n), E: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    covar.age[i] = rng.next() < (o.missingCovar ?? 0.02) ? NaN : Math.round((30 + 40 * rng.next()) * 10) / 10;
    covar.sex[i] = 1 + (rng.next() < 0.5 ? 1 : 0);
    covar.E[i] = rng.next() < (o.missingCovar ?? 0.02) ? NaN : Math.round(rng.normal() * 1000) / 1000;
  }
  const pheno: Record<string, Float64Array> = {};
  for (let k = 0; k < K; k++) {
    const y = new Float64Array(n);
    const causal = [1 + k, 8 + k];
    for (let i = 0; i < n; i++) {
      let s = 0.02 * (Number.isNaN(covar.age[i]) ? 50 : covar.age[i]) + 0.3 * covar.sex[i];
      for (const c of causal) {
        const g = dosage[c * n + i];
        if (!Number.isNaN(g)) s += (k === 0 && c === 1 ? 1.5 : 0.35) * g + 0.25 * g * (Number.isNaN(covar.E[i]) ? 0 : covar.E[i]);
      }
      y[i] = rng.next() < (o.missingPheno ?? 0.05) ? NaN : Math.round((s + rng.normal()) * 1e5) / 1e5;
    }
    pheno[`y${k + 1}`] = y;
  }
  const fmt = (x: number) => (Number.isNaN(x) ? 'NA' : String(x));
  const phenoFile = join(dir, 'pheno.tsv');
  const covarFile = join(dir, 'covar.tsv');
  const names = Object.keys(pheno);
  writeFileSync(phenoFile, ['#FID\tIID\t' + names.join('\t'), ...Array.from({ length: n }, (_, i) => `F${i}\tI${i}\t${names.map((k) => fmt(pheno[k][i])).join('\t')}`)].join('\n') + '\n');
  writeFileSync(covarFile, ['#FID\tIID\tage\tsex\tE', ...Array.from({ length: n }, (_, i) => `F${i}\tI${i}\t${fmt(covar.age[i])}\t${fmt(covar.sex[i])}\t${fmt(covar.E[i])}`)].join('\n') + '\n');
  return { dir, prefix, n, nVariants, dosage, pheno, covar, phenoFile, covarFile };
}

export function runPlink2(args: string[], cwd: string): void {
  execFileSync('plink2', [...args, '--threads', '1', '--seed', '1'], { cwd, stdio: 'pipe' });
}

export interface GlmRow {
  chrom: string;
  pos: number;
  id: string;
  a1: string;
  test: string;
  obs: number;
  beta: number;
  se: number;
  t: number;
  p: number;
  /** -log10 P from the printed text (exact also below 1e-308). */
  log10p: number;
  err: string;
}

export function readGlm(path: string): GlmRow[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const ix = (name: string) => head.indexOf(name);
  const num = (s: string | undefined) => (s === undefined || s === 'NA' ? NaN : Number(s));
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return {
      chrom: f[ix('#CHROM')],
      pos: Number(f[ix('POS')]),
      id: f[ix('ID')],
      a1: f[ix('A1')],
      test: f[ix('TEST')],
      obs: Number(f[ix('OBS_CT')]),
      beta: num(f[ix('BETA')]),
      se: num(f[ix('SE')]),
      t: num(f[ix('T_STAT')]),
      p: num(f[ix('P')]),
      log10p: f[ix('P')] === 'NA' ? NaN : log10pOf(num(f[ix('P')]), f[ix('P')]),
      err: ix('ERRCODE') >= 0 ? f[ix('ERRCODE')] : '.',
    };
  });
}

/** -log10 of a printed P (plink2 prints down to 1e-308 and below as e.g. 1.2e-400). */
export function log10pOf(p: number, text?: string): number {
  if (text && /e-/.test(text)) {
    const [m, e] = text.split('e');
    return -(Math.log10(Number(m)) + Number(e));
  }
  return -Math.log10(p);
}
