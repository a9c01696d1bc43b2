/**
 * LD pruning (src/lib/relate/indepPairwise.ts) against plink2 2.00a3.5 `--indep-pairwise`, on a simulated cohort
 * with LD blocks (the project's simulator: 25-SNP blocks, neighbour correlation 0.92, MAF 0.003-0.5), 2% missing
 * calls, 300 samples (40 non-founders; males, females and unknown sex), 3,000 variants over chromosomes 1-4, X, Y
 * and MT, plus variants that are monomorphic among founders (all het; all missing; polymorphic in non-founders
 * only), a chromosome 0 variant and a one-variant chromosome (monomorphic: plink2 keeps it, never loading it).
 *
 * Expected: the .prune.in and .prune.out lists identical to plink2's (same IDs, same order) for windows by count
 * (50 5 0.2, 1000 100 0.1, 7 7 0.05), by kb (200kb 0.1, 2kb 0.3: gaps > 2 kb split the chromosomes), after --maf 0.01
 * and with an `include` mask (plink2 --not-chr 2); also with 7-variant chunks (windows across chunk boundaries);
 * the pair kernel on 64-bit WebAssembly popcounts (default) and in JS.
 * Skipped, with the reason printed, when plink2 is not installed.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../src/lib/math/rng';
import { simulateGenotypeMatrix, simulateVariantInfo, type GenotypeSimOptions } from '../../src/lib/sim/simulateGenotypes';
import { bedBytes, formatBim } from '../../src/lib/io/writeBed';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { indepPairwise, parseIndepPairwise, pruneListText, sourceSex, type IndepPairwiseOptions } from '../../src/lib/relate/indepPairwise';
import { command as pcaCommand } from '../../src/cli/commands/pca';
import { tempDir } from '../io/genoFixtures';

const HAVE_PLINK2 = !spawnSync('plink2', ['--version']).error;
if (!HAVE_PLINK2) console.warn('indepPairwise.test: plink2 not installed (apt-get install -y plink2): comparisons with plink2 skipped');

const N = 300;
const N_FOUNDERS = 260;
const M = 3000;

/**
 * Writes the cohort's .bed/.bim/.fam under dir; returns the prefix. `allMissing`: variant 500 has no call at all
 * (else one founder het call): plink2 --maf keeps a variant without founder calls, the QC source's --maf drops it.
 */
function writeCohort(dir: string, seed: number, allMissing = true, name = 'ld'): string {
  const rng = createRng(seed);
  const o: GenotypeSimOptions = { nSamples: N, nSnps: M, mafMin: 0.003, mafMax: 0.5, missingRate: 0.02, ldBlock: 25, ldRho: 0.92, chromosomes: 7 };
  const { variants, altFreq } = simulateVariantInfo(rng, o);
  const relabel: Record<string, string> = { '5': 'X', '6': 'Y', '7': 'MT' };
  variants.chrom = variants.chrom.map((c) => relabel[c] ?? c);
  // X/Y/MT frequencies away from --maf 0.01: the QC source's --maf counts them as diploid over all founders, plink2
  // sex-aware (chrX males haploid, chrY males only); the pruning itself follows plink2 on these chromosomes
  for (let v = 0; v < M; v++) if (['X', 'Y', 'MT'].includes(variants.chrom[v])) altFreq[v] = Math.max(altFreq[v], 0.05);
  const packed = simulateGenotypeMatrix(rng, o, altFreq, new Map());
  const bpv = N / 4;
  // every 13th variant with 30% missing calls (r2 sums through full masks rather than missing-call lists)
  for (let v = 6; v < M; v += 13) {
    for (let j = 0; j < N; j++) {
      const k = v * bpv + (j >> 2), sh = (j & 3) * 2;
      if (rng.next() < 0.3) packed[k] = (packed[k] & ~(3 << sh)) | (0b01 << sh);
    }
  }
  const row = (v: number) => packed.subarray(v * bpv, (v + 1) * bpv);
  row(10).fill(0xaa); // every call het
  row(500).fill(0x55); // every call missing
  if (!allMissing) packed[500 * bpv] = 0x55 ^ 0b11; // but sample 0's, het
  row(1200).fill(0xff); // founders hom REF, non-founders (samples 260..299, bytes 65..74) vary
  for (let j = N_FOUNDERS; j < N; j += 3) packed[1200 * bpv + (j >> 2)] = (packed[1200 * bpv + (j >> 2)] & ~(3 << ((j & 3) * 2))) | (0b10 << ((j & 3) * 2));
  variants.chrom[M - 2] = '0';
  variants.chrom[M - 1] = '22';
  row(M - 1).fill(0xff); // a one-variant chromosome, monomorphic
  const fam: string[] = [];
  for (let j = 0; j < N; j++) {
    const sex = j % 7 === 0 ? 0 : j % 2 ? 1 : 2;
    const parents = j >= N_FOUNDERS ? `F${j - 200}\tF${j - 201}` : '0\t0';
    fam.push(`F${j}\tS${j}\t${parents}\t${sex}\t-9`);
  }
  const prefix = join(dir, name);
  writeFileSync(`${prefix}.bed`, bedBytes(packed));
  writeFileSync(`${prefix}.bim`, formatBim(variants));
  writeFileSync(`${prefix}.fam`, fam.join('\n') + '\n');
  return prefix;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
}

