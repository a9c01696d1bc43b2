/**
 * Factor discovery for one or more responses (HSVs): Sure Independence Screening over SNPs, environment
 * factors E, SNPxE and SNPxSNP, then penalized regression on the screened terms, optional vanilla ISIS
 * rounds and selection stability by subsampling.
 *
 * Model: y = C a + sum_j f_j b_j + e, covariates C (with intercept) adjusted for by residualizing y and every
 * feature on C (never screened or penalized). Features (Feature.ts) are raw products of mean-imputed dosages;
 * in the penalized fit an interaction's column is also residualized on both parents (featureMatrix), so it
 * means "beyond its parents" there as in its screening score and P (docs/selection.md).
 * Screening keeps the top d by |corr(f_j, y)| (default d = floor(n / log n) as the SIS R package), one
 * genotype pass for SNP and SNPxE of all responses, one more (per batch of partners) for SNPxSNP.
 */
import { countedAlleleSource, COUNTED_ALLELE_DEFAULT, type CountedAllele } from '../io/countedAllele';
import type { ProgressCallback } from '../base/progress';
import type { GenotypeSource } from '../io/GenotypeSource';
import { createRng } from '../math/rng';
import type { KernelPool } from '../assoc/StatsKernel';
import { covariateBasis, residualize, type CovariateBasis } from './CovariateBasis';
import type { Feature, FeatureType } from './Feature';
import { isisRounds } from './isisRounds';
import { penaltySpec, type PenaltyKind, type PenaltySpec } from './penalty';
import type { GpuKernelFactory, PairMode, QcCounts, QcOptions, TargetsFor, VariantInfo } from './screenGenotypes';
import { screenRound, type ScreenResult, type ScreenStats } from './screenRound';
import { fullView, type ScreenView } from './ScreenView';
import type { EbicPrior } from './ebicPrior';
import type { TuneKind } from './selectPenalized';
import type { SelectPool } from './selectPool';
import { selectResponses, type SelectionState } from './selectResponses';
import type { SisProblem } from './SisProblem';
import { stabilitySelection } from './stabilitySelection';
import { TopK } from './TopK';

export type { Candidate } from './Candidate';
export { rowsFor } from './Candidate';
export { featureMatrix } from './featureMatrix';
export { stabilityFrequencies } from './stabilitySelection';

export interface NamedColumn {
  name: string;
  /** Values on the analysed rows (no missing values). */
  values: ArrayLike<number>;
}

export interface SisInput {
  source: GenotypeSource;
  /** For each genotype-source sample, its analysis row (0..n-1) or -1. */
  rowOf: Int32Array;
  n: number;
  responses: NamedColumn[];
  covariates: NamedColumn[];
  env: NamedColumn[];
  /**
   * The LOCO adjustment (regenie step 2): each response minus its LOCO prediction for a chromosome (normalized
   * code), on the analysed rows, in the order of `responses`. The first screening round scores a variant
   * against these for its chromosome; the penalized fit, ISIS rounds, CV folds and stability subsamples use
   * `responses` (docs/selection.md: LOCO and the joint fit).
   */
  locoResponses?: (chrom: string) => ArrayLike<number>[];
}

export type GxgMode = 'none' | PairMode;

export interface SisOptions {
  /** Terms kept by screening; default floor(n / log n). */
  nsis?: number;
  gxg: GxgMode;
  /** Top marginal SNPs paired (default 50). */
  gxgTop: number;
  penalty: PenaltyKind;
  alpha?: number;
  /**
   * EBIC/BIC: penalties whose paths' active sets are also scored (default ['lasso'] unless the penalty is
   * the lasso): the criterion picks among the refits of every set visited (docs/selection.md).
   */
  extraPaths?: PenaltyKind[];
  tune: TuneKind;
  ebicGamma?: number | 'auto';
  /** EBIC counts an interaction next to a selected parent against that parent's partners only (heredityModelCount). */
  ebicHeredity?: boolean;
  /** EBIC's model-space prior: per class of term (default 'by-class', He & Chen 2016) or one pooled universe. */
  ebicPrior?: EbicPrior;
  /**
   * 'weak': an interaction (GxE, GxG) is selected only next to one of its parents (selectPenalized `heredity`);
   * 'none' (default here; the pipeline, the app and `cli sis` default to 'weak', selectionSettings): any term.
   */
  heredity?: 'weak' | 'none';
  /**
   * The counted allele of SNP terms (default 'minor': plink2 --glm's A1, as the scan; src/lib/io/countedAllele.ts).
   * Screening scores and selections do not depend on it (interactions are built with their parents projected
   * out); a SNP term's BETA changes sign, and the A1 column says which allele it counts.
   */
  countedAllele?: CountedAllele;
  folds?: number;
  /** Vanilla ISIS rounds after the first selection (0 = plain SIS). */
  iter: number;
  /** Subsamples for selection stability (0 = off). */
  stability: number;
  /** Fraction of samples per subsample (default 0.5). */
  stabilityFraction?: number;
  seed: number;
  qc: QcOptions;
  dfMax?: number;
  maxPairCells?: number;
  /** CPU worker pool for the kernel passes (platform/node/nodeKernelPool); in-thread when absent. */
  pool?: KernelPool;
  /** WebGPU kernels for the screening passes (SNP, SNPxE, SNPxSNP) instead of the CPU; see screenGenotypes. */
  gpu?: GpuKernelFactory;
  /** Worker pool for the penalized selection, one response per worker (platform/node/nodeSelectPool). */
  selectPool?: SelectPool;
  chunkVariants?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** One-line messages about what is happening (CLI prints them). */
  log?: (msg: string) => void;
}

