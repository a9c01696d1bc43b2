/**
 * The level-0 shard file: what `cli structure --level0 I/N --out PREFIX` writes (PREFIX.level0.I.bin) and
 * `--level1-from` merges (structureShards.ts; docs/workflow.md). It holds what level 1 needs from level 0 for one
 * contiguous group of the plan's blocks: per block and response the L = 5 out-of-fold prediction columns (one per
 * shrinkage value of the level-0 grid) over the analysed samples in fold order, as Float32 (the values the
 * one-process step keeps), and the bookkeeping that makes the merge safe: the block plan of the whole variant set
 * (each block's chromosome and size; level 1 sums the fold models' predictions per chromosome with it), the
 * group's place in it, the variant pass's figures, and a fingerprint of the inputs (the structure file's: genotype
 * samples, responses, covariates and their values, genotype input; plus the PCs the ridge step adjusted for).
 *
 * Layout: one line of JSON (the header), padded with spaces to a multiple of 8 bytes with its newline, then
 * header.values Float32, little-endian: for each block of the group in plan order, for each response (header
 * order), L columns of loco.nAnalysed values. Size: 4 x L x nAnalysed x responses bytes per block (n 20,000,
 * 5 responses: 2 MB a block).
 */
import { InputError, LatentScanError } from '../base/errors';
import { level0Group, type BlockRange, type Level0Plan } from '../relate/level0Plan';
import { H2_GRID, type Level0Part } from '../relate/locoRidge';
import { fingerprintDifference, pcaFingerprint, structureFingerprint, type StructureFingerprint, type StructureInputs } from './structureFile';
import type { AssembledLevel0, Level0GroupResult } from './structureShards';
import type { StructureVariants } from './structureStep';

export const LEVEL0_SHARD_FORMAT = 'latentscan-loco-level0';
export const LEVEL0_SHARD_VERSION = 1;

/** `--out PREFIX` of group I: PREFIX.level0.I.bin. */
export function level0ShardName(prefix: string, index: number): string {
  return `${prefix}.level0.${index}.bin`;
}

export interface Level0ShardHeader {
  format: typeof LEVEL0_SHARD_FORMAT;
  version: number;
  fingerprint: StructureFingerprint;
  /** pcaFingerprint of the PCs adjusted for (null: none). */
  pcs: string | null;
  group: { index: number; count: number };
  /** The group's blocks: plan indices [from, to). */
  blocks: BlockRange;
  plan: Level0Plan;
  variants: StructureVariants;
  loco: { responses: string[]; nAnalysed: number; shrinkage: number };
  lines: string[];
  seconds: number;
  /** Float32 after the header. */
  values: number;
}

