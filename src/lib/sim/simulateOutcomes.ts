/**
 * Outcomes driven by the factors: binary disease (logistic, also on age), a later quantitative measurement, and a
 * time-to-event with an event indicator (exponential hazard, uniform administrative censoring).
 */
import type { Rng } from '../math/rng';
import type { TableColumn } from '../io/Table';
import type { OutcomeTruth } from './simulateCohort';
import { numericColumn } from './numericColumn';
import { round } from './simStats';

export interface SimulateOutcomesInput {
  n: number;
  /** n x K, row-major, standardized factors. */
  F: Float64Array;
  factorNames: string[];
  age: Float64Array;
}

export interface SimulatedOutcomes {
  /** disease, later_score, time, event. */
  columns: TableColumn[];
  truth: OutcomeTruth[];
}

/**
 * Coefficients by factor index; with fewer than 5 factors an index wraps around (k mod K), so every outcome
 * stays factor-driven.
 */
function outcomeCoefficients(K: number, pairs: [number, number][]): Float64Array {
  const c = new Float64Array(K);
  for (const [k, b] of pairs) c[k % K] += b;
  return c;
}

/** Simulates the outcomes; per person, draws disease, later_score, event time and censoring time from `rng`. */
export function simulateOutcomes(rng: Rng, input: SimulateOutcomesInput): SimulatedOutcomes {
  const { n, F, factorNames, age } = input;
  const K = factorNames.length;
  const cD = outcomeCoefficients(K, [[0, 0.9], [1, 0.6]]);
  const cQ = outcomeCoefficients(K, [[1, 0.5], [4, 0.5]]);
  const cT = outcomeCoefficients(K, [[2, 0.7], [3, 0.4]]);
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
    disease[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    later[i] = round(lin(i, cQ) + 0.7 * rng.normal(), 4);
    const hazard = 0.05 * Math.exp(lin(i, cT));
    let u = rng.next();
    while (u === 0) u = rng.next();
    const T = -Math.log(u) / hazard;
    const C = 5 + 10 * rng.next();
    time[i] = round(Math.min(T, C), 3);
    event[i] = T <= C ? 1 : 0;
  }
  const named = (c: Float64Array) => Object.fromEntries(factorNames.map((f, k) => [f, c[k]] as [string, number]).filter(([, b]) => b !== 0));
  const text = (c: Float64Array) =>
    factorNames
      .map((f, k) => (c[k] ? `${c[k]} ${f}` : ''))
      .filter((x) => x)
      .join(' + ');
  const truth: OutcomeTruth[] = [
    { name: 'disease', kind: 'binary', coefficients: named(cD), description: `logit P(disease) = -1.2 + ${text(cD)} + 0.02 (age - 55)` },
    { name: 'later_score', kind: 'quantitative', coefficients: named(cQ), description: `later_score = ${text(cQ)} + N(0, 0.7^2)` },
    {
      name: 'time',
      kind: 'time-to-event',
      coefficients: named(cT),
      description: `hazard = 0.05 exp(${text(cT)}) per year; censored at U(5, 15) years; event = 1 if observed`,
    },
  ];
  const columns = [numericColumn('disease', disease), numericColumn('later_score', later), numericColumn('time', time), numericColumn('event', event)];
  return { columns, truth };
}
