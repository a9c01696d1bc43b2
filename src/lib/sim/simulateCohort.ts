/**
 * Seeded cohort simulator (demo data and tests). Pure TypeScript: the UI's "Load demo cohort" calls it in a
 * worker; the CLI (`simulate`) writes its files.
 *
 * Model (docs/genotypes-and-simulator.md):
 * - Genotypes: ALT frequency uniform in [mafMin, mafMax], Hardy-Weinberg, missing calls at `missingCallRate`,
 *   optional short LD blocks.
 * - Covariates age (40-70), sex (1 male, 0 female); environment: smoking (0/1), alcohol and exercise (scores
 *   centred to mean 0, sd 1, so SNPxE products do not depend on centring).
 * - K latent health factors, each a sum of planted terms (SNP dosage g, SNPxE g*E, SNPxSNP g1*g2 on the raw,
 *   uncentred scale, as plink2 --glm interaction and the selection step build them), environment main
 *   effects, covariate effects and noise. An interaction's share counts only its part orthogonal to its
 *   parents (the coefficient is scaled up by 1 / (1 - R^2 of the product on its parents)), so its t with
 *   both parents in the model is about sqrt(n * share) whatever the allele frequencies. Each term gets a share of its factor's variance; factors are then
 *   standardized (mean 0, sd 1), and betas are reported per unit of the raw feature on that scale.
 * - Phenotypes load on one or two factors through monotone links of (signal + noise) (identity, exp, logistic,
 *   square, threshold for binary columns); a share (`nonlinearFraction`, 25%) are non-monotone functions of the
 *   factors with the noise added after the link (U-shaped (F - c)^2, V-shaped |F - c|, products Fa x Fb), which
 *   no rank-k linear model (PCA) can reconstruct and phenotype preparation does not straighten; some columns
 *   are noise only; cells are missing at `missingCellRate`.
 * - Outcomes driven by the factors: binary disease (logistic), a later quantitative measurement, and a
 *   time-to-event with an event indicator (exponential hazard, uniform administrative censoring).
 */
import { createRng, type Rng } from '../math/rng';
import type { SampleIds, VariantBlock } from '../io/GenotypeSource';
import type { Table, TableColumn } from '../io/Table';
import { genotypeCounts } from '../io/bedDecode';
import { simulateGenotypeMatrix, simulateVariantInfo } from './simulateGenotypes';
import { solveLinear } from '../math/linalg';

export interface SimulateOptions {
  n?: number;
  snps?: number;
  phenos?: number;
  seed?: number;
  /** Latent health factors (default 5). */
  factors?: number;
  mafMin?: number;
  mafMax?: number;
  /** Fraction of genotype calls missing (default 0.01). */
  missingCallRate?: number;
  /** Fraction of phenotype cells missing (default 0.02). */
  missingCellRate?: number;
  /** SNPs per LD block, 0 = no LD (default). */
  ldBlock?: number;
  ldRho?: number;
  chromosomes?: number;
  /** Planted term counts (defaults 5, 2, 2). */
  plantedSnp?: number;
  plantedGxe?: number;
  plantedGxg?: number;
  /** Variance share of each planted term in its factor; cycled over the terms in order (SNPs, GxE, GxG). */
  termShares?: number[];
  /** Fraction of phenotype columns that are pure noise (default 0.1) and binary (default 0.15). */
  noiseFraction?: number;
  binaryFraction?: number;
  /**
   * Fraction of phenotype columns that are non-monotone functions of the factors with the noise added after the
   * link (default 0.25): U-shaped (s - c)^2, V-shaped |s - c| and products of two factors. These are what a
   * nonlinear autoencoder can reconstruct and a rank-k linear model (PCA) cannot.
   */
  nonlinearFraction?: number;
}

export type TermType = 'SNP' | 'ENV' | 'GxE' | 'GxG';

export interface PlantedTerm {
  /** Name as the selection step reports it: SNP ID, E name, `SNPID:E`, `SNPID1:SNPID2`. */
  term: string;
  type: TermType;
  /** Factor name, e.g. 'F1'. */
  factor: string;
  /** Effect per unit of the raw feature (dosage, dosage*E, dosage*dosage, E) on the standardized factor. */
  beta: number;
  /** Share of the factor's variance this term was given. */
  varianceShare: number;
  snps: string[];
  env?: string;
  /** t statistic of the factor regressed on this raw feature alone (what marginal screening sees), this cohort. */
  tOnFactor: number;
  /** GxE/GxG: t of the product with both parents in the model (plink2 --glm interaction style); else = tOnFactor. */
  tWithParents: number;
}

