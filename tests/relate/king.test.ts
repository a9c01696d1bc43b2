/**
 * KING-robust kinship (src/lib/relate) against plink2 2.00a3.5 --make-king-table and --king-cutoff on a
 * simulated cohort with known relatives (duplicate, parent-child, full and half siblings), missing calls and
 * chrX variants (which plink2 and we leave out).
 *
 * Tolerances: KINSHIP within 1e-3 of plink2's printed value (plink2 prints 6 significant digits; we in fact
 * expect agreement to that rounding, ~1e-6); NSNP exactly equal; HETHET and IBS0 counts equal to plink2's
 * printed proportions times NSNP, rounded (the proportions carry 6 significant digits, NSNP < 1e5, so the
 * count is recovered exactly); the same set of pairs with kinship >= 0.0884; --king-cutoff kept and removed
 * IDs identical (same order). The .kin0 text is also expected to be byte-identical.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, type Rng } from '../../src/lib/math/rng';
import { packDosages } from '../../src/lib/io/writeBed';
import { openGenotypes } from '../../src/cli/openGenotypes';
import { CancelledError } from '../../src/lib/base/errors';
import { kingKinship, kingRobust, pairIndex, type KingResult } from '../../src/lib/relate/kingRobust';
import { formatKing, kin0Lines, summarizeDegrees } from '../../src/lib/relate/kin0';
import { kingCutoff } from '../../src/lib/relate/kingCutoff';
import { command as kingCommand } from '../../src/cli/commands/king';
import { plink2, readTsv, tempDir, writeRandomBed, type RandomGeno } from '../io/genoFixtures';

const CHROMS = [
  { chrom: '1', count: 700 },
  { chrom: '2', count: 700 },
  { chrom: '3', count: 601 },
  { chrom: 'X', count: 150 },
];
const M = CHROMS.reduce((s, c) => s + c.count, 0);
const N_FOUNDERS = 66;

interface Person {
  id: string;
  hap: [Uint8Array, Uint8Array];
}

/** One haplotype passed on by a parent: a random start haplotype per chromosome, switches ~1 per 33 variants. */
function transmit(rng: Rng, parent: Person): Uint8Array {
  const out = new Uint8Array(M);
  let v = 0;
  for (const c of CHROMS) {
    let h = rng.next() < 0.5 ? 0 : 1;
    for (let k = 0; k < c.count; k++, v++) {
      if (rng.next() < 0.03) h = 1 - h;
      out[v] = parent.hap[h][v];
    }
  }
  return out;
}

interface Cohort {
  geno: RandomGeno;
  /** Expected relationship of pairs by ID ("a|b" with a < b). */
  truth: Map<string, string>;
}

function makeCohort(seed: number): Cohort {
  const rng = createRng(seed);
  const freq = Float64Array.from({ length: M }, () => 0.05 + 0.45 * rng.next());
  const people: Person[] = [];
  for (let f = 0; f < N_FOUNDERS; f++) {
    const hap = (): Uint8Array => Uint8Array.from({ length: M }, (_, v) => (rng.next() < freq[v] ? 1 : 0));
    people.push({ id: `P${f}`, hap: [hap(), hap()] });
  }
  const truth = new Map<string, string>();
  const rel = (a: string, b: string, what: string) => truth.set(a < b ? `${a}|${b}` : `${b}|${a}`, what);
  const child = (id: string, p: Person, q: Person): Person => ({ id, hap: [transmit(rng, p), transmit(rng, q)] });
  // duplicate of P0 (its own missing calls and a few discordant calls below)
  people.push({ id: 'DUP0', hap: [people[0].hap[0].slice(), people[0].hap[1].slice()] });
  rel('P0', 'DUP0', 'dup');
  // two full siblings, children of P1 x P2
  const s1 = child('SIB1', people[1], people[2]);
  const s2 = child('SIB2', people[1], people[2]);
  people.push(s1, s2);
  for (const s of ['SIB1', 'SIB2']) for (const p of ['P1', 'P2']) rel(s, p, 'first');
  rel('SIB1', 'SIB2', 'first');
  // half siblings: P3 x P4 and P3 x P5
  people.push(child('HALF1', people[3], people[4]), child('HALF2', people[3], people[5]));
  rel('HALF1', 'P3', 'first');
  rel('HALF1', 'P4', 'first');
  rel('HALF2', 'P3', 'first');
  rel('HALF2', 'P5', 'first');
  rel('HALF1', 'HALF2', 'second');
  // a grandchild of P1 x P2 through SIB1 (with P6): second degree to P1, P2, third to SIB2
  people.push(child('GRAND', s1, people[6]));
  rel('GRAND', 'SIB1', 'first');
  rel('GRAND', 'P6', 'first');
  rel('GRAND', 'P1', 'second');
  rel('GRAND', 'P2', 'second');
  rel('GRAND', 'SIB2', 'second');
  // a sample order mixing relatives among the founders (the prune breaks ties by file order)
  const order = people.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const n = people.length;
  const codes = new Int8Array(n * M);
  for (let v = 0; v < M; v++) {
    const miss = v % 11 === 5 ? 0.2 : 0.02;
    for (let s = 0; s < n; s++) {
      const p = people[order[s]];
      let g = p.hap[0][v] + p.hap[1][v];
      if (p.id === 'DUP0' && rng.next() < 0.005) g = (g + 1) % 3;
      codes[v * n + s] = rng.next() < miss ? -1 : g;
    }
  }
  let v0 = 0;
  const chrom: string[] = [];
  for (const c of CHROMS) for (let k = 0; k < c.count; k++, v0++) chrom.push(c.chrom);
  const geno: RandomGeno = {
    nSamples: n,
    nVariants: M,
    codes,
    packed: packDosages(codes, n, M),
    variants: {
      chrom,
      pos: Int32Array.from({ length: M }, (_, v) => 10000 + v * 1000),
      id: Array.from({ length: M }, (_, v) => `rs${v + 1}`),
      ref: Array.from({ length: M }, (_, v) => 'ACGT'[v % 4]),
      alt: Array.from({ length: M }, (_, v) => 'CGTA'[v % 4]),
    },
    samples: { fid: order.map((i) => `FAM${i % 7}`), iid: order.map((i) => people[i].id) },
  };
  return { geno, truth };
}