export interface Level0ShardFile {
  header: Level0ShardHeader;
  /** preds[r][b - blocks.from]: L x nAnalysed values. */
  preds: Float32Array[][];
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The shard file's bytes for a group computed on `input`. */
export function formatLevel0Shard(g: Level0GroupResult, input: StructureInputs): Uint8Array {
  const L = H2_GRID.length;
  const R = g.responses.length;
  const nb = g.part.range.to - g.part.range.from;
  const col = L * g.nAnalysed;
  const header: Level0ShardHeader = {
    format: LEVEL0_SHARD_FORMAT, version: LEVEL0_SHARD_VERSION, fingerprint: structureFingerprint(input), pcs: pcaFingerprint(g.pca),
    group: g.group, blocks: g.part.range, plan: g.plan, variants: g.variants,
    loco: { responses: g.responses, nAnalysed: g.nAnalysed, shrinkage: L }, lines: g.lines, seconds: g.seconds, values: nb * R * col,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const offset = Math.ceil((json.length + 1) / 8) * 8;
  const out = new Uint8Array(offset + 4 * header.values);
  out.fill(0x20, 0, offset - 1);
  out.set(json, 0);
  out[offset - 1] = 0x0a;
  const view = new DataView(out.buffer);
  let o = offset;
  for (let b = 0; b < nb; b++) {
    for (let r = 0; r < R; r++, o += 4 * col) {
      const p = g.part.preds[r][b];
      if (p.length !== col) throw new RangeError(`level-0 shard: block ${b} response ${r} has ${p.length} values, expected ${col}`);
      if (LITTLE_ENDIAN) out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
      else for (let i = 0; i < col; i++) view.setFloat32(o + 4 * i, p[i], true);
    }
  }
  return out;
}

function notAShard(source: string, found: string): InputError {
  return new InputError({ file: source, expected: `a level-0 shard (${LEVEL0_SHARD_FORMAT} version ${LEVEL0_SHARD_VERSION}) written by cli structure --level0 I/N`, found }, 'not a level-0 shard');
}

/** Reads a shard file's bytes; `source` names it in errors. */
export function parseLevel0Shard(bytes: Uint8Array, source: string): Level0ShardFile {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw notAShard(source, 'no header line');
  let header: Level0ShardHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl)));
  } catch (e) {
    throw notAShard(source, e instanceof Error ? e.message : String(e));
  }
  if (header?.format !== LEVEL0_SHARD_FORMAT || header.version !== LEVEL0_SHARD_VERSION) throw notAShard(source, `format ${String(header?.format)} version ${String(header?.version)}`);
  const offset = nl + 1;
  const R = header.loco.responses.length;
  const col = header.loco.shrinkage * header.loco.nAnalysed;
  const nb = header.blocks.to - header.blocks.from;
  if (offset % 8 !== 0 || header.values !== nb * R * col || bytes.length !== offset + 4 * header.values) {
    throw notAShard(source, `${bytes.length} bytes, expected ${offset + 4 * nb * R * col} (${nb} blocks x ${R} responses x ${col} values; a file cut short?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const preds: Float32Array[][] = Array.from({ length: R }, () => []);
  let o = offset;
  for (let b = 0; b < nb; b++) {
    for (let r = 0; r < R; r++, o += 4 * col) {
      const p = LITTLE_ENDIAN
        ? new Float32Array(bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + 4 * col))
        : Float32Array.from({ length: col }, (_, i) => view.getFloat32(o + 4 * i, true));
      preds[r].push(p);
    }
  }
  return { header, preds };
}

/**
 * Checks that the shards are of this run's inputs (`want`: the structure inputs and the PCs' fingerprint), of one
 * split of one block plan, and together cover every block exactly once; then joins their predictions in plan
 * order. `want.fingerprint`: structureFingerprint of this run's inputs. Each refusal names the file and what
 * differs, the shard given twice, or the shards missing.
 */
export function assembleLevel0Shards(shards: { file: Level0ShardFile; source: string }[], want: { fingerprint: StructureFingerprint; pcs: string | null }): AssembledLevel0 {
  if (shards.length === 0) throw new LatentScanError('input', 'level 1: no level-0 shard given');
  const fp = want.fingerprint;
  const first = shards[0];
  const N = first.file.header.group.count;
  const bySlot = new Map<number, { file: Level0ShardFile; source: string }>();
  for (const s of shards) {
    const h = s.file.header;
    const d = fingerprintDifference(h.fingerprint, fp) ?? (h.pcs !== want.pcs ? { what: 'genetic PCs (fingerprint of the PCs adjusted for)', expected: JSON.stringify(want.pcs), found: JSON.stringify(h.pcs) } : null);
    if (d) throw new InputError({ file: s.source, expected: `${d.what} ${d.expected} (this run's)`, found: d.found }, 'level-0 shard of other inputs (run its cli structure --level0 job again on these)');
    if (h.group.count !== N) throw new InputError({ file: s.source, expected: `a shard of ${N} (as ${first.source})`, found: `shard ${h.group.index} of ${h.group.count}` }, 'level-0 shard of another split');
    if (JSON.stringify(h.plan) !== JSON.stringify(first.file.header.plan) || JSON.stringify(h.variants) !== JSON.stringify(first.file.header.variants)) {
      throw new InputError({ file: s.source, expected: `the block plan of ${first.source}`, found: `${h.plan.blocks.length} blocks of up to ${h.plan.blockSize} over ${h.plan.nVariants} variants` }, 'level-0 shard of another block plan');
    }
    const slot = level0Group(h.plan.blocks.length, h.group.index, h.group.count);
    if (h.blocks.from !== slot.from || h.blocks.to !== slot.to) throw notAShard(s.source, `blocks ${h.blocks.from}..${h.blocks.to} for group ${h.group.index} of ${N}, which has ${slot.from}..${slot.to}`);
    const twice = bySlot.get(h.group.index);
    if (twice) throw new InputError({ file: s.source, found: `also ${twice.source}` }, `level-0 shard ${h.group.index} of ${N} given twice`);
    bySlot.set(h.group.index, s);
  }
  const missing = Array.from({ length: N }, (_, i) => i + 1).filter((i) => !bySlot.has(i));
  if (missing.length) {
    throw new LatentScanError('input', `level 1: ${missing.length} of ${N} level-0 shards missing: ${missing.map((i) => `${i}/${N}`).join(', ')} (cli structure --level0 I/${N} writes shard I; given: ${shards.map((s) => s.source).join(', ')})`);
  }
  const plan = first.file.header.plan;
  const R = first.file.header.loco.responses.length;
  const preds: Float32Array[][] = Array.from({ length: R }, () => []);
  for (let i = 1; i <= N; i++) for (let r = 0; r < R; r++) preds[r].push(...bySlot.get(i)!.file.preds[r]);
  return { plan, variants: first.file.header.variants, part: { range: { from: 0, to: plan.blocks.length }, chrom: plan.blocks.map((b) => b.chrom), preds } };
}
