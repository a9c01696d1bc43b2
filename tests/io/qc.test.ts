import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hweExactP } from '../../src/lib/io/hweExact';
import { chunkVariantStats, createQcSource, formatQcReport, machR2, runVariantQc } from '../../src/lib/io/variantQc';
import { addSampleMissing } from '../../src/lib/io/sampleCallRate';
import { packDosages } from '../../src/lib/io/writeBed';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { genotypeQcOptions, qcFromArgs } from '../../src/cli/genotypeQcArgs';
import { parseArgs } from '../../src/cli/args';
import type { QcSource } from '../../src/lib/io/variantQc';
import { decodeDosages } from '../../src/lib/io/bedDecode';
import { createRng } from '../../src/lib/math/rng';
import { dsVcfHeader, plink2, randomGeno, readTsv, tempDir, writeDsVcf, writeRandomBed } from './genoFixtures';

/** Random data with every QC failure: low MAF, high missingness, HWE departures, samples with many missing calls. */
function qcData(n: number, m: number, seed: number) {
  const g = randomGeno(n, m, seed, 0.02);
  const rng = createRng(seed + 1);
  for (let v = 0; v < m; v++) {
    if (v % 11 === 5) {
      // no heterozygotes: strong HWE departure
      for (let j = 0; j < n; j++) if (g.codes[v * n + j] === 1) g.codes[v * n + j] = rng.next() < 0.5 ? 0 : 2;
    } else if (v % 11 === 6) {
      // mild departure: a third of the heterozygotes become homozygous
      for (let j = 0; j < n; j++) if (g.codes[v * n + j] === 1 && rng.next() < 0.33) g.codes[v * n + j] = 2;
    }
  }
  for (let j = 0; j < 12; j++) for (let v = 0; v < m; v++) if (rng.next() < 0.04 + 0.02 * j) g.codes[v * n + j] = -1;
  g.packed = packDosages(g.codes, n, m);
  return g;
}

