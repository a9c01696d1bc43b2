/**
 * Pipeline step "structure": genetic principal components and the LOCO whole-genome ridge (regenie step 1)
 * that the scan adjusts for. One pass over the genotypes finds the variants used (MAF >= `maf` over all
 * genotype samples, autosomes and X alike, as plink2 --maf), and the chromosomes in file order; then the
 * randomized PCA (src/lib/relate/pca.ts) and the ridge step (src/lib/relate/locoRidge.ts) stream over those
 * variants (the PCA over the LD-pruned ones, plink2 --indep-pairwise 1000 100 0.1). The PCs join the covariates of
 * the ridge step, the scan and the selection; up to KINSHIP_MAX_SAMPLES samples KING-robust kinship is added.
 */
import { hardCallSource } from '../io/hardCallSource';
import type { LocoPool } from '../relate/level0Block';
import { throwIfAborted } from '../base/cancel';
import { LatentScanError } from '../base/errors';
import type { ProgressCallback } from '../base/progress';
import type { GenotypeSource } from '../io/GenotypeSource';
import { normalizeChrom } from '../io/chrom';
import { chunkVariantStats } from '../io/variantQc';
import type { NamedColumn } from '../assoc/design';
import { geneticPca, pcColumns, type PcaResult } from '../relate/pca';
import { locoRidge, type LocoResult } from '../relate/locoRidge';
import { kingRobust, type KingResult } from '../relate/kingRobust';
import { indepPairwise, type IndepPairwiseParams } from '../relate/indepPairwise';
import { summarizeDegrees } from '../relate/kin0';
import { binKinship, KINSHIP_DEGREE_LINES } from '../report/kinshipHistogramSvg';
import type { StructureSummary } from '../report/Analysis';
import type { LocoAdjustment } from './locoScan';

export interface StructureSettings {
  /** Genetic PCs to compute and adjust for (0 = none). */
  pcs: number;
  /** Run the LOCO ridge step. */
  loco: boolean;
  /** Minimum minor allele frequency of the variants used (default 0.01). */
  maf?: number;
  /**
   * LD pruning before the PCA, as plink2 --indep-pairwise (default 1000 100 0.1, PCA_PRUNE_DEFAULT); false = none.
   * The LOCO ridge step uses every variant with MAF >= maf, as regenie step 1 does.
   */
  prune?: IndepPairwiseParams | false;
  /**
   * KING-robust kinship of every pair (the record's histogram and related-pair counts): 'auto' = up to
   * KINSHIP_MAX_SAMPLES samples, as its memory is 28 bytes per pair (`cli king` has no such limit). Default off.
   */
  kinship?: boolean | 'auto';
  chunkVariants?: number;
}

/** plink2 --indep-pairwise 1000 100 0.1, the pruning before the genetic PCA (also `cli pca`'s default). */
export const PCA_PRUNE_DEFAULT: IndepPairwiseParams = { window: 1000, step: 100, r2: 0.1, windowKb: false };

/** Largest cohort whose kinship the structure step computes by default: 4,000 samples = 8.0M pairs, 224 MB. */
export const KINSHIP_MAX_SAMPLES = 4000;

