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
import { geneticPca, pcColumns, type PcaPool, type PcaResult } from '../relate/pca';
import { locoRidge, type LocoResult } from '../relate/locoRidge';
import { IncludedRuns, rowKind } from '../relate/level0Plan';
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
  /** Workers for the PCA's passes (the CLI's node pool); in-thread when absent. The same PCs either way. */
  pcaPool?: PcaPool;
  /** PCs computed earlier on the same genotypes (`cli structure --pcs-from`): used instead of computing them. */
  pcs?: GivenPcs;
}

/** What the variant pass found: the chromosomes of the source in file order, the variants used and read. */
export interface StructureVariants {
  chromosomes: string[];
  variantsUsed: number;
  variantsRead: number;
}

/** Genetic PCs computed by an earlier step on the same genotypes (structureFile.ts pcsFromFile), with their log lines. */
export interface GivenPcs {
  pca: PcaResult;
  /** The PCA's lines of the step's log (LD pruning, genetic PCs: isPcaLine). */
  lines: string[];
  /** The earlier step's variant pass. */
  variants: StructureVariants;
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

/** Variants with MAF >= maf (1 = used), the chromosomes in file order, and the runs of used variants (the LOCO block plan's input). */
export async function usableVariants(source: GenotypeSource, maf: number, o: { chunkVariants?: number }, hooks: StructureHooks) {
  const include: number[] = [];
  const chromosomes: string[] = [];
  const seen = new Set<string>();
  const runs = new IncludedRuns();
  let read = 0;
  for await (const c of source.chunks({ chunkVariants: o.chunkVariants, signal: hooks.signal })) {
    throwIfAborted(hooks.signal);
    const s = chunkVariantStats(c);
    const kind = rowKind(c);
    for (let v = 0; v < c.count; v++) {
      const chr = normalizeChrom(c.variants.chrom[v]);
      if (!seen.has(chr)) {
        seen.add(chr);
        chromosomes.push(chr);
      }
      const f = s.obs[v] > 0 ? s.a1[v] / (2 * s.obs[v]) : 0;
      const use = Math.min(f, 1 - f) >= maf && s.obs[v] > 0;
      include[c.start + v] = use ? 1 : 0;
      if (use) runs.add(chr, kind);
    }
    read += c.count;
  }
  const inc = Uint8Array.from(include);
  const used = inc.reduce((a, b) => a + b, 0);
  const variants: StructureVariants = { chromosomes, variantsUsed: used, variantsRead: read };
  return { include: inc, runs: runs.runs, variants };
}

/** The first line of the step's log. */
export function variantsLine(v: StructureVariants, maf: number): string {
  return `structure: ${v.variantsUsed} of ${v.variantsRead} variants with MAF >= ${maf} used for the genetic PCs and the LOCO ridge step`;
}

/** The lines of the log that describe the PCA (what an earlier step's file hands on with its PCs). */
export function isPcaLine(line: string): boolean {
  return line.startsWith('LD pruning (') || line.startsWith('genetic PCs: ');
}

/** LD pruning, then the randomized PCA over the kept variants (hard calls). */
async function pcaStage(hard: GenotypeSource, include: Uint8Array, s: StructureSettings, hooks: StructureHooks): Promise<{ pca: PcaResult; lines: string[] }> {
  const lines: string[] = [];
  let pcaInclude: Uint8Array = include;
  const prune = s.prune === undefined ? PCA_PRUNE_DEFAULT : s.prune;
  if (prune) {
    const pr = await indepPairwise(hard, { ...prune, include, chunkVariants: s.chunkVariants, signal: hooks.signal, onProgress: hooks.onProgress });
    pcaInclude = pr.keep;
    const win = prune.windowKb ? `${prune.window}kb` : `${prune.window} ${prune.step}`;
    lines.push(`LD pruning (plink2 --indep-pairwise ${win} ${prune.r2}): ${pr.kept} of ${pr.eligible} variants kept for the PCA (${pr.removed} removed, ${pr.monomorphic} monomorphic among founders)`);
  }
  const pca = await geneticPca(hard, { k: s.pcs, include: pcaInclude, chunkVariants: s.chunkVariants, pool: hooks.pcaPool, signal: hooks.signal, onProgress: hooks.onProgress });
  const ev = Array.from(pca.eigenvalues, (x) => x.toFixed(3)).join(', ');
  lines.push(`genetic PCs: ${pca.k} over ${pca.nVariants} variants (randomized PCA, ${pca.iterations} passes), eigenvalues ${ev}; adjusted for as covariates PC1..PC${pca.k}`);
  return { pca, lines };
}

/** The PCs of the step: given (hooks.pcs), computed (s.pcs > 0) or none. */
export async function structurePcs(
  hard: GenotypeSource, include: Uint8Array, s: StructureSettings, hooks: StructureHooks,
): Promise<{ pca: PcaResult | null; lines: string[] }> {
  if (hooks.pcs) return { pca: hooks.pcs.pca, lines: hooks.pcs.lines };
  return s.pcs > 0 ? pcaStage(hard, include, s, hooks) : { pca: null, lines: [] };
}

/** The log lines of the LOCO step's fit. */
export function locoLines(loco: LocoResult): string[] {
  const r2 = loco.level1.map((l, r) => `${loco.responses[r]} ${l.r2.toFixed(3)}`).join(', ');
  return [
    `LOCO ridge (regenie step 1): ${loco.nBlocks} blocks of up to ${loco.blockSize} variants, ${loco.nAnalysed} samples; out-of-fold R^2 of the genome-wide prediction: ${r2}`,
    'scan: each response minus its LOCO prediction for the tested variant\'s chromosome',
  ];
}

/** KING-robust kinship when the settings ask for it (a source it cannot read is noted, not fatal). */
async function kinshipStage(hard: GenotypeSource, s: StructureSettings, hooks: StructureHooks): Promise<{ king: KingResult | null; kinshipSkipped: string | null; lines: string[] }> {
  const nSamples = hard.samples.iid.length;
  let king: KingResult | null = null;
  let kinshipSkipped: string | null = null;
  const wantKinship = s.kinship === 'auto' ? nSamples <= KINSHIP_MAX_SAMPLES : (s.kinship ?? false);
  if (!wantKinship && s.kinship === 'auto') kinshipSkipped = `${nSamples} samples: over ${KINSHIP_MAX_SAMPLES} (28 bytes a pair); run \`npm run cli -- king\` for the .kin0 table`;
  else if (wantKinship) {
    // Kinship is shown, not adjusted for.
    try {
      king = await kingRobust(hard, { chunkVariants: s.chunkVariants, signal: hooks.signal, onProgress: hooks.onProgress });
    } catch (e) {
      if (!(e instanceof LatentScanError) || e.kind !== 'input') throw e;
      kinshipSkipped = e.message;
    }
  }
  const lines = king ? summarizeDegrees(king).lines : kinshipSkipped ? [`kinship not computed: ${kinshipSkipped}`] : [];
  return { king, kinshipSkipped, lines };
}

/** The step's result from its parts (also for a step assembled from files: structureShards.ts). */
export function structureResult(p: {
  pca: PcaResult | null; loco: LocoResult | null; king?: KingResult | null; kinshipSkipped?: string | null;
  variants: StructureVariants; lines: string[]; seconds: number;
}): StructureStepResult {
  const loco = p.loco;
  const locoAdjustment = loco ? { chromosomes: p.variants.chromosomes, prediction: (r: number, c: string) => loco.prediction(r, c) } : undefined;
  return {
    pca: p.pca, pcColumns: p.pca ? pcColumns(p.pca) : [], loco, locoAdjustment, king: p.king ?? null, kinshipSkipped: p.kinshipSkipped ?? null,
    chromosomes: p.variants.chromosomes, variantsUsed: p.variants.variantsUsed, variantsRead: p.variants.variantsRead, lines: p.lines, seconds: p.seconds,
  };
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
  const { include, runs, variants } = await usableVariants(source, maf, s, hooks);
  const lines = [variantsLine(variants, maf)];
  const { pca, lines: pcaLines } = await structurePcs(hard, include, s, hooks);
  lines.push(...pcaLines);
  let loco: LocoResult | null = null;
  if (s.loco) {
    loco = await locoRidge(
      source,
      { responses: input.responses, covariates: [...input.covariates, ...(pca ? pcColumns(pca) : [])] },
      { include, runs, chunkVariants: s.chunkVariants, pool: hooks.locoPool, signal: hooks.signal, onProgress: hooks.onProgress },
    );
    lines.push(...locoLines(loco));
  }
  const kin = await kinshipStage(hard, s, hooks);
  lines.push(...kin.lines);
  return structureResult({ pca, loco, ...kin, variants, lines, seconds: (performance.now() - t0) / 1000 });
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
