/**
 * Population-structure options shared by scan, sis and pipeline: `--pca K` genetic PCs as covariates and the
 * LOCO ridge step (`--loco` where it is off by default, `--no-loco` where it is on), run through the pipeline's
 * structure step with progress on stderr.
 */
import { availableParallelism } from 'node:os';
import { arg, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { createNodeLocoPool } from '../platform/node/nodeLocoPool';
import { progressPrinter } from './progressPrinter';
import type { NamedColumn } from '../lib/assoc/design';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import { structureStep, type StructureSettings, type StructureStepResult } from '../lib/pipeline/structureStep';
import type { LocoAdjustment } from '../lib/pipeline/locoScan';

export interface StructureDefaults {
  pcs: number;
  loco: boolean;
}

export function structureOptions(d: StructureDefaults): OptionSpec[] {
  return [
    { name: 'pca', type: 'int', meta: 'K', help: `genetic PCs (randomized PCA over variants with MAF >= 0.01) adjusted for as covariates (default ${d.pcs}${d.pcs ? '; 0 = none' : ''})` },
    d.loco
      ? { name: 'no-loco', type: 'flag', help: 'skip the LOCO whole-genome ridge step (regenie step 1)' }
      : { name: 'loco', type: 'flag', help: 'LOCO whole-genome ridge (regenie step 1): each response minus its prediction from the other chromosomes' },
  ];
}

/** The step's settings, and `threads` (the command's --threads, when it has one) for the LOCO step's workers. */
export type CliStructureSettings = StructureSettings & { threads?: number };

export function structureSettingsFromArgs(a: ParsedArgs, d: StructureDefaults): CliStructureSettings {
  const pcs = arg.num(a, 'pca') ?? d.pcs;
  if (!Number.isInteger(pcs) || pcs < 0 || pcs > 100) throw new UsageError(`--pca must be a whole number from 0 to 100, got ${pcs}`);
  return { pcs, loco: d.loco ? !arg.flag(a, 'no-loco') : arg.flag(a, 'loco'), chunkVariants: arg.num(a, 'chunk'), threads: arg.num(a, 'threads') };
}

export interface StructureRun {
  step: StructureStepResult;
  /** The covariates with PC1..PCk appended. */
  covariates: NamedColumn[];
  loco: LocoAdjustment | undefined;
}

/**
 * The structure step when the settings ask for anything, else null. The LOCO step's level-0 blocks run on one
 * worker thread per core (or `threads`; 1 = in this thread): the same predictions either way.
 */
export async function runStructure(
  source: GenotypeSource,
  input: { responses: NamedColumn[]; covariates: NamedColumn[] },
  s: CliStructureSettings,
): Promise<StructureRun | null> {
  if (s.pcs <= 0 && !s.loco) return null;
  const threads = s.threads ?? availableParallelism();
  const pool = s.loco && threads > 1 ? createNodeLocoPool(threads) : undefined;
  try {
    const step = await structureStep(source, input, s, { locoPool: pool, onProgress: progressPrinter('structure: ', { stage: true, unit: 'variants' }) });
    return { step, covariates: [...input.covariates, ...step.pcColumns], loco: step.locoAdjustment };
  } finally {
    await pool?.close();
  }
}
