/**
 * `cli structure` split across processes (src/cli/structureShards.ts, src/lib/pipeline/structureShards.ts,
 * level0ShardFile.ts): the PCs once (`--pca 3 --no-loco`, no --pheno), level 0 in 3 groups of blocks (`--pcs-from
 * --level0 I/3`), level 1 over the groups (`--level1-from`) write the structure file of one `structure --pca 3`
 * run byte for byte but for its "seconds" fields (wall times), and the same .eigenvec, .eigenval, .loco files and
 * log (but its time line); `--pcs-from --no-loco` the file of `--pca 3 --no-loco`. A missing shard, a shard given
 * twice, shards of other inputs or of another split and a file cut short are refused, naming what is wrong.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleLevel0Shards, parseLevel0Shard, type Level0ShardFile } from '../../src/lib/pipeline/level0ShardFile';
import { parseStructureFile } from '../../src/lib/pipeline/structureFile';

const root = join(__dirname, '..', '..');

function cli(args: string[], cwd: string) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}
function must(args: string[], cwd: string): string {
  const r = cli(args, cwd);
  if (r.code !== 0) throw new Error(`cli ${args.join(' ')} failed (${r.code}):\n${r.out.slice(-3000)}`);
  return r.out;
}

/** A structure file with every "seconds" field set to 0 (the header re-serialized, padded again), and the fields it changed. */
function withoutSeconds(bytes: Uint8Array): { bytes: Buffer; changed: string[] } {
  const nl = bytes.indexOf(0x0a);
  const header = JSON.parse(Buffer.from(bytes.subarray(0, nl)).toString('utf8'));
  const changed: string[] = [];
  const visit = (o: Record<string, unknown>, path: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'seconds') { o[k] = 0; changed.push(`${path}${k}`); } else if (v && typeof v === 'object') visit(v as Record<string, unknown>, `${path}${k}.`);
    }
  };
  visit(header, '');
  const json = Buffer.from(JSON.stringify(header));
  const offset = Math.ceil((json.length + 1) / 8) * 8;
  const head = Buffer.alloc(offset, 0x20);
  json.copy(head);
  head[offset - 1] = 0x0a;
  return { bytes: Buffer.concat([head, Buffer.from(bytes.subarray(nl + 1))]), changed };
}

