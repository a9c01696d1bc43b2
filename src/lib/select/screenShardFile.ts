/**
 * The files of sharded screening (screenShards.ts) as JSON: `sis --partners-only` writes a partners file,
 * `sis --screen-only` a screened file; numbers are written as JSON numbers, which read back to the same
 * doubles, so a merge of the files equals the merge of the shards in memory.
 */
import { InputError } from '../base/errors';
import type { PartnerShard, ScreenedShard } from './screenShards';

export const SCREEN_SHARD_FORMAT = 'latentscan-sis-shard';

export type ShardFile = PartnerShard | ScreenedShard;

export function formatShardFile(shard: ShardFile): string {
  return JSON.stringify({ format: SCREEN_SHARD_FORMAT, version: 1, ...shard }) + '\n';
}

/** Reads a shard file; `source` names it in errors and is kept on the result. */
export function parseShardFile(text: string, source: string): ShardFile & { source: string } {
  let doc: { format?: unknown; version?: unknown; kind?: unknown } & Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file: source, expected: 'a shard file (JSON) written by sis --partners-only or --screen-only', found: e instanceof Error ? e.message : String(e) }, 'not a shard file');
  }
  if (doc?.format !== SCREEN_SHARD_FORMAT || doc.version !== 1 || (doc.kind !== 'partners' && doc.kind !== 'screened')) {
    throw new InputError({ file: source, expected: `format ${SCREEN_SHARD_FORMAT} version 1`, found: `format ${String(doc?.format)} version ${String(doc?.version)}` }, 'not a shard file');
  }
  const { format: _f, version: _v, ...shard } = doc;
  return { ...(shard as unknown as ShardFile), source };
}
