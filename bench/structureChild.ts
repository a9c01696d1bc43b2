/**
 * Child process of bench/structure.bench.ts, so that the peak resident memory of each of our steps is that
 * of a process of its own (measured by the parent with /usr/bin/time -v, and here as maxRSS).
 *
 *   tsx bench/structureChild.ts pca  PREFIX OUT          -> OUT.vec (n x 10 Float64, row-major), OUT.val (Float64)
 *   tsx bench/structureChild.ts loco PREFIX PCS DIR      -> ridge step on DIR/pheno.tsv (5 responses) with
 *                                                          DIR/covar.tsv (age, sex) and the PCs in PCS.vec
 *
 * Both first pick the variants as the pipeline does (src/lib/pipeline/structureStep.ts usableVariants: MAF >= 0.01
 * over all genotype samples), then run geneticPca (k = 10) or locoRidge. Prints one JSON line on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openGenotypes } from '../src/cli/openGenotypes';
import type { GenotypeSource } from '../src/lib/io/GenotypeSource';
import { chunkVariantStats } from '../src/lib/io/variantQc';
import { geneticPca } from '../src/lib/relate/pca';
import { locoRidge } from '../src/lib/relate/locoRidge';
import { createNodeLocoPool } from '../src/platform/node/nodeLocoPool';
import { createNodePcaPool } from '../src/platform/node/nodePcaPool';
import { availableParallelism } from 'node:os';

const K = 10;

/** Same rule as structureStep's usableVariants (not exported): 1 = MAF >= maf over the non-missing calls. */
async function usableVariants(source: GenotypeSource, maf: number): Promise<Uint8Array> {
  const include: number[] = [];
  for await (const c of source.chunks({})) {
    const s = chunkVariantStats(c);
    for (let v = 0; v < c.count; v++) {
      const f = s.obs[v] > 0 ? s.a1[v] / (2 * s.obs[v]) : 0;
      include[c.start + v] = Math.min(f, 1 - f) >= maf && s.obs[v] > 0 ? 1 : 0;
    }
  }
  return Uint8Array.from(include);
}

/** Columns of a tab-separated file with a `#FID IID ...` header, by name, aligned on IID order of `iid`. */
function readColumns(path: string, iid: string[]): { name: string; values: Float64Array }[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const row = new Map<string, string[]>();
  for (const l of lines.slice(1)) {
    const c = l.split('\t');
    row.set(c[1], c);
  }
  return head.slice(2).map((name, h) => {
    const values = new Float64Array(iid.length);
    iid.forEach((id, j) => {
      const cell = row.get(id)?.[h + 2];
      values[j] = cell === undefined || cell === 'NA' ? NaN : Number(cell);
    });
    return { name, values };
  });
}

/** A file of Float64 values (a copy: readFileSync's Buffer may sit inside a shared pool). */
function float64File(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

async function main(): Promise<void> {
  const [mode, prefix, out, dir] = process.argv.slice(2);
  const t0 = performance.now();
  const src = await openGenotypes({ bfile: prefix });
  const include = await usableVariants(src, 0.01);
  const used = include.reduce((a, b) => a + b, 0);
  const tSel = (performance.now() - t0) / 1000;
  if (mode === 'pca') {
    // As the CLI runs it (src/cli/structureArgs.ts runStructure): the passes on one worker per core.
    const threads = availableParallelism();
    const pool = threads > 1 ? createNodePcaPool(threads) : undefined;
    const r = await geneticPca(src, { k: K, include, pool }).finally(() => pool?.close());
    writeFileSync(`${out}.vec`, new Uint8Array(r.vectors.buffer, r.vectors.byteOffset, r.vectors.byteLength));
    writeFileSync(`${out}.val`, new Uint8Array(r.eigenvalues.buffer, r.eigenvalues.byteOffset, r.eigenvalues.byteLength));
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ seconds, selectSeconds: tSel, stepSeconds: r.seconds, passes: r.iterations, used, nVariants: r.nVariants, threads, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  } else if (mode === 'loco') {
    const n = src.samples.iid.length;
    const vec = float64File(`${out}.vec`);
    if (vec.length !== n * K) throw new Error(`${out}.vec: ${vec.length} values, expected ${n * K}`);
    const pcs = Array.from({ length: K }, (_, c) => ({ name: `PC${c + 1}`, values: Float64Array.from({ length: n }, (_, j) => vec[j * K + c]) }));
    const responses = readColumns(join(dir, 'pheno.tsv'), src.samples.iid);
    const covariates = [...readColumns(join(dir, 'covar.tsv'), src.samples.iid), ...pcs];
    // As the CLI runs it (src/cli/structureArgs.ts runStructure): on one worker per core.
    const threads = availableParallelism();
    const pool = createNodeLocoPool(threads);
    const r = await locoRidge(src, { responses, covariates }, { include, pool }).finally(() => pool.close());
    // the LOCO predictions are built lazily: make every one the scan would ask for, as the scan does
    for (let k = 0; k < responses.length; k++) for (const c of r.chromosomes) r.prediction(k, c);
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({
      seconds, selectSeconds: tSel, stepSeconds: r.seconds, used, nBlocks: r.nBlocks, blockSize: r.blockSize, threads, nAnalysed: r.nAnalysed,
      r2: r.level1.map((l) => l.r2), maxRssMB: process.resourceUsage().maxRSS / 1024,
    }));
  } else throw new Error(`mode ${mode}: expected pca or loco`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
