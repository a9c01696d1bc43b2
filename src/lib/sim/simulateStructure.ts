/**
 * Population structure and relatedness for the cohort simulator (docs/genotypes-and-simulator.md, "Structure
 * and relatedness"): who is in which ancestry group, who is admixed (Dirichlet(1, ..., 1) proportions), which
 * people are full-sibling pairs (two unobserved parents of the same group / proportions), Balding-Nichols group
 * allele frequencies, ALT-as-major flips, and the group shifts of the latent factors.
 */
import { betaSample, permutation, type Rng } from '../math/rng';

export interface Population {
  G: number;
  /** Founders: unrelated people and the two unobserved parents of each sibling pair. Haplotypes 2f, 2f + 1. */
  nFounders: number;
  /** Per founder: group index, or -1 when admixed. */
  founderGroup: Int32Array;
  /** Per founder: cumulative ancestry proportions (nFounders x G). */
  founderCum: Float64Array;
  /** Per person: own founder (unrelated) or first parent; second parent or -1. */
  parentA: Int32Array;
  parentB: Int32Array;
  /** Per person: group index or -1 (admixed), proportions (n x G), family index or -1. */
  group: Int32Array;
  props: Float64Array;
  family: Int32Array;
  /** Person indices of each sibling pair. */
  pairs: [number, number][];
}

export interface PopulationOptions {
  n: number;
  ancestryGroups: number;
  groupShares: number[];
  admixedFraction: number;
  siblingFraction: number;
}

/** Assigns people to families, groups and admixture; exact group shares by largest deficit over random units. */
export function assignPopulation(rng: Rng, o: PopulationOptions): Population {
  const { n } = o;
  const G = o.ancestryGroups;
  const perm = permutation(n, rng);
  const nPairs = Math.floor((o.siblingFraction * n) / 2);
  const units: number[][] = [];
  for (let p = 0; p < nPairs; p++) units.push([perm[2 * p], perm[2 * p + 1]]);
  for (let i = 2 * nPairs; i < n; i++) units.push([perm[i]]);
  const order = permutation(units.length, rng);
  const totalShare = o.groupShares.reduce((s, x) => s + x, 0);
  const share = o.groupShares.map((s) => s / totalShare);
  const admixTarget = G > 1 ? Math.round(o.admixedFraction * n) : 0;
  let admixed = 0;
  let assigned = 0;
  const count = new Array(G).fill(0);
  const group = new Int32Array(n);
  const props = new Float64Array(n * G);
  const family = new Int32Array(n).fill(-1);
  const parentA = new Int32Array(n);
  const parentB = new Int32Array(n).fill(-1);
  const founderGroup: number[] = [];
  const founderCum: number[] = [];
  const pairs: [number, number][] = [];
  for (let u = 0; u < order.length; u++) {
    const members = units[order[u]];
    const q = new Array(G).fill(0);
    let g = -1;
    if (admixed < admixTarget) {
      let s = 0;
      for (let h = 0; h < G; h++) s += q[h] = -Math.log(1 - rng.next());
      for (let h = 0; h < G; h++) q[h] /= s;
      admixed += members.length;
    } else {
      let best = -Infinity;
      for (let h = 0; h < G; h++) {
        const deficit = share[h] * (assigned + members.length) - count[h];
        if (deficit > best) [best, g] = [deficit, h];
      }
      count[g] += members.length;
      assigned += members.length;
      q[g] = 1;
    }
    let c = 0;
    const cum = q.map((x) => (c += x));
    const nf = members.length === 2 ? 2 : 1;
    const f0 = founderGroup.length;
    for (let k = 0; k < nf; k++) {
      founderGroup.push(g);
      founderCum.push(...cum);
    }
    if (nf === 2) pairs.push([members[0], members[1]]);
    for (const j of members) {
      group[j] = g;
      for (let h = 0; h < G; h++) props[j * G + h] = q[h];
      parentA[j] = f0;
      if (nf === 2) {
        parentB[j] = f0 + 1;
        family[j] = pairs.length - 1;
      }
    }
  }
  pairs.sort((a, b) => Math.min(...a) - Math.min(...b));
  return {
    G,
    nFounders: founderGroup.length,
    founderGroup: Int32Array.from(founderGroup),
    founderCum: Float64Array.from(founderCum),
    parentA,
    parentB,
    group,
    props,
    family,
    pairs,
  };
}

/** Balding-Nichols: p_g ~ Beta(p (1 - F) / F, (1 - p)(1 - F) / F) per variant and group, clamped to [0.001, 0.999]. */
export function groupFrequencies(rng: Rng, altFreq: Float64Array, G: number, F: number): Float64Array[] {
  if (G === 1 || F === 0) return Array.from({ length: G }, () => altFreq);
  const out = Array.from({ length: G }, () => new Float64Array(altFreq.length));
  const k = (1 - F) / F;
  for (let v = 0; v < altFreq.length; v++) {
    const p = altFreq[v];
    for (let g = 0; g < G; g++) out[g][v] = Math.min(0.999, Math.max(0.001, betaSample(rng, p * k, (1 - p) * k)));
  }
  return out;
}

/** ALT as the reference-genome allele: for round(fraction x m) variants chosen at random, ALT frequency 1 - p. */
export function flipAltMajor(rng: Rng, drawn: Float64Array, fraction: number): Float64Array {
  if (!(fraction > 0)) return drawn;
  const m = drawn.length;
  const out = Float64Array.from(drawn);
  const perm = permutation(m, rng);
  const k = Math.round(fraction * m);
  for (let i = 0; i < k; i++) out[perm[i]] = 1 - drawn[perm[i]];
  return out;
}

/** Group mean shifts of the factors (G x K, sd `sd`) and each person's ancestry-weighted shift, per factor. */
export function groupFactorShifts(rng: Rng, pop: Population, K: number, sd: number): { delta: number[][]; perPerson: Float64Array[] } {
  const G = pop.G;
  const n = pop.group.length;
  const delta = Array.from({ length: G }, () => Array.from({ length: K }, () => sd * rng.normal()));
  const perPerson = Array.from({ length: K }, (_, k) => {
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let g = 0; g < G; g++) x[j] += pop.props[j * G + g] * delta[g][k];
    return x;
  });
  return { delta, perPerson };
}
