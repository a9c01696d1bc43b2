/**
 * KING-robust kinship for every pair of samples, as plink2 2.00a3.5 `--make-king-table` computes it
 * (plink2_matrix_calc.cc ComputeKinship; Manichaikul et al. 2010, the between-family estimator for all pairs):
 *
 *   kinship = 0.5 - (4 IBS0 + HET_I_HOM_J + HET_J_HOM_I) / (4 (HETHET + min(HET_I_HOM_J, HET_J_HOM_I)))
 *
 * over the autosomal variants where neither call is missing (NSNP); equivalently
 * (HETHET - 2 IBS0) / (2 min(H_i, H_j)) + 1/2 - (H_i + H_j) / (4 min(H_i, H_j)) with H the pair's het counts.
 * Pedigree (FID, parents) is ignored, as in plink2. Only autosomes (chromosome codes 1-22, 'chr' prefixes
 * ignored) count; other variants are skipped and counted in `skippedNonAutosomal`.
 *
 * Counting is bit-sliced: each chunk of packed genotypes is transposed into per-sample bit planes of 32
 * variants a word (non-missing, het, hom A1, hom A2), and every pair adds popcounts of AND masks of the two
 * samples' words. Memory: five Uint32 counters per pair plus one chunk's planes.
 */
import { createProgress, type ProgressCallback } from '../base/progress';
import { yieldAndCheck } from '../base/cancel';
import { LatentScanError } from '../base/errors';
import type { GenotypeChunk, GenotypeSource, SampleIds } from '../io/GenotypeSource';

export interface KingOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Variants per chunk read from the source (default: the source's). */
  chunkVariants?: number;
}

/**
 * Pair p = i (i - 1) / 2 + j for j < i: plink2's .kin0 row order (row i = 1..n-1, then j = 0..i-1; sample i
 * is printed first, as ID1).
 */
export interface KingResult {
  samples: SampleIds;
  nSamples: number;
  /** Autosomal variants read. */
  nVariants: number;
  /** Variants skipped as not autosomal. */
  skippedNonAutosomal: number;
  /** Variants where neither call of the pair is missing. */
  nsnp: Uint32Array;
  hethet: Uint32Array;
  /** Opposite homozygotes. */
  ibs0: Uint32Array;
  /** Sample i (ID1) het, sample j a called homozygote. */
  hetIHomJ: Uint32Array;
  /** Sample j (ID2) het, sample i a called homozygote. */
  hetJHomI: Uint32Array;
  kinship: Float64Array;
}

export function pairIndex(i: number, j: number): number {
  return i > j ? (i * (i - 1)) / 2 + j : (j * (j - 1)) / 2 + i;
}

/** Chromosome codes 1-22 ('chr' prefix ignored): what plink2 counts as autosomes for KING by default. */
export function isAutosome(chrom: string): boolean {
  const c = chrom.replace(/^chr/i, '');
  if (!/^\d+$/.test(c)) return false;
  const k = Number(c);
  return k >= 1 && k <= 22;
}