/** Naive per-pair counts from the dosage codes (no bit slicing), for the autosomal variants. */
function naiveCounts(g: RandomGeno, i: number, j: number) {
  let nsnp = 0, hethet = 0, ibs0 = 0, hij = 0, hji = 0;
  for (let v = 0; v < g.nVariants; v++) {
    if (g.variants.chrom[v] === 'X') continue;
    const a = g.codes[v * g.nSamples + i];
    const b = g.codes[v * g.nSamples + j];
    if (a < 0 || b < 0) continue;
    nsnp++;
    if (a === 1 && b === 1) hethet++;
    else if (Math.abs(a - b) === 2) ibs0++;
    else if (a === 1) hij++;
    else if (b === 1) hji++;
  }
  return { nsnp, hethet, ibs0, hij, hji };
}

describe('KING-robust kinship vs plink2 --make-king-table', () => {
  let dir: string;
  let prefix: string;
  let cohort: Cohort;
  let r: KingResult;
  let ref: { header: string[]; rows: string[][] };

  beforeAll(async () => {
    dir = tempDir('king');
    cohort = makeCohort(15);
    prefix = writeRandomBed(dir, cohort.geno, 'ped');
    plink2(['--bfile', prefix, '--make-king-table', '--out', join(dir, 'ref')]);
    ref = readTsv(join(dir, 'ref.kin0'));
    // 300 variants a chunk: chunks end mid-word and mid-chromosome
    r = await kingRobust(await openGenotypes({ bfile: prefix }), { chunkVariants: 300 });
  });

  it('counts the same pairs and leaves out the chrX variants, as plink2', () => {
    const n = cohort.geno.nSamples;
    expect(r.nSamples).toBe(n);
    expect(r.nVariants).toBe(M - 150);
    expect(r.skippedNonAutosomal).toBe(150);
    expect(readFileSync(join(dir, 'ref.log'), 'utf8')).toContain('Excluding 150 variants on non-autosomes');
    expect(ref.header).toEqual(['#FID1', 'IID1', 'FID2', 'IID2', 'NSNP', 'HETHET', 'IBS0', 'KINSHIP']);
    expect(ref.rows.length).toBe((n * (n - 1)) / 2);
  });

  it('matches every pair: kinship within 1e-3, NSNP equal, HETHET and IBS0 counts equal', () => {
    const { iid } = cohort.geno.samples;
    const index = new Map(iid.map((id, s) => [id, s]));
    let maxDiff = 0;
    for (const row of ref.rows) {
      const i = index.get(row[1])!;
      const j = index.get(row[3])!;
      const p = pairIndex(i, j);
      const nsnp = Number(row[4]);
      expect(r.nsnp[p]).toBe(nsnp);
      expect(r.hethet[p]).toBe(Math.round(Number(row[5]) * nsnp));
      expect(r.ibs0[p]).toBe(Math.round(Number(row[6]) * nsnp));
      maxDiff = Math.max(maxDiff, Math.abs(r.kinship[p] - Number(row[7])));
    }
    console.log(`KING vs plink2: ${ref.rows.length} pairs, max |kinship difference| ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('writes the same .kin0 text as plink2', () => {
    const mine = kin0Lines(r, true).join('\n') + '\n';
    expect(mine).toBe(readFileSync(join(dir, 'ref.kin0'), 'utf8'));
  });

  it('finds the same related pairs (kinship >= 0.0884), and the simulated relationships by degree', () => {
    const mine = new Set(summarizeDegrees(r).related.map(([i, j]) => `${r.samples.iid[i]}|${r.samples.iid[j]}`));
    const theirs = new Set(ref.rows.filter((row) => Number(row[7]) >= 0.0884).map((row) => `${row[1]}|${row[3]}`));
    expect(mine).toEqual(theirs);
    const s = summarizeDegrees(r);
    const expected = { dup: 0, first: 0, second: 0 };
    for (const what of cohort.truth.values()) expected[what as keyof typeof expected]++;
    expect(s.counts.slice(0, 3)).toEqual([expected.dup, expected.first, expected.second]);
    const bins = ['dup', 'first', 'second'];
    const index = new Map(r.samples.iid.map((id, k) => [id, k]));
    for (const [pair, what] of cohort.truth) {
      const [a, b] = pair.split('|');
      const k = r.kinship[pairIndex(index.get(a)!, index.get(b)!)];
      const d = k >= 0.354 ? 0 : k >= 0.177 ? 1 : k >= 0.0884 ? 2 : 3;
      expect(bins[d], `${pair} kinship ${k}`).toBe(what);
    }
  });

  it('agrees with naive per-pair counting from the dosage codes (bit-sliced counts, missing calls)', () => {
    const g = cohort.geno;
    for (const [i, j] of [[1, 0], [5, 3], [g.nSamples - 1, 0], [g.nSamples - 1, g.nSamples - 2], [40, 17]]) {
      const c = naiveCounts(g, i, j);
      const p = pairIndex(i, j);
      expect([r.nsnp[p], r.hethet[p], r.ibs0[p], r.hetIHomJ[p], r.hetJHomI[p]]).toEqual([c.nsnp, c.hethet, c.ibs0, c.hij, c.hji]);
      expect(r.kinship[p]).toBe(kingKinship(c.hethet, c.ibs0, c.hij, c.hji));
    }
  });

  for (const cutoff of [0.0884, 0.177, 0.03]) {
    it(`--king-cutoff ${cutoff}: the same kept and removed samples as plink2`, async () => {
      const out = join(dir, `cut${cutoff}`);
      plink2(['--bfile', prefix, '--king-cutoff', String(cutoff), '--out', out]);
      const refIn = readTsv(`${out}.king.cutoff.in.id`).rows.map((x) => x[1]);
      const refOut = readTsv(`${out}.king.cutoff.out.id`).rows.map((x) => x[1]);
      const c = kingCutoff(r, cutoff);
      expect(c.removed.map((s) => r.samples.iid[s])).toEqual(refOut);
      expect(c.kept.map((s) => r.samples.iid[s])).toEqual(refIn);
      expect(c.removed.length).toBeGreaterThan(0);
    });
  }

  it('the king command writes X.kin0 and the cutoff files as plink2 does', async () => {
    const out = join(dir, 'cli');
    const logs: string[] = [];
    const orig = console.log;
    console.log = (...a: unknown[]) => void logs.push(a.join(' '));
    try {
      await kingCommand.run({ bfile: prefix, 'king-cutoff': 0.0884, out });
    } finally {
      console.log = orig;
    }
    expect(readFileSync(`${out}.kin0`, 'utf8')).toBe(readFileSync(join(dir, 'ref.kin0'), 'utf8'));
    const refCut = join(dir, 'cut0.0884');
    expect(readFileSync(`${out}.king.cutoff.in.id`, 'utf8')).toBe(readFileSync(`${refCut}.king.cutoff.in.id`, 'utf8'));
    expect(readFileSync(`${out}.king.cutoff.out.id`, 'utf8')).toBe(readFileSync(`${refCut}.king.cutoff.out.id`, 'utf8'));
    expect(logs.some((l) => /duplicate\/MZ twin .*: 1 pairs/.test(l))).toBe(true);
  });

  it('reports progress and stops on an aborted signal', async () => {
    const seen: number[] = [];
    await kingRobust(await openGenotypes({ bfile: prefix }), { chunkVariants: 500, onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(M);
    const ac = new AbortController();
    ac.abort();
    await expect(kingRobust(await openGenotypes({ bfile: prefix }), { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('formatKing (%g, 6 significant digits, as plink2 prints)', () => {
  it('rounds exact halves to even and trims zeros', () => {
    expect(formatKing(-0.1328125)).toBe('-0.132812');
    expect(formatKing(0.0377358490566)).toBe('0.0377358');
    expect(formatKing(7.78493e-5)).toBe('7.78493e-05');
    expect(formatKing(0.5)).toBe('0.5');
    expect(formatKing(0.9999996)).toBe('1');
    expect(formatKing(0)).toBe('0');
    expect(formatKing(Number.NaN)).toBe('nan');
  });
});
