import { describe, it, expect } from 'vitest';
import { suggestHsvName, MIXED_HSV_NAME } from '../../src/lib/ae/suggestHsvName';

const t = (phenotype: string, r: number) => ({ phenotype, r });

describe('suggestHsvName', () => {
  it('joins up to 3 strong phenotypes, negative ones prefixed with -', () => {
    expect(suggestHsvName([t('bmi', 0.82), t('waist', 0.78), t('hdl', -0.7), t('ldl', 0.3)])).toBe('bmi / waist / -hdl');
  });
  it('keeps at most maxNames (default 3)', () => {
    const top = [t('a', 0.9), t('b', 0.89), t('c', -0.88), t('d', 0.87)];
    expect(suggestHsvName(top)).toBe('a / b / -c');
    expect(suggestHsvName(top, { maxNames: 2 })).toBe('a / b');
  });
  it('drops phenotypes weaker than 0.8 x the strongest |r|', () => {
    // 0.9 * 0.8 = 0.72: 0.75 stays, 0.6 goes although it is >= 0.4
    expect(suggestHsvName([t('alt', 0.9), t('ast', 0.75), t('ggt', 0.6)])).toBe('alt / ast');
  });
  it('sorts by |r| itself, whatever the input order', () => {
    expect(suggestHsvName([t('x', 0.5), t('y', -0.95), t('z', 0.2)])).toBe('-y');
  });
  it('a strongest negative phenotype alone', () => {
    expect(suggestHsvName([t('fev1', -0.66)])).toBe('-fev1');
  });
  it('mixed when nothing reaches |r| >= 0.4, when empty, or when all r are NaN', () => {
    expect(suggestHsvName([t('sbp', 0.35), t('dbp', -0.39)])).toBe(MIXED_HSV_NAME);
    expect(MIXED_HSV_NAME).toBe('mixed (no dominant phenotype)');
    expect(suggestHsvName([])).toBe('mixed (no dominant phenotype)');
    expect(suggestHsvName([t('a', NaN)])).toBe('mixed (no dominant phenotype)');
  });
  it('threshold 0.4 is inclusive and configurable', () => {
    expect(suggestHsvName([t('a', 0.4)])).toBe('a');
    expect(suggestHsvName([t('a', 0.45)], { minAbsR: 0.5 })).toBe(MIXED_HSV_NAME);
    expect(suggestHsvName([t('a', 0.9), t('b', 0.5)], { relative: 0.5 })).toBe('a / b');
  });
});