/** plink2's ComputeKinship from the pair counts (NaN or -Infinity when neither sample has a het call). */
export function kingKinship(hethet: number, ibs0: number, hetIHomJ: number, hetJHomI: number): number {
  const smaller = hethet + Math.min(hetIHomJ, hetJHomI);
  return 0.5 - (4 * ibs0 + hetIHomJ + hetJHomI) / (4 * smaller);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Per-sample bit planes of one chunk: word w of sample s at s * nWords + w, bit t % 32 = variant t. */
interface Planes {
  nWords: number;
  nm: Uint32Array;
  het: Uint32Array;
  homA: Uint32Array;
  homB: Uint32Array;
}

function allocPlanes(planes: Planes | null, n: number, nWords: number): Planes {
  if (planes && planes.nm.length >= n * nWords) {
    planes.nWords = nWords;
    planes.nm.fill(0, 0, n * nWords);
    planes.het.fill(0, 0, n * nWords);
    planes.homA.fill(0, 0, n * nWords);
    planes.homB.fill(0, 0, n * nWords);
    return planes;
  }
  const size = n * nWords;
  return { nWords, nm: new Uint32Array(size), het: new Uint32Array(size), homA: new Uint32Array(size), homB: new Uint32Array(size) };
}

/** Transposes the chunk's autosomal variants (indices `rows`) into bit planes. */
function fillPlanes(chunk: GenotypeChunk, rows: number[], planes: Planes): void {
  const n = chunk.nSamples;
  const bpv = chunk.bytesPerVariant;
  const packed = chunk.packed!;
  const { nWords, nm, het, homA, homB } = planes;
  for (let t = 0; t < rows.length; t++) {
    const off = rows[t] * bpv;
    const w = t >>> 5;
    const bit = 1 << (t & 31);
    for (let s = 0; s < n; s++) {
      const code = (packed[off + (s >>> 2)] >>> ((s & 3) << 1)) & 3;
      if (code === 1) continue; // missing
      const k = s * nWords + w;
      nm[k] |= bit;
      if (code === 2) het[k] |= bit;
      else if (code === 0) homA[k] |= bit;
      else homB[k] |= bit;
    }
  }
}

/** Adds the popcounts of every pair over the planes to the counters. */
function countPairs(planes: Planes, n: number, r: KingResult): void {
  const { nWords, nm, het, homA, homB } = planes;
  for (let i = 1; i < n; i++) {
    const oi = i * nWords;
    const base = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) {
      const oj = j * nWords;
      let cNm = 0;
      let cHH = 0;
      let cIbs0 = 0;
      let cIJ = 0;
      let cJI = 0;
      for (let w = 0; w < nWords; w++) {
        const nmI = nm[oi + w];
        const nmJ = nm[oj + w];
        const hI = het[oi + w];
        const hJ = het[oj + w];
        cNm += popcount(nmI & nmJ);
        cHH += popcount(hI & hJ);
        cIbs0 += popcount((homA[oi + w] & homB[oj + w]) | (homB[oi + w] & homA[oj + w]));
        cIJ += popcount(hI & nmJ & ~hJ);
        cJI += popcount(hJ & nmI & ~hI);
      }
      const p = base + j;
      r.nsnp[p] += cNm;
      r.hethet[p] += cHH;
      r.ibs0[p] += cIbs0;
      r.hetIHomJ[p] += cIJ;
      r.hetJHomI[p] += cJI;
    }
  }
}

/** KING-robust counts and kinship of every sample pair, in one streamed pass over the genotypes. */
export async function kingRobust(source: GenotypeSource, o: KingOptions = {}): Promise<KingResult> {
  const n = source.samples.iid.length;
  if (n < 2) throw new LatentScanError('input', `${source.name}: KING-robust kinship needs at least 2 samples`);
  const nPairs = (n * (n - 1)) / 2;
  const r: KingResult = {
    samples: source.samples,
    nSamples: n,
    nVariants: 0,
    skippedNonAutosomal: 0,
    nsnp: new Uint32Array(nPairs),
    hethet: new Uint32Array(nPairs),
    ibs0: new Uint32Array(nPairs),
    hetIHomJ: new Uint32Array(nPairs),
    hetJHomI: new Uint32Array(nPairs),
    kinship: new Float64Array(nPairs),
  };
  const progress = createProgress('king', source.nVariants ?? 0, o.onProgress, { unit: 'variants' });
  let planes: Planes | null = null;
  let done = 0;
  for await (const chunk of source.chunks({ chunkVariants: o.chunkVariants, signal: o.signal })) {
    if (!chunk.packed) throw new LatentScanError('input', `${source.name}: KING-robust kinship needs hard calls (packed genotypes), not dosages`);
    const rows: number[] = [];
    for (let v = 0; v < chunk.count; v++) if (isAutosome(chunk.variants.chrom[v])) rows.push(v);
    r.skippedNonAutosomal += chunk.count - rows.length;
    r.nVariants += rows.length;
    if (rows.length > 0) {
      planes = allocPlanes(planes, n, Math.ceil(rows.length / 32));
      fillPlanes(chunk, rows, planes);
      countPairs(planes, n, r);
    }
    done += chunk.count;
    progress.tick(done);
    await yieldAndCheck(o.signal);
  }
  if (r.nVariants === 0) throw new LatentScanError('input', `${source.name}: no autosomal variants for KING-robust kinship`);
  for (let p = 0; p < nPairs; p++) r.kinship[p] = kingKinship(r.hethet[p], r.ibs0[p], r.hetIHomJ[p], r.hetJHomI[p]);
  progress.finish();
  return r;
}