interface Ref {
  in: string[];
  out: string[];
  seconds: number;
}

function runPlink2(prefix: string, args: string[], out: string, input = ['--bfile', prefix]): Ref {
  const t = performance.now();
  execFileSync('plink2', ['--threads', '1', '--memory', '1024', ...input, ...args, '--out', out], { stdio: 'ignore' });
  const seconds = (performance.now() - t) / 1000;
  return { in: lines(`${out}.prune.in`), out: lines(`${out}.prune.out`), seconds };
}

async function ours(prefix: string, words: string[], extra: Partial<IndepPairwiseOptions> = {}, maf?: number) {
  const t = performance.now();
  const src = await openGenotypes({ bfile: prefix, ...(maf !== undefined ? { qc: { maf } } : {}) });
  const r = await indepPairwise(src, { ...parseIndepPairwise(words), collectIds: true, ...extra });
  return { r, wall: (performance.now() - t) / 1000 };
}

describe('parseIndepPairwise (plink2 argument rules)', () => {
  it('reads W S R2, Wkb R2, W kb R2; the step defaults to 1', () => {
    expect(parseIndepPairwise(['1000', '100', '0.1'])).toEqual({ window: 1000, step: 100, r2: 0.1, windowKb: false });
    expect(parseIndepPairwise(['50', '0.2'])).toEqual({ window: 50, step: 1, r2: 0.2, windowKb: false });
    expect(parseIndepPairwise(['500kb', '0.1'])).toEqual({ window: 500, step: 1, r2: 0.1, windowKb: true });
    expect(parseIndepPairwise(['2.5', 'kb', '1', '0.3'])).toEqual({ window: 2.5, step: 1, r2: 0.3, windowKb: true });
    expect(parseIndepPairwise(['1000 100 0.1'])).toEqual({ window: 1000, step: 100, r2: 0.1, windowKb: false });
  });
  it('refuses what plink2 refuses', () => {
    expect(() => parseIndepPairwise(['10', '20', '0.2'])).toThrow(/step cannot be larger than the window/);
    expect(() => parseIndepPairwise(['500kb', '2', '0.2'])).toThrow(/step must be 1 when the window is in kb/);
    expect(() => parseIndepPairwise(['10', '0', '0.2'])).toThrow(/invalid window step/);
    expect(() => parseIndepPairwise(['10', '1', '1.5'])).toThrow(/invalid r2/);
    expect(() => parseIndepPairwise(['x', '0.2'])).toThrow(/invalid window size/);
    expect(() => parseIndepPairwise(['10'])).toThrow(/missing arguments/);
  });
});

