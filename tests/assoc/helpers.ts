/** Test helpers: random packed genotype chunks and a naive reference of the kernel sums. */
import type { GenotypeChunk } from '../../src/lib/io/GenotypeSource';
import type { ChunkStats, SampleMatrix } from '../../src/lib/assoc/kernel';
import { createRng } from '../../src/lib/math/rng';

export interface RandomChunkOptions {
  n: number;
  count: number;
  seed: number;
  missingRate?: number;
  /** Indices of variants made monomorphic (all hom A1 = 2 copies, or 0 copies when odd index). */
  monomorphic?: number[];
  /** Indices of variants whose calls are all missing. */
  allMissing?: number[];
}

/** Random packed chunk with per-variant allele frequency in [0.02, 0.98]; padding bits are 00 like PLINK writes. */
export function randomChunk(o: RandomChunkOptions): { chunk: GenotypeChunk; dosage: Float64Array } {
  const rng = createRng(o.seed);
  const bpv = Math.ceil(o.n / 4);
  const packed = new Uint8Array(o.count * bpv);
  const dosage = new Float64Array(o.count * o.n);
  const mono = new Set(o.monomorphic ?? []);
  const allMiss = new Set(o.allMissing ?? []);
  for (let v = 0; v < o.count; v++) {
    const f = 0.02 + 0.96 * rng.next();
    for (let i = 0; i < o.n; i++) {
      let g: number;
      if (allMiss.has(v) || rng.next() < (o.missingRate ?? 0)) g = NaN;
      else if (mono.has(v)) g = v % 2 ? 0 : 2;
      else g = (rng.next() < f ? 1 : 0) + (rng.next() < f ? 1 : 0);
      dosage[v * o.n + i] = g;
      const code = Number.isNaN(g) ? 1 : g === 2 ? 0 : g === 1 ? 2 : 3;
      packed[v * bpv + (i >> 2)] |= code << ((i & 3) * 2);
    }
  }
  const chunk: GenotypeChunk = {
    start: 0,
    count: o.count,
    nSamples: o.n,
    bytesPerVariant: bpv,
    packed,
    variants: {
      chrom: Array.from({ length: o.count }, () => '1'),
      pos: Int32Array.from({ length: o.count }, (_, i) => i + 1),
      id: Array.from({ length: o.count }, (_, i) => `v${i}`),
      ref: Array.from({ length: o.count }, () => 'A'),
      alt: Array.from({ length: o.count }, () => 'C'),
    },
  };
  return { chunk, dosage };
}

export function randomMatrix(n: number, m: number, seed: number): SampleMatrix {
  const rng = createRng(seed);
  const data = new Float64Array(n * m);
  for (let k = 0; k < data.length; k++) data[k] = rng.normal();
  return { n, m, data };
}

/** Direct sums from unpacked dosages (the definition of ChunkStats). */
export function naiveStats(dosage: Float64Array, count: number, X: SampleMatrix): ChunkStats {
  const { n, m } = X;
  const obs = new Int32Array(count);
  const gx = new Float64Array(count * m);
  const g2x = new Float64Array(count * m);
  const x = new Float64Array(count * m);
  for (let v = 0; v < count; v++) {
    for (let i = 0; i < n; i++) {
      const g = dosage[v * n + i];
      if (Number.isNaN(g)) continue;
      obs[v]++;
      for (let c = 0; c < m; c++) {
        const xv = X.data[i * m + c];
        gx[v * m + c] += g * xv;
        g2x[v * m + c] += g * g * xv;
        x[v * m + c] += xv;
      }
    }
  }
  return { count, m, obs, gx, g2x, x };
}
