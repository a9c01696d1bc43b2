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
import { throwIfAborted } from '../base/cancel';
import { createProgress, type ProgressCallback } from '../base/progress';
import { yieldTurn } from '../base/steps';
import type { GenotypeSource } from '../io/GenotypeSource';
import { tTwoSidedP } from '../math/dist';
import { createRng, permutation, type Rng } from '../math/rng';
import { covariateBasis, residualize, type CovariateBasis } from './CovariateBasis';
import { imputedDosage, collectVariants, type VariantRow } from './collectVariants';
import { featureKey, featureName, parentNames, type Feature, type FeatureType } from './Feature';
import { penaltySpec, type PenaltyKind, type PenaltySpec } from './penalty';
import { marginalPass, offerFeature, pairPass, type PairMode, type QcCounts, type QcOptions, type ScreenData, type VariantInfo } from './screenGenotypes';
import { addFoldSse, foldOf, selectPenalized, type Selection, type TuneKind } from './selectPenalized';
import { lambdaMax, lambdaPath } from './coordinateDescentPath';
import { standardizeColumns, type Standardized } from './standardizeColumns';
import { TopK } from './TopK';
import type { PlainSelectOptions, SelectPool } from './selectPool';
import { heredityModelCount } from './heredityModelCount';
import type { KernelPool } from '../assoc/StatsKernel';

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
  timings: { marginalSeconds: number; pairSeconds: number; selectSeconds: number; stabilitySeconds: number; totalSeconds: number };
  pairs: { count: number; seconds: number; perSecond: number; passes: number };
  /** Every variant read (IDs, positions, analysed mean, QC), for annotation and reports. */
  variants: VariantInfo;
}

export function defaultNsis(n: number): number {
  return Math.floor(n / Math.log(n));
}

export interface Candidate {
  feature: Feature;
  round: number;
}

