/**
 * One level-0 block of the LOCO ridge step (locoRidge.ts) as a self-contained job: genotypes of m variants
 * (packed 2-bit rows or dosage rows, as a GenotypeChunk carries them) → standardized columns on the analysed
 * samples (ordered by fold) → ridgeLevel0 → per response its L prediction columns as Float32, 0 on the rows
 * where the response is missing. The same function runs in-thread or in a worker (LocoPool), so the
 * results do not depend on the thread count.
 */
import { decodeDosages } from '../io/bedDecode';
import { decodeDosageRow } from '../io/dosageCode';
import { columns } from '../math/denseKernels';
import { ridgeLevel0 } from './ridgeLevel0';
import type { Level1Job, Level1Result } from './level1Response';

/** What every block of one run shares (sent once to each worker). */
export interface Level0Context {
  /** Genotype samples in the source. */
  nSamples: number;
  /** Genotype sample index of each analysed sample, in fold order. */
  idx: Int32Array;
  /** Scaled residual responses, column-major na x R (fold order), 0 where missing. */
  y: Float64Array;
  /** Per response: 1 where observed (fold order). */
  obs: Uint8Array[];
  /** Fold row offsets (K + 1). */
  offsets: Int32Array;
  lambdas: number[];
}

/** m variants of one block: packed rows (m x bytesPerVariant, .bed layout) or dosage rows (m x nSamples Uint16 codes, dosageCode.ts). */
export interface Level0Block {
  m: number;
  bytesPerVariant: number;
  packed?: Uint8Array;
  dosage?: Uint16Array;
}

/**
 * A pool of workers for the LOCO step (e.g. node worker_threads): level0Block per block and level1Response per
 * response; results must equal the in-thread functions'.
 */
export interface LocoPool {
  readonly size: number;
  init(ctx: Level0Context): Promise<void>;
  run(block: Level0Block): Promise<Float32Array[]>;
  level1(job: Level1Job): Promise<Level1Result>;
}

/** Standardizes dosages d (one per genotype sample) on the analysed samples into col; false if monomorphic. */
export function standardize(d: Float32Array, idx: Int32Array, col: Float64Array): boolean {
  const na = idx.length;
  let s = 0, nObs = 0;
  for (let i = 0; i < na; i++) { const v = d[idx[i]]; if (!Number.isNaN(v)) { s += v; nObs++; } }
  const mean = nObs ? s / nObs : 0;
  let ss = 0;
  for (let i = 0; i < na; i++) { const v = d[idx[i]]; if (!Number.isNaN(v)) ss += (v - mean) ** 2; }
  const sdv = nObs > 1 ? Math.sqrt(ss / (nObs - 1)) : 0;
  if (!(sdv > 1e-12)) { col.fill(0); return false; }
  for (let i = 0; i < na; i++) { const v = d[idx[i]]; col[i] = Number.isNaN(v) ? 0 : (v - mean) / sdv; }
  return true;
}

/**
 * Working arrays of level0Block, kept by its caller for one run of the step (the in-thread stream, or a worker
 * between its init messages): the standardized-genotype matrix (na x m Float64, 63 MB at n 20,000 x 400) would
 * otherwise be allocated and zero-filled again for every block.
 */
export interface Level0Scratch {
  g: Float64Array;
  d: Float32Array;
}

export function level0Scratch(): Level0Scratch {
  return { g: new Float64Array(0), d: new Float32Array(0) };
}

/** Level-0 predictions of one block: per response a Float32Array of L x na (column l at l * na). */
export function level0Block(ctx: Level0Context, block: Level0Block, scratch: Level0Scratch = level0Scratch()): Float32Array[] {
  const na = ctx.idx.length;
  const R = ctx.obs.length;
  const L = ctx.lambdas.length;
  if (scratch.g.length < na * block.m) scratch.g = new Float64Array(na * block.m);
  if (scratch.d.length !== ctx.nSamples) scratch.d = new Float32Array(ctx.nSamples);
  const g = scratch.g.subarray(0, na * block.m);
  const d = scratch.d;
  const gCols = columns(g, na, block.m);
  for (let v = 0; v < block.m; v++) {
    if (block.packed) decodeDosages(block.packed, v * block.bytesPerVariant, ctx.nSamples, d);
    else decodeDosageRow(block.dosage!, v * ctx.nSamples, ctx.nSamples, d);
    standardize(d, ctx.idx, gCols[v]);
  }
  const out = ridgeLevel0(gCols, columns(ctx.y, na, R), ctx.offsets, ctx.lambdas);
  const preds: Float32Array[] = [];
  for (let r = 0; r < R; r++) {
    const p = Float32Array.from(out.subarray(r * L * na, (r + 1) * L * na));
    const ok = ctx.obs[r];
    for (let l = 0; l < L; l++) for (let i = 0; i < na; i++) if (!ok[i]) p[l * na + i] = 0;
    preds.push(p);
  }
  return preds;
}