describe('indepPairwise without plink2', () => {
  let dir: string, prefix: string;
  beforeAll(() => {
    dir = tempDir('ldprune');
    prefix = writeCohort(dir, 5);
  });

  it('leaves chromosome 0 out, keeps a one-variant chromosome, removes founder-monomorphic variants, and streams across chunks', async () => {
    const a = (await ours(prefix, ['50', '5', '0.2'])).r;
    const b = (await ours(prefix, ['50', '5', '0.2'], { chunkVariants: 7 })).r;
    expect(Array.from(b.keep)).toEqual(Array.from(a.keep));
    expect(Array.from(b.pruned)).toEqual(Array.from(a.pruned));
    expect(b.inIds).toEqual(a.inIds);
    expect(a.nVariants).toBe(M);
    expect(a.skippedChr0).toBe(1);
    expect(a.keep[M - 2] + a.pruned[M - 2]).toBe(0);
    expect(a.keep[M - 1]).toBe(1); // chromosome 22: one variant, monomorphic, kept
    for (const v of [10, 500, 1200]) expect(a.pruned[v]).toBe(1);
    expect(a.kept + a.removed).toBe(M - 1);
    expect(a.inIds!.length).toBe(a.kept);
    expect(a.outIds!.length).toBe(a.removed);
    expect(a.founders).toBe(N_FOUNDERS);
    // sex from the .bed source, also through a QC source
    const src = await openGenotypes({ bfile: prefix, qc: { maf: 0.01 } });
    expect(sourceSex(src)?.length).toBe(N);
    expect(a.maleFounders).toBe(Array.from({ length: N_FOUNDERS }, (_, j) => j).filter((j) => j % 7 !== 0 && j % 2 === 1).length);
  });

  it('the reverse pair order (later plink2 builds) gives a partition of the same eligible variants', async () => {
    const a = (await ours(prefix, ['50', '5', '0.2'], { order: 'reverse' })).r;
    expect(a.kept + a.removed).toBe(M - 1);
    for (let v = 0; v < M; v++) expect(a.keep[v] + a.pruned[v]).toBeLessThanOrEqual(1);
  });

  it('writes plink2-style lists and can be cancelled', async () => {
    expect(pruneListText(['a', 'b'])).toBe('a\nb\n');
    expect(pruneListText([])).toBe('');
    const ac = new AbortController();
    ac.abort();
    await expect(ours(prefix, ['50', '5', '0.2'], { signal: ac.signal })).rejects.toThrow();
  });
});