export async function runSis(input: SisInput, o: SisOptions): Promise<SisRun> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const n = input.n;
  const K = input.responses.length;
  const basis = covariateBasis(n, input.covariates);
  const y = input.responses.map((r) => residualize(basis, r.values));
  const envC = input.env.map((e) => center(e.values, n));
  const envRes = envC.map((e) => residualize(basis, e));
  const envRaw = input.env.map((e) => Float64Array.from({ length: n }, (_, i) => e.values[i]));
  const data: ScreenData = { source: input.source, rowOf: input.rowOf, basis, env: envRaw };
  const envNames = input.env.map((e) => e.name);
  const d0 = o.nsis ?? defaultNsis(n);
  const spec: PenaltySpec = penaltySpec(o.penalty, { alpha: o.alpha });
  const extraPaths = (o.extraPaths ?? (o.penalty === 'lasso' ? [] : ['lasso'])).filter((p) => p !== o.penalty).map((p) => penaltySpec(p, { alpha: o.alpha }));
  const rng = createRng(o.seed);

  let marginalSeconds = 0;
  let pairSeconds = 0;
  let pairCount = 0;
  let pairPasses = 0;
  let info: VariantInfo | undefined;
  let qc: QcCounts | undefined;
  let partners: number[][] = [];
  let partnerDosage = new Map<number, Float64Array>();

  /** The rows a screening pass runs on: all analysed rows, or a CV fold's training rows. */
  interface View {
    data: ScreenData;
    /** E centered and residualized on the view's covariate basis. */
    envRes: Float64Array[];
    n: number;
  }
  const fullView: View = { data, envRes, n };

  /** Mean-imputed dosages of the partner SNPs on a view's rows (one genotype pass). */
  const partnerDosages = async (parts: number[][], view: View): Promise<Map<number, Float64Array>> => {
    const want = new Set<number>();
    for (const p of parts) for (const v of p) want.add(v);
    const rows = await collectVariants(input.source, want, { signal: o.signal, chunkVariants: o.chunkVariants });
    const out = new Map<number, Float64Array>();
    const scratch = new Float32Array(input.rowOf.length);
    for (const [v, row] of rows) out.set(v, imputedDosage(row, view.data.rowOf, view.n, (info as VariantInfo).mean[v], scratch));
    return out;
  };

  /**
   * One screening round over every feature kind on a view; returns the kept candidates per response, best
   * first, and the SNPxSNP partners used: `fixed` ones (ISIS rounds keep the first round's), else this pass's
   * top marginal SNPs. The first call (full data) also records the variants' QC and means.
   */
  const screenView = async (
    view: View,
    targets: Float64Array[],
    keep: number[],
    exclude: Set<string>[] | undefined,
    fixed?: { partners: number[][]; dosage: Map<number, Float64Array> },
  ) => {
    const first = !info;
    log(`screening: ${first ? 'SNP' : view === fullView ? 'residual SNP' : 'fold SNP'}${envC.length ? ', SNPxE' : ''} pass`);
    const mp = await marginalPass(view.data, targets, {
      qc: o.qc,
      keep,
      exclude,
      gxe: envC.length > 0,
      topM: o.gxg === 'none' || o.gxg === 'all' ? 0 : o.gxgTop,
      info,
      pool: o.pool,
      chunkVariants: o.chunkVariants,
      signal: o.signal,
      onProgress: o.onProgress,
    });
    marginalSeconds += mp.seconds;
    if (first) {
      info = mp.info;
      qc = mp.qc;
    }
    const vi = info as VariantInfo;
    let parts: number[][] = [];
    let dosage = new Map<number, Float64Array>();
    if (o.gxg !== 'none') {
      if (fixed) ({ partners: parts, dosage } = fixed);
      else {
        if (o.gxg === 'all') {
          const allQc: number[] = [];
          for (let v = 0; v < vi.qc.length; v++) if (vi.qc[v] === 1) allQc.push(v);
          parts = Array.from({ length: K }, () => allQc);
        } else parts = mp.topSnps;
        dosage = await partnerDosages(parts, view);
      }
      log(`screening: SNPxSNP (${o.gxg}) pass`);
      const pp = await pairPass(view.data, targets, mp.heaps, {
        mode: o.gxg,
        partners: parts,
        partnerDosage: dosage,
        info: vi,
        exclude,
        maxCells: o.maxPairCells,
        pool: o.pool,
        chunkVariants: o.chunkVariants,
        signal: o.signal,
        onProgress: o.onProgress,
      });
      pairSeconds += pp.seconds;
      pairCount += pp.pairs;
      pairPasses += pp.passes;
    }
    // Environment main effects: direct correlations.
    for (let k = 0; k < K; k++) {
      const yy = dot(targets[k], targets[k]);
      for (let e = 0; e < view.envRes.length; e++) {
        const ee = dot(view.envRes[e], view.envRes[e]);
        if (!(ee > 0) || !(yy > 0)) continue;
        offerFeature(mp.heaps[k], exclude?.[k], 'ENV', -1, e, dot(view.envRes[e], targets[k]) / Math.sqrt(ee * yy));
      }
    }
    return { features: mp.heaps.map((h) => h.sorted().map((x) => x.item)), partners: parts, dosage };
  };
  /** A screening round on all analysed rows with the first round's SNPxSNP partners (ISIS). */
  const screen = async (targets: Float64Array[], keep: number[], exclude: Set<string>[] | undefined): Promise<Feature[][]> =>
    (await screenView(fullView, targets, keep, exclude, { partners, dosage: partnerDosage })).features;

  const iter = Math.max(0, o.iter);
  if (iter > 0 && o.tune === 'cv') {
    throw new Error('ISIS rounds with tune = cv are not supported (honest CV redoes the screening in each fold; ISIS would have to be redone there too): use EBIC or BIC with ISIS');
  }
  const keep0 = iter > 0 ? Math.max(1, Math.floor((2 * d0) / 3)) : d0;
  const s0 = await screenView(fullView, y, new Array<number>(K).fill(keep0), undefined);
  const first = s0.features;
  partners = s0.partners;
  partnerDosage = s0.dosage;
  const vinfo = info as VariantInfo;
  const qcCounts = qc as QcCounts;
  const nQc = qcCounts.passed;
  const E = envC.length;
  const gxgCount = partners.map((p) => pairsInUniverse(o.gxg, nQc, p.length));
  const universe = (k: number) => nQc + E + nQc * E + (gxgCount[k] ?? 0);

  const candidates: Candidate[][] = first.map((fs) => fs.map((feature) => ({ feature, round: 0 })));
  const selections: (Selection | null)[] = new Array(K).fill(null);
  const rounds = new Array<number>(K).fill(0);
  const tSel = performance.now();
  let selectSeconds = 0;

  /**
   * Honest K-fold CV (tune = cv): each fold's training rows are screened again from scratch (SNP, E, SNPxE,
   * SNPxSNP with that fold's own top SNPs as partners), the fold's d terms are fitted at the full-data path's
   * lambdas and scored on the held-out rows. Screening once on every row and then splitting only the
   * screened columns lets each held-out part vote for the terms it helped choose (about 100 of 144 kept on
   * pure-noise terms; docs/selection.md). Covariates, the variants' QC and imputation means come from all
   * rows (they do not use the response). Returns the mean held-out squared error per lambda per response.
   */
  const screenedCvErrors = async (lambdas: Float64Array[]): Promise<Float64Array[]> => {
    const F = Math.max(2, Math.min(o.folds ?? 5, n));
    const fold = foldOf(n, F, rng.fork());
    const sse = lambdas.map((l) => new Float64Array(l.length));
    const progress = createProgress('cross-validation folds', F, o.onProgress, { unit: 'folds', intervalMs: 0 });
    for (let f = 0; f < F; f++) {
      progress.tick(f);
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? te : tr).push(i);
      const nt = tr.length;
      const pos = new Int32Array(n).fill(-1);
      tr.forEach((i, a) => (pos[i] = a));
      const sub = (v: ArrayLike<number>) => Float64Array.from(tr, (i) => v[i]);
      const basisF = covariateBasis(nt, input.covariates.map((c) => ({ name: c.name, values: sub(c.values) })));
      const envF = envRaw.map(sub);
      const view: View = {
        data: { source: input.source, rowOf: Int32Array.from(input.rowOf, (r) => (r >= 0 ? pos[r] : -1)), basis: basisF, env: envF },
        envRes: envF.map((e) => residualize(basisF, center(e, nt))),
        n: nt,
      };
      const targets = input.responses.map((r) => residualize(basisF, sub(r.values)));
      const sf = await screenView(view, targets, new Array<number>(K).fill(d0), undefined);
      const rows = await rowsFor(input.source, sf.features.map((fs) => fs.map((feature) => ({ feature, round: 0 }))), o);
      for (let k = 0; k < K; k++) {
        await yieldTurn();
        throwIfAborted(o.signal);
        const z = featureMatrix(sf.features[k], rows, input.rowOf, vinfo, envRaw, basis);
        addFoldSse(z, y[k], n, sf.features[k].length, tr, te, lambdas[k], { penalty: spec, dfMax: o.dfMax, signal: o.signal }, sse[k]);
      }
    }
    progress.finish();
    return sse.map((e) => e.map((v) => v / n));
  };

  const results: ResponseSelection[] = new Array(K);
  const selectAll = async (which: number[]) => {
    const t = performance.now();
    const rows = await rowsFor(input.source, which.map((k) => candidates[k]), o);
    // Honest CV: the full-data path's lambdas first (the folds are fitted at them), then the fold errors.
    let cv: { lambdas: Float64Array[]; errors: Float64Array[] } | null = null;
    if (o.tune === 'cv') {
      const lambdas = which.map((k) => {
        const d = candidates[k].length;
        const std = standardizeColumns(featureMatrix(candidates[k].map((c) => c.feature), rows, input.rowOf, vinfo, envRaw, basis), n, d);
        const lmax = lambdaMax(std.x, y[k], n, d, spec);
        return lambdaPath(lmax > 0 ? lmax : 1e-300, 100, n > d ? 1e-4 : 0.01);
      });
      const all: Float64Array[] = new Array(K);
      which.forEach((k, i) => (all[k] = lambdas[i]));
      log(`cross-validation: screening redone in each of ${Math.max(2, Math.min(o.folds ?? 5, n))} folds`);
      const errors = await screenedCvErrors(Array.from({ length: K }, (_, k) => all[k] ?? new Float64Array(0)));
      cv = { lambdas: all, errors };
    }
    const progress = createProgress('penalized selection', which.length, o.onProgress, { unit: 'responses', intervalMs: 0 });
    // One rng per response, forked in response order before any runs (deterministic with a pool too).
    const rngs = which.map(() => rng.fork());
    const one = async (i: number) => {
      const k = which[i];
      const zs = featureMatrix(candidates[k].map((c) => c.feature), rows, input.rowOf, vinfo, envRaw, basis);
      const d = candidates[k].length;
      const std = standardizeColumns(zs, n, d);
      const plain: PlainSelectOptions = {
        penalty: spec,
        extraPaths,
        tune: o.tune,
        universe: universe(k),
        ebicGamma: o.ebicGamma,
        folds: o.folds,
        lambdas: cv?.lambdas[k],
        cvErrors: cv?.errors[k],
        dfMax: o.dfMax,
      };
      const logModelCount = o.ebicHeredity ? heredityModelCount(candidates[k].map((c) => c.feature), universe(k), nQc + E) : undefined;
      // The pool takes plain options only: the heredity count (a function) and fold-split CV (an rng) stay here.
      const pooled = o.selectPool && !logModelCount && !(o.tune === 'cv' && !cv);
      const sel = (selections[k] = pooled
        ? await (o.selectPool as SelectPool).select({ x: std.x, y: y[k], n, d, options: plain })
        : selectPenalized(std.x, y[k], n, d, { ...plain, logModelCount, rng: rngs[i], signal: o.signal }));
      // Described now (the last round's description stands), so the feature matrix is built once.
      results[k] = describe(k, zs, std, candidates[k], sel, null, rows);
    };
    // Lanes: as many responses in flight as the pool has workers (1 without a pool). Between responses the
    // event loop gets a turn: in a worker, a cancel gets through there.
    let next = 0;
    const lane = async () => {
      while (next < which.length) {
        const i = next++;
        progress.tick(i);
        if (i > 0) await yieldTurn();
        throwIfAborted(o.signal);
        await one(i);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.selectPool?.size ?? 1, which.length)) }, lane));
    progress.finish();
    selectSeconds += (performance.now() - t) / 1000;
  };

  log(`selection: ${o.penalty} path, ${o.tune} tuning, ${K} response(s)`);
  await selectAll(Array.from({ length: K }, (_, k) => k));

  // Vanilla ISIS: screen the remaining features against the residual of the selected model, add the best
  // d - |A| of them to A, select again; stop when A does not change or fills d.
  let open = Array.from({ length: K }, (_, k) => k);
  for (let r = 1; r <= iter && open.length > 0; r++) {
    const targets = y.map((yk, k) => (open.includes(k) ? (selections[k] as Selection).residual : yk));
    const keep = new Array<number>(K).fill(0);
    const exclude: Set<string>[] = Array.from({ length: K }, () => new Set<string>());
    const activeFeatures: Feature[][] = [];
    for (const k of open) {
      const sel = selections[k] as Selection;
      activeFeatures[k] = Array.from(sel.active, (j) => candidates[k][j].feature);
      for (const f of activeFeatures[k]) exclude[k].add(featureKey(f));
      keep[k] = d0 - activeFeatures[k].length;
    }
    open = open.filter((k) => keep[k] > 0);
    if (open.length === 0) break;
    log(`ISIS round ${r}`);
    const found = await screen(targets, keep, exclude);
    for (const k of open) {
      const prev = candidates[k];
      const sel = selections[k] as Selection;
      candidates[k] = [...Array.from(sel.active, (j) => prev[j]), ...found[k].map((feature) => ({ feature, round: r }))];
    }
    const before = new Map(open.map((k) => [k, activeFeatures[k].map(featureKey).sort().join('|')]));
    for (const k of open) rounds[k] = r;
    await selectAll(open);
    open = open.filter((k) => {
      const sel = selections[k] as Selection;
      const now = Array.from(sel.active, (j) => featureKey(candidates[k][j].feature)).sort().join('|');
      return now !== before.get(k);
    });
  }
  void tSel;

  // Stability: the selection (path + tuning) repeated on subsamples of the analysed rows, screening fixed.
  const tStab = performance.now();
  const rowsAll = o.stability > 0 ? await rowsFor(input.source, candidates, o) : new Map<number, VariantRow>();
  const stabProgress = createProgress('stability subsamples', K * o.stability, o.onProgress, { unit: 'fits', intervalMs: 0 });
  for (let k = 0; k < K && o.stability > 0; k++) {
    stabProgress.tick(k * o.stability);
    if (k > 0) await yieldTurn();
    throwIfAborted(o.signal);
    const cands = candidates[k];
    const d = cands.length;
    const z = featureMatrix(cands.map((c) => c.feature), rowsAll, input.rowOf, vinfo, envRaw, basis);
    const fr = stabilityFrequencies(z, y[k], n, d, o.stability, o.stabilityFraction ?? 0.5, rng.fork(), {
      spec,
      extraPaths,
      tune: o.tune,
      universe: universe(k),
      ebicGamma: o.ebicGamma,
      folds: o.folds,
      dfMax: o.dfMax,
      signal: o.signal,
    });
    const sel = selections[k] as Selection;
    results[k].selected.forEach((t, a) => (t.stability = fr[sel.active[a]]));
  }
  if (o.stability > 0) stabProgress.finish();
  const stabilitySeconds = o.stability > 0 ? (performance.now() - tStab) / 1000 : 0;

  function describe(k: number, z: Float64Array, std: Standardized, cands: Candidate[], sel: Selection, fr: Float64Array | null, rows: Map<number, VariantRow>): ResponseSelection {
    const d = cands.length;
    const scratch = new Float32Array(input.rowOf.length);
    const snpRes = (v: number) => residualize(basis, imputedDosage(rows.get(v) as VariantRow, input.rowOf, n, vinfo.mean[v], scratch));
    const selectedNames = new Set(Array.from(sel.active, (j) => featureName(cands[j].feature, vinfo.ids, envNames)));
    const selected: SelectedTerm[] = Array.from(sel.active, (j, a) => {
      const f = cands[j].feature;
      const scale = std.scale[j];
      // Marginal statistic as the scan tests it: the term with the covariates (and, for an interaction, both
      // parents) in the model; t test of the partial correlation.
      const parentCols: Float64Array[] =
        f.type === 'GxE' ? [snpRes(f.variant), envRes[f.aux]] : f.type === 'GxG' ? [snpRes(f.variant), snpRes(f.aux)] : [];
      const r = partialCorrelation(z.subarray(j * n, (j + 1) * n), parentCols, y[k]);
      const df = n - basis.q1 - 1 - parentCols.length;
      const t = r * Math.sqrt(df / Math.max(1e-300, 1 - r * r));
      const parents = parentNames(f, vinfo.ids, envNames);
      return {
        feature: f,
        term: featureName(f, vinfo.ids, envNames),
        type: f.type,
        chrom: f.variant >= 0 ? vinfo.chrom[f.variant] : '',
        pos: f.variant >= 0 ? vinfo.pos[f.variant] : 0,
        beta: scale > 0 ? sel.betaRefit[a] / scale : 0,
        betaPenalized: scale > 0 ? sel.betaPenalized[a] / scale : 0,
        marginalR: r,
        p: tTwoSidedP(t, df),
        stability: fr ? fr[j] : null,
        parents,
        parentsSelected: parents.map((p) => selectedNames.has(p)),
      };
    });
    const screened: ScreenedTerm[] = cands
      .map((c) => ({ feature: c.feature, term: featureName(c.feature, vinfo.ids, envNames), type: c.feature.type, score: c.feature.score, rank: 0, round: c.round }))
      .sort((a, b) => a.round - b.round || Math.abs(b.score) - Math.abs(a.score));
    screened.forEach((s, i) => (s.rank = i + 1));
    return {
      response: input.responses[k].name,
      n,
      universe: universe(k),
      d,
      screened,
      selected,
      lambda: sel.lambda,
      gamma: sel.gamma,
      isisRounds: rounds[k],
      stoppedAtDfMax: sel.stoppedAtDfMax,
    };
  }

  return {
    n,
    responses: results,
    qc: qcCounts,
    universe: { snp: nQc, env: E, gxe: nQc * E, gxg: gxgCount },
    penalty: o.penalty,
    tune: o.tune,
    timings: { marginalSeconds, pairSeconds, selectSeconds, stabilitySeconds, totalSeconds: (performance.now() - t0) / 1000 },
    pairs: { count: pairCount, seconds: pairSeconds, perSecond: pairSeconds > 0 ? pairCount / pairSeconds : 0, passes: pairPasses },
    variants: vinfo,
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

/** Correlation of f and y after removing their projections on `on` (all vectors already orthogonal to C). */
function partialCorrelation(f: ArrayLike<number>, on: Float64Array[], y: Float64Array): number {
  const fr = Float64Array.from(f);
  const yr = Float64Array.from(y);
  for (const q of orthonormal(on)) {
    const df = dot(q, fr);
    const dy = dot(q, yr);
    for (let i = 0; i < fr.length; i++) {
      fr[i] -= df * q[i];
      yr[i] -= dy * q[i];
    }
  }
  const den = Math.sqrt(dot(fr, fr) * dot(yr, yr));
  return den > 0 ? dot(fr, yr) / den : 0;
}

function center(v: ArrayLike<number>, n: number): Float64Array {
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = v[i] - m;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export async function rowsFor(source: GenotypeSource, lists: Candidate[][], o: SisOptions): Promise<Map<number, VariantRow>> {
  const want = new Set<number>();
  for (const l of lists) {
    for (const c of l) {
      if (c.feature.variant >= 0) want.add(c.feature.variant);
      if (c.feature.type === 'GxG') want.add(c.feature.aux);
    }
  }
  return collectVariants(source, want, { signal: o.signal, chunkVariants: o.chunkVariants });
}

/** n x d column-major matrix of the features, residualized on the covariates. */
export function featureMatrix(
  features: Feature[],
  rows: Map<number, VariantRow>,
  rowOf: Int32Array,
  info: VariantInfo,
  env: Float64Array[],
  basis: CovariateBasis,
): Float64Array {
  const n = basis.n;
  const d = features.length;
  const z = new Float64Array(n * d);
  const scratch = new Float32Array(rowOf.length);
  const g = (v: number) => {
    const row = rows.get(v);
    if (!row) throw new Error(`featureMatrix: genotypes of variant ${v} were not collected`);
    return imputedDosage(row, rowOf, n, info.mean[v], scratch);
  };
  // Parents residualized on C with their squared norms, computed once per SNP / E (an interaction is
  // orthogonalized against them).
  const snpRes = new Map<number, Parent>();
  const envRes = new Map<number, Parent>();
  const parent = (r: Float64Array): Parent => ({ r, nn: dot(r, r) });
  const resSnp = (v: number, raw?: Float64Array): Parent => {
    let p = snpRes.get(v);
    if (!p) snpRes.set(v, (p = parent(residualize(basis, raw ?? g(v)))));
    return p;
  };
  const resEnv = (e: number): Parent => {
    let p = envRes.get(e);
    if (!p) envRes.set(e, (p = parent(residualize(basis, env[e]))));
    return p;
  };
  for (let j = 0; j < d; j++) {
    const f = features[j];
    switch (f.type) {
      case 'SNP':
        z.set(resSnp(f.variant).r, j * n);
        continue;
      case 'ENV':
        z.set(resEnv(f.aux).r, j * n);
        continue;
      case 'GxE': {
        const col = g(f.variant);
        const pg = resSnp(f.variant, col); // residualize copies: col can be reused for the product
        const e = env[f.aux];
        for (let i = 0; i < n; i++) col[i] *= e[i];
        z.set(projectOutPair(residualize(basis, col), pg, resEnv(f.aux)), j * n);
        continue;
      }
      case 'GxG': {
        const col = g(f.variant);
        const pa = resSnp(f.variant, col);
        const b = g(f.aux);
        const pb = resSnp(f.aux, b);
        for (let i = 0; i < n; i++) col[i] *= b[i];
        z.set(projectOutPair(residualize(basis, col), pa, pb), j * n);
        continue;
      }
      default:
        throw new Error(`unknown feature type '${String((f as Feature).type)}'`);
    }
  }
  return z;
}

interface Parent {
  r: Float64Array;
  /** r . r */
  nn: number;
}

/**
 * v minus its least-squares projection on the span of two parents, from the 2 x 2 normal equations (three
 * dot products, no allocation); nearly collinear or null parents go through Gram-Schmidt instead.
 */
function projectOutPair(v: Float64Array, a: Parent, b: Parent): Float64Array {
  const ab = dot(a.r, b.r);
  const det = a.nn * b.nn - ab * ab;
  if (!(a.nn > 0) || !(b.nn > 0) || !(det > 1e-10 * a.nn * b.nn)) return projectOut(v, [a.r, b.r]);
  const va = dot(a.r, v);
  const vb = dot(b.r, v);
  const ca = (b.nn * va - ab * vb) / det;
  const cb = (a.nn * vb - ab * va) / det;
  const ar = a.r;
  const br = b.r;
  for (let i = 0; i < v.length; i++) v[i] -= ca * ar[i] + cb * br[i];
  return v;
}

/** Orthonormal basis of the span of `vs` (modified Gram-Schmidt, twice; null directions dropped). */
function orthonormal(vs: readonly ArrayLike<number>[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of vs) {
    const v = Float64Array.from(c);
    const n0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        const t = dot(q, v);
        for (let i = 0; i < v.length; i++) v[i] -= t * q[i];
      }
    }
    const nv = Math.sqrt(dot(v, v));
    if (nv > 1e-10 * n0 && nv > 0) out.push(v.map((x) => x / nv));
  }
  return out;
}

