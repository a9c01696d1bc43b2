import { describe, it, expect } from 'vitest';
import { prepare } from '../../src/lib/pheno/prepare';
import { applyRecipe } from '../../src/lib/pheno/applyRecipe';
import { parseRecipe } from '../../src/lib/pheno/parseRecipe';
import { readTable } from '../../src/lib/io/readTable';
import { bytesSource } from '../../src/lib/io/ByteSource';
import { InputError } from '../../src/lib/base/errors';
import type { Table } from '../../src/lib/io/Table';
import { createRng } from './makeTable';

/** Writes a cohort CSV: height (normal), crp (log-normal), delta (skewed, negatives), sex (M/F), diet (3 levels), score 0..4. */
function cohortCsv(seed: number, n: number, shift = 0, dietLevels = ['fish', 'meat', 'veg']): string {
  const rng = createRng(seed);
  const lines = ['FID,IID,height,crp,delta,sex,diet,score'];
  for (let i = 0; i < n; i++) {
    const miss = (k: number) => i % k === 1;
    const h = miss(13) ? 'NA' : (170 + shift + 9 * rng.normal()).toFixed(2);
    const crp = Math.exp(0.8 * rng.normal() + shift / 10).toFixed(4);
    const delta = (Math.exp(rng.normal()) - 1.6).toFixed(4);
    const sex = rng.next() < 0.5 ? 'M' : 'F';
    const diet = miss(11) ? '' : dietLevels[rng.int(dietLevels.length)];
    lines.push(`F${i},${seed}_${i},${h},${crp},${delta},${sex},${diet},${rng.int(5)}`);
  }
  return lines.join('\n') + '\n';
}
const read = (text: string, name: string) => readTable(bytesSource(new TextEncoder().encode(text), name));