export interface ScreenedTerm {
  feature: Feature;
  term: string;
  type: FeatureType;
  /**
   * Screening score: correlation with the response, both residualized on the covariates (interactions: on
   * the covariates and both parents); ISIS rounds: with the round's residual.
   */
  score: number;
  rank: number;
  /** ISIS round in which the term was screened in (0 = SIS). */
  round: number;
}

export interface SelectedTerm {
  feature: Feature;
  term: string;
  type: FeatureType;
  chrom: string;
  pos: number;
  /** The counted allele of the term's SNP(s) ('A' for a SNP or GxE term, 'A:G' for GxG; '' for E). */
  a1: string;
  /** Refitted (unpenalized) joint coefficient per unit of the feature (dosage, E; an interaction: the product with its parents projected out). */
  beta: number;
  /** Penalized coefficient at the chosen lambda, same scale. */
  betaPenalized: number;
  /** Partial correlation of the term with the response given the covariates (interactions: and parents). */
  marginalR: number;
  /** Marginal P: t test of that partial correlation (the scan's test of the term, mean-imputed genotypes). */
  p: number;
  /** Selection frequency over the subsamples, or null when stability was not run. */
  stability: number | null;
  parents: string[];
  parentsSelected: boolean[];
}

export interface ResponseSelection {
  response: string;
  n: number;
  /** Candidate universe size counted by EBIC. */
  universe: number;
  d: number;
  screened: ScreenedTerm[];
  selected: SelectedTerm[];
  lambda: number;
  gamma: number;
  isisRounds: number;
  stoppedAtDfMax: boolean;
}

export interface SisRun {
  n: number;
  responses: ResponseSelection[];
  qc: QcCounts;
  universe: { snp: number; env: number; gxe: number; gxg: number[] };
  penalty: PenaltyKind;
  tune: TuneKind;
  /** EBIC's model-space prior (with tune ebic / bic). */
  ebicPrior: EbicPrior;
  timings: { marginalSeconds: number; pairSeconds: number; selectSeconds: number; stabilitySeconds: number; totalSeconds: number };
  pairs: { count: number; seconds: number; perSecond: number; passes: number };
  /** Every variant read (IDs, positions, analysed mean, QC), for annotation and reports. */
  variants: VariantInfo;
}

/** The LOCO-adjusted responses of a chromosome, residualized on the covariates (made once per chromosome). */
function locoTargets(input: SisInput, basis: CovariateBasis): TargetsFor | undefined {
  const loco = input.locoResponses;
  if (!loco) return undefined;
  const made = new Map<string, Float64Array[]>();
  return (chrom) => {
    let t = made.get(chrom);
    if (!t) made.set(chrom, (t = loco(chrom).map((v) => residualize(basis, v))));
    return t;
  };
}

/** Terms kept by screening when nsis is not given: floor(n / log n), as the SIS R package. */
export function defaultNsis(n: number): number {
  return Math.floor(n / Math.log(n));
}

/**
 * What every step of a SIS run shares, before any genotype pass: the input with the counted allele, the
 * covariate basis, the residualized responses, the view of all analysed rows, d and the penalties.
 */
export interface SisContext {
  input: SisInput;
  basis: CovariateBasis;
  y: Float64Array[];
  view: ScreenView;
  /** Terms a screening round keeps per response (nsis, default floor(n / log n)). */
  d0: number;
  spec: PenaltySpec;
  extraPaths: PenaltySpec[];
  log: (msg: string) => void;
  /** LOCO targets per chromosome (the first round), when the input has them. */
  targetsFor: TargetsFor | undefined;
}

export function sisContext(inputRaw: SisInput, o: SisOptions): SisContext {
  const input: SisInput = { ...inputRaw, source: countedAlleleSource(inputRaw.source, o.countedAllele ?? COUNTED_ALLELE_DEFAULT) };
  const basis = covariateBasis(input.n, input.covariates);
  return {
    input,
    basis,
    y: input.responses.map((r) => residualize(basis, r.values)),
    view: fullView(input, basis),
    d0: o.nsis ?? defaultNsis(input.n),
    spec: penaltySpec(o.penalty, { alpha: o.alpha }),
    extraPaths: (o.extraPaths ?? (o.penalty === 'lasso' ? [] : ['lasso'])).filter((p) => p !== o.penalty).map((p) => penaltySpec(p, { alpha: o.alpha })),
    log: o.log ?? (() => {}),
    targetsFor: locoTargets(input, basis),
  };
}

