/**
 * Genotypes with population structure and relatives, variant by variant, in the packed .bed layout. Every
 * founder haplotype (unrelated people, the unobserved parents of sibling pairs) draws each allele from its
 * group's frequency; an admixed founder draws the group of each allele at each variant independently from its
 * ancestry proportions. With LD blocks each founder haplotype is a Gaussian AR(1) chain (ldRho) thresholded at
 * the allele's group frequency. A sibling copies one haplotype of each parent, starting on a random one at each
 * chromosome and switching with probability SWITCH_RATE per variant (recombination). One uniform per call for
 * missing calls; the polygenic scores use the true dosages.
 */
import type { Rng } from '../math/rng';
import { normalQuantile } from '../math/dist';
import type { GenotypeSimOptions } from './simulateGenotypes';
import type { Population } from './simulateStructure';

/** Recombination: switch of the transmitted parental haplotype per variant (~1 per 100 variants). */
export const SWITCH_RATE = 0.01;

export interface StructuredGenoInput {
  o: GenotypeSimOptions;
  chrom: string[];
  /** Per group: ALT frequency per variant. */
  groupFreq: Float64Array[];
  pop: Population;
  trueDosage: Map<number, Int8Array>;
  /** K x m polygenic effects (0 for planted SNPs), or null. */
  polyEffects: Float64Array | null;
  K: number;
}

export function simulateStructuredGenotypes(rng: Rng, input: StructuredGenoInput): { packed: Uint8Array; polygenic: Float64Array[] | null } {
  const { o, pop, groupFreq, chrom, polyEffects, K } = input;
  const n = o.nSamples;
  const m = o.nSnps;
  const bpv = Math.ceil(n / 4);
  const packed = new Uint8Array(m * bpv);
  const G = groupFreq.length;
  const H = 2 * pop.nFounders;
  const hap = new Uint8Array(H);
  const ld = o.ldBlock > 1;
  const rho = o.ldRho;
  const s = Math.sqrt(1 - rho * rho);
  const z = new Float64Array(ld ? H : 0);
  const thr = new Float64Array(G);
  const srcA = new Uint8Array(n);
  const srcB = new Uint8Array(n);
  const d = new Int8Array(n);
  const poly = polyEffects ? Array.from({ length: K }, () => new Float64Array(n)) : null;
  for (let v = 0; v < m; v++) {
    const chrStart = v === 0 || chrom[v] !== chrom[v - 1];
    const blockStart = ld && v % o.ldBlock === 0;
    for (let g = 0; g < G; g++) thr[g] = ld ? normalQuantile(groupFreq[g][v]) : groupFreq[g][v];
    for (let h = 0; h < H; h++) {
      const f = h >> 1;
      let g = pop.founderGroup[f];
      if (g < 0) {
        const u = rng.next();
        g = 0;
        while (g < G - 1 && u >= pop.founderCum[f * G + g]) g++;
      }
      if (ld) {
        z[h] = blockStart ? rng.normal() : rho * z[h] + s * rng.normal();
        hap[h] = z[h] < thr[g] ? 1 : 0;
      } else hap[h] = rng.next() < thr[g] ? 1 : 0;
    }
    for (let j = 0; j < n; j++) {
      const a = pop.parentA[j];
      const b = pop.parentB[j];
      if (b < 0) {
        d[j] = hap[2 * a] + hap[2 * a + 1];
        continue;
      }
      if (chrStart) {
        srcA[j] = rng.next() < 0.5 ? 1 : 0;
        srcB[j] = rng.next() < 0.5 ? 1 : 0;
      } else {
        if (rng.next() < SWITCH_RATE) srcA[j] ^= 1;
        if (rng.next() < SWITCH_RATE) srcB[j] ^= 1;
      }
      d[j] = hap[2 * a + srcA[j]] + hap[2 * b + srcB[j]];
    }
    const truth = input.trueDosage.get(v);
    if (truth) truth.set(d);
    const off = v * bpv;
    for (let j = 0; j < n; j++) {
      const x = d[j];
      const code = rng.next() < o.missingRate ? 0b01 : x === 0 ? 0b11 : x === 1 ? 0b10 : 0b00;
      packed[off + (j >> 2)] |= code << ((j & 3) << 1);
    }
    if (poly && polyEffects) {
      for (let k = 0; k < K; k++) {
        const e = polyEffects[k * m + v];
        if (e === 0) continue;
        const pk = poly[k];
        for (let j = 0; j < n; j++) pk[j] += e * d[j];
      }
    }
  }
  return { packed, polygenic: poly };
}
