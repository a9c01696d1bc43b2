/**
 * Structure benchmark (scan --pca / --loco): on the same generated .bed files,
 *  - our genetic PCA (src/lib/relate/pca.ts geneticPca, k = 10, on the MAF >= 0.01 variants as
 *    src/lib/pipeline/structureStep.ts picks them; its passes on one worker thread per core, as the CLI runs them) vs
 *    `plink2 --bfile X --maf 0.01 --pca 10 approx --threads 2`:
 *    wall time and peak memory (/usr/bin/time -v) of both, plus the largest principal angle between the two
 *    top-10 PC subspaces and the largest relative eigenvalue difference (accuracy check beside the speed);
 *  - our LOCO ridge step (src/lib/relate/locoRidge.ts, REGENIE step 1) over 5 responses with age, sex and our
 *    PCs as covariates, as structureStep runs it: time and peak memory. No reference: regenie is not in
 *    Debian's archive (when a `regenie` is on PATH the note says so; it is not run by this bench yet).
 * Our steps run in child processes (bench/structureChild.ts) so that each peak RSS is that step's alone.
 * Inputs: the simulator's structured genotypes (src/lib/sim simulateStructuredGenotypes: 11 Balding-Nichols
 * groups, F = 0.02, 10% admixed, 10% in sibling pairs, 1% missing calls, 22 chromosomes), generated and written
 * block by block (bounded memory); responses = polygenic part (1% of variants, from the same pass) + group
 * shifts + noise. Full: n = 20,000 x 100,000 variants; quick: n = 2,000 x 5,000.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchRow } from './types';
import { timed, type Timed } from './timed';
import { createRng } from '../src/lib/math/rng';
import { svd } from '../src/lib/math/linalg';
import { simulateVariantInfo, type GenotypeSimOptions } from '../src/lib/sim/simulateGenotypes';
import { simulateStructuredGenotypes } from '../src/lib/sim/simulateStructuredGenotypes';
import { assignPopulation, groupFactorShifts, groupFrequencies } from '../src/lib/sim/simulateStructure';
import { bedHeader, formatBim, formatFam } from '../src/lib/io/writeBed';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsxBin = join(root, 'node_modules/.bin/tsx');
const K_PC = 10;
const R = 5;
const GROUPS = 11;
const F_ST = 0.02;
const BLOCK = 2_000;


/** Writes DIR/g.bed/.bim/.fam, DIR/pheno.tsv (R1..R5) and DIR/covar.tsv (age, sex); returns seconds taken. */
function makeInputs(dir: string, n: number, m: number): number {
  const t0 = performance.now();
  const rng = createRng(2024);
  const o: GenotypeSimOptions = { nSamples: n, nSnps: m, mafMin: 0.005, mafMax: 0.5, missingRate: 0.01, ldBlock: 0, ldRho: 0, chromosomes: 22 };
  const { variants, altFreq } = simulateVariantInfo(rng, o);
  const pop = assignPopulation(rng, { n, ancestryGroups: GROUPS, groupShares: Array(GROUPS).fill(1), admixedFraction: 0.1, siblingFraction: 0.1 });
  const poly = Array.from({ length: R }, () => new Float64Array(n));
  const fd = openSync(join(dir, 'g.bed'), 'w');
  writeSync(fd, bedHeader());
  for (let s = 0; s < m; s += BLOCK) {
    const bm = Math.min(BLOCK, m - s);
    const groupFreq = groupFrequencies(rng, altFreq.subarray(s, s + bm), GROUPS, F_ST);
    const effects = new Float64Array(R * bm);
    for (let v = 0; v < bm; v++) if (rng.next() < 0.01) for (let k = 0; k < R; k++) effects[k * bm + v] = rng.normal();
    // A block boundary acts as a chromosome start for the siblings' transmitted haplotypes (one extra switch).
    const g = simulateStructuredGenotypes(rng, {
      o: { ...o, nSnps: bm }, chrom: variants.chrom.slice(s, s + bm), groupFreq, pop, trueDosage: new Map(), polyEffects: effects, K: R,
    });
    writeSync(fd, g.packed);
    for (let k = 0; k < R; k++) for (let j = 0; j < n; j++) poly[k][j] += g.polygenic![k][j];
  }
  closeSync(fd);
  writeFileSync(join(dir, 'g.bim'), formatBim(variants));
  const ids = Array.from({ length: n }, (_, j) => `S${j + 1}`);
  const fids = ids.map((id, j) => (pop.family[j] >= 0 ? `FAM${pop.family[j] + 1}` : id));
  writeFileSync(join(dir, 'g.fam'), formatFam({ fid: fids, iid: ids }));
  const shifts = groupFactorShifts(rng, pop, R, 0.5).perPerson;
  const std = (x: Float64Array) => {
    let s = 0, ss = 0;
    for (const v of x) { s += v; ss += v * v; }
    const mu = s / x.length;
    const sd = Math.sqrt(Math.max(ss / x.length - mu * mu, 1e-12));
    return x.map((v) => (v - mu) / sd);
  };
  const zp = poly.map(std);
  const ph = ['#FID\tIID\t' + Array.from({ length: R }, (_, k) => `R${k + 1}`).join('\t')];
  const cv = ['#FID\tIID\tage\tsex'];
  for (let j = 0; j < n; j++) {
    const age = 30 + 40 * rng.next();
    const sex = rng.next() < 0.5 ? 1 : 2;
    const cells = Array.from({ length: R }, (_, k) => (Math.sqrt(0.3) * zp[k][j] + shifts[k][j] + 0.01 * (age - 50) + Math.sqrt(0.7) * rng.normal()).toFixed(5));
    ph.push(`${fids[j]}\t${ids[j]}\t${cells.join('\t')}`);
    cv.push(`${fids[j]}\t${ids[j]}\t${age.toFixed(1)}\t${sex}`);
  }
  writeFileSync(join(dir, 'pheno.tsv'), ph.join('\n') + '\n');
  writeFileSync(join(dir, 'covar.tsv'), cv.join('\n') + '\n');
  return (performance.now() - t0) / 1000;
}

