/**
 * Pipeline step 4 (factor discovery) split over shards of the genome for a workflow (workflow/Snakefile), on the
 * same alignment and options as selectStep: each shard's SNPxSNP partner candidates (`partnersStep`), each
 * shard's screened terms (`screenShardStep`), and the selection on the merged shards (`selectFromScreenedStep`),
 * which equals selectStep's result (src/lib/select/screenShards.ts says why it is exact and what is not sharded).
 */
import type { GenotypeSource } from '../io/GenotypeSource';
import { selectScreened, sisContext } from '../select/runSis';
import { mergePartners, mergeScreenedShards, screenShard, shardPartners, type PartnerShard, type ScreenedShard } from '../select/screenShards';
import type { ShardRange } from '../io/variantRangeSource';
import type { AlignedSamples } from './alignSamples';
import type { LocoAdjustment } from './locoScan';
import { selectStepResult, sisInputOf, sisOptionsOf, type SelectHooks, type SelectOptions, type SelectStepResult } from './selectStep';

type Sourced<T> = T & { source: string };

/** The shard's top SNPxSNP partner candidates of every response (--gxg top|among). */
export async function partnersStep(source: GenotypeSource, aligned: AlignedSamples, o: SelectOptions, range: ShardRange, hooks: SelectHooks = {}, loco?: LocoAdjustment): Promise<PartnerShard> {
  const so = sisOptionsOf(o, hooks);
  return shardPartners(sisContext(sisInputOf(source, aligned, loco), so), so, range);
}

/** The shard's screened terms; `partners`: every shard's partners file (--gxg top|among), else null. */
export async function screenShardStep(
  source: GenotypeSource,
  aligned: AlignedSamples,
  o: SelectOptions,
  range: ShardRange,
  partners: readonly Sourced<PartnerShard>[] | null,
  hooks: SelectHooks = {},
  loco?: LocoAdjustment,
): Promise<ScreenedShard> {
  const so = sisOptionsOf(o, hooks);
  const ctx = sisContext(sisInputOf(source, aligned, loco), so);
  return screenShard(ctx, so, range, partners ? mergePartners(ctx, so, partners) : null);
}

/** Selection on the merged screened shards: selectStep's result, its screening done by the shards. */
export async function selectFromScreenedStep(
  source: GenotypeSource,
  aligned: AlignedSamples,
  o: SelectOptions,
  shards: readonly Sourced<ScreenedShard>[],
  hooks: SelectHooks = {},
  loco?: LocoAdjustment,
): Promise<SelectStepResult> {
  const t0 = performance.now();
  const so = sisOptionsOf(o, hooks);
  const ctx = sisContext(sisInputOf(source, aligned, loco), so);
  const { s0, stats } = mergeScreenedShards(ctx, so, shards);
  const run = await selectScreened(ctx, s0, so, stats, t0);
  return selectStepResult(run, o, t0);
}
