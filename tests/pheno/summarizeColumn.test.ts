import { describe, it, expect } from 'vitest';
import { summarizeColumn, formatFloat32 } from '../../src/lib/pheno/summarizeColumn';
import { numCol, catCol, createRng, normals } from './makeTable';

describe('summarizeColumn: typing', () => {
  const rng = createRng(7);
  const cases: [string, ReturnType<typeof numCol>, string][] = [
    ['all missing', numCol('a', [NaN, NaN, NaN]), 'empty'],
    ['one value', numCol('a', [3, 3, NaN, 3]), 'constant'],
    ['one level', catCol('a', ['x', 'x', null]), 'constant'],
    ['two numbers (1/2 coding)', numCol('a', [1, 2, 2, 1, NaN]), 'binary'],
    ['two levels', catCol('a', ['M', 'F', 'F', null]), 'binary'],
    ['three levels', catCol('a', ['a', 'b', 'c', 'a']), 'categorical'],
    ['distinct integers (>= 20)', numCol('a', Array.from({ length: 30 }, (_, i) => 1000 + ((i * 7) % 30))), 'id-like'],
    ['distinct integers (< 20 rows)', numCol('a', [5, 1, 3, 2, 4]), 'integer'],
    ['integer scale 0..5', numCol('a', Array.from({ length: 60 }, (_, i) => i % 6)), 'integer'],
    ['integers with 25 values', numCol('a', Array.from({ length: 100 }, (_, i) => i % 25)), 'continuous'],
    ['normal', numCol('a', normals(rng, 200)), 'continuous'],
  ];
  for (const [what, col, type] of cases) {
    it(`${what} -> ${type}`, () => {
      expect(summarizeColumn(col).type).toBe(type);
    });
  }
});

describe('summarizeColumn: statistics', () => {
  it('observed, missing rate, mean, sd (n-1), min, max, skewness, distinct', () => {
    const s = summarizeColumn(numCol('x', [1, 2, 3, 10, NaN]));
    expect(s.observed).toBe(4);
    expect(s.missingRate).toBe(0.2);
    expect(s.mean).toBe(4);
    // deviations -3,-2,-1,6: m2 = 50/4, m3 = (-27-8-1+216)/4 = 45
    expect(s.sd).toBeCloseTo(Math.sqrt(50 / 3), 12);
    expect(s.skewness).toBeCloseTo(45 / Math.pow(12.5, 1.5), 12);
    expect([s.min, s.max, s.distinct]).toEqual([1, 10, 4]);
    expect(s.levels).toEqual([
      { label: '1', count: 1 },
      { label: '2', count: 1 },
      { label: '3', count: 1 },
      { label: '10', count: 1 },
    ]);
  });

  it('level counts of a categorical column; no mean', () => {
    const s = summarizeColumn(catCol('g', ['b', 'a', 'b', null, 'c', 'b']));
    expect(s.levels).toEqual([
      { label: 'a', count: 1 },
      { label: 'b', count: 3 },
      { label: 'c', count: 1 },
    ]);
    expect(s.mean).toBeNaN();
    expect(s.distinct).toBe(3);
    expect(s.missingRate).toBeCloseTo(1 / 6, 12);
  });

  it('distinct count of a long continuous column is exact; no level table', () => {
    const v = Array.from({ length: 1000 }, (_, i) => (i % 400) / 7);
    const s = summarizeColumn(numCol('x', v));
    expect(s.distinct).toBe(400);
    expect(s.levels).toBeNull();
  });

  it('formatFloat32 gives the shortest text of a float32', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(22.5))).toBe('22.5');
    expect(formatFloat32(2)).toBe('2');
  });
});
