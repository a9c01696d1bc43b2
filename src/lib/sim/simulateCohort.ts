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
 *
 * One module per part, each drawing only from its own seeded stream (forked here, in a fixed order):
 * simulateVariants (allele frequencies, LD, planted SNP choice, genotype calls), simulatePeople (IDs,
 * covariates, environment), plantTerms (the planted terms' raw features and shares), simulateFactors and
 * measureTermEffects (the factors; the terms' betas and t values), simulatePhenotypes (with phenotypeColumn),
 * simulateOutcomes. resolveSimulateOptions holds the defaults and checks; simStats the small statistics.
 */
import { createRng } from '../math/rng';
import type { SampleIds, VariantBlock } from '../io/GenotypeSource';
import type { Table, TableColumn } from '../io/Table';
import { resolveSimulateOptions } from './resolveSimulateOptions';
import { simulateVariants } from './simulateVariants';
import { simulatePeople } from './simulatePeople';
import { plantTerms } from './plantTerms';
import { simulateFactors } from './simulateFactors';
import { measureTermEffects } from './measureTermEffects';
import { simulatePhenotypes } from './simulatePhenotypes';
import { simulateOutcomes } from './simulateOutcomes';
import { numericColumn } from './numericColumn';
import { isStructured } from './resolveSimulateOptions';
import { assignPopulation, groupFactorShifts, type Population } from './simulateStructure';

export { olsLastT } from './simStats';

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
  /** Structure and relatedness (docs/genotypes-and-simulator.md, "Structure and relatedness"). Groups (default 1). */
  ancestryGroups?: number;
  /** Balding-Nichols F_ST of the groups (default 0.04 when groups > 1). */
  fst?: number;
  /** Relative group sizes (default equal). */
  groupShares?: number[];
  /** Fraction of admixed people, Dirichlet(1, ..., 1) proportions, group drawn per allele (default 0). */
  admixedFraction?: number;
  /** Fraction of people in full-sibling pairs (default 0). */
  siblingFraction?: number;
  /** SD of the group mean shifts of the factors (default 0.5 when groups > 1). */
  groupFactorShift?: number;
  /** Share of each factor's variance from an infinitesimal polygenic score over the non-planted SNPs (default 0). */
  polygenicShare?: number;
  /**
   * Where the polygenic effects sit: 'all' autosomes (default) or 'odd' chromosomes only, so that the SNPs of the
   * even ones are null for every factor (calibration tests of LOCO: relatives correlated, tested SNPs null).
   */
  polygenicChromosomes?: 'all' | 'odd';
  /** Fraction of variants whose ALT allele is the major one (default 0). */
  altMajorFraction?: number;
}

export interface AncestryTruth {
  groups: string[];
  /** Per person: group name or 'admixed'; family ID or null; ancestry proportions. */
  group: string[];
  family: (string | null)[];
  proportions: number[][];
  siblingPairs: [string, string][];
  /** Per group and factor: the mean shift before standardizing. */
  groupFactorShift: number[][];
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
  ancestry?: AncestryTruth;
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

/** Simulates a cohort: genotypes, covariates, environment, latent factors, phenotypes, outcomes and the truth. */
export function simulateCohort(opts: SimulateOptions = {}): SimulatedCohort {
  const o = resolveSimulateOptions(opts);
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
  const rngStruct = root.fork();
  const sr = { alt: rngStruct.fork(), freq: rngStruct.fork(), assign: rngStruct.fork(), shift: rngStruct.fork(), poly: rngStruct.fork() };
  const pop = isStructured(o) ? assignPopulation(sr.assign, o) : null;
  const factorNames = Array.from({ length: K }, (_, k) => `F${k + 1}`);

  const geno = simulateVariants({ variant: rngVar, plant: rngPlant, geno: rngGeno, alt: sr.alt, freq: sr.freq, poly: sr.poly }, o, pop, K);
  const shift = pop && o.groupFactorShift > 0 ? groupFactorShifts(sr.shift, pop, K, o.groupFactorShift) : null;
  const people = simulatePeople(rngPeople, n);
  const plan = plantTerms({
    variants: geno.variants,
    planted: geno.planted,
    trueDosage: geno.trueDosage,
    people,
    factorNames,
    termShares: o.termShares,
    plantedGxe: o.plantedGxe,
  });
  const terms = [...plan.genetic, ...plan.env];
  const factors = simulateFactors(rngFactor, {
    n,
    factorNames,
    terms,
    covariates: plan.covariates,
    polygenic: geno.polygenic,
    polygenicShare: o.polygenicShare,
    shift: shift?.perPerson ?? null,
  });
  const covariateEffects = measureTermEffects({ n, factorNames, factors, terms, covariates: plan.covariates });
  const pheno = simulatePhenotypes(rngPheno, { n, F: factors.F, factorNames }, o);
  const outcomes = simulateOutcomes(rngOutcome, { n, F: factors.F, factorNames, age: people.age });

  const { iid, samples, age, sex, smoking, alcohol, exercise } = people;
  const table = (source: string, cols: TableColumn[]): Table => ({ source, idColumn: 'IID', fid: null, ids: iid, columns: cols, warnings: [] });
  const famSex = Uint8Array.from(sex, (s) => (s === 1 ? 1 : 2));
  return {
    samples,
    famSex,
    packed: geno.packed,
    bytesPerVariant: geno.bytesPerVariant,
    variants: geno.variants,
    variantStats: geno.variantStats,
    pheno: table('pheno.csv', pheno.columns),
    covar: table('covar.csv', [
      numericColumn('age', age),
      numericColumn('sex', sex),
      numericColumn('smoking', smoking),
      numericColumn('alcohol', alcohol),
      numericColumn('exercise', exercise),
    ]),
    outcomes: table('outcomes.csv', outcomes.columns),
    factors: factors.F,
    factorNames,
    truth: {
      seed: o.seed,
      n,
      snps: o.snps,
      phenos: o.phenos,
      factors: factorNames,
      terms: plan.genetic.map((r) => r.term),
      envTerms: plan.env.map((r) => r.term),
      covariateEffects,
      phenotypes: pheno.truth,
      outcomes: outcomes.truth,
      options: o,
      ...(pop && (o.ancestryGroups > 1 || o.siblingFraction > 0) ? { ancestry: ancestryTruth(pop, people.iid, shift?.delta ?? [], K) } : {}),
    },
  };
}

function ancestryTruth(pop: Population, iid: string[], delta: number[][], K: number): AncestryTruth {
  const G = pop.G;
  const groups = Array.from({ length: G }, (_, g) => `G${g + 1}`);
  const fam = (f: number) => `FAM${String(f + 1).padStart(4, '0')}`;
  return {
    groups,
    group: iid.map((_, j) => (pop.group[j] < 0 ? 'admixed' : groups[pop.group[j]])),
    family: iid.map((_, j) => (pop.family[j] < 0 ? null : fam(pop.family[j]))),
    proportions: iid.map((_, j) => Array.from(pop.props.subarray(j * G, (j + 1) * G), (x) => Math.round(x * 1e6) / 1e6)),
    siblingPairs: pop.pairs.map(([a, b]) => [iid[a], iid[b]]),
    groupFactorShift: delta.length ? delta : Array.from({ length: G }, () => new Array(K).fill(0)),
  };
}