describe('cli structure in processes: PCs, level 0 in 3 groups, level 1 = one run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentscan-structure-shards-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const geno = ['--bfile', 'sim/geno'];
  let base: string[] = [];

  it('writes the one-process structure file (but its seconds), .eigenvec, .eigenval, .loco and log', () => {
    must(['simulate', '--n', '600', '--snps', '1500', '--phenos', '12', '--seed', '5', '--out', 'sim'], dir);
    const names = readFileSync(join(dir, 'sim', 'pheno.csv'), 'utf8').split('\n')[0].split(',').slice(1, 4).join(',');
    base = [...geno, '--pheno', 'sim/pheno.csv', '--pheno-name', names, '--covar', 'sim/covar.csv', '--covar-name', 'age,sex', '--threads', '1'];
    must(['structure', ...base, '--pca', '3', '--loco-files', '--out', 'one'], dir);
    // The PCs from the genotypes alone, then three level-0 jobs (two workers in one), then level 1.
    must(['structure', ...geno, '--pca', '3', '--no-loco', '--threads', '1', '--out', 'pcs'], dir);
    for (const i of [1, 2, 3]) {
      const threads = i === 2 ? ['--threads', '2'] : [];
      const out = must(['structure', ...base, ...threads, '--pcs-from', 'pcs', '--level0', `${i}/3`, '--out', 'sh'], dir);
      expect(out).toMatch(new RegExp(`LOCO level 0, group ${i} of 3: blocks \\d+\\.\\.\\d+ of 22`));
    }
    must(['structure', ...base, '--pcs-from', 'pcs', '--level1-from', 'sh', '--loco-files', '--out', 'merged'], dir);
    const one = readFileSync(join(dir, 'one.structure.bin'));
    const merged = readFileSync(join(dir, 'merged.structure.bin'));
    const a = withoutSeconds(one);
    const b = withoutSeconds(merged);
    expect(a.changed).toEqual(['seconds', 'pca.seconds', 'loco.seconds']);
    expect(b.bytes.equals(a.bytes), 'structure.bin equal but for the seconds fields').toBe(true);
    // The doubles (PCs, every LOCO prediction) are the same bytes in place.
    const nlA = one.indexOf(0x0a), nlB = merged.indexOf(0x0a);
    expect(one.subarray(nlA + 1).equals(merged.subarray(nlB + 1))).toBe(true);
    expect(parseStructureFile(merged, 'merged').header.loco!.nBlocks).toBe(22);
    for (const ext of ['eigenvec', 'eigenval', ...names.split(',').map((x) => `${x}.loco`)]) {
      expect(readFileSync(join(dir, `merged.${ext}`)).equals(readFileSync(join(dir, `one.${ext}`))), ext).toBe(true);
    }
    const noTime = (f: string) => readFileSync(join(dir, f), 'utf8').replace(/^time: .*$/m, '');
    expect(noTime('merged.structure.log')).toBe(noTime('one.structure.log'));
    // Each shard: 4 bytes x 5 shrinkage values x 600 samples x 3 responses a block, and its header.
    const sizes = [1, 2, 3].map((i) => statSync(join(dir, `sh.level0.${i}.bin`)).size);
    const blocks = [1, 2, 3].map((i) => parseLevel0Shard(readFileSync(join(dir, `sh.level0.${i}.bin`)), `sh.level0.${i}.bin`).header.blocks);
    expect(blocks).toEqual([{ from: 0, to: 7 }, { from: 7, to: 14 }, { from: 14, to: 22 }]);
    sizes.forEach((s, i) => expect(s - (blocks[i].to - blocks[i].from) * 4 * 5 * 600 * 3).toBeLessThan(4096));
    console.log(`level-0 shards: ${sizes.join(', ')} bytes (36,000 a block); structure.bin ${merged.length} bytes, equal to one run's but for ${a.changed.join(', ')}`);
  }, 180_000);

  it('--pcs-from P --no-loco writes the file of --pca 3 --no-loco', () => {
    must(['structure', ...base, '--pca', '3', '--no-loco', '--out', 'one-pcs'], dir);
    must(['structure', ...base, '--pcs-from', 'pcs', '--no-loco', '--out', 'from-pcs'], dir);
    const a = withoutSeconds(readFileSync(join(dir, 'one-pcs.structure.bin')));
    const b = withoutSeconds(readFileSync(join(dir, 'from-pcs.structure.bin')));
    expect(b.bytes.equals(a.bytes)).toBe(true);
  }, 60_000);

  it('refuses a missing shard, a shard given twice, shards of other inputs or another split, a file cut short', () => {
    const missing = cli(['structure', ...base, '--pcs-from', 'pcs', '--level1-from', 'sh.level0.1.bin', 'sh.level0.3.bin', '--out', 'x'], dir);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain('level 1: 1 of 3 level-0 shards missing: 2/3');
    const twice = cli(['structure', ...base, '--pcs-from', 'pcs', '--level1-from', 'sh', 'sh.level0.2.bin', '--out', 'x'], dir);
    expect(twice.code).not.toBe(0);
    expect(twice.out).toContain('sh.level0.2.bin: level-0 shard 2 of 3 given twice');
    const other = cli(['structure', ...base.map((x) => (x === 'age,sex' ? 'age' : x)), '--pcs-from', 'pcs', '--level1-from', 'sh', '--out', 'x'], dir);
    expect(other.code).not.toBe(0);
    expect(other.out).toContain('sh.level0.1.bin: level-0 shard of other inputs (run its cli structure --level0 job again on these); expected covariates ["age"] (this run\'s), found ["age","sex"]');
    const noPcs = cli(['structure', ...base, '--pca', '0', '--level1-from', 'sh', '--out', 'x'], dir);
    expect(noPcs.out).toContain('expected genetic PCs (fingerprint of the PCs adjusted for) null (this run\'s)');
    expect(() => statSync(join(dir, 'x.structure.bin'))).toThrow();
    // In memory: the shards as read, with this run's fingerprint (the merged structure file's).
    const read = (i: number) => ({ file: parseLevel0Shard(readFileSync(join(dir, `sh.level0.${i}.bin`)), `sh.level0.${i}.bin`), source: `sh.level0.${i}.bin` });
    const shards = [1, 2, 3].map(read);
    const want = { fingerprint: parseStructureFile(readFileSync(join(dir, 'merged.structure.bin')), 'merged').header.fingerprint, pcs: shards[0].file.header.pcs };
    expect(assembleLevel0Shards(shards, want).part.preds[0]).toHaveLength(22);
    const edit = (s: (typeof shards)[number], h: Partial<Level0ShardFile['header']>) => ({ ...s, file: { ...s.file, header: { ...s.file.header, ...h } } });
    expect(() => assembleLevel0Shards([shards[0], edit(shards[1], { group: { index: 2, count: 4 } }), shards[2]], want))
      .toThrow('sh.level0.2.bin: level-0 shard of another split; expected a shard of 3 (as sh.level0.1.bin), found shard 2 of 4');
    const plan = shards[2].file.header.plan;
    expect(() => assembleLevel0Shards([shards[0], shards[1], edit(shards[2], { plan: { ...plan, blocks: plan.blocks.slice(1) } })], want))
      .toThrow('sh.level0.3.bin: level-0 shard of another block plan; expected the block plan of sh.level0.1.bin, found 21 blocks');
    expect(() => assembleLevel0Shards([shards[0], edit(shards[1], { blocks: { from: 7, to: 15 } }), shards[2]], want))
      .toThrow(/sh.level0.2.bin: not a level-0 shard; .*found blocks 7..15 for group 2 of 3, which has 7..14/);
    expect(() => assembleLevel0Shards(shards, { ...want, pcs: null })).toThrow(/genetic PCs/);
    const file = readFileSync(join(dir, 'sh.level0.3.bin'));
    expect(() => parseLevel0Shard(file.subarray(0, file.length - 4), 'sh.level0.3.bin')).toThrow(/sh.level0.3.bin: not a level-0 shard; .*a file cut short/);
    expect(() => parseLevel0Shard(readFileSync(join(dir, 'merged.structure.bin')), 'merged.structure.bin')).toThrow(/not a level-0 shard; .*found format latentscan-structure/);
  }, 60_000);
});
