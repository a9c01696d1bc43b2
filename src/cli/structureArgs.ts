/**
 * Population-structure options shared by scan, sis and pipeline: `--pca K` genetic PCs as covariates and the
 * LOCO ridge step (`--loco` where it is off by default, `--no-loco` where it is on), run through the pipeline's
 * structure step with progress on stderr; in scan and sis `--structure-from PREFIX` reads the step that
 * `structure --out PREFIX` computed (src/lib/pipeline/structureFile.ts) instead of computing it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { arg, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { qcFromArgs } from './genotypeQcArgs';
import { createNodeLocoPool } from '../platform/node/nodeLocoPool';
import { createNodePcaPool } from '../platform/node/nodePcaPool';
import { progressPrinter } from './progressPrinter';
import type { NamedColumn } from '../lib/assoc/design';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import { structureStep, type GivenPcs, type StructureSettings, type StructureStepResult } from '../lib/pipeline/structureStep';
import type { LocoPool } from '../lib/relate/level0Block';
import type { PcaPool } from '../lib/relate/pca';
import type { LocoAdjustment } from '../lib/pipeline/locoScan';
import { parseStructureFile, structureFromFile, STRUCTURE_FILE_SUFFIX, type StructureInputs } from '../lib/pipeline/structureFile';

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

/** The step's settings, and `threads` (the command's --threads, when it has one) for the PCA's and the LOCO step's workers. */
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

/** The structure step's worker pools (none in one thread). */
export interface StructurePools {
  locoPool?: LocoPool;
  pcaPool?: PcaPool;
}

/**
 * Runs `fn` with pools of LOCO and PCA workers (one per core, or `threads`; none for a stage that `use` leaves out or
 * when threads is 1: the stage runs in this thread, with the same results), closed afterwards.
 */
export async function withStructurePools<T>(threads: number | undefined, use: { loco: boolean; pca: boolean }, fn: (pools: StructurePools) => Promise<T>): Promise<T> {
  const n = threads ?? availableParallelism();
  const locoPool = use.loco && n > 1 ? createNodeLocoPool(n) : undefined;
  const pcaPool = use.pca && n > 1 ? createNodePcaPool(n) : undefined;
  try {
    return await fn({ locoPool, pcaPool });
  } finally {
    await Promise.all([locoPool?.close(), pcaPool?.close()]);
  }
}

/** Progress of the structure step on stderr. */
export const structureProgress = () => progressPrinter('structure: ', { stage: true, unit: 'variants' });

/**
 * The structure step when the settings ask for anything, else null. The PCA's passes and the LOCO step's level-0
 * blocks run on one worker thread per core (or `threads`; 1 = in this thread): the same PCs and predictions either way. `pcs`: PCs computed
 * earlier (`--pcs-from`), used instead of computing them.
 */
export async function runStructure(
  source: GenotypeSource,
  input: { responses: NamedColumn[]; covariates: NamedColumn[] },
  s: CliStructureSettings,
  pcs?: GivenPcs,
): Promise<StructureRun | null> {
  if (s.pcs <= 0 && !s.loco) return null;
  const step = await withStructurePools(s.threads, { loco: s.loco, pca: s.pcs > 0 && !pcs }, (pools) => structureStep(source, input, s, { ...pools, pcs, onProgress: structureProgress() }));
  return { step, covariates: [...input.covariates, ...step.pcColumns], loco: step.locoAdjustment };
}

export const structureFromOption: OptionSpec = {
  name: 'structure-from',
  type: 'string',
  meta: 'PREFIX',
  help: `reuse the structure step that \`structure --out PREFIX\` computed on the same inputs (PREFIX${STRUCTURE_FILE_SUFFIX}: genetic PCs, LOCO predictions) instead of computing it; not with --pca, --loco`,
};

/**
 * What a structure file records of the genotype input (structureFile.ts checks it on reuse): the format, the
 * variant count when the source knows it at opening, the QC flags and --dosage.
 */
export function genotypeFingerprint(a: ParsedArgs, source: GenotypeSource): StructureInputs['genotypes'] {
  return { format: source.format, variants: source.nVariants, qc: qcFromArgs(a) ?? {}, dosage: arg.flag(a, 'dosage') };
}

/** `--structure-from PREFIX`: PREFIX.structure.bin (a path ending in .structure.bin is taken as it is). */
export function structureFilePath(prefix: string): string {
  return prefix.endsWith(STRUCTURE_FILE_SUFFIX) ? prefix : `${prefix}${STRUCTURE_FILE_SUFFIX}`;
}

/**
 * The structure step of scan and sis: read from `--structure-from PREFIX` (its inputs checked against these),
 * else computed as `--pca`/`--loco` ask (null when they ask for nothing); with the settings it was made with.
 * `genotypes` is genotypeFingerprint(a, source), taken when the source was opened.
 */
export async function structureRunFromArgs(
  a: ParsedArgs,
  source: GenotypeSource,
  input: { responses: NamedColumn[]; covariates: NamedColumn[] },
  d: StructureDefaults,
  genotypes: StructureInputs['genotypes'],
): Promise<{ run: StructureRun | null; settings: StructureDefaults }> {
  const prefix = arg.str(a, 'structure-from');
  if (prefix === undefined) {
    const settings = structureSettingsFromArgs(a, d);
    return { run: await runStructure(source, input, settings), settings };
  }
  const given = ['pca', 'loco', 'no-loco'].filter((k) => a[k] !== undefined && a[k] !== false);
  if (given.length) throw new UsageError(`--structure-from reads the structure step with its settings: leave out ${given.map((k) => `--${k}`).join(', ')}`);
  const path = structureFilePath(prefix);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`--structure-from ${prefix}: ${path} not found (written by \`structure --out ${prefix}\`)`);
  }
  const file = parseStructureFile(bytes, path);
  const step = structureFromFile(file, { samples: source.samples, ...input, genotypes }, path);
  const run: StructureRun = { step, covariates: [...input.covariates, ...step.pcColumns], loco: step.locoAdjustment };
  return { run, settings: file.header.settings };
}
