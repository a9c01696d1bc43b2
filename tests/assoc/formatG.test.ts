/** Numbers printed like plink2 (C "%g", 6 significant digits), P below the double range from -log10 P. */
import { describe, it, expect } from 'vitest';
import { formatG, formatP } from '../../src/lib/assoc/formatG';

describe('formatG / formatP', () => {
  it('matches printf %g', () => {
    const cases: [number, string][] = [
      [0.0210597123, '0.0210597'], [1.5e-5, '1.5e-05'], [-2.331634, '-2.33163'], [153, '153'], [0.999999999, '1'],
      [123456.7, '123457'], [1234567, '1.23457e+06'], [0.0001, '0.0001'], [0.00009999996, '0.0001'], [1e-300, '1e-300'],
      [999999.6, '1e+06'], [-0.0441828, '-0.0441828'], [0, '0'], [NaN, 'NA'],
    ];
    for (const [x, s] of cases) expect(formatG(x)).toBe(s);
  });
  it('prints P from -log10 P, also below 1e-308', () => {
    expect(formatP(2)).toBe('0.01');
    expect(formatP(400.5)).toBe('3.16228e-401');
    expect(formatP(1000)).toBe('1e-1000');
    expect(formatP(NaN)).toBe('NA');
  });
});