/** v minus its least-squares projection on the span of `on` (v is modified and returned). */
function projectOut(v: Float64Array, on: readonly ArrayLike<number>[]): Float64Array {
  for (const q of orthonormal(on)) {
    const t = dot(q, v);
    for (let i = 0; i < v.length; i++) v[i] -= t * q[i];
  }
  return v;
}

interface StabilityOptions {
  spec: PenaltySpec;
  extraPaths: PenaltySpec[];
  tune: TuneKind;
  universe: number;
  ebicGamma?: number | 'auto';
  folds?: number;
  dfMax?: number;
  signal?: AbortSignal;
}

/** Selection frequency of each column over B subsamples of floor(fraction * n) rows without replacement. */
export function stabilityFrequencies(
  z: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  B: number,
  fraction: number,
  rng: Rng,
  o: StabilityOptions,
): Float64Array {
  const m = Math.max(2, Math.floor(fraction * n));
  const counts = new Float64Array(d);
  const zs = new Float64Array(m * d);
  const ys = new Float64Array(m);
  for (let b = 0; b < B; b++) {
    throwIfAborted(o.signal);
    const perm = permutation(n, rng);
    const rows = Array.from(perm.subarray(0, m)).sort((a, c) => a - c);
    for (let j = 0; j < d; j++) for (let a = 0; a < m; a++) zs[j * m + a] = z[j * n + rows[a]];
    let ym = 0;
    for (let a = 0; a < m; a++) ym += y[rows[a]];
    ym /= m;
    for (let a = 0; a < m; a++) ys[a] = y[rows[a]] - ym;
    const std = standardizeColumns(zs, m, d);
    const sel = selectPenalized(std.x, ys, m, d, {
      penalty: o.spec,
      extraPaths: o.extraPaths,
      tune: o.tune,
      universe: o.universe,
      ebicGamma: o.ebicGamma,
      folds: o.folds,
      rng: rng.fork(),
      dfMax: o.dfMax,
      signal: o.signal,
    });
    for (const j of sel.active) counts[j]++;
  }
  for (let j = 0; j < d; j++) counts[j] /= B;
  return counts;
}

/** Builds a TopK just to reuse its ordering in tests of ranking. */
export function topByAbs(scores: ArrayLike<number>, k: number): number[] {
  const h = new TopK<number>(k);
  for (let j = 0; j < scores.length; j++) h.offer(Math.abs(scores[j]), () => j);
  return h.sorted().map((x) => x.item);
}