export interface PhenotypeTruth {
  name: string;
  kind: 'continuous' | 'binary' | 'noise';
  /**
   * Monotone links of (factor signal + noise): identity, exp, logistic, square (over the bulk of the latent
   * range), threshold (binary). Non-monotone links with the noise added AFTER the link: 'u-shape' (s - c)^2,
   * 'v-shape' |s - c| (s = the loading-weighted factor signal, c = `center`), 'product' Fa x Fb (loadings give
   * the two factors, both 1).
   */
  link: 'identity' | 'exp' | 'logistic' | 'square' | 'threshold' | 'u-shape' | 'v-shape' | 'product' | 'none';
  loadings: { factor: string; loading: number }[];
  /**
   * Monotone links: share of the latent (pre-link) variance explained by the factors. Non-monotone links: share
   * of the phenotype's variance (before the affine scale and rounding) explained by the link of the factors.
   */
  r2: number;
  /** u-shape and v-shape: the centre c of the link, in factor SD units. */
  center?: number;
}

export interface OutcomeTruth {
  name: string;
  kind: 'binary' | 'quantitative' | 'time-to-event';
  /** Linear predictor coefficients per factor (log-odds, linear, log-hazard). */
  coefficients: Record<string, number>;
  description: string;
}

export interface CohortTruth {
  seed: number;
  n: number;
  snps: number;
  phenos: number;
  factors: string[];
  /** Genetic planted terms (SNP, GxE, GxG): what the selection step should find. */
  terms: PlantedTerm[];
  /** Environment main effects on the factors (also real effects: not false discoveries). */
  envTerms: PlantedTerm[];
  /** Covariate effects (age, sex): adjusted for, never screened. */
  covariateEffects: { covariate: string; factor: string; beta: number; varianceShare: number }[];
  phenotypes: PhenotypeTruth[];
  outcomes: OutcomeTruth[];
  options: Required<Omit<SimulateOptions, 'termShares'>> & { termShares: number[] };
}

export interface SimulatedCohort {
  samples: SampleIds;
  /** 1 male, 2 female (PLINK .fam coding). */
  famSex: Uint8Array;
  /** Packed .bed rows without the magic, SNP-major. */
  packed: Uint8Array;
  bytesPerVariant: number;
  variants: VariantBlock;
  /** Per SNP: ALT frequency drawn, and observed counts in the packed calls (what plink2 --freq reports). */
  variantStats: { designAltFreq: Float64Array; altCount: Int32Array; obsCount: Int32Array; altFreq: Float64Array };
  pheno: Table;
  covar: Table;
  outcomes: Table;
  /** n x K, row-major, standardized factors. */
  factors: Float64Array;
  factorNames: string[];
  truth: CohortTruth;
}

/**
 * Default variance shares: 5 SNP, 2 SNPxE, 2 SNPxSNP terms. Interaction shares are larger because only part of
 * a raw product's variance is not explained by its parents (measured t values: docs/genotypes-and-simulator.md).
 */
const DEFAULT_SHARES = [0.03, 0.02, 0.025, 0.02, 0.02, 0.022, 0.02, 0.022, 0.02];

