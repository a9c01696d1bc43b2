/**
 * AUC, Harrell's C-index and CV folds against direct computations (O(n^2) brute force over all pairs) on
 * small data with ties. Exact equality up to 1e-12.
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { auc } from '../../src/lib/validate/auc';
import { concordanceIndex } from '../../src/lib/validate/concordanceIndex';
import { cvFolds } from '../../src/lib/validate/cvFolds';

function bruteAuc(s: number[], y: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < s.length; j++) {
      if (y[j] !== 0) continue;
      den++;
      num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return num / den;
}

function bruteC(s: number[], t: number[], e: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++) {
    if (e[i] !== 1) continue;
    for (let j = 0; j < s.length; j++) {
      if (!(t[i] < t[j])) continue;
      den++;
      num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return num / den;
}

describe('auc', () => {
  it('equals the pairwise Mann-Whitney count with ties = 0.5', () => {
    for (const seed of [1, 2, 3]) {
      const rng = createRng(seed);
      const n = 150;
      const s = Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 4); // many ties
      const y = s.map((v) => (rng.next() < 1 / (1 + Math.exp(-v)) ? 1 : 0));
      expect(Math.abs(auc(s, y) - bruteAuc(s, y))).toBeLessThan(1e-12);
    }
  });
  it('handles the extreme cases and skips missing rows', () => {
    expect(auc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    expect(auc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([1, NaN, 3], [0, 1, 1])).toBe(1);
    expect(auc([1, 2], [1, 1])).toBeNaN();
    expect(() => auc([1, 2], [0, 2])).toThrow('auc: labels must be 0/1, found 2 at row 2');
  });
});

describe('concordanceIndex', () => {
  it("equals Harrell's pairwise count (tied times not comparable, tied scores 0.5)", () => {
    for (const seed of [4, 5, 6]) {
      const rng = createRng(seed);
      const n = 200;
      const s = Array.from({ length: n }, () => Math.round(rng.normal() * 3) / 3);
      const t = s.map((v) => Math.ceil((-Math.log(1 - rng.next()) / Math.exp(v)) * 10) / 10); // tied times
      const e = s.map(() => (rng.next() < 0.6 ? 1 : 0));
      const c = concordanceIndex(s, t, e);
      expect(Math.abs(c.cIndex - bruteC(s, t, e))).toBeLessThan(1e-12);
      expect(c.concordant + c.discordant + c.tiedScore).toBe(c.comparable);
    }
  });
  it('is 1 for a perfect risk ordering and 0 for the reverse', () => {
    const t = [1, 2, 3, 4];
    const e = [1, 1, 1, 0];
    expect(concordanceIndex([4, 3, 2, 1], t, e).cIndex).toBe(1);
    expect(concordanceIndex([1, 2, 3, 4], t, e).cIndex).toBe(0);
    expect(concordanceIndex([1, 2, 3], [1, 2, 3], [0, 0, 0]).cIndex).toBeNaN();
  });
});

describe('cvFolds', () => {
  it('is seeded, balanced and stratified', () => {
    const n = 103;
    const strata = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const a = cvFolds(n, 5, 42, strata);
    const b = cvFolds(n, 5, 42, strata);
    const c = cvFolds(n, 5, 43, strata);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const size = new Array(5).fill(0);
    const cases = new Array(5).fill(0);
    for (let i = 0; i < n; i++) {
      size[a[i]]++;
      cases[a[i]] += strata[i];
    }
    expect(Math.max(...size) - Math.min(...size)).toBeLessThanOrEqual(1);
    expect(Math.max(...cases) - Math.min(...cases)).toBeLessThanOrEqual(1);
    expect(() => cvFolds(3, 5, 1)).toThrow('cvFolds: 3 rows cannot fill 5 folds');
  });
});
