/**
 * Pipeline step 3, the genome scan: plink2 --glm linear statistics of every response in one pass over the
 * genotypes (ADD), and one SNPxE pass per environment factor (its ADDx<E> rows), on the CPU kernels, a worker
 * pool or WebGPU. A WebGPU device lost mid-scan is not fatal: that pass runs again on wasm, with a note.
 * Returns the runs (for streamed outputs) and its part of the Analysis record: the scans (when results are
 * kept), genomic-control lambdas and the samples left out, by reason.
 */
import { DeviceLostError } from '../base/errors';
import type { ProgressCallback } from '../base/progress';
import type { GenotypeSource, VariantFilter } from '../io/GenotypeSource';
import type { NamedColumn } from '../assoc/design';
import type { SampleMatrix } from '../assoc/kernel';
import { runScan, type ScanChunkResult, type ScanOptions, type ScanResult, type TestArrays } from '../assoc/runScan';
import type { KernelPool, ScanBackend, StatsKernel } from '../assoc/StatsKernel';
import type { ReasonCount, ScanResult as ReportScan } from '../report/Analysis';
import { runLocoScan, type LocoAdjustment } from './locoScan';
import { countedAlleleSource, COUNTED_ALLELE_DEFAULT, type CountedAllele } from '../io/countedAllele';

export interface ScanStepInput {
  source: GenotypeSource;
  /** Responses, covariates and E, one value per genotype sample (alignSamples). */
  responses: NamedColumn[];
  covariates: NamedColumn[];
  env: NamedColumn[];
  /** The LOCO ridge step's predictions (structureStep): each response minus its prediction for the variant's chromosome. */
  loco?: LocoAdjustment;
  /**
   * Columns (the genetic PCs) whose products with E join the covariates of E's SNPxE model, as PC x E: a GxE
   * test adjusted for PCs only as main effects stays confounded when E acts differently across ancestries
   * (Keller 2014, Biol Psychiatry 75:18). Measured on a structured cohort (docs/relatedness.md): ADDxE lambda up
   * to 1.32 without, 1.17 with.
   */
  envAdjust?: NamedColumn[];
}

/** The scan's test in words, for the record's parameters (what the PCs and the LOCO step changed). */
export function scanTestDescription(pcs: boolean, loco: boolean): string {
  return `plink2 --glm (ADD; ADDx<E> per E${pcs ? ', with PC x E covariates' : ''})${loco ? " on each HSV minus its LOCO prediction for the variant's chromosome" : ''}`;
}

/** `c x e` per sample (NaN where either is missing), named `<c>x<e>`. */
export function productColumn(c: NamedColumn, e: NamedColumn): NamedColumn {
  const values = new Float64Array(e.values.length);
  for (let i = 0; i < values.length; i++) values[i] = c.values[i] * e.values[i];
  return { name: `${c.name}x${e.name}`, values };
}

export interface ScanStepSettings {
  backend: ScanBackend;
  /** Run the marginal ADD pass (default true); false: only the SNPxE passes (CLI `scan --gxe E`). */
  marginal?: boolean;
  filter?: VariantFilter;
  chunkVariants?: number;
  omnibus?: boolean;
  /** Keep every statistic for the record (default true); false streams through onChunk only. */
  keepResults?: boolean;
  /** The counted allele: 'minor' (default; plink2 --glm's A1, countedAllele.ts) or 'alt' (plink2 omit-ref). */
  countedAllele?: CountedAllele;
}

export interface ScanStepHooks {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Each chunk's results, with the E of the pass (null for the marginal pass). */
  onChunk?: (env: string | null, c: ScanChunkResult) => void | Promise<void>;
  pool?: KernelPool;
  /** The WebGPU kernel factory (backend 'webgpu'): a browser device or Dawn in Node. */
  createGpuKernel?: (X: SampleMatrix) => Promise<StatsKernel>;
}

export interface ScanRun {
  env: string | null;
  result: ScanResult;
}