function resolve(o: SimulateOptions): CohortTruth['options'] {
  const r = {
    n: o.n ?? 2000,
    snps: o.snps ?? 5000,
    phenos: o.phenos ?? 100,
    seed: o.seed ?? 1,
    factors: o.factors ?? 5,
    mafMin: o.mafMin ?? 0.05,
    mafMax: o.mafMax ?? 0.5,
    missingCallRate: o.missingCallRate ?? 0.01,
    missingCellRate: o.missingCellRate ?? 0.02,
    ldBlock: o.ldBlock ?? 0,
    ldRho: o.ldRho ?? 0.9,
    chromosomes: o.chromosomes ?? 22,
    plantedSnp: o.plantedSnp ?? 5,
    plantedGxe: o.plantedGxe ?? 2,
    plantedGxg: o.plantedGxg ?? 2,
    termShares: o.termShares ?? DEFAULT_SHARES,
    noiseFraction: o.noiseFraction ?? 0.1,
    binaryFraction: o.binaryFraction ?? 0.15,
    nonlinearFraction: o.nonlinearFraction ?? 0.25,
  };
  const need = r.plantedSnp + 2 * r.plantedGxg + r.plantedGxe;
  if (!(r.n >= 10)) throw new RangeError(`simulateCohort: n must be at least 10, got ${r.n}`);
  if (!(r.snps >= need + 2)) throw new RangeError(`simulateCohort: snps must be at least ${need + 2} for the planted terms, got ${r.snps}`);
  if (!(r.phenos >= 1)) throw new RangeError(`simulateCohort: phenos must be at least 1, got ${r.phenos}`);
  if (!(r.factors >= 1)) throw new RangeError(`simulateCohort: factors must be at least 1, got ${r.factors}`);
  if (r.plantedGxg > 0 && r.plantedSnp === 0) throw new RangeError('simulateCohort: SNPxSNP terms need at least one planted SNP (the marginal parent)');
  if (!(r.mafMin > 0 && r.mafMax <= 0.5 && r.mafMin <= r.mafMax)) throw new RangeError('simulateCohort: need 0 < mafMin <= mafMax <= 0.5');
  if (!(r.noiseFraction >= 0 && r.binaryFraction >= 0 && r.nonlinearFraction >= 0 && r.noiseFraction + r.binaryFraction + r.nonlinearFraction <= 1)) {
    throw new RangeError('simulateCohort: noise, binary and nonlinear fractions must be >= 0 and sum to at most 1');
  }
  if (!(r.missingCallRate >= 0 && r.missingCallRate < 1 && r.missingCellRate >= 0 && r.missingCellRate < 1)) {
    throw new RangeError('simulateCohort: missing rates must be in [0, 1)');
  }
  return r;
}

/** 1 - R^2 of x regressed on [1, parents]: the share of x's variance its parents do not explain. */
function uniqueFraction(x: Float64Array, parents: Float64Array[]): number {
  const cols = [new Float64Array(x.length).fill(1), ...parents];
  const q = cols.length;
  const xtx = new Float64Array(q * q);
  const xty = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let acc = 0;
      for (let i = 0; i < x.length; i++) acc += cols[a][i] * cols[b][i];
      xtx[a * q + b] = acc;
    }
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += cols[a][i] * x[i];
    xty[a] = acc;
  }
  const coef = solveLinear(xtx, q, xty);
  const sd = meanSd(x)[1];
  if (!coef || !(sd > 0)) return 1;
  let rss = 0;
  for (let i = 0; i < x.length; i++) {
    let fit = 0;
    for (let a = 0; a < q; a++) fit += coef[a] * cols[a][i];
    rss += (x[i] - fit) ** 2;
  }
  return Math.max(1e-3, rss / x.length / (sd * sd));
}

function meanSd(x: Float64Array): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const m = s / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - m) * (x[i] - m);
  return [m, Math.sqrt(ss / (x.length - 1))];
}

function standardize(x: Float64Array): Float64Array {
  const [m, sd] = meanSd(x);
  const out = new Float64Array(x.length);
  const inv = sd > 0 ? 1 / sd : 0;
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - m) * inv;
  return out;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** t of the last column in OLS of y on [1, columns...] (normal equations, tiny p). */
export function olsLastT(y: Float64Array, cols: Float64Array[]): number {
  const n = y.length;
  const p = cols.length + 1;
  const X = (i: number, k: number) => (k === 0 ? 1 : cols[k - 1][i]);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = X(i, a);
      b[a] += xa * y[i];
      for (let c = 0; c <= a; c++) A[a * p + c] += xa * X(i, c);
    }
  }
  for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) A[c * p + a] = A[a * p + c];
  // Gauss-Jordan inverse
  const inv = new Float64Array(p * p);
  for (let a = 0; a < p; a++) inv[a * p + a] = 1;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r * p + c]) > Math.abs(A[piv * p + c])) piv = r;
    for (let k = 0; k < p; k++) {
      [A[c * p + k], A[piv * p + k]] = [A[piv * p + k], A[c * p + k]];
      [inv[c * p + k], inv[piv * p + k]] = [inv[piv * p + k], inv[c * p + k]];
    }
    const d = A[c * p + c];
    for (let k = 0; k < p; k++) {
      A[c * p + k] /= d;
      inv[c * p + k] /= d;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r * p + c];
      if (f === 0) continue;
      for (let k = 0; k < p; k++) {
        A[r * p + k] -= f * A[c * p + k];
        inv[r * p + k] -= f * inv[c * p + k];
      }
    }
  }
  const beta = new Float64Array(p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) beta[a] += inv[a * p + c] * b[c];
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += beta[a] * X(i, a);
    rss += (y[i] - f) ** 2;
  }
  const s2 = rss / (n - p);
  return beta[p - 1] / Math.sqrt(s2 * inv[(p - 1) * p + (p - 1)]);
}

