import { createHash } from 'node:crypto';
import { simulateCohort, type SimulateOptions } from '../../src/lib/sim/simulateCohort';
/**
 * Simulator structure and relatedness options (ancestral groups, admixture, sibling pairs, polygenic background,
 * ALT-major variants). With the new options at their defaults the cohorts are bit-identical to the simulator
 * before they existed: the hashes below were computed from the code at 532d977.
 */
import { describe, it, expect } from 'vitest';
import { kingRobust, pairIndex } from '../../src/lib/relate/kingRobust';
import { memSource } from '../assoc/memSource';

const LEGACY = ['n','snps','phenos','seed','factors','mafMin','mafMax','missingCallRate','missingCellRate','ldBlock','ldRho','chromosomes','plantedSnp','plantedGxe','plantedGxg','termShares','noiseFraction','binaryFraction','nonlinearFraction'];
function cohortHash(o: SimulateOptions): Record<string, string> {
  const c = simulateCohort(o);
  const h = (parts: (string | ArrayBufferView)[]) => {
    const x = createHash('sha256');
    for (const p of parts) x.update(typeof p === 'string' ? p : new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    return x.digest('hex').slice(0, 16);
  };
  const table = (t: typeof c.pheno) => h([t.ids.join(','), ...t.columns.flatMap((col) => [col.name, col.values as ArrayBufferView])]);
  const { options, ...rest } = c.truth as unknown as { options: Record<string, unknown> } & Record<string, unknown>;
  const legacyOptions = Object.fromEntries(LEGACY.map((k) => [k, options[k]]));
  const coreTruth = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'ancestry'));
  return {
    packed: h([c.packed, c.variants.chrom.join(','), c.variants.pos, c.variants.id.join(','), c.variants.ref.join(''), c.variants.alt.join('')]),
    pheno: table(c.pheno),
    covar: table(c.covar),
    outcomes: table(c.outcomes),
    factors: h([c.factors]),
    truth: h([JSON.stringify({ ...coreTruth, options: legacyOptions })]),
  };
}
const sets: SimulateOptions[] = [
  {},
  { n: 500, snps: 1000, ldBlock: 5, seed: 3 },
  { n: 300, snps: 800, missingCallRate: 0, factors: 3, seed: 7, phenos: 40 },
  { n: 400, snps: 600, mafMin: 0.1, mafMax: 0.3, ldBlock: 10, ldRho: 0.7, plantedGxg: 0, seed: 11, nonlinearFraction: 0, phenos: 30 },
  { n: 250, snps: 700, chromosomes: 5, missingCallRate: 0.05, missingCellRate: 0.1, plantedSnp: 3, plantedGxe: 1, plantedGxg: 1, seed: 23, phenos: 20 },
];
for (const s of sets) console.log(JSON.stringify(s), JSON.stringify(cohortHash(s)));

describe('simulator: structure options', () => {
  it('is bit-identical to the simulator before the options existed when they are at their defaults', () => {
    const want = [
      {"packed":"4c8a8b0e1076059d","pheno":"5cba2fecc6288d68","covar":"95101d38e5ebfa3a","outcomes":"a836cf17d86fb9c5","factors":"0098819459a88679","truth":"0ea01f9d337c1130"},
      {"packed":"554008d50d9d8543","pheno":"29c61a8d15788b90","covar":"4df3b70ff7983be4","outcomes":"1b9be40bbd34bebc","factors":"14c863d1b23223f7","truth":"f6680efdc1243b28"},
      {"packed":"38a1d6eaf989f668","pheno":"7e98ffade3c272e4","covar":"9951a00a042ca173","outcomes":"7474839a625dcec6","factors":"3c6c234799c93f61","truth":"166890ddc9d549f9"},
      {"packed":"dd437998fdcaec39","pheno":"9c63fff81a42f1ec","covar":"cc11e04ee5f38723","outcomes":"bdeb879d7e56905f","factors":"0679745c40799c17","truth":"70dc0ea3f9cd3f04"},
      {"packed":"bf96aa7416e53266","pheno":"e46e05f7066d9c30","covar":"ccca7354732afd9c","outcomes":"ddb9ce814eaf3dd4","factors":"18458ad2e808234d","truth":"b637fb45f978a4e0"},
    ];
    sets.forEach((s, i) => expect(cohortHash(s)).toEqual(want[i]));
  }, 60_000);

  it('groups differ by F_ST, siblings have KING kinship near 0.25, ALT is the major allele where asked', async () => {
    const c = simulateCohort({ n: 1500, snps: 3000, phenos: 20, seed: 5, ancestryGroups: 3, fst: 0.04, siblingFraction: 0.4, altMajorFraction: 0.5, missingCallRate: 0 });
    const a = c.truth.ancestry!;
    expect(a.groups.length).toBe(3);
    expect(a.siblingPairs.length).toBe(300);
    // Balding-Nichols F from groups 1 and 2: E(p1 - p2)^2 = 2 F p(1 - p), so F = sum (p1 - p2)^2 / sum 2 pm (1 - pm).
    const n = c.samples.iid.length, bpv = c.bytesPerVariant;
    const inG = (g: string) => a.group.map((x, i) => (x === g ? i : -1)).filter((i) => i >= 0);
    const g0 = inG(a.groups[0]), g1 = inG(a.groups[1]);
    let num = 0, den = 0, altMajor = 0;
    const dose = (v: number, j: number) => [2, 9, 1, 0][(c.packed[v * bpv + (j >> 2)] >> ((j & 3) << 1)) & 3];
    for (let v = 0; v < 3000; v++) {
      const f = (ids: number[]) => ids.reduce((s, j) => s + dose(v, j), 0) / (2 * ids.length);
      const p0 = f(g0), p1 = f(g1);
      const pm = (p0 + p1) / 2;
      num += (p0 - p1) ** 2 / 2;
      den += 2 * pm * (1 - pm);
      if (c.variantStats.altFreq[v] > 0.5) altMajor++;
    }
    const fst = (2 * num) / den;
    console.log(`F_ST between groups 1 and 2: ${fst.toFixed(4)}; ALT-major variants ${altMajor}/3000`);
    expect(fst).toBeGreaterThan(0.04 * 0.75);
    expect(fst).toBeLessThan(0.04 * 1.5);
    expect(altMajor).toBeGreaterThan(1300);
    expect(altMajor).toBeLessThan(1700);
    const chunk = { start: 0, count: 3000, variants: c.variants, nSamples: n, bytesPerVariant: bpv, packed: c.packed };
    const k = await kingRobust(memSource(chunk, 512));
    const idx = new Map(c.samples.iid.map((id, i) => [id, i]));
    const sib = a.siblingPairs.map(([x, y]) => k.kinship[pairIndex(idx.get(x)!, idx.get(y)!)]);
    const mean = sib.reduce((s, v) => s + v, 0) / sib.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.3);
  }, 60_000);

  it('shifts the health factors by group and checks its options', () => {
    const c = simulateCohort({ n: 900, snps: 500, phenos: 10, seed: 2, ancestryGroups: 3, groupFactorShift: 1 });
    const a = c.truth.ancestry!;
    const K = c.factorNames.length;
    const means = a.groups.map((g) => {
      const ids = a.group.map((x, i) => (x === g ? i : -1)).filter((i) => i >= 0);
      return ids.reduce((s, i) => s + c.factors[i * K], 0) / ids.length;
    });
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.3);
    expect(() => simulateCohort({ siblingFraction: 1.5 })).toThrow(/siblingFraction/);
    expect(() => simulateCohort({ ancestryGroups: 0 })).toThrow(/ancestryGroups/);
  });
});