describe('variant QC vs plink2', () => {
  const dir = tempDir('qc');
  const n = 357;
  const m = 400;
  const g = qcData(n, m, 31);
  const prefix = writeRandomBed(dir, g);

  it('HWE exact P equals plink2 --hardy (and --hardy midp)', () => {
    for (const midp of [false, true]) {
      const out = join(dir, midp ? 'hm' : 'h');
      plink2(['--bfile', prefix, '--hardy', ...(midp ? ['midp'] : []), '--out', out]);
      const h = readTsv(`${out}.hardy`);
      const i1 = h.header.indexOf('HOM_A1_CT'), ih = h.header.indexOf('HET_A1_CT'), i2 = h.header.indexOf('TWO_AX_CT'), ip = h.header.indexOf(midp ? 'MIDP' : 'P');
      expect(h.rows.length).toBe(m);
      let small = 0;
      for (const r of h.rows) {
        const want = Number(r[ip]);
        const got = hweExactP(Number(r[ih]), Number(r[i1]), Number(r[i2]), midp);
        // plink2 prints 6 significant digits
        expect(Math.abs(got - want)).toBeLessThanOrEqual(6e-6 * want + 1e-300);
        if (want < 1e-10) small++;
      }
      expect(small).toBeGreaterThan(20); // the strong departures are in the far tail
    }
  });

  it('HWE exact P on hand cases (Wigginton et al. 2005 recurrence, direct enumeration)', () => {
    // Direct: P(het = k | n, rare) = n! / (homr! het! homc!) * 2^het * rare! (2n - rare)! / (2n)!
    const lf = (x: number) => { let s = 0; for (let i = 2; i <= x; i++) s += Math.log(i); return s; };
    for (const [het, h1, h2] of [[3, 16, 81], [0, 10, 10], [57, 14, 29], [1, 0, 0], [0, 5, 0], [20, 40, 40]]) {
      const nn = het + h1 + h2;
      const rare = 2 * Math.min(h1, h2) + het;
      const prob = (k: number) => Math.exp(lf(nn) - lf((rare - k) / 2) - lf(k) - lf(nn - k - (rare - k) / 2) + k * Math.LN2 + lf(rare) + lf(2 * nn - rare) - lf(2 * nn));
      const po = prob(het);
      let p = 0;
      for (let k = rare % 2; k <= Math.min(rare, 2 * nn - rare); k += 2) if (prob(k) <= po * (1 + 1e-7)) p += prob(k);
      expect(hweExactP(het, h1, h2)).toBeCloseTo(Math.min(1, p), 10);
    }
  });

  it('--mind, --geno, --hwe, --maf keep the same samples and variants as plink2 and count removals the same way', async () => {
    const opts = { mind: 0.1, geno: 0.05, hwe: 1e-4, maf: 0.05 };
    const log = plink2([
      '--bfile', prefix, '--mind', '0.1', '--geno', '0.05', '--hwe', '1e-4', '--maf', '0.05', '--write-snplist', '--write-samples', '--out', join(dir, 'q'),
    ]);
    const src = await openGenotypes({ bfile: prefix });
    const { report, keptIds, source } = await runVariantQc(src, opts);
    expect(keptIds).toEqual(readFileSync(join(dir, 'q.snplist'), 'utf8').trim().split('\n'));
    const keptSamples = readTsv(join(dir, 'q.id')).rows.map((r) => r[1]);
    expect(source.samples.iid).toEqual(keptSamples);
    const num = (re: RegExp) => Number(re.exec(log)![1]);
    expect(report.samplesRemovedMind).toBe(num(/(\d+) samples? removed due to missing genotype data \(--mind\)/));
    expect(report.removed.geno).toBe(num(/--geno: (\d+) variants? removed/));
    expect(report.removed.hwe).toBe(num(/--hwe: (\d+) variants? removed/));
    expect(report.removed.maf).toBe(num(/(\d+) variants? removed due to allele frequency/));
    expect(report.samplesRemovedMind).toBeGreaterThan(0);
    expect(report.removed.geno).toBeGreaterThan(0);
    expect(report.removed.hwe).toBeGreaterThan(0);
    expect(report.removed.maf).toBeGreaterThan(0);
    expect(report.complete).toBe(true);
    expect(formatQcReport(report)).toContain(`--maf 0.05: ${report.removed.maf} variants removed`);

    // The QC'd chunks hold exactly plink2's --make-bed output for the same filters.
    plink2(['--bfile', prefix, '--mind', '0.1', '--geno', '0.05', '--hwe', '1e-4', '--maf', '0.05', '--make-bed', '--out', join(dir, 'qb')]);
    const ref = new Uint8Array(readFileSync(join(dir, 'qb.bed'))).subarray(3);
    const q2 = await createQcSource(src, opts);
    const parts: Uint8Array[] = [];
    for await (const c of q2.chunks({ chunkVariants: 37 })) parts.push(c.packed!);
    const ours = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) (ours.set(p, o), (o += p.length));
    expect(ours).toEqual(ref);
  });

  it('--maf and --hwe over founders only, as plink2 (and over every sample with --nonfounders)', async () => {
    // The same data with a father or mother named for every third sample (IDs in or out of the file:
    // plink2 counts either as a non-founder).
    const fdir = tempDir('qc-founders');
    const fp = writeRandomBed(fdir, g, 'f');
    const fam = readFileSync(`${fp}.fam`, 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
    fam.forEach((f, j) => {
      if (j % 3 === 1) f[2] = j % 2 ? fam[0][1] : `absent${j}`;
      if (j % 6 === 4) f[3] = `mother${j}`;
    });
    writeFileSync(`${fp}.fam`, fam.map((f) => f.join('\t')).join('\n') + '\n');
    const flags = ['--mind', '0.1', '--geno', '0.05', '--hwe', '1e-3', '--maf', '0.1'];
    const opts = { mind: 0.1, geno: 0.05, hwe: 1e-3, maf: 0.1 };
    const src = await openGenotypes({ bfile: fp });
    expect(Array.from(src.samples.founder!).filter((x) => x === 0).length).toBe(Math.floor((n + 1) / 3));
    const kept: Record<string, string[]> = {};
    for (const nonfounders of [false, true]) {
      const out = join(fdir, nonfounders ? 'all' : 'fnd');
      plink2(['--bfile', fp, ...flags, ...(nonfounders ? ['--nonfounders'] : []), '--write-snplist', '--out', out]);
      const { report, keptIds } = await runVariantQc(src, { ...opts, nonfounders });
      expect(keptIds).toEqual(readFileSync(`${out}.snplist`, 'utf8').trim().split('\n'));
      expect(report.frequencySamples.who).toBe(nonfounders ? 'all' : 'founders');
      kept[String(nonfounders)] = keptIds;
    }
    // The founder rule matters on this data (else this test could not tell the two apart).
    expect(kept.false).not.toEqual(kept.true);
  });

  it('sample call rate equals plink2 --missing (.smiss)', async () => {
    plink2(['--bfile', prefix, '--missing', '--out', join(dir, 'm')]);
    const s = readTsv(join(dir, 'm.smiss'));
    const iM = s.header.indexOf('MISSING_CT');
    const missing = new Int32Array(n);
    const src = await openGenotypes({ bfile: prefix });
    for await (const c of src.chunks({ chunkVariants: 50 })) addSampleMissing(c, missing);
    expect(Array.from(missing)).toEqual(s.rows.map((r) => Number(r[iM])));
  });

  it('filters are off by default: nothing removed, chunks unchanged', async () => {
    const src = await openGenotypes({ bfile: prefix });
    const { report, keptIds } = await runVariantQc(src, {});
    expect(report.variantsKept).toBe(m);
    expect(report.removed).toEqual({ geno: 0, hwe: 0, maf: 0, machR2: 0, info: 0 });
    expect(keptIds).toEqual(g.variants.id);
    const out = new Float32Array(n);
    for await (const c of (await createQcSource(src, {})).chunks()) {
      decodeDosages(c.packed!, 0, n, out);
      expect(out[0]).toBe(g.codes[c.start * n] < 0 ? NaN : g.codes[c.start * n]);
      break;
    }
  });

  it('CLI options --maf --geno --hwe --mind reach openGenotypes({ qc })', async () => {
    const a = parseArgs(['--maf', '0.05', '--geno', '0.05', '--hwe', '1e-4', '--mind', '0.1'], genotypeQcOptions, 'scan');
    expect(qcFromArgs(a)).toEqual({ maf: 0.05, geno: 0.05, hwe: 1e-4, mind: 0.1 });
    expect(qcFromArgs(parseArgs([], genotypeQcOptions, 'scan'))).toBeUndefined();
    const src = (await openGenotypes({ bfile: prefix, qc: qcFromArgs(a) })) as QcSource;
    const ids: string[] = [];
    for await (const c of src.chunks()) ids.push(...c.variants.id);
    expect(ids).toEqual(readFileSync(join(dir, 'q.snplist'), 'utf8').trim().split('\n'));
    expect(src.report.complete).toBe(true);
  });

  it('on DS dosages (VCF): --geno and --maf keep the same variants as plink2 --vcf dosage=DS --geno dosage --maf', async () => {
    const vcf = join(dir, 'ds.vcf');
    writeDsVcf(vcf, 151, 300, 77);
    plink2(['--vcf', vcf, 'dosage=DS', '--geno', '0.1', 'dosage', '--maf', '0.1', '--write-snplist', '--out', join(dir, 'dsq')]);
    const src = await openGenotypes({ vcf, dosage: true, qc: { geno: 0.1, maf: 0.1 } });
    const ids: string[] = [];
    for await (const c of src.chunks()) {
      expect(c.dosage).toBeDefined();
      ids.push(...c.variants.id);
    }
    const want = readFileSync(join(dir, 'dsq.snplist'), 'utf8').trim().split('\n');
    expect(ids).toEqual(want);
    const r = (src as QcSource).report;
    expect(r.removed.geno).toBeGreaterThan(0);
    expect(r.removed.maf).toBeGreaterThan(0);
  });
});