export interface StructureHooks {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Workers for the LOCO step (the CLI's node pool); in-thread when absent. */
  locoPool?: LocoPool;
}

export interface StructureStepResult {
  pca: PcaResult | null;
  /** PC1..PCk, one value per genotype sample (empty without PCs). */
  pcColumns: NamedColumn[];
  loco: LocoResult | null;
  /** What the scan and the screening subtract (with the LOCO step). */
  locoAdjustment?: LocoAdjustment;
  king: KingResult | null;
  /** Why kinship was not computed (null when it was). */
  kinshipSkipped: string | null;
  /** Chromosomes of the source, normalized, in file order (what a LOCO scan iterates over). */
  chromosomes: string[];
  variantsUsed: number;
  variantsRead: number;
  /** What was adjusted for, in words (log, record, report). */
  lines: string[];
  seconds: number;
}

/** Variants with MAF >= maf (1 = used), and the chromosomes in file order. */
async function usableVariants(source: GenotypeSource, maf: number, o: StructureSettings, hooks: StructureHooks) {
  const include: number[] = [];
  const chromosomes: string[] = [];
  const seen = new Set<string>();
  let read = 0;
  for await (const c of source.chunks({ chunkVariants: o.chunkVariants, signal: hooks.signal })) {
    throwIfAborted(hooks.signal);
    const s = chunkVariantStats(c);
    for (let v = 0; v < c.count; v++) {
      const chr = normalizeChrom(c.variants.chrom[v]);
      if (!seen.has(chr)) {
        seen.add(chr);
        chromosomes.push(chr);
      }
      const f = s.obs[v] > 0 ? s.a1[v] / (2 * s.obs[v]) : 0;
      include[c.start + v] = Math.min(f, 1 - f) >= maf && s.obs[v] > 0 ? 1 : 0;
    }
    read += c.count;
  }
  return { include: Uint8Array.from(include), chromosomes, read };
}

export async function structureStep(
  source: GenotypeSource,
  input: { responses: NamedColumn[]; covariates: NamedColumn[] },
  s: StructureSettings,
  hooks: StructureHooks = {},
): Promise<StructureStepResult> {
  const t0 = performance.now();
  // LD pruning, the PCA and KING read hard calls (dosage inputs as plink2 makes them hard calls); LOCO reads dosages.
  const hard = hardCallSource(source);
  const maf = s.maf ?? 0.01;
  const { include, chromosomes, read } = await usableVariants(source, maf, s, hooks);
  const used = include.reduce((a, b) => a + b, 0);
  const lines = [`structure: ${used} of ${read} variants with MAF >= ${maf} used for the genetic PCs and the LOCO ridge step`];
  let pca: PcaResult | null = null;
  let pcs: NamedColumn[] = [];
  if (s.pcs > 0) {
    let pcaInclude: Uint8Array = include;
    const prune = s.prune === undefined ? PCA_PRUNE_DEFAULT : s.prune;
    if (prune) {
      const pr = await indepPairwise(hard, { ...prune, include, chunkVariants: s.chunkVariants, signal: hooks.signal, onProgress: hooks.onProgress });
      pcaInclude = pr.keep;
      const win = prune.windowKb ? `${prune.window}kb` : `${prune.window} ${prune.step}`;
      lines.push(`LD pruning (plink2 --indep-pairwise ${win} ${prune.r2}): ${pr.kept} of ${pr.eligible} variants kept for the PCA (${pr.removed} removed, ${pr.monomorphic} monomorphic among founders)`);
    }
    pca = await geneticPca(hard, { k: s.pcs, include: pcaInclude, chunkVariants: s.chunkVariants, signal: hooks.signal, onProgress: hooks.onProgress });
    pcs = pcColumns(pca);
    const ev = Array.from(pca.eigenvalues, (x) => x.toFixed(3)).join(', ');
    lines.push(`genetic PCs: ${pca.k} over ${pca.nVariants} variants (randomized PCA, ${pca.iterations} passes), eigenvalues ${ev}; adjusted for as covariates PC1..PC${pca.k}`);
  }
  let loco: LocoResult | null = null;
  if (s.loco) {
    loco = await locoRidge(
      source,
      { responses: input.responses, covariates: [...input.covariates, ...pcs] },
      { include, chunkVariants: s.chunkVariants, pool: hooks.locoPool, signal: hooks.signal, onProgress: hooks.onProgress },
    );
    const r2 = loco.level1.map((l, r) => `${loco!.responses[r]} ${l.r2.toFixed(3)}`).join(', ');
    lines.push(`LOCO ridge (regenie step 1): ${loco.nBlocks} blocks of up to ${loco.blockSize} variants, ${loco.nAnalysed} samples; out-of-fold R^2 of the genome-wide prediction: ${r2}`);
    lines.push('scan: each response minus its LOCO prediction for the tested variant\'s chromosome');
  }
  const nSamples = source.samples.iid.length;
  let king: KingResult | null = null;
  let kinshipSkipped: string | null = null;
  const wantKinship = s.kinship === 'auto' ? nSamples <= KINSHIP_MAX_SAMPLES : (s.kinship ?? false);
  if (!wantKinship && s.kinship === 'auto') kinshipSkipped = `${nSamples} samples: over ${KINSHIP_MAX_SAMPLES} (28 bytes a pair); run \`npm run cli -- king\` for the .kin0 table`;
  else if (wantKinship) {
    // Kinship is shown, not adjusted for: a source it cannot read (dosages only, no autosome) is noted, not fatal.
    try {
      king = await kingRobust(hard, { chunkVariants: s.chunkVariants, signal: hooks.signal, onProgress: hooks.onProgress });
    } catch (e) {
      if (!(e instanceof LatentScanError) || e.kind !== 'input') throw e;
      kinshipSkipped = e.message;
    }
  }
  if (king) lines.push(...summarizeDegrees(king).lines);
  else if (kinshipSkipped) lines.push(`kinship not computed: ${kinshipSkipped}`);
  const locoAdjustment = loco ? { chromosomes, prediction: (r: number, c: string) => loco!.prediction(r, c) } : undefined;
  return { pca, pcColumns: pcs, loco, locoAdjustment, king, kinshipSkipped, chromosomes, variantsUsed: used, variantsRead: read, lines, seconds: (performance.now() - t0) / 1000 };
}

/** The Analysis record's part: what was adjusted for, PCs, LOCO fit and the binned kinship. */
export function structureSummary(st: StructureStepResult, s: StructureSettings): StructureSummary {
  const out: StructureSummary = { adjustedFor: st.lines, pcs: s.pcs, loco: s.loco, variantsUsed: st.variantsUsed, seconds: st.seconds };
  if (st.pca) out.pca = { k: st.pca.k, eigenvalues: Array.from(st.pca.eigenvalues), iids: st.pca.samples.iid, vectors: st.pca.vectors };
  if (st.loco) out.locoR2 = st.loco.level1.map((l, r) => ({ response: st.loco!.responses[r], r2: l.r2 }));
  if (st.king) {
    const d = summarizeDegrees(st.king);
    const labels = [...KINSHIP_DEGREE_LINES.map((x) => x.label), 'unrelated'];
    const related = d.counts.reduce((a, b) => a + b, 0);
    out.kinship = {
      pairs: d.pairs,
      bins: binKinship(st.king.kinship),
      degrees: labels.map((label, i) => ({ label, count: i < d.counts.length ? d.counts[i] : d.pairs - related })),
    };
  }
  if (st.kinshipSkipped) out.kinshipSkipped = st.kinshipSkipped;
  return out;
}