function numericColumn(name: string, v: Float64Array | number[]): TableColumn {
  return { name, kind: 'numeric', values: Float32Array.from(v), nonNumeric: 0 };
}

function pickDistinct(rng: Rng, pool: number[], k: number, taken: Set<number>): number[] {
  const out: number[] = [];
  let guard = 0;
  while (out.length < k) {
    if (++guard > 1_000_000) throw new RangeError('simulateCohort: not enough SNPs to plant the terms');
    const v = pool[rng.int(pool.length)];
    if (taken.has(v)) continue;
    taken.add(v);
    out.push(v);
  }
  return out;
}

export function simulateCohort(opts: SimulateOptions = {}): SimulatedCohort {
  const o = resolve(opts);
  const { n, factors: K } = o;
  const root = createRng(o.seed);
  // Independent streams per part, so changing one part's size does not reshuffle the others.
  const rngVar = root.fork();
  const rngGeno = root.fork();
  const rngPlant = root.fork();
  const rngPeople = root.fork();
  const rngFactor = root.fork();
  const rngPheno = root.fork();
  const rngOutcome = root.fork();
  const factorNames = Array.from({ length: K }, (_, k) => `F${k + 1}`);

  // --- variants and planted SNP choice
  const gopts = { nSamples: n, nSnps: o.snps, mafMin: o.mafMin, mafMax: o.mafMax, missingRate: o.missingCallRate, ldBlock: o.ldBlock, ldRho: o.ldRho, chromosomes: o.chromosomes };
  const { variants, altFreq } = simulateVariantInfo(rngVar, gopts);
  // Planted SNPs are common (ALT frequency >= 0.2, or the top half when the range is lower) so that effects
  // of the chosen size are stable; with LD blocks, at most one planted SNP per block.
  const common: number[] = [];
  const thr = Math.min(0.2, (o.mafMin + o.mafMax) / 2);
  for (let v = 0; v < o.snps; v++) if (altFreq[v] >= thr) common.push(v);
  const taken = new Set<number>();
  const blockOf = (v: number) => (o.ldBlock > 1 ? Math.floor(v / o.ldBlock) : v);
  const takenBlocks = new Set<number>();
  const pick = (k: number): number[] => {
    const out: number[] = [];
    while (out.length < k) {
      const [v] = pickDistinct(rngPlant, common, 1, taken);
      if (takenBlocks.has(blockOf(v))) continue;
      takenBlocks.add(blockOf(v));
      out.push(v);
    }
    return out;
  };
  const snpMain = pick(o.plantedSnp);
  const snpGxe = pick(o.plantedGxe);
  const snpGxg2 = pick(o.plantedGxg);
  const trueDosage = new Map<number, Int8Array>();
  for (const v of [...snpMain, ...snpGxe, ...snpGxg2]) trueDosage.set(v, new Int8Array(n));
  const packed = simulateGenotypeMatrix(rngGeno, gopts, altFreq, trueDosage);
  const bpv = Math.ceil(n / 4);
  const counts = genotypeCounts(packed, n, o.snps);
  const obsAlleles = new Int32Array(o.snps);
  const obsAltFreq = new Float64Array(o.snps);
  for (let v = 0; v < o.snps; v++) {
    obsAlleles[v] = 2 * counts.obs[v];
    obsAltFreq[v] = counts.obs[v] > 0 ? counts.a1[v] / (2 * counts.obs[v]) : NaN;
  }

  // --- people: IDs, covariates, environment
  const width = String(n).length;
  const iid = Array.from({ length: n }, (_, i) => `P${String(i + 1).padStart(Math.max(5, width), '0')}`);
  const samples: SampleIds = { fid: iid.slice(), iid };
  const age = new Float64Array(n);
  const sex = new Float64Array(n);
  const smoking = new Float64Array(n);
  const alcoholRaw = new Float64Array(n);
  const exerciseRaw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    age[i] = round(40 + 30 * rngPeople.next(), 1);
    sex[i] = rngPeople.next() < 0.5 ? 1 : 0;
    smoking[i] = rngPeople.next() < 0.2 + 0.1 * sex[i] ? 1 : 0;
    alcoholRaw[i] = 0.3 * sex[i] + 0.2 * smoking[i] + rngPeople.normal();
    exerciseRaw[i] = -0.2 * smoking[i] + rngPeople.normal();
  }
  const alcohol = standardize(alcoholRaw).map((x) => round(x, 4));
  const exercise = standardize(exerciseRaw).map((x) => round(x, 4));
  // Re-centre after rounding so the column mean is 0 to ~1e-5.
  const env: Record<string, Float64Array> = { smoking, alcohol, exercise };
  const envNames = ['smoking', 'alcohol', 'exercise'];
  // Each SNPxE goes to a factor without a main effect of the same E (F1: smoking, F2: alcohol), so the
  // product's marginal signal is not cancelled by an opposite-signed main effect.
  const gxeEnv = ['alcohol', 'exercise'];

  // --- planted terms
  const toF64 = (d: Int8Array) => Float64Array.from(d);
  interface Raw { term: PlantedTerm; x: Float64Array; parents: Float64Array[]; signOf?: Raw }
  const raws: Raw[] = [];
  const shares = o.termShares;
  let t = 0;
  const mainFactor = new Map<number, number>();
  snpMain.forEach((v, i) => {
    const k = i % K;
    mainFactor.set(k, v);
    raws.push({
      term: { term: variants.id[v], type: 'SNP', factor: factorNames[k], beta: 0, varianceShare: shares[t++ % shares.length], snps: [variants.id[v]], tOnFactor: 0, tWithParents: 0 },
      x: toF64(trueDosage.get(v)!),
      parents: [],
    });
  });
  snpGxe.forEach((v, i) => {
    const k = i % K;
    const e = gxeEnv[i % gxeEnv.length];
    const g = toF64(trueDosage.get(v)!);
    const E = env[e];
    const x = g.map((gi, j) => gi * E[j]);
    raws.push({
      term: { term: `${variants.id[v]}:${e}`, type: 'GxE', factor: factorNames[k], beta: 0, varianceShare: shares[t++ % shares.length], snps: [variants.id[v]], env: e, tOnFactor: 0, tWithParents: 0 },
      x,
      parents: [g, E],
    });
  });
  snpGxg2.forEach((v2, i) => {
    const k = (o.plantedGxe + i) % K;
    const v1 = mainFactor.get(k) ?? snpMain[i % snpMain.length];
    const k1 = mainFactor.has(k) ? k : snpMain.indexOf(v1) % K;
    const g1 = toF64(trueDosage.get(v1)!);
    const g2 = toF64(trueDosage.get(v2)!);
    const parentRaw = raws.find((r) => r.term.type === 'SNP' && r.term.term === variants.id[v1]);
    raws.push({
      signOf: parentRaw,
      term: { term: `${variants.id[v1]}:${variants.id[v2]}`, type: 'GxG', factor: factorNames[k1], beta: 0, varianceShare: shares[t++ % shares.length], snps: [variants.id[v1], variants.id[v2]], tOnFactor: 0, tWithParents: 0 },
      x: g1.map((a, j) => a * g2[j]),
      parents: [g1, g2],
    });
  });
  // An interaction's share is of its part orthogonal to its parents: a raw product is largely explained by
  // its parents (R^2 0.5-0.8, varying with allele frequency), and a share of the raw product left the weakest
  // planted SNPxSNP at |t| 3.6 with its parents at n = 4,000 (seed 7), undetectable among 500k candidates.
  for (const r of raws) if (r.parents.length) r.term.varianceShare /= uniqueFraction(r.x, r.parents);
  // Environment main effects and covariates, by factor (cycled when K differs from 5).
  const envPlan: [string, number, number][] = [
    ['smoking', 0, 0.06],
    ['alcohol', 1, 0.05],
    ['exercise', 2, 0.06],
    ['smoking', 3, 0.03],
    ['exercise', 4, 0.04],
  ];
  const envRaws: Raw[] = [];
  for (const [e, k0, share] of envPlan) {
    if (k0 >= K && K < 5) continue;
    envRaws.push({
      term: { term: e, type: 'ENV', factor: factorNames[k0 % K], beta: 0, varianceShare: share, snps: [], env: e, tOnFactor: 0, tWithParents: 0 },
      x: env[e],
      parents: [],
    });
  }
  const covPlan: { covariate: string; x: Float64Array; k: number; share: number; sign: number }[] = [];
  for (let k = 0; k < K; k++) {
    covPlan.push({ covariate: 'age', x: age, k, share: 0.04, sign: k % 2 === 0 ? 1 : -1 });
    if (k % 2 === 0) covPlan.push({ covariate: 'sex', x: sex, k, share: 0.02, sign: 1 });
  }

  const F = new Float64Array(n * K);
  const factorRaw: Float64Array[] = [];
  const sdRawOf = new Map<Raw, number>();
  for (let k = 0; k < K; k++) {
    const f = new Float64Array(n);
    let used = 0;
    const add = (x: Float64Array, share: number, sign: number) => {
      const z = standardize(x);
      const a = sign * Math.sqrt(share);
      for (let i = 0; i < n; i++) f[i] += a * z[i];
      used += share;
    };
    for (const r of [...raws, ...envRaws]) {
      if (r.term.factor !== factorNames[k]) continue;
      // A SNPxSNP term pushes the same way as its marginal parent (so the parent's marginal effect is not
      // cancelled by the product it is strongly correlated with).
      const drawn = rngFactor.next() < 0.5 ? -1 : 1;
      const sign = r.signOf && sdRawOf.has(r.signOf) ? Math.sign(sdRawOf.get(r.signOf)!) : drawn;
      add(r.x, r.term.varianceShare, sign);
      sdRawOf.set(r, sign * meanSd(r.x)[1]);
    }
    for (const c of covPlan) if (c.k === k) add(c.x, c.share, c.sign);
    if (used >= 1) throw new RangeError(`simulateCohort: variance shares of factor F${k + 1} sum to ${used} >= 1`);
    const s = Math.sqrt(1 - used);
    for (let i = 0; i < n; i++) f[i] += s * rngFactor.normal();
    factorRaw.push(f);
  }
  const factorSd: number[] = [];
  for (let k = 0; k < K; k++) {
    const [m, sd] = meanSd(factorRaw[k]);
    factorSd.push(sd);
    for (let i = 0; i < n; i++) F[i * K + k] = (factorRaw[k][i] - m) / sd;
  }
  const factorCol = (k: number) => Float64Array.from({ length: n }, (_, i) => F[i * K + k]);
  for (const r of [...raws, ...envRaws]) {
    const k = factorNames.indexOf(r.term.factor);
    const signedSd = sdRawOf.get(r)!;
    r.term.beta = Math.sign(signedSd) * Math.sqrt(r.term.varianceShare) / Math.abs(signedSd) / factorSd[k];
    const y = factorCol(k);
    r.term.tOnFactor = olsLastT(y, [r.x]);
    r.term.tWithParents = r.parents.length ? olsLastT(y, [...r.parents, r.x]) : r.term.tOnFactor;
  }
  const covariateEffects = covPlan.map((c) => ({
    covariate: c.covariate,
    factor: factorNames[c.k],
    beta: (c.sign * Math.sqrt(c.share)) / meanSd(c.x)[1] / factorSd[c.k],
    varianceShare: c.share,
  }));

  // --- phenotypes
  const P = o.phenos;
  const phenoTruth: PhenotypeTruth[] = [];
  const phenoCols: TableColumn[] = [];
  const pw = Math.max(3, String(P).length);
  const nNoise = Math.round(o.noiseFraction * P);
  const nBinary = Math.round(o.binaryFraction * P);
  // Spread noise and binary columns through the table (not all at the end).
  const kindOf: PhenotypeTruth['kind'][] = [];
  for (let p = 0; p < P; p++) kindOf.push('continuous');
  const order = Array.from({ length: P }, (_, p) => p);
  for (let p = P - 1; p > 0; p--) {
    const j = rngPheno.int(p + 1);
    [order[p], order[j]] = [order[j], order[p]];
  }
  for (let a = 0; a < nNoise; a++) kindOf[order[a]] = 'noise';
  for (let a = nNoise; a < nNoise + nBinary && a < P; a++) kindOf[order[a]] = 'binary';
  const nNonlinear = Math.round(o.nonlinearFraction * P);
  const nonlinear = new Uint8Array(P);
  for (let a = nNoise + nBinary; a < nNoise + nBinary + nNonlinear && a < P; a++) nonlinear[order[a]] = 1;
  // Non-monotone links: half U-shaped, a quarter V-shaped, a quarter products of two factors (cycled, so every
  // factor gets its share); each column's factor cycles separately from the monotone columns.
  const nonlinearLinks: PhenotypeTruth['link'][] = ['u-shape', 'product', 'u-shape', 'v-shape'];
  let nl = 0;
  const sig = new Float64Array(n);
  const continuousLinks: PhenotypeTruth['link'][] = ['identity', 'identity', 'exp', 'logistic', 'square'];
  let rr = 0;
  const lat = new Float64Array(n);
  for (let p = 0; p < P; p++) {
    const name = `ph${String(p + 1).padStart(pw, '0')}`;
    const kind = kindOf[p];
    const vals = new Float64Array(n);
    const loadings: { factor: string; loading: number }[] = [];
    let r2 = 0;
    let link: PhenotypeTruth['link'] = 'none';
    if (kind === 'continuous' && nonlinear[p]) {
      link = nonlinearLinks[nl % nonlinearLinks.length];
      const a = (Math.floor(nl / nonlinearLinks.length) + 2 * (nl % nonlinearLinks.length)) % K;
      nl++;
      r2 = 0.55 + 0.3 * rngPheno.next();
      let center: number | undefined;
      if (link === 'product') {
        const b = K > 1 ? (a + 1 + rngPheno.int(K - 1)) % K : a;
        loadings.push({ factor: factorNames[a], loading: 1 }, { factor: factorNames[b], loading: 1 });
        for (let i = 0; i < n; i++) sig[i] = F[i * K + a] * F[i * K + b];
      } else {
        center = round(-0.4 + 0.8 * rngPheno.next(), 3);
        loadings.push({ factor: factorNames[a], loading: 1 });
        const c0 = center;
        if (link === 'u-shape') for (let i = 0; i < n; i++) sig[i] = (F[i * K + a] - c0) ** 2;
        else for (let i = 0; i < n; i++) sig[i] = Math.abs(F[i * K + a] - c0);
      }
      const z = standardize(sig);
      const sSig = Math.sqrt(r2);
      const sNoise = Math.sqrt(1 - r2);
      const mu = 5 + 95 * rngPheno.next();
      const sc = mu * (0.05 + 0.15 * rngPheno.next());
      for (let i = 0; i < n; i++) vals[i] = round(mu + sc * (sSig * z[i] + sNoise * rngPheno.normal()), 4);
      for (let i = 0; i < n; i++) if (rngPheno.next() < o.missingCellRate) vals[i] = NaN;
      phenoCols.push(numericColumn(name, vals));
      phenoTruth.push({ name, kind, link, loadings, r2, ...(center === undefined ? {} : { center }) });
      continue;
    }
    if (kind === 'noise') {
      const skew = rngPheno.next() < 0.5;
      const mu = 10 + 90 * rngPheno.next();
      for (let i = 0; i < n; i++) {
        const e = rngPheno.normal();
        vals[i] = round(skew ? mu * Math.exp(0.3 * e) : mu + 0.1 * mu * e, 4);
      }
    } else {
      const a = rr++ % K;
      const two = K > 1 && rngPheno.next() < 0.35;
      const la = (0.6 + 0.4 * rngPheno.next()) * (rngPheno.next() < 0.8 ? 1 : -1);
      loadings.push({ factor: factorNames[a], loading: la });
      let b = -1;
      let lb = 0;
      if (two) {
        b = (a + 1 + rngPheno.int(K - 1)) % K;
        lb = (0.3 + 0.3 * rngPheno.next()) * (rngPheno.next() < 0.5 ? 1 : -1);
        loadings.push({ factor: factorNames[b], loading: lb });
      }
      const norm = Math.sqrt(la * la + lb * lb);
      r2 = 0.4 + 0.4 * rngPheno.next();
      const sSig = Math.sqrt(r2) / norm;
      const sNoise = Math.sqrt(1 - r2);
      for (let i = 0; i < n; i++) {
        let s = la * F[i * K + a];
        if (b >= 0) s += lb * F[i * K + b];
        lat[i] = sSig * s + sNoise * rngPheno.normal();
      }
      if (kind === 'binary') {
        link = 'threshold';
        const thrB = -0.5 + 1.8 * rngPheno.next();
        for (let i = 0; i < n; i++) vals[i] = lat[i] > thrB ? 1 : 0;
      } else {
        link = continuousLinks[rngPheno.int(continuousLinks.length)];
        const mu = 5 + 95 * rngPheno.next();
        const sc = mu * (0.05 + 0.2 * rngPheno.next());
        for (let i = 0; i < n; i++) {
          const x = lat[i];
          let y: number;
          switch (link) {
            case 'identity':
              y = mu + sc * x;
              break;
            case 'exp':
              y = mu * Math.exp(0.5 * x);
              break;
            case 'logistic':
              y = (2 * mu) / (1 + Math.exp(-1.5 * x));
              break;
            case 'square':
              y = (sc / 4) * (x + 3) * (x + 3);
              break;
            default:
              throw new Error(`unknown link ${link}`);
          }
          vals[i] = round(y, 4);
        }
      }
    }
    for (let i = 0; i < n; i++) if (rngPheno.next() < o.missingCellRate) vals[i] = NaN;
    phenoCols.push(numericColumn(name, vals));
    phenoTruth.push({ name, kind, link, loadings, r2 });
  }

  // --- outcomes
  // Outcome coefficients by factor index; with fewer than 5 factors an index wraps around (k mod K), so every
  // outcome stays factor-driven.
  const coefs = (pairs: [number, number][]): Float64Array => {
    const c = new Float64Array(K);
    for (const [k, b] of pairs) c[k % K] += b;
    return c;
  };
  const cD = coefs([[0, 0.9], [1, 0.6]]);
  const cQ = coefs([[1, 0.5], [4, 0.5]]);
  const cT = coefs([[2, 0.7], [3, 0.4]]);
  const lin = (i: number, c: Float64Array) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += c[k] * F[i * K + k];
    return s;
  };
  const disease = new Float64Array(n);
  const later = new Float64Array(n);
  const time = new Float64Array(n);
  const event = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const eta = -1.2 + lin(i, cD) + 0.02 * (age[i] - 55);
    disease[i] = rngOutcome.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    later[i] = round(lin(i, cQ) + 0.7 * rngOutcome.normal(), 4);
    const hazard = 0.05 * Math.exp(lin(i, cT));
    let u = rngOutcome.next();
    while (u === 0) u = rngOutcome.next();
    const T = -Math.log(u) / hazard;
    const C = 5 + 10 * rngOutcome.next();
    time[i] = round(Math.min(T, C), 3);
    event[i] = T <= C ? 1 : 0;
  }
  const named = (c: Float64Array) => Object.fromEntries(factorNames.map((f, k) => [f, c[k]] as [string, number]).filter(([, b]) => b !== 0));
  const text = (c: Float64Array) =>
    factorNames
      .map((f, k) => (c[k] ? `${c[k]} ${f}` : ''))
      .filter((x) => x)
      .join(' + ');
  const outcomeTruth: OutcomeTruth[] = [
    { name: 'disease', kind: 'binary', coefficients: named(cD), description: `logit P(disease) = -1.2 + ${text(cD)} + 0.02 (age - 55)` },
    { name: 'later_score', kind: 'quantitative', coefficients: named(cQ), description: `later_score = ${text(cQ)} + N(0, 0.7^2)` },
    {
      name: 'time',
      kind: 'time-to-event',
      coefficients: named(cT),
      description: `hazard = 0.05 exp(${text(cT)}) per year; censored at U(5, 15) years; event = 1 if observed`,
    },
  ];

  const table = (source: string, cols: TableColumn[]): Table => ({ source, idColumn: 'IID', fid: null, ids: iid, columns: cols, warnings: [] });
  const famSex = Uint8Array.from(sex, (s) => (s === 1 ? 1 : 2));
  return {
    samples,
    famSex,
    packed,
    bytesPerVariant: bpv,
    variants,
    variantStats: { designAltFreq: altFreq, altCount: counts.a1, obsCount: obsAlleles, altFreq: obsAltFreq },
    pheno: table('pheno.csv', phenoCols),
    covar: table('covar.csv', [
      numericColumn('age', age),
      numericColumn('sex', sex),
      numericColumn('smoking', smoking),
      numericColumn('alcohol', alcohol),
      numericColumn('exercise', exercise),
    ]),
    outcomes: table('outcomes.csv', [numericColumn('disease', disease), numericColumn('later_score', later), numericColumn('time', time), numericColumn('event', event)]),
    factors: F,
    factorNames,
    truth: {
      seed: o.seed,
      n,
      snps: o.snps,
      phenos: P,
      factors: factorNames,
      terms: raws.map((r) => r.term),
      envTerms: envRaws.map((r) => r.term),
      covariateEffects,
      phenotypes: phenoTruth,
      outcomes: outcomeTruth,
      options: o,
    },
  };
}
