/** Helpers for genotype tests: random PLINK data written to a temp dir, and reference-tool runners. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/lib/math/rng';
import { packDosages } from '../../src/lib/io/writeBed';
import { writeBedFiles } from '../../src/cli/writeBedFiles';
import type { SampleIds, VariantBlock } from '../../src/lib/io/GenotypeSource';

export interface RandomGeno {
  nSamples: number;
  nVariants: number;
  /** variant-major dosage codes, -1 = missing */
  codes: Int8Array;
  packed: Uint8Array;
  variants: VariantBlock;
  samples: SampleIds;
}

export function randomGeno(nSamples: number, nVariants: number, seed: number, missing = 0.02, chroms = ['1', '2', '3']): RandomGeno {
  const rng = createRng(seed);
  const codes = new Int8Array(nSamples * nVariants);
  for (let v = 0; v < nVariants; v++) {
    const p = 0.02 + 0.48 * rng.next();
    const miss = v % 7 === 3 ? 0.3 : missing; // some variants with high missingness for --geno tests
    for (let j = 0; j < nSamples; j++) {
      if (rng.next() < miss) codes[v * nSamples + j] = -1;
      else codes[v * nSamples + j] = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
    }
  }
  const per = Math.ceil(nVariants / chroms.length);
  const variants: VariantBlock = {
    chrom: Array.from({ length: nVariants }, (_, v) => chroms[Math.floor(v / per)]),
    pos: Int32Array.from({ length: nVariants }, (_, v) => 1000 + (v % per) * 100),
    id: Array.from({ length: nVariants }, (_, v) => `rs${v + 1}`),
    ref: Array.from({ length: nVariants }, (_, v) => 'ACGT'[v % 4]),
    alt: Array.from({ length: nVariants }, (_, v) => 'CGTA'[v % 4]),
  };
  const samples: SampleIds = {
    fid: Array.from({ length: nSamples }, (_, j) => `F${j + 1}`),
    iid: Array.from({ length: nSamples }, (_, j) => `S${j + 1}`),
  };
  return { nSamples, nVariants, codes, packed: packDosages(codes, nSamples, nVariants), variants, samples };
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `latentscan-${tag}-`));
}

export function writeRandomBed(dir: string, g: RandomGeno, name = 'x'): string {
  const prefix = join(dir, name);
  writeBedFiles(prefix, { packed: g.packed, variants: g.variants, samples: g.samples });
  return prefix;
}

/** Throws a clear error naming the tool and its Debian package when it is absent. */
export function requireTool(tool: string, aptPackage: string): void {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`reference tool '${tool}' not found: install it with 'apt-get install -y ${aptPackage}'`);
}

export function plink2(args: string[], cwd?: string): string {
  requireTool('plink2', 'plink2');
  return execFileSync('plink2', ['--threads', '1', '--memory', '1024', ...args], { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Reads a whitespace table with a header line; returns rows as string arrays and the header. */
export function readTsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  return { header: lines[0].split(/\t| +/), rows: lines.slice(1).map((l) => l.split(/\t| +/)) };
}

/** A VCF with GT:DS fields (DS with 3 decimals, some missing), for dosage tests. Returns the dosages (NaN missing). */
/** The header lines of a VCF with GT and DS FORMAT fields and samples s0 .. s{n-1}. */
export function dsVcfHeader(n: number): string[] {
  return [
    '##fileformat=VCFv4.2',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Dosage">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: n }, (_, j) => `s${j}`)].join('\t'),
  ];
}

export function writeDsVcf(path: string, n: number, m: number, seed: number): number[][] {
  const rng = createRng(seed);
  const lines = dsVcfHeader(n);
  const all: number[][] = [];
  for (let v = 0; v < m; v++) {
    const p = 0.01 + 0.49 * rng.next();
    const miss = v % 5 === 0 ? 0.2 : 0.02;
    const row: number[] = [];
    const fields: string[] = [];
    for (let j = 0; j < n; j++) {
      let d = NaN;
      if (rng.next() >= miss) {
        const hard = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
        d = Math.min(2, Math.max(0, Math.round((hard + 0.3 * (rng.next() - 0.5)) * 1000) / 1000));
      }
      row.push(d);
      const gt = Number.isNaN(d) ? './.' : d < 0.5 ? '0/0' : d < 1.5 ? '0/1' : '1/1';
      fields.push(`${gt}:${Number.isNaN(d) ? '.' : d}`);
    }
    all.push(row);
    lines.push(['1', String(1000 + v), `d${v}`, 'A', 'G', '.', 'PASS', '.', 'GT:DS', ...fields].join('\t'));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return all;
}
