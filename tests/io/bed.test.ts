import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import { openBed } from '../../src/lib/io/bed';
import { bytesSource } from '../../src/lib/io/ByteSource';
import { nodeFileSource } from '../../src/platform/node/nodeFileSource';
import { decodeDosages, genotypeCounts } from '../../src/lib/io/bedDecode';
import { bedBytes, formatBim, formatFam } from '../../src/lib/io/writeBed';
import { openGenotypes } from '../../src/cli/openGenotypes';
import type { GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { plink2, randomGeno, readTsv, tempDir, writeRandomBed } from './genoFixtures';

const enc = new TextEncoder();

async function collect(src: GenotypeSource, opts?: Parameters<GenotypeSource['chunks']>[0]): Promise<GenotypeChunk[]> {
  const out: GenotypeChunk[] = [];
  for await (const c of src.chunks(opts)) out.push(c);
  return out;
}

function memFiles(g: ReturnType<typeof randomGeno>) {
  return {
    bed: bytesSource(bedBytes(g.packed), 'x.bed'),
    bim: bytesSource(enc.encode(formatBim(g.variants)), 'x.bim'),
    fam: bytesSource(enc.encode(formatFam(g.samples)), 'x.fam'),
  };
}

describe('openBed: decoding', () => {
  it('round-trips dosages exactly for odd n (not a multiple of 4), with missing calls, in small chunks', async () => {
    for (const n of [1, 2, 3, 5, 37, 103]) {
      const g = randomGeno(n, 23, n);
      const src = await openBed(memFiles(g));
      expect(src.nVariants).toBe(23);
      expect(src.samples.iid).toEqual(g.samples.iid);
      const chunks = await collect(src, { chunkVariants: 4 });
      expect(chunks.map((c) => c.count)).toEqual([4, 4, 4, 4, 4, 3]);
      const out = new Float32Array(n);
      let v = 0;
      for (const c of chunks) {
        expect(c.start).toBe(v);
        for (let k = 0; k < c.count; k++, v++) {
          decodeDosages(c.packed!, k * c.bytesPerVariant, n, out);
          for (let j = 0; j < n; j++) {
            const want = g.codes[v * n + j];
            if (want < 0) expect(Number.isNaN(out[j])).toBe(true);
            else expect(out[j]).toBe(want);
          }
          expect(c.variants.id[k]).toBe(g.variants.id[v]);
          expect(c.variants.alt[k]).toBe(g.variants.alt[v]);
          expect(c.variants.ref[k]).toBe(g.variants.ref[v]);
          expect(c.variants.pos[k]).toBe(g.variants.pos[v]);
        }
      }
      expect(v).toBe(23);
    }
  });

  it('applies chr, bp and index filters and never reads skipped variants', async () => {
    const g = randomGeno(10, 30, 5); // chr 1: 0-9, chr 2: 10-19, chr 3: 20-29; pos 1000 + 100 * (v % 10)
    const files = memFiles(g);
    const reads: Array<[number, number]> = [];
    const bed = { ...files.bed, read: (o: number, l: number) => (reads.push([o, l]), files.bed.read(o, l)) };
    const seen: number[] = [];
    const src = await openBed({ ...files, bed }, { onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(files.bim.size); // progress over the .bim check ends at its size
    reads.length = 0;
    const chunks = await collect(src, { filter: { chr: ['chr2'], fromBp: 1200, toBp: 1500 } });
    const ids = chunks.flatMap((c) => c.variants.id);
    expect(ids).toEqual(['rs13', 'rs14', 'rs15', 'rs16']);
    const bpv = 3;
    expect(reads).toEqual([[3 + 12 * bpv, 4 * bpv]]);
    expect(chunks[0].packed).toEqual(g.packed.subarray(12 * bpv, 16 * bpv));
    const byIndex = await collect(src, { filter: { fromIndex: 25, toIndex: 40 } });
    expect(byIndex.flatMap((c) => c.variants.id)).toEqual(['rs26', 'rs27', 'rs28', 'rs29', 'rs30']);
    // non-contiguous kept set (two chromosomes, one bp window) -> one read per run, still correct bytes
    reads.length = 0;
    const two = await collect(src, { filter: { chr: ['1', '3'], fromBp: 1800 } });
    expect(two.flatMap((c) => c.variants.id)).toEqual(['rs9', 'rs10', 'rs29', 'rs30']);
    expect(reads.length).toBe(2);
    const p = two[0].packed!;
    expect(p.subarray(0, 6)).toEqual(g.packed.subarray(8 * bpv, 10 * bpv));
    expect(p.subarray(6, 12)).toEqual(g.packed.subarray(28 * bpv, 30 * bpv));
  });

  it('matches plink2 --freq counts and --missing on generated data with missing calls (odd n = 301)', async () => {
    const dir = tempDir('bed');
    const g = randomGeno(301, 200, 11);
    const prefix = writeRandomBed(dir, g);
    plink2(['--bfile', prefix, '--freq', 'counts', '--missing', '--out', join(dir, 'ref')]);
    const src = await openGenotypes({ bfile: prefix });
    const chunks = await collect(src, { chunkVariants: 64 });
    const freq = readTsv(join(dir, 'ref.acount'));
    const iAlt = freq.header.indexOf('ALT'), iCt = freq.header.indexOf('ALT_CTS'), iObs = freq.header.indexOf('OBS_CT');
    const vmiss = readTsv(join(dir, 'ref.vmiss'));
    const iMiss = vmiss.header.indexOf('MISSING_CT');
    let v = 0;
    for (const c of chunks) {
      const k = genotypeCounts(c.packed!, c.nSamples, c.count);
      for (let i = 0; i < c.count; i++, v++) {
        expect(freq.rows[v][iAlt]).toBe(c.variants.alt[i]);
        expect(Number(freq.rows[v][iCt])).toBe(k.a1[i]);
        expect(Number(freq.rows[v][iObs])).toBe(2 * k.obs[i]);
        expect(Number(vmiss.rows[v][iMiss])).toBe(301 - k.obs[i]);
      }
    }
    expect(v).toBe(200);
  });
});

describe('openBed: cancellation', () => {
  it('stops with CancelledError at a chunk boundary when the signal is aborted', async () => {
    const g = randomGeno(9, 40, 2);
    const src = await openBed(memFiles(g));
    const ac = new AbortController();
    let n = 0;
    const run = async () => {
      for await (const c of src.chunks({ chunkVariants: 5, signal: ac.signal })) {
        n += c.count;
        if (n === 10) ac.abort();
      }
    };
    await expect(run()).rejects.toThrow('cancelled');
    expect(n).toBe(10);
  });
});

describe('openBed: bad input messages', () => {
  const g = randomGeno(10, 5, 3, 0.02, ['1']);
  const bim = enc.encode(formatBim(g.variants));
  const fam = enc.encode(formatFam(g.samples));
  const files = (bed: Uint8Array, b = bim, f = fam) => ({
    bed: bytesSource(bed, 'geno.bed'),
    bim: bytesSource(b, 'geno.bim'),
    fam: bytesSource(f, 'geno.fam'),
  });
  const good = bedBytes(g.packed); // 3 + 5 * 3 = 18 bytes

  it('wrong magic', async () => {
    const bad = good.slice();
    bad[2] = 0x00;
    await expect(openBed(files(bad))).rejects.toThrow(
      'geno.bed: wrong magic bytes, not a PLINK 1 .bed file; expected 6c 1b 01 (PLINK 1 SNP-major .bed), found 6c 1b 00',
    );
  });

  it('truncated .bed', async () => {
    await expect(openBed(files(good.slice(0, 16)))).rejects.toThrow(
      'geno.bed: truncated .bed; expected 18 bytes (5 variants in geno.bim x 3 bytes for 10 samples in geno.fam, + 3), found 16 bytes',
    );
    await expect(openBed(files(good.slice(0, 2)))).rejects.toThrow('geno.bed: truncated .bed; expected at least 3 bytes (magic 6c 1b 01), found 2 bytes');
  });

  it('.bim/.fam size mismatch', async () => {
    const extraBim = enc.encode(formatBim(g.variants) + '1\trs99\t0\t5\tA\tG\n');
    await expect(openBed(files(good, extraBim))).rejects.toThrow(
      'geno.bed: .bim/.fam size mismatch: .bed size does not match geno.bim x geno.fam; expected 21 bytes (6 variants in geno.bim x 3 bytes for 10 samples in geno.fam, + 3), found 18 bytes (5 variants)',
    );
    const fewerFam = enc.encode(formatFam({ fid: g.samples.fid.slice(0, 8), iid: g.samples.iid.slice(0, 8) }));
    await expect(openBed(files(good, bim, fewerFam))).rejects.toThrow(
      'geno.bed: .bim/.fam size mismatch: .bed size does not match geno.bim x geno.fam; expected 13 bytes (5 variants in geno.bim x 2 bytes for 8 samples in geno.fam, + 3), found 18 bytes',
    );
  });

  it('malformed .bim and .fam lines', async () => {
    const badBim = enc.encode(formatBim(g.variants).replace('rs3\t0\t', 'rs3\t'));
    await expect(openBed(files(good, badBim))).rejects.toThrow(
      'geno.bim:3: malformed .bim line; expected 6 whitespace-separated fields (CHR ID CM POS A1 A2), found 5',
    );
    const badPos = enc.encode(formatBim(g.variants).replace('\t1400\t', '\t14x0\t'));
    await expect(openBed(files(good, badPos))).rejects.toThrow(
      "geno.bim:5: column 4: malformed .bim line; expected an integer base-pair position, found '14x0'",
    );
    const badFam = enc.encode(formatFam(g.samples).replace('F4\tS4\t0\t0\t0\t-9', 'F4\tS4\t0\t0'));
    await expect(openBed(files(good, bim, badFam))).rejects.toThrow(
      'geno.fam:4: malformed .fam line; expected 6 whitespace-separated fields (FID IID PAT MAT SEX PHENO), found 4',
    );
    const dupFam = enc.encode(formatFam(g.samples).replace('F7\tS7', 'F2\tS2'));
    await expect(openBed(files(good, bim, dupFam))).rejects.toThrow(
      "geno.fam:7: column IID: duplicate sample ID; expected unique FID IID pairs, found 'F2 S2' again (first at line 2)",
    );
    await expect(openBed(files(good, bim, new Uint8Array(0)))).rejects.toThrow('geno.fam: empty .fam file; expected at least one sample line, found none');
  });

  it('reads files on disk through openGenotypes and reports a missing file', async () => {
    const dir = tempDir('bedmsg');
    const p = join(dir, 'g');
    writeFileSync(`${p}.bed`, good);
    writeFileSync(`${p}.bim`, bim);
    writeFileSync(`${p}.fam`, fam);
    const src = await openGenotypes({ bfile: `${p}.bed` });
    const c = await collect(src);
    expect(c[0].packed).toEqual(new Uint8Array(readFileSync(`${p}.bed`)).subarray(3));
    expect(nodeFileSource(`${p}.bed`).size).toBe(18);
    await expect(openGenotypes({ bfile: join(dir, 'nope') })).rejects.toThrow(`${join(dir, 'nope')}.bed: file not found`);
  });
});