/** Largest principal angle between the column spaces of two n x k row-major matrices (columns normalized). */
function maxAngle(a: Float64Array, b: Float64Array, n: number, k: number): number {
  const unit = (x: Float64Array) => {
    const y = x.slice();
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += y[j * k + c] ** 2;
      s = Math.sqrt(s);
      for (let j = 0; j < n; j++) y[j * k + c] /= s;
    }
    return y;
  };
  const A = unit(a), B = unit(b);
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[j * k + i] * B[j * k + c];
    m[i * k + c] = s;
  }
  const smin = Math.min(...Array.from(svd(m, k, k).s));
  return Math.acos(Math.min(1, smin));
}

function readEigenvec(path: string, n: number, k: number): Float64Array {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  if (lines.length !== n) throw new Error(`${path}: ${lines.length} rows, expected ${n}`);
  const v = new Float64Array(n * k);
  lines.forEach((l, j) => {
    const r = l.split('\t');
    for (let c = 0; c < k; c++) v[j * k + c] = Number(r[r.length - k + c]);
  });
  return v;
}

/** A file of Float64 values (a copy: readFileSync's Buffer may sit inside a shared pool). */
function float64File(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function childJson(t: Timed): Record<string, unknown> {
  return JSON.parse(t.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 2_000 : 20_000;
  const m = opts.quick ? 5_000 : 100_000;
  const dir = opts.workDir;
  const genS = makeInputs(dir, n, m);
  console.error(`  structure: inputs n=${n} variants=${m} written in ${genS.toFixed(1)} s`);
  const child = join(root, 'bench/structureChild.ts');

  const oursPca = timed(tsxBin, [child, 'pca', 'g', 'ours'], dir);
  const op = childJson(oursPca);
  console.error(`  structure: ours PCA ${oursPca.seconds.toFixed(1)} s, ${oursPca.peakMB?.toFixed(0)} MB`);
  const refPca = timed('plink2', ['--bfile', 'g', '--maf', '0.01', '--pca', String(K_PC), 'approx', '--threads', '2', '--seed', '1', '--out', 'ref'], dir);
  console.error(`  structure: plink2 PCA ${refPca.seconds.toFixed(1)} s, ${refPca.peakMB?.toFixed(0)} MB`);
  const ourVec = float64File(join(dir, 'ours.vec'));
  const ourVal = float64File(join(dir, 'ours.val'));
  const refVec = readEigenvec(join(dir, 'ref.eigenvec'), n, K_PC);
  const refVal = readFileSync(join(dir, 'ref.eigenval'), 'utf8').trim().split('\n').map(Number);
  const angle = maxAngle(ourVec, refVec, n, K_PC);
  const relEig = Math.max(...refVal.map((x, i) => Math.abs(ourVal[i] - x) / x));
  const log = readFileSync(join(dir, 'ref.log'), 'utf8');
  const refUsed = /(\d+) variants? remaining after main filters/.exec(log)?.[1] ?? '?';

  const oursLoco = timed(tsxBin, [child, 'loco', 'g', 'ours', dir], dir);
  const ol = childJson(oursLoco);
  console.error(`  structure: ours LOCO ${oursLoco.seconds.toFixed(1)} s, ${oursLoco.peakMB?.toFixed(0)} MB`);
  const regenieOnPath = !spawnSync('regenie', ['--version']).error;
  const size = `n=${n} variants=${m} (MAF>=0.01: ours ${op.used}, plink2 ${refUsed})`;
  return [
    {
      area: 'structure',
      name: 'genetic PCA k=10 (geneticPca vs plink2 --maf 0.01 --pca 10 approx)',
      size,
      ours: { seconds: oursPca.seconds, peakMB: oursPca.peakMB, throughput: { value: (n * Number(op.used) * Number(op.passes)) / 1e6 / Number(op.stepSeconds), unit: 'M genotypes/s (all passes)' } },
      reference: { tool: 'plink2 --pca 10 approx --threads 2', seconds: refPca.seconds, peakMB: refPca.peakMB },
      note:
        `largest principal angle between the top-10 subspaces ${angle.toExponential(2)} rad, max relative eigenvalue difference ${relEig.toExponential(2)}; ` +
        `ours ${op.passes} passes, PCA ${Number(op.stepSeconds).toFixed(1)} s + MAF pass ${Number(op.selectSeconds).toFixed(1)} s (the PCA on ${op.threads} worker threads), rest process start; ` +
        `CPU s (user+sys): ours ${oursPca.cpu?.toFixed(1)}, plink2 ${refPca.cpu?.toFixed(1)}; wall time of the whole process for both; inputs written in ${genS.toFixed(0)} s`,
    },
    {
      area: 'structure',
      name: `LOCO ridge (regenie step 1), ${R} responses, covariates age+sex+PC1-10`,
      size: `${size}, ${ol.nBlocks} blocks of up to ${ol.blockSize}`,
      ours: { seconds: oursLoco.seconds, peakMB: oursLoco.peakMB },
      note:
        `no reference: regenie is not in Debian's archive (apt-cache policy regenie: no candidate)${regenieOnPath ? '; a regenie is on PATH but this bench does not run it yet' : ', none installed'}; ` +
        `ridge step ${Number(ol.stepSeconds).toFixed(1)} s (level-0 blocks and the per-response level 1 on ${ol.threads} worker threads) + MAF pass ${Number(ol.selectSeconds).toFixed(1)} s, all LOCO predictions built; ` +
        `out-of-fold R^2 ${(ol.r2 as number[]).map((x) => x.toFixed(3)).join(', ')}; CPU s ${oursLoco.cpu?.toFixed(1)}`,
    },
  ];
}
