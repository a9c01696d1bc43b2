/**
 * Pipeline step 4, factor discovery: Sure Independence Screening over SNP, E, SNPxE and SNPxSNP terms, then
 * penalized regression (src/lib/select) for every response, on the complete cases of the alignment (one
 * sample set for all responses, so each genotype pass serves them all). Returns the run (for the CLI's
 * tables) and its part of the Analysis record: the selected terms and the variants the selection's QC left out.
 */
import type { ProgressCallback } from '../base/progress';
import type { GenotypeSource } from '../io/GenotypeSource';
import type { KernelPool } from '../assoc/StatsKernel';
import { runSis, type SisInput, type SisOptions, type SisRun } from '../select/runSis';
import type { SelectPool } from '../select/selectPool';
import type { GpuKernelFactory } from '../select/screenGenotypes';
import type { ReasonCount, SelectedTermSummary } from '../report/Analysis';
import { pickCompleteCases, type AlignedSamples } from './alignSamples';
import { locoAdjusted, type LocoAdjustment } from './locoScan';

export type SelectOptions = Omit<SisOptions, 'signal' | 'onProgress' | 'pool' | 'gpu' | 'selectPool'>;

export interface SelectHooks {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  pool?: KernelPool;
  /** WebGPU kernels for the screening passes (instead of the pool). */
  gpu?: GpuKernelFactory;
  selectPool?: SelectPool;
}

export interface SelectStepResult {
  run: SisRun;
  /** The record's `selected`: every response's selected terms. */
  selected: SelectedTermSummary[];
  /** Variants the selection's own QC (MAF, call rate, no variation after covariates) left out. */
  qcDropped: ReasonCount[];
  seconds: number;
}

/**
 * `loco`: the structure step's LOCO predictions; the first screening round scores each variant against the
 * responses minus their prediction for the variant's chromosome (as the scan does).
 */
export async function selectStep(
  source: GenotypeSource,
  aligned: AlignedSamples,
  o: SelectOptions,
  hooks: SelectHooks = {},
  loco?: LocoAdjustment,
): Promise<SelectStepResult> {
  const t0 = performance.now();
  const run = await runSis(sisInputOf(source, aligned, loco), sisOptionsOf(o, hooks));
  return selectStepResult(run, o, t0);
}

/** The selection's input: the complete cases of the alignment (and the LOCO-adjusted responses per chromosome). */
export function sisInputOf(source: GenotypeSource, aligned: AlignedSamples, loco?: LocoAdjustment): SisInput {
  const { rowOf, n } = aligned;
  return {
    source,
    rowOf,
    n,
    responses: pickCompleteCases(aligned.responses, rowOf, n),
    covariates: pickCompleteCases(aligned.covariates, rowOf, n),
    env: pickCompleteCases(aligned.env, rowOf, n),
    locoResponses: loco ? (chrom) => pickCompleteCases(locoAdjusted(aligned.responses, loco, chrom), rowOf, n).map((c) => c.values) : undefined,
  };
}

export function sisOptionsOf(o: SelectOptions, hooks: SelectHooks): SisOptions {
  return { ...o, signal: hooks.signal, onProgress: hooks.onProgress, pool: hooks.pool, gpu: hooks.gpu, selectPool: hooks.selectPool };
}

/** The step's result from a run: the record's selected terms and the variants the selection's QC left out. */
export function selectStepResult(run: SisRun, o: SelectOptions, t0: number): SelectStepResult {
  const selected: SelectedTermSummary[] = run.responses.flatMap((r) =>
    r.selected.map((t) => ({ hsv: r.response, term: t.term, type: t.type, beta: t.beta, p: t.p, stability: t.stability ?? undefined, ...(t.a1 ? { a1: t.a1 } : {}) })),
  );
  const q = run.qc;
  const qcDropped = [
    { reason: `missing-call rate over ${o.qc.geno}`, count: q.lowCallRate },
    { reason: `MAF under ${o.qc.maf}`, count: q.lowMaf },
    { reason: 'no variation left after the covariates', count: q.constant },
  ].filter((r) => r.count > 0);
  return { run, selected, qcDropped, seconds: (performance.now() - t0) / 1000 };
}
