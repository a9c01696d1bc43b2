/**
 * The cohort's people: IDs, covariates age (40-70) and sex (1 male, 0 female), and environment: smoking (0/1),
 * alcohol and exercise (scores centred to mean 0, sd 1, so SNPxE products do not depend on centring).
 */
import type { Rng } from '../math/rng';
import type { SampleIds } from '../io/GenotypeSource';
import { round, standardize } from './simStats';

/** The environment variables, by name. */
export type EnvName = 'smoking' | 'alcohol' | 'exercise';

export interface SimulatedPeople {
  /** P00001, P00002, ... (FID = IID). */
  iid: string[];
  samples: SampleIds;
  age: Float64Array;
  sex: Float64Array;
  smoking: Float64Array;
  alcohol: Float64Array;
  exercise: Float64Array;
  /** The same three environment columns, by name. */
  env: Record<EnvName, Float64Array>;
}

/** Simulates `n` people; per person, draws age, sex, smoking, alcohol and exercise from `rng` in that order. */
export function simulatePeople(rng: Rng, n: number): SimulatedPeople {
  const width = String(n).length;
  const iid = Array.from({ length: n }, (_, i) => `P${String(i + 1).padStart(Math.max(5, width), '0')}`);
  const samples: SampleIds = { fid: iid.slice(), iid };
  const age = new Float64Array(n);
  const sex = new Float64Array(n);
  const smoking = new Float64Array(n);
  const alcoholRaw = new Float64Array(n);
  const exerciseRaw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    age[i] = round(40 + 30 * rng.next(), 1);
    sex[i] = rng.next() < 0.5 ? 1 : 0;
    smoking[i] = rng.next() < 0.2 + 0.1 * sex[i] ? 1 : 0;
    alcoholRaw[i] = 0.3 * sex[i] + 0.2 * smoking[i] + rng.normal();
    exerciseRaw[i] = -0.2 * smoking[i] + rng.normal();
  }
  const alcohol = standardize(alcoholRaw).map((x) => round(x, 4));
  const exercise = standardize(exerciseRaw).map((x) => round(x, 4));
  // Re-centre after rounding so the column mean is 0 to ~1e-5.
  return { iid, samples, age, sex, smoking, alcohol, exercise, env: { smoking, alcohol, exercise } };
}