export interface ScanStepResult {
  runs: ScanRun[];
  /** The record's scans: ADD per response, and ADDx<E> per response and E (empty unless results are kept). */
  scans: ReportScan[];
  lambda: { response: string; test: string; lambda: number }[];
  /** Samples analysed (largest over responses), and genotyped samples not analysed, by reason. */
  analysed: number;
  dropped: ReasonCount[];
  /** The kernel that ran, and fallbacks that happened. */
  backend: string;
  notes: string[];
  seconds: number;
}

export async function scanStep(input: ScanStepInput, s: ScanStepSettings, hooks: ScanStepHooks = {}): Promise<ScanStepResult> {
  const t0 = performance.now();
  const notes: string[] = [];
  let backend = s.backend;
  const source = countedAlleleSource(input.source, s.countedAllele ?? COUNTED_ALLELE_DEFAULT);
  const once = async (gxe: NamedColumn | undefined): Promise<ScanResult> => {
    const opts: ScanOptions = {
      source,
      responses: input.responses,
      covariates: gxe && input.envAdjust?.length ? [...input.covariates, ...input.envAdjust.map((c) => productColumn(c, gxe))] : input.covariates,
      gxe,
      backend,
      filter: s.filter,
      chunkVariants: s.chunkVariants,
      omnibus: s.omnibus,
      keepResults: s.keepResults ?? true,
      pool: hooks.pool,
      createGpuKernel: backend === 'webgpu' ? hooks.createGpuKernel : undefined,
      onChunk: hooks.onChunk ? (c) => hooks.onChunk!(gxe?.name ?? null, c) : undefined,
    };
    const scan = (o: ScanOptions, h: { onProgress?: ProgressCallback; signal?: AbortSignal }) => (input.loco ? runLocoScan(o, input.loco, h) : runScan(o, h));
    try {
      return await scan(opts, { onProgress: hooks.onProgress, signal: hooks.signal });
    } catch (e) {
      if (backend !== 'webgpu' || !(e instanceof DeviceLostError) || hooks.onChunk) throw e;
      backend = 'wasm';
      notes.push(`The GPU device was lost during the scan (${e.message}); scanned again on wasm`);
      return await scan({ ...opts, backend, createGpuKernel: undefined }, { onProgress: hooks.onProgress, signal: hooks.signal });
    }
  };
  const runs: ScanRun[] = [];
  if (s.marginal ?? true) runs.push({ env: null, result: await once(undefined) });
  for (const e of input.env) runs.push({ env: e.name, result: await once(e) });
  const scans: ReportScan[] = [];
  const lambda: ScanStepResult['lambda'] = [];
  for (const run of runs) {
    for (const r of run.result.responses) {
      for (const t of r.tests) {
        if (run.env && !t.test.startsWith('ADDx')) continue; // the ADD and E rows of a GxE model are not the marginal scan
        lambda.push({ response: r.name, test: t.test, lambda: t.lambda });
        if (s.keepResults ?? true) scans.push(reportScan(r.name, t, run.result.variants));
      }
    }
  }
  const first = runs[0].result;
  const dropped: ReasonCount[] = [];
  if (first.summary.excludedMissingCovariate) dropped.push({ reason: 'missing covariate value', count: first.summary.excludedMissingCovariate });
  const analysed = Math.max(0, ...first.responses.map((r) => r.nAnalysed));
  const noResponse = first.summary.nSamples - analysed - first.summary.excludedMissingCovariate;
  if (noResponse > 0) dropped.push({ reason: 'genotyped but no response value', count: noResponse });
  return { runs, scans, lambda, analysed, dropped, backend: first.summary.backend, notes, seconds: (performance.now() - t0) / 1000 };
}

function reportScan(response: string, t: TestArrays, v: ScanResult['variants']): ReportScan {
  return {
    response,
    test: t.test,
    chrom: v.chrom,
    pos: v.pos,
    id: v.id,
    mlog10p: t.log10p,
    p: t.p,
    beta: t.beta,
    se: t.se,
    ref: v.ref,
    alt: v.alt,
    a1: v.a1,
    obsCt: t.obs,
    lambdaGc: t.lambda,
  };
}