/**
 * SIS on every response: the first screening round on all analysed rows (2d/3 terms kept when ISIS rounds
 * follow), penalized selection, ISIS rounds, then selection stability; timings and pair counts of the run.
 */
export async function runSis(inputRaw: SisInput, o: SisOptions): Promise<SisRun> {
  const t0 = performance.now();
  const ctx = sisContext(inputRaw, o);
  const K = ctx.y.length;
  const stats: ScreenStats = { marginalSeconds: 0, pairSeconds: 0, pairCount: 0, pairPasses: 0 };
  const iter = Math.max(0, o.iter);
  if (iter > 0 && o.tune === 'cv') {
    throw new Error('ISIS rounds with tune = cv are not supported (honest CV redoes the screening in each fold; ISIS would have to be redone there too): use EBIC or BIC with ISIS');
  }
  const keep0 = iter > 0 ? Math.max(1, Math.floor((2 * ctx.d0) / 3)) : ctx.d0;
  const s0 = await screenRound({ view: ctx.view, targets: ctx.y, targetsFor: ctx.targetsFor, keep: new Array<number>(K).fill(keep0) }, o, ctx.log, stats);
  return selectScreened(ctx, s0, o, stats, t0);
}

/**
 * Everything after the first screening round: penalized selection of every response on its screened terms,
 * ISIS rounds, selection stability. `s0`: the first round, from one process (runSis) or merged from the
 * shards of a workflow (screenShards.ts); `stats`: the genotype passes' seconds and counts so far.
 */
export async function selectScreened(ctx: SisContext, s0: ScreenResult, o: SisOptions, stats: ScreenStats, t0: number): Promise<SisRun> {
  const { input, basis, y, view, log } = ctx;
  const n = input.n;
  const K = y.length;
  const rng = createRng(o.seed);
  const iter = Math.max(0, o.iter);
  const nQc = s0.qc.passed;
  const E = view.envRes.length;
  const gxgCount = s0.partners.map((p) => pairsInUniverse(o.gxg, nQc, p.length));
  const problem: SisProblem = {
    input,
    basis,
    y,
    view,
    envNames: input.env.map((e) => e.name),
    info: s0.info,
    d: ctx.d0,
    spec: ctx.spec,
    extraPaths: ctx.extraPaths,
    universe: Array.from({ length: K }, (_, k) => nQc + E + nQc * E + (gxgCount[k] ?? 0)),
    mainEffects: nQc + E,
    log,
  };
  const state: SelectionState = {
    candidates: s0.features.map((fs) => fs.map((feature) => ({ feature, round: 0 }))),
    selections: new Array(K).fill(null),
    results: new Array(K),
    rounds: new Array<number>(K).fill(0),
  };
  let selectSeconds = 0;
  const select = async (which: number[]) => {
    selectSeconds += await selectResponses(problem, o, state, which, rng, stats);
  };

  log(`selection: ${o.penalty} path, ${o.tune} tuning, ${K} response(s)${o.heredity === 'weak' ? ', interactions only next to a selected parent (weak heredity)' : ''}`);
  await select(Array.from({ length: K }, (_, k) => k));
  // ISIS rounds screen all analysed rows with the first round's SNPxSNP partners.
  const partners = { partners: s0.partners, dosage: s0.dosage };
  await isisRounds(problem, iter, state, {
    screen: async (targets, keep, exclude) => (await screenRound({ view, targets, keep, exclude, info: s0.info, partners }, o, log, stats)).features,
    select,
  });
  const stabilitySeconds = await stabilitySelection(problem, o, state, rng);

  const { marginalSeconds, pairSeconds, pairCount, pairPasses } = stats;
  return {
    n,
    responses: state.results,
    qc: s0.qc,
    universe: { snp: nQc, env: E, gxe: nQc * E, gxg: gxgCount },
    penalty: o.penalty,
    tune: o.tune,
    ebicPrior: o.ebicPrior ?? 'by-class',
    timings: { marginalSeconds, pairSeconds, selectSeconds, stabilitySeconds, totalSeconds: (performance.now() - t0) / 1000 },
    pairs: { count: pairCount, seconds: pairSeconds, perSecond: pairSeconds > 0 ? pairCount / pairSeconds : 0, passes: pairPasses },
    variants: s0.info,
  };
}

/** SNPxSNP terms in the universe of one response: nQc SNPs, M of them top. */
export function pairsInUniverse(mode: GxgMode, nQc: number, M: number): number {
  switch (mode) {
    case 'none':
      return 0;
    case 'top':
      return M * (nQc - M) + (M * (M - 1)) / 2;
    case 'among':
      return (M * (M - 1)) / 2;
    case 'all':
      return (nQc * (nQc - 1)) / 2;
    default:
      throw new Error(`unknown SNPxSNP mode '${String(mode)}' (expected none|top|among|all)`);
  }
}

/** Builds a TopK just to reuse its ordering in tests of ranking. */
export function topByAbs(scores: ArrayLike<number>, k: number): number[] {
  const h = new TopK<number>(k);
  for (let j = 0; j < scores.length; j++) h.offer(Math.abs(scores[j]), () => j);
  return h.sorted().map((x) => x.item);
}
