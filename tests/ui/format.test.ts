import { describe, it, expect } from 'vitest';
import { formatP, formatPFromMlog10, formatCount, formatNum, formatRate } from '../../src/ui/format';

describe('number formatting for people', () => {
  it('P values in scientific notation below 0.001, two significant digits above', () => {
    expect(formatP(0.043)).toBe('0.043');
    expect(formatP(0.5)).toBe('0.50');
    expect(formatP(3.2e-12)).toBe('3.2e-12');
    expect(formatP(0)).toBe('< 1e-300');
    expect(formatP(NaN)).toBe('—');
  });

  it('P from -log10 P is exact where P underflows a double', () => {
    expect(formatPFromMlog10(-Math.log10(1.8e-12))).toBe('1.8e-12');
    expect(formatPFromMlog10(400.5)).toBe('3.2e-401');
    expect(formatPFromMlog10(2)).toBe('0.010');
    expect(formatPFromMlog10(Infinity)).toBe('—');
  });

  it('counts, numbers and rates', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatNum(0.0001234)).toBe('1.23e-4');
    expect(formatNum(-0.2159)).toBe('-0.216');
    expect(formatRate(28.46, 'epochs')).toBe('28.5 epochs/s');
    expect(formatRate(15234.2, 'variants')).toBe('15,234 variants/s');
    expect(formatRate(0, 'variants')).toBe('');
  });
});
