/**
 * `sis` over shards of the genome (workflow/Snakefile): `--partners-only` and `--screen-only` on a variant
 * range (`--from-index I --to-index J`) write a shard file; `--from-screened FILES` selects on the merged
 * shards and writes what a one-process `sis` writes (src/lib/select/screenShards.ts: why it is exact).
 */
import { readFileSync } from 'node:fs';
import { arg, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { writeFileAtomic } from './writeFileAtomic';
import { progressPrinter } from './progressPrinter';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import type { AlignedSamples } from '../lib/pipeline/alignSamples';
import type { LocoAdjustment } from '../lib/pipeline/locoScan';
import type { SelectOptions } from '../lib/pipeline/selectStep';
import { partnersStep, screenShardStep } from '../lib/pipeline/shardedSelectStep';
import { formatShardFile, parseShardFile } from '../lib/select/screenShardFile';
import type { PartnerShard, ScreenedShard } from '../lib/select/screenShards';
import type { ShardRange } from '../lib/io/variantRangeSource';
import type { KernelPool } from '../lib/assoc/StatsKernel';

export const sisShardOptions: OptionSpec[] = [
  { name: 'from-index', type: 'int', meta: 'I', help: 'shard: first variant index (0-based, file order), with --partners-only or --screen-only' },
  { name: 'to-index', type: 'int', meta: 'J', help: 'shard: end variant index (exclusive; default the end of the file)' },
  { name: 'partners-only', type: 'flag', help: 'shard step 1 (--gxg top|among): write the shard\'s top-M SNPs per response to PREFIX.partners.json' },
  { name: 'partners-from', type: 'list', meta: 'F1,F2,...', help: 'with --screen-only: every shard\'s PREFIX.partners.json (the global SNPxSNP partners)' },
  { name: 'screen-only', type: 'flag', help: 'shard step 2: write the shard\'s top-d terms per response with their scores to PREFIX.screened.json' },
  { name: 'from-screened', type: 'list', meta: 'F1,F2,...', help: 'select on every shard\'s PREFIX.screened.json (the global top-d, as one process)' },
];

export type ShardMode = 'partners' | 'screen' | 'from-screened' | null;

/** Which shard step the arguments ask for (one at most), with the checks of its options. */
export function shardMode(a: ParsedArgs): ShardMode {
  const modes = (['partners-only', 'screen-only', 'from-screened'] as const).filter((m) => a[m] !== undefined && a[m] !== false);
  if (modes.length > 1) throw new UsageError(`sis: give one of --partners-only, --screen-only, --from-screened, not ${modes.map((m) => `--${m}`).join(' and ')}`);
  const ranged = arg.num(a, 'from-index') !== undefined || arg.num(a, 'to-index') !== undefined;
  if (ranged && modes[0] !== 'partners-only' && modes[0] !== 'screen-only') throw new UsageError('sis: --from-index/--to-index choose a shard for --partners-only or --screen-only');
  if (arg.list(a, 'partners-from') && modes[0] !== 'screen-only') throw new UsageError('sis: --partners-from goes with --screen-only');
  return modes[0] === 'partners-only' ? 'partners' : modes[0] === 'screen-only' ? 'screen' : modes[0] === 'from-screened' ? 'from-screened' : null;
}

export function shardRange(a: ParsedArgs): ShardRange {
  const from = arg.num(a, 'from-index') ?? 0;
  const to = arg.num(a, 'to-index') ?? null;
  if (from < 0 || (to !== null && to <= from)) throw new UsageError(`sis: need 0 <= --from-index < --to-index, got ${from} and ${to}`);
  return { from, to };
}

function readShards<T>(files: string[], kind: string): (T & { source: string })[] {
  return files.map((f) => {
    const s = parseShardFile(readFileSync(f, 'utf8'), f);
    if (s.kind !== kind) throw new UsageError(`sis: ${f} is a ${s.kind} shard file, expected a ${kind} one`);
    return s as unknown as T & { source: string };
  });
}

export function readScreenedShards(a: ParsedArgs): (ScreenedShard & { source: string })[] {
  return readShards<ScreenedShard>(arg.list(a, 'from-screened') ?? [], 'screened');
}

/** Runs --partners-only or --screen-only and writes the shard file (temporary name, then renamed); returns its path. */
export async function runSisShard(
  a: ParsedArgs,
  mode: 'partners' | 'screen',
  source: GenotypeSource,
  aligned: AlignedSamples,
  o: SelectOptions,
  out: string,
  pool: KernelPool | undefined,
  loco?: LocoAdjustment,
): Promise<string> {
  const range = shardRange(a);
  const hooks = { pool, onProgress: progressPrinter('sis: ') };
  if (mode === 'partners') {
    const shard = await partnersStep(source, aligned, o, range, hooks, loco);
    const path = `${out}.partners.json`;
    writeFileAtomic(path, formatShardFile(shard));
    return path;
  }
  const partnerFiles = arg.list(a, 'partners-from');
  const partners = partnerFiles ? readShards<PartnerShard>(partnerFiles, 'partners') : null;
  const shard = await screenShardStep(source, aligned, o, range, partners, hooks, loco);
  const path = `${out}.screened.json`;
  writeFileAtomic(path, formatShardFile(shard));
  return path;
}