describe('--mach-r2-filter vs plink2 (dosage VCF with imputation-like shrinkage)', () => {
  /** Dosage = q g + (1 - q) 2p + noise: r2 about q^2 spread over [0, 1]; plus a monomorphic and a GT-only variant. */
  function machVcf(path: string, n: number, m: number, seed: number): void {
    const rng = createRng(seed);
    const lines = dsVcfHeader(n);
    for (let v = 0; v < m; v++) {
      const p = 0.02 + 0.48 * rng.next();
      const q = 0.15 + 0.85 * rng.next();
      const cells = Array.from({ length: n }, () => {
        if (rng.next() < 0.03) return './.:.';
        const g = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
        const d = Math.min(2, Math.max(0, q * g + (1 - q) * 2 * p + 0.05 * rng.normal()));
        return `${['0/0', '0/1', '1/1'][Math.min(2, Math.round(d))]}:${d.toFixed(3)}`;
      });
      lines.push(['1', String(1000 + v), `v${v}`, 'A', 'C', '.', '.', '.', 'GT:DS', ...cells].join('\t'));
    }
    lines.push(['1', '5000', 'mono', 'A', 'C', '.', '.', '.', 'GT:DS', ...Array.from({ length: n }, () => '0/0:0')].join('\t'));
    lines.push(['1', '5001', 'gtonly', 'A', 'C', '.', '.', '.', 'GT', ...Array.from({ length: n }, (_, j) => ['0/0', '0/1', '1/1', '0/0'][j % 4])].join('\t'));
    writeFileSync(path, lines.join('\n') + '\n');
  }

  it('MaCH r2 equals plink2 --freq cols=+machr2; the same variants kept and removed counts as plink2 for three settings', async () => {
    const dir = tempDir('machr2');
    const vcf = join(dir, 'm.vcf');
    machVcf(vcf, 301, 60, 5);
    plink2(['--vcf', vcf, 'dosage=DS', '--freq', 'cols=+machr2', '--out', join(dir, 'f')]);
    const fr = readTsv(join(dir, 'f.afreq'));
    const iR = fr.header.indexOf('MACH_R2');
    const src = await openGenotypes({ vcf, dosage: true });
    let v = 0;
    for await (const c of src.chunks({})) {
      const s = chunkVariantStats(c);
      for (let k = 0; k < c.count; k++, v++) {
        const ours = machR2(s.obs[k], s.a1[k], s.a1sq[k]);
        const ref = fr.rows[v][iR];
        // plink2 stores dosages in 1/16384 steps and prints 6 significant digits
        if (ref === 'nan') expect(Number.isNaN(ours)).toBe(true);
        else expect(Math.abs(ours - Number(ref))).toBeLessThan(1e-4);
      }
    }
    // A bare --mach-r2-filter means plink2's documented defaults 0.1 2; plink2 2.00a3.5 itself ignores the bare
    // flag (removes nothing), so the reference run is given the defaults explicitly.
    for (const [words, maf] of [[[], undefined], [['0.4', '0.6'], undefined], [['0.3'], 0.01]] as [string[], number | undefined][]) {
      const out = join(dir, `k${words.join('_')}`);
      const refWords = words.length ? words : ['0.1', '2'];
      plink2(['--vcf', vcf, 'dosage=DS', '--mach-r2-filter', ...refWords, ...(maf ? ['--maf', String(maf)] : []), '--write-snplist', '--out', out]);
      const args = parseArgs(['--mach-r2-filter', ...words, ...(maf ? ['--maf', String(maf)] : [])], genotypeQcOptions, 'test');
      const qc = qcFromArgs(args)!;
      const { report, keptIds } = await runVariantQc(await openGenotypes({ vcf, dosage: true }), qc);
      expect(keptIds).toEqual(readFileSync(`${out}.snplist`, 'utf8').trim().split('\n'));
      const log = readFileSync(`${out}.log`, 'utf8');
      expect(report.removed.machR2).toBe(Number(/--mach-r2-filter: (\d+) variants? removed/.exec(log)![1]));
      expect(formatQcReport(report).join('\n')).toContain(`--mach-r2-filter ${qc.machR2!.min} ${qc.machR2!.max}: ${report.removed.machR2} variants removed`);
    }
  });
});
