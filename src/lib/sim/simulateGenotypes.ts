/**
 * Seeded genotypes for the cohort simulator, written straight into the packed .bed layout (GenotypeSource.ts).
 * Without LD each call costs one uniform draw: u < missing -> missing call, else (u - missing)/(1 - missing)
 * against the Hardy-Weinberg cumulative probabilities. With LD blocks, each haplotype is a Gaussian AR(1) chain
 * along the block (correlation `ldRho` between neighbours), thresholded at the allele frequency (a copula),
 * so allele frequencies stay as drawn while neighbouring SNPs are correlated.
 */
import type { Rng } from '../math/rng';
import { normalQuantile } from '../math/dist';
import type { VariantBlock } from '../io/GenotypeSource';

export interface GenotypeSimOptions {
  nSamples: number;
  nSnps: number;
  mafMin: number;
  mafMax: number;
  /** Probability that a call is missing. */
  missingRate: number;
  /** SNPs per LD block; 0 or 1 = no LD. */
  ldBlock: number;
  /** Correlation of neighbouring SNPs' latent haplotype values within a block. */
  ldRho: number;
  /** Number of chromosomes the SNPs are spread over (1..22). */
  chromosomes: number;
}

export interface SimulatedGenotypes {
  packed: Uint8Array;
  bytesPerVariant: number;
  variants: VariantBlock;
  /** ALT (= A1, counted) allele frequency each SNP was drawn with. */
  altFreq: Float64Array;
}

const BASES = ['A', 'C', 'G', 'T'];

export function simulateVariantInfo(rng: Rng, o: GenotypeSimOptions): { variants: VariantBlock; altFreq: Float64Array } {
  const m = o.nSnps;
  const altFreq = new Float64Array(m);
  for (let v = 0; v < m; v++) altFreq[v] = o.mafMin + (o.mafMax - o.mafMin) * rng.next();
  const nChr = Math.max(1, Math.min(22, o.chromosomes));
  const perChr = Math.ceil(m / nChr);
  const chrom: string[] = new Array(m);
  const pos = new Int32Array(m);
  const id: string[] = new Array(m);
  const ref: string[] = new Array(m);
  const alt: string[] = new Array(m);
  let bp = 0;
  for (let v = 0; v < m; v++) {
    const c = Math.floor(v / perChr);
    if (v % perChr === 0) bp = 10_000 + rng.int(50_000);
    // Within LD blocks SNPs are ~2 kb apart; between blocks (or without LD) ~20-40 kb.
    bp += o.ldBlock > 1 && v % o.ldBlock !== 0 ? 1_000 + rng.int(2_000) : 20_000 + rng.int(20_000);
    chrom[v] = String(c + 1);
    pos[v] = bp;
    id[v] = `rs${v + 1}`;
    const r = rng.int(4);
    ref[v] = BASES[r];
    alt[v] = BASES[(r + 1 + rng.int(3)) % 4];
  }
  return { variants: { chrom, pos, id, ref, alt }, altFreq };
}

/**
 * Fills the packed matrix. `trueDosage` receives the full (unmasked) dosages of the SNPs listed in it, the
 * planted ones, so their effects use the real genotype even where the call is reported missing.
 */
export function simulateGenotypeMatrix(
  rng: Rng,
  o: GenotypeSimOptions,
  altFreq: Float64Array,
  trueDosage: Map<number, Int8Array>,
): Uint8Array {
  const n = o.nSamples;
  const m = o.nSnps;
  const bpv = Math.ceil(n / 4);
  const packed = new Uint8Array(m * bpv);
  const miss = o.missingRate;
  const keepScale = 1 / (1 - miss);
  if (o.ldBlock > 1) {
    simulateLd(rng, o, altFreq, packed, trueDosage);
    return packed;
  }
  for (let v = 0; v < m; v++) {
    const p = altFreq[v];
    const q = 1 - p;
    const c0 = q * q;
    const c1 = c0 + 2 * p * q;
    const truth = trueDosage.get(v);
    const off = v * bpv;
    for (let j = 0; j < n; j++) {
      const u = rng.next();
      let code: number;
      if (u < miss) {
        code = 0b01;
        if (truth) {
          const w = rng.next();
          truth[j] = w < c0 ? 0 : w < c1 ? 1 : 2;
        }
      } else {
        const w = (u - miss) * keepScale;
        const d = w < c0 ? 0 : w < c1 ? 1 : 2;
        code = d === 0 ? 0b11 : d === 1 ? 0b10 : 0b00;
        if (truth) truth[j] = d;
      }
      packed[off + (j >> 2)] |= code << ((j & 3) << 1);
    }
  }
  return packed;
}

function simulateLd(rng: Rng, o: GenotypeSimOptions, altFreq: Float64Array, packed: Uint8Array, trueDosage: Map<number, Int8Array>): void {
  const n = o.nSamples;
  const m = o.nSnps;
  const bpv = Math.ceil(n / 4);
  const rho = o.ldRho;
  const s = Math.sqrt(1 - rho * rho);
  const z1 = new Float64Array(n);
  const z2 = new Float64Array(n);
  for (let v = 0; v < m; v++) {
    const start = v % o.ldBlock === 0;
    for (let j = 0; j < n; j++) {
      if (start) {
        z1[j] = rng.normal();
        z2[j] = rng.normal();
      } else {
        z1[j] = rho * z1[j] + s * rng.normal();
        z2[j] = rho * z2[j] + s * rng.normal();
      }
    }
    const t = normalQuantile(altFreq[v]);
    const truth = trueDosage.get(v);
    const off = v * bpv;
    for (let j = 0; j < n; j++) {
      const d = (z1[j] < t ? 1 : 0) + (z2[j] < t ? 1 : 0);
      if (truth) truth[j] = d;
      const code = rng.next() < o.missingRate ? 0b01 : d === 0 ? 0b11 : d === 1 ? 0b10 : 0b00;
      packed[off + (j >> 2)] |= code << ((j & 3) << 1);
    }
  }
}
