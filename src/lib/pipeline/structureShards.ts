/**
 * The structure step (structureStep.ts) split across processes (`cli structure --pcs-from`, `--level0 I/N`,
 * `--level1-from`; the workflow's rules structure_pcs, structure_level0 and structure, docs/workflow.md), giving
 * the step of one process bit for bit:
 *  - the PCs, which depend on the genotypes only, computed once (a structure file of `--pca K --no-loco`) and
 *    handed on (GivenPcs);
 *  - level 0 of the LOCO ridge step per group of level-0 blocks (structureLevel0Group): every job makes the
 *    block plan of the whole variant set (level0Plan.ts: the same blocks as one process) and computes the
 *    predictions of its contiguous group of blocks only;
 *  - level 1 per response over every group's predictions, in plan order (structureFromLevel0), and the LOCO
 *    predictions, without reading the genotypes again.
 * The level-0 shard file (level0ShardFile.ts) carries a group's predictions between the jobs.
 */
import type { NamedColumn } from '../assoc/design';
import type { GenotypeSource } from '../io/GenotypeSource';
import { hardCallSource } from '../io/hardCallSource';
import { pcColumns, type PcaResult } from '../relate/pca';
import { level0Group, level0Plan, type Level0Plan } from '../relate/level0Plan';
import { locoLevel0, locoLevel1, locoSetup, type Level0Part } from '../relate/locoRidge';
import {
  locoLines, structurePcs, structureResult, usableVariants, variantsLine,
  type GivenPcs, type StructureHooks, type StructureSettings, type StructureStepResult, type StructureVariants,
} from './structureStep';

export interface Level0GroupResult {
  /** The group: index (1-based) of count. */
  group: { index: number; count: number };
  /** The block plan of the whole variant set. */
  plan: Level0Plan;
  variants: StructureVariants;
  /** The PCs the ridge step adjusts for (given or computed). */
  pca: PcaResult | null;
  responses: string[];
  nAnalysed: number;
  /** The group's blocks and their level-0 predictions. */
  part: Level0Part;
  /** The job's log lines. */
  lines: string[];
  seconds: number;
}

type StepInput = { responses: NamedColumn[]; covariates: NamedColumn[] };

/** Level 0 of group `index` of `count` of the LOCO step's blocks (s.loco must be on). */
export async function structureLevel0Group(
  source: GenotypeSource, input: StepInput, s: StructureSettings, group: { index: number; count: number }, hooks: StructureHooks = {},
): Promise<Level0GroupResult> {
  const t0 = performance.now();
  const maf = s.maf ?? 0.01;
  const { include, runs, variants } = await usableVariants(source, maf, s, hooks);
  const { pca, lines: pcaLines } = await structurePcs(hardCallSource(source), include, s, hooks);
  const plan = level0Plan(runs);
  const range = level0Group(plan.blocks.length, group.index, group.count);
  const covariates = [...input.covariates, ...(pca ? pcColumns(pca) : [])];
  const setup = locoSetup(source.samples.iid.length, source.name, { responses: input.responses, covariates }, plan);
  const part = await locoLevel0(source, setup, { include, chunkVariants: s.chunkVariants, pool: hooks.locoPool, signal: hooks.signal, onProgress: hooks.onProgress }, range);
  const m = plan.blocks.slice(range.from, range.to).reduce((a, b) => a + b.m, 0);
  const lines = [
    variantsLine(variants, maf),
    ...pcaLines,
    `LOCO level 0, group ${group.index} of ${group.count}: blocks ${range.from + 1}..${range.to} of ${plan.blocks.length} (up to ${plan.blockSize} variants each; ${m} variants), ${setup.prep.idx.length} samples, ${input.responses.length} responses`,
  ];
  return {
    group, plan, variants, pca, responses: setup.responses, nAnalysed: setup.prep.idx.length, part, lines,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Every group's level-0 predictions in plan order (level0ShardFile.ts assembleLevel0Shards). */
export interface AssembledLevel0 {
  plan: Level0Plan;
  variants: StructureVariants;
  part: Level0Part;
}

/**
 * The step from the level-0 groups: level 1 of every response (on hooks.locoPool's workers when given), the LOCO
 * predictions, the PCs given (or none); the result structureStep gives on the same inputs. Reads no genotypes.
 */
export async function structureFromLevel0(
  samples: { nSamples: number; sourceName: string }, input: StepInput, s: StructureSettings, pcs: GivenPcs | null,
  level0: AssembledLevel0, hooks: StructureHooks = {},
): Promise<StructureStepResult> {
  const t0 = performance.now();
  const maf = s.maf ?? 0.01;
  const covariates = [...input.covariates, ...(pcs ? pcColumns(pcs.pca) : [])];
  const setup = locoSetup(samples.nSamples, samples.sourceName, { responses: input.responses, covariates }, level0.plan);
  const loco = await locoLevel1(setup, level0.part, { pool: hooks.locoPool, signal: hooks.signal, onProgress: hooks.onProgress });
  const lines = [variantsLine(level0.variants, maf), ...(pcs?.lines ?? []), ...locoLines(loco)];
  return structureResult({ pca: pcs?.pca ?? null, loco, variants: level0.variants, lines, seconds: (performance.now() - t0) / 1000 });
}

/** The step without LOCO from PCs computed earlier: what structureStep gives with s.loco off. */
export function structureFromPcs(pcs: GivenPcs, s: StructureSettings): StructureStepResult {
  const lines = [variantsLine(pcs.variants, s.maf ?? 0.01), ...pcs.lines];
  return structureResult({ pca: pcs.pca, loco: null, variants: pcs.variants, lines, seconds: 0 });
}
