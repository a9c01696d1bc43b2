/**
 * `cli structure` split across processes (src/lib/pipeline/structureShards.ts, docs/workflow.md): the files of
 * `--pcs-from PREFIX` (PREFIX.structure.bin of `structure --pca K --no-loco`), `--level0 I/N` (PREFIX.level0.I.bin)
 * and `--level1-from` (those shards), read and written here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './args';
import { structureFilePath, structureProgress, withStructurePools, type CliStructureSettings } from './structureArgs';
import { writeFileAtomic } from './writeFileAtomic';
import type { NamedColumn } from '../lib/assoc/design';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import { parseStructureFile, pcaFingerprint, pcsFromFile, structureFingerprint, type StructureInputs } from '../lib/pipeline/structureFile';
import { structureFromLevel0, structureLevel0Group } from '../lib/pipeline/structureShards';
import { assembleLevel0Shards, formatLevel0Shard, level0ShardName, parseLevel0Shard } from '../lib/pipeline/level0ShardFile';
import type { GivenPcs, StructureStepResult } from '../lib/pipeline/structureStep';

type StepInput = { responses: NamedColumn[]; covariates: NamedColumn[] };

/** `--level0 I/N`: group I (1-based) of N. */
export function parseLevel0Group(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--level0 expects I/N with 1 <= I <= N (e.g. 2/8), got '${text}'`);
  return { index, count };
}

/** `--pcs-from PREFIX`: the PCs of PREFIX.structure.bin, checked against this run's genotypes. */
export function readPcsFrom(prefix: string, genotypes: Pick<StructureInputs, 'samples' | 'genotypes'>): GivenPcs {
  const path = structureFilePath(prefix);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`--pcs-from ${prefix}: ${path} not found (written by \`structure --pca K --no-loco --out ${prefix}\`)`);
  }
  return pcsFromFile(parseStructureFile(bytes, path), genotypes, path);
}

/** Level 0 of one group of blocks, written to PREFIX.level0.I.bin (under a temporary name, renamed when complete). */
export async function writeLevel0Shard(
  out: string, source: GenotypeSource, input: StepInput, s: CliStructureSettings, pcs: GivenPcs | undefined,
  group: { index: number; count: number }, genotypes: StructureInputs['genotypes'],
): Promise<{ path: string; lines: string[]; bytes: number }> {
  const g = await withStructurePools(s.threads, { loco: true, pca: s.pcs > 0 && !pcs }, (pools) => structureLevel0Group(source, input, s, group, { ...pools, pcs, onProgress: structureProgress() }));
  const bytes = formatLevel0Shard(g, { samples: source.samples, ...input, genotypes });
  const path = level0ShardName(out, group.index);
  writeFileAtomic(path, bytes);
  return { path, lines: [...g.lines, `time: ${g.seconds.toFixed(2)} s`], bytes: bytes.length };
}

/**
 * The shard files of `--level1-from`: each word a shard file, or a PREFIX whose PREFIX.level0.I.bin files are taken
 * (in the order of I).
 */
export function level1Files(words: string[]): string[] {
  const files: string[] = [];
  for (const w of words) {
    let isFile = false;
    try {
      isFile = statSync(w).isFile();
    } catch {
      isFile = false;
    }
    if (isFile) {
      files.push(w);
      continue;
    }
    const dir = dirname(w);
    const pattern = new RegExp(`^${basename(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.level0\\.(\\d+)\\.bin$`);
    let found: { i: number; path: string }[] = [];
    try {
      found = readdirSync(dir).flatMap((f) => {
        const m = pattern.exec(f);
        return m ? [{ i: Number(m[1]), path: join(dir, f) }] : [];
      });
    } catch {
      found = [];
    }
    if (found.length === 0) throw new UsageError(`--level1-from ${w}: no such file, and no ${level0ShardName(w, 1)}, ... (written by \`structure --level0 I/N --out ${w}\`)`);
    files.push(...found.sort((a, b) => a.i - b.i).map((f) => f.path));
  }
  return files;
}

/** Level 1 over the shards of `--level1-from` (checked: this run's inputs, every block once), on the LOCO workers. */
export async function structureFromShardFiles(
  words: string[], source: GenotypeSource, input: StepInput, s: CliStructureSettings, pcs: GivenPcs | undefined, genotypes: StructureInputs['genotypes'],
): Promise<StructureStepResult> {
  const shards = level1Files(words).map((path) => ({ file: parseLevel0Shard(readFileSync(path), path), source: path }));
  const fingerprint = structureFingerprint({ samples: source.samples, ...input, genotypes });
  const level0 = assembleLevel0Shards(shards, { fingerprint, pcs: pcaFingerprint(pcs?.pca ?? null) });
  shards.length = 0;
  return withStructurePools(s.threads, { loco: true, pca: false }, (pools) =>
    structureFromLevel0({ nSamples: source.samples.iid.length, sourceName: source.name }, input, s, pcs ?? null, level0, { ...pools, onProgress: structureProgress() }));
}