describe.skipIf(!HAVE_PLINK2)('indepPairwise vs plink2 2.00a3.5 --indep-pairwise', () => {
  let dir: string, prefix: string, prefixMaf: string;
  beforeAll(() => {
    dir = tempDir('ldprune-ref');
    prefix = writeCohort(dir, 5);
    prefixMaf = writeCohort(dir, 5, false, 'ldmaf');
  });

  const settings = [['50', '5', '0.2'], ['1000', '100', '0.1'], ['7', '7', '0.05'], ['200kb', '0.1'], ['2kb', '0.3']];
  for (const words of settings) {
    it(`--indep-pairwise ${words.join(' ')}: the same .prune.in and .prune.out`, async () => {
      const ref = runPlink2(prefix, ['--indep-pairwise', ...words], join(dir, `ref${words.join('_')}`));
      const { r, wall } = await ours(prefix, words);
      console.log(
        `indep-pairwise ${words.join(' ')}: ${r.kept} kept, ${r.removed} removed (${r.monomorphic} monomorphic), plink2 ${ref.in.length}/${ref.out.length}; ` +
          `ours ${r.seconds.toFixed(3)} s (${wall.toFixed(3)} s with opening), plink2 ${ref.seconds.toFixed(3)} s (process)`,
      );
      expect(r.inIds).toEqual(ref.in);
      expect(r.outIds).toEqual(ref.out);
      if (!words[0].endsWith('kb')) expect(r.peakWindow).toBeLessThanOrEqual(Number(words[0]));
      // the JS pair kernel (32-bit words, the fallback without WebAssembly): the same lists and pair count
      const js = (await ours(prefix, words, { kernel: 'js' })).r;
      expect(js.inIds).toEqual(ref.in);
      expect(js.outIds).toEqual(ref.out);
      expect(js.pairs).toBe(r.pairs);
    });
  }

  it('after --maf 0.01 (QC source): the same lists as plink2 --maf 0.01', async () => {
    const ref = runPlink2(prefixMaf, ['--maf', '0.01', '--indep-pairwise', '50', '5', '0.2'], join(dir, 'refmaf'));
    const { r } = await ours(prefixMaf, ['50', '5', '0.2'], {}, 0.01);
    expect(r.eligible).toBe(ref.in.length + ref.out.length);
    expect(r.inIds).toEqual(ref.in);
    expect(r.outIds).toEqual(ref.out);
  });

  it('from a VCF (no sex, no pedigree, as plink2 reads it): the same lists as plink2 --vcf', async () => {
    execFileSync('plink2', ['--bfile', prefix, '--export', 'vcf', '--out', join(dir, 'v')], { stdio: 'ignore' });
    const ref = runPlink2('', ['--indep-pairwise', '50', '5', '0.2'], join(dir, 'refvcf'), ['--vcf', join(dir, 'v.vcf')]);
    const r = await indepPairwise(await openGenotypes({ vcf: join(dir, 'v.vcf') }), { window: 50, step: 5, r2: 0.2, collectIds: true });
    expect(r.maleFounders).toBe(0);
    expect(r.founders).toBe(N);
    expect(r.inIds).toEqual(ref.in);
    expect(r.outIds).toEqual(ref.out);
  });

  it('with an include mask: excluded variants are in neither list (plink2 --not-chr 2)', async () => {
    const ref = runPlink2(prefix, ['--not-chr', '2', '--indep-pairwise', '1000', '100', '0.1'], join(dir, 'refnot2'));
    const chrom = lines(`${prefix}.bim`).map((l) => l.split('\t')[0]);
    const include = Uint8Array.from(chrom, (c) => (c === '2' ? 0 : 1));
    const { r } = await ours(prefix, ['1000', '100', '0.1'], { include, chunkVariants: 64 });
    expect(r.inIds).toEqual(ref.in);
    expect(r.outIds).toEqual(ref.out);
    chrom.forEach((c, v) => { if (c === '2') expect(r.keep[v] + r.pruned[v]).toBe(0); });
  });

  it('the pca command prunes (--maf 0.01, --indep-pairwise 50 5 0.2) as plink2 does, then runs the PCA on the kept variants', async () => {
    const ref = runPlink2(prefixMaf, ['--maf', '0.01', '--indep-pairwise', '50', '5', '0.2'], join(dir, 'refcli'));
    const out = join(dir, 'cli');
    const logged: string[] = [];
    const orig = console.log;
    console.log = (...x: unknown[]) => { logged.push(x.join(' ')); };
    try {
      await pcaCommand.run({ bfile: prefixMaf, pca: 3, 'indep-pairwise': ['50', '5', '0.2'], out });
    } finally {
      console.log = orig;
    }
    expect(lines(`${out}.prune.in`)).toEqual(ref.in);
    expect(lines(`${out}.prune.out`)).toEqual(ref.out);
    expect(readFileSync(`${out}.prune.in`, 'utf8')).toBe(readFileSync(join(dir, 'refcli.prune.in'), 'utf8'));
    expect(logged.join('\n')).toMatch(new RegExp(`${ref.out.length}/${ref.in.length + ref.out.length} variants removed`));
    // the PCA used the kept autosomal variants only
    const chromOf = new Map(lines(`${prefixMaf}.bim`).map((l) => [l.split('\t')[1], l.split('\t')[0]]));
    const autosomalKept = ref.in.filter((id) => /^([1-9]|1\d|2[0-2])$/.test(chromOf.get(id)!)).length;
    expect(logged.join('\n')).toMatch(new RegExp(`pca: ${N} samples, ${autosomalKept} variants, 3 PCs`));
    expect(lines(`${out}.eigenvec`).length).toBe(N + 1);
  }, 30000);
});
