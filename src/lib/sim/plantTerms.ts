/**
 * The planted terms of the latent factors and the raw feature each one is built from: SNP dosage g, SNPxE g*E,
 * SNPxSNP g1*g2 (raw, uncentred, as plink2 --glm interaction and the selection step build them), environment
 * main effects, and covariate effects. No random draws: signs and noise come with the factors.
 */
import type { VariantBlock } from '../io/GenotypeSource';
import type { PlantedTerm } from './simulateCohort';
import type { PlantedSnps } from './pickPlantedSnps';
import type { EnvName, SimulatedPeople } from './simulatePeople';
import { uniqueFraction } from './simStats';

/** A planted term with its raw feature; `beta`, `tOnFactor` and `tWithParents` are filled in later. */
export interface TermFeature {
  term: PlantedTerm;
  /** The raw feature, one value per person. */
  x: Float64Array;
  /** GxE, GxG: the parents' raw features (the interaction's share counts only its part orthogonal to them). */
  parents: Float64Array[];
  /** GxG: the marginal SNP term whose sign this term takes. */
  signOf?: TermFeature;
}

/** A covariate's effect on one factor (always positive share; sign fixed by the plan). */
export interface CovariatePlan {
  covariate: string;
  x: Float64Array;
  k: number;
  share: number;
  sign: number;
}

export interface TermPlan {
  /** Genetic terms (SNP, GxE, GxG), in that order. */
  genetic: TermFeature[];
  /** Environment main effects. */
  env: TermFeature[];
  covariates: CovariatePlan[];
}

export interface PlantTermsInput {
  variants: VariantBlock;
  planted: PlantedSnps;
  trueDosage: Map<number, Int8Array>;
  people: SimulatedPeople;
  factorNames: string[];
  /** Variance shares, cycled over the genetic terms in order. */
  termShares: number[];
  /** Number of SNPxE terms (the SNPxSNP terms' factors continue after them). */
  plantedGxe: number;
}

/**
 * Each SNPxE goes to a factor without a main effect of the same E (F1: smoking, F2: alcohol), so the product's
 * marginal signal is not cancelled by an opposite-signed main effect.
 */
const GXE_ENV: EnvName[] = ['alcohol', 'exercise'];

/** Environment main effects [E, factor index, share], cycled when K differs from 5. */
const ENV_PLAN: [EnvName, number, number][] = [
  ['smoking', 0, 0.06],
  ['alcohol', 1, 0.05],
  ['exercise', 2, 0.06],
  ['smoking', 3, 0.03],
  ['exercise', 4, 0.04],
];

/** SNP, SNPxE and SNPxSNP terms with their shares (an interaction's share scaled to its unique part). */
export function plantGeneticTerms(input: PlantTermsInput): TermFeature[] {
  const { variants, planted, trueDosage, factorNames, termShares: shares } = input;
  const K = factorNames.length;
  const env = input.people.env;
  const toF64 = (d: Int8Array) => Float64Array.from(d);
  const raws: TermFeature[] = [];
  let t = 0;
  const mainFactor = new Map<number, number>();
  planted.main.forEach((v, i) => {
    const k = i % K;
    mainFactor.set(k, v);
    raws.push({
      term: { term: variants.id[v], type: 'SNP', factor: factorNames[k], beta: 0, varianceShare: shares[t++ % shares.length], snps: [variants.id[v]], tOnFactor: 0, tWithParents: 0 },
      x: toF64(trueDosage.get(v)!),
      parents: [],
    });
  });
  planted.gxe.forEach((v, i) => {
    const k = i % K;
    const e = GXE_ENV[i % GXE_ENV.length];
    const g = toF64(trueDosage.get(v)!);
    const E = env[e];
    const x = g.map((gi, j) => gi * E[j]);
    raws.push({
      term: { term: `${variants.id[v]}:${e}`, type: 'GxE', factor: factorNames[k], beta: 0, varianceShare: shares[t++ % shares.length], snps: [variants.id[v]], env: e, tOnFactor: 0, tWithParents: 0 },
      x,
      parents: [g, E],
    });
  });
  planted.gxg2.forEach((v2, i) => {
    const k = (input.plantedGxe + i) % K;
    const v1 = mainFactor.get(k) ?? planted.main[i % planted.main.length];
    const k1 = mainFactor.has(k) ? k : planted.main.indexOf(v1) % K;
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
  return raws;
}

/** Environment main effects by factor (the plan cycled over the factors; entries past K dropped when K < 5). */
export function planEnvTerms(env: Record<EnvName, Float64Array>, factorNames: string[]): TermFeature[] {
  const K = factorNames.length;
  const envRaws: TermFeature[] = [];
  for (const [e, k0, share] of ENV_PLAN) {
    if (k0 >= K && K < 5) continue;
    envRaws.push({
      term: { term: e, type: 'ENV', factor: factorNames[k0 % K], beta: 0, varianceShare: share, snps: [], env: e, tOnFactor: 0, tWithParents: 0 },
      x: env[e],
      parents: [],
    });
  }
  return envRaws;
}

/** Covariate effects: age on every factor (alternating sign), sex on every other factor. */
export function planCovariates(people: SimulatedPeople, K: number): CovariatePlan[] {
  const covPlan: CovariatePlan[] = [];
  for (let k = 0; k < K; k++) {
    covPlan.push({ covariate: 'age', x: people.age, k, share: 0.04, sign: k % 2 === 0 ? 1 : -1 });
    if (k % 2 === 0) covPlan.push({ covariate: 'sex', x: people.sex, k, share: 0.02, sign: 1 });
  }
  return covPlan;
}

/** Every planted term of the factors: genetic, environment and covariate effects. */
export function plantTerms(input: PlantTermsInput): TermPlan {
  return {
    genetic: plantGeneticTerms(input),
    env: planEnvTerms(input.people.env, input.factorNames),
    covariates: planCovariates(input.people, input.factorNames.length),
  };
}