describe('recipe round trip', () => {
  it('prepare A, save JSON, apply to A: identical matrix; apply to B: same columns and transforms', async () => {
    const A = await read(cohortCsv(1, 600), 'a.csv');
    const B = await read(cohortCsv(2, 450, 3), 'b.csv');
    const prepA = prepare(A);
    const json = JSON.stringify(prepA.recipe);
    const recipe = parseRecipe(json, 'a.recipe.json');
    expect(recipe.columns.map((c) => [c.output, c.transform])).toEqual([
      ['height', 'zscore'],
      ['crp', 'log-zscore'],
      ['delta', 'rank-int'],
      ['sex', 'binary'],
      ['diet=fish', 'one-hot'],
      ['diet=meat', 'one-hot'],
      ['diet=veg', 'one-hot'],
      ['score', 'zscore'],
    ]);

    const againA = applyRecipe(A, recipe);
    expect(againA.matrix.columns).toEqual(prepA.matrix.columns);
    expect(againA.matrix.ids).toEqual(prepA.matrix.ids);
    expect(againA.matrix.fid).toEqual(prepA.matrix.fid);
    expect(Array.from(againA.matrix.binary)).toEqual(Array.from(prepA.matrix.binary));
    expect(Buffer.from(againA.matrix.values.buffer).equals(Buffer.from(prepA.matrix.values.buffer))).toBe(true);
    expect(Buffer.from(againA.matrix.mask).equals(Buffer.from(prepA.matrix.mask))).toBe(true);

    const onB = applyRecipe(B, recipe);
    const m = onB.matrix;
    expect(m.columns).toEqual(prepA.matrix.columns);
    expect(m.n).toBe(450);
    // z-score uses A's training mean and sd, not B's
    const hA = recipe.columns[0];
    const hB = B.columns.find((c) => c.name === 'height')!.values;
    for (let i = 0; i < m.n; i++) {
      if (hB[i] !== hB[i]) expect(m.mask[i * m.p]).toBe(0);
      else expect(Math.abs(m.values[i * m.p] - (hB[i] - hA.mean!) / hA.sd!)).toBeLessThan(1e-5);
    }
    // B is shifted by +3 cm: its mean z-score is about 3/9 = 0.33 (tolerance 0.15), and the drift report says so
    let s = 0;
    let k = 0;
    for (let i = 0; i < m.n; i++) if (m.mask[i * m.p]) (s += m.values[i * m.p]), k++;
    expect(Math.abs(s / k - 1 / 3)).toBeLessThan(0.15);
    const drift = onB.report.drift.find((d) => d.source === 'height')!;
    expect(Math.abs(drift.meanShiftSd! - s / k)).toBeLessThan(0.02);
    // rank-int: a B value equal to an A value gets A's score
    const dA = A.columns.find((c) => c.name === 'delta')!.values;
    const jd = m.columns.indexOf('delta');
    const tB: Table = { ...B, columns: B.columns.map((c) => (c.name === 'delta' ? { ...c, values: dA.slice(0, B.ids.length) } : c)) };
    const onB2 = applyRecipe(tB, recipe);
    for (let i = 0; i < 450; i++) expect(onB2.matrix.values[i * m.p + jd]).toBe(prepA.matrix.values[i * m.p + jd]);
  });

  it('a level unknown to the recipe is counted as missing; a level absent from B still gets its column', async () => {
    const A = await read(cohortCsv(1, 300), 'a.csv');
    const B = await read(cohortCsv(2, 300, 0, ['fish', 'vegan']), 'b.csv');
    const { recipe } = prepare(A);
    const r = applyRecipe(B, recipe);
    expect(r.matrix.columns).toContain('diet=meat');
    const vegan = B.columns.find((c) => c.name === 'diet')!;
    const code = vegan.levels!.indexOf('vegan');
    const count = Array.from(vegan.values).filter((v) => v === code).length;
    expect(r.report.invalidCells).toEqual(
      ['diet=fish', 'diet=meat', 'diet=veg'].map((column) => ({
        column,
        count,
        note: `${count} cells with a level not in the recipe (e.g. 'vegan')`,
      })),
    );
    const jm = r.matrix.columns.indexOf('diet=meat');
    for (let i = 0; i < r.matrix.n; i++) if (r.matrix.mask[i * r.matrix.p + jm]) expect(r.matrix.values[i * r.matrix.p + jm]).toBe(0);
  });

  it('sex coded M/F in A and 1/2-like text in B: unknown levels reported, never silently mapped', async () => {
    const A = await read('IID,sex,x\na,M,1\nb,F,2\nc,M,3\nd,F,5\n', 'a.csv');
    const B = await read('IID,sex,x\np,1,1\nq,2,2\nr,M,4\n', 'b.csv');
    const { recipe } = prepare(A);
    const r = applyRecipe(B, recipe);
    expect(r.report.invalidCells).toEqual([{ column: 'sex', count: 2, note: "2 cells with a level not in the recipe (e.g. '1')" }]);
  });

  it('log of a value <= 0 in the new cohort is counted as missing', async () => {
    const A = await read('IID,crp\n' + Array.from({ length: 50 }, (_, i) => `a${i},${Math.exp(i / 8).toFixed(3)}`).join('\n'), 'a.csv');
    const { recipe } = prepare(A);
    expect(recipe.columns[0].transform).toBe('log-zscore');
    const B = await read('IID,crp\nb1,2\nb2,0\nb3,-1\nb4,NA\n', 'b.csv');
    const r = applyRecipe(B, recipe);
    expect(r.report.invalidCells).toEqual([{ column: 'crp', count: 2, note: '2 cells <= 0 cannot be logged' }]);
    expect(r.matrix.ids).toEqual(['b1']);
    expect(r.report.rowsDropped).toEqual({ count: 3, ids: ['b2', 'b3', 'b4'], reason: 'no observed phenotype' });
  });

  it('missing columns: exact message', async () => {
    const A = await read(cohortCsv(1, 100), 'a.csv');
    const B = await read('IID,height,sex\nx,170,M\n', 'b.csv');
    const { recipe } = prepare(A);
    let err: unknown;
    try {
      applyRecipe(B, recipe);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('b.csv: columns missing: crp, delta, diet, score; expected the 6 source columns of the recipe, found 2 of them');
  });

  it('training statistics for drift checks are in the recipe', async () => {
    const A = await read(cohortCsv(1, 200), 'a.csv');
    const { recipe } = prepare(A);
    const h = recipe.stats.find((s) => s.source === 'height')!;
    expect(h.observed).toBe(200 - 16); // i % 13 === 1 for 16 of i < 200
    expect(h.quantiles!.length).toBe(h.probs.length);
    expect(h.quantiles![5]).toBeGreaterThan(160);
    expect(h.quantiles![5]).toBeLessThan(180);
    const sex = recipe.stats.find((s) => s.source === 'sex')!;
    expect(sex.levelCounts!.map((l) => l.label)).toEqual(['F', 'M']);
    expect(sex.levelCounts!.reduce((a, l) => a + l.count, 0)).toBe(200);
  });

  it('parseRecipe: exact messages for bad files', () => {
    const msg = (x: unknown) => {
      try {
        parseRecipe(x, 'r.json');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('expected an InputError');
    };
    expect(msg('{')).toMatch(/^r\.json: not a recipe; expected JSON, found /);
    expect(msg('{"format":"x"}')).toBe("r.json: not a recipe; expected format 'latentscan-pheno-recipe', found \"x\"");
    expect(msg({ format: 'latentscan-pheno-recipe', version: 2 })).toBe('r.json: unsupported recipe version; expected version 1, found 2');
    const base = { format: 'latentscan-pheno-recipe', version: 1, idColumn: 'IID', stats: [] };
    expect(msg({ ...base, columns: [{ output: 'h', source: 'h', transform: 'zscore', mean: 1 }] })).toBe(
      'r.json: column h: bad sd; expected a finite number, found nothing',
    );
    expect(msg({ ...base, columns: [{ output: 'h', source: 'h', transform: 'rank-int', int: { n: 3, values: [2, 1], ranks: [1, 2] } }] })).toBe(
      'r.json: column h: bad rank-int knots; expected n and increasing values with ranks, found {"n":3,"values":[2,1],"ranks":[1,2]}',
    );
  });
});
