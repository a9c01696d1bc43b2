/** Table columns aligned to genotype samples: (FID, IID) then IID matching, FID_IID names, categorical indicators, errors. */
import { describe, it, expect } from 'vitest';
import { alignColumns } from '../../src/lib/assoc/alignColumns';
import type { Table } from '../../src/lib/io/Table';

const table: Table = {
  source: 'cov.tsv',
  idColumn: 'IID',
  fid: ['A', 'B', 'C'],
  ids: ['x', 'x2', 'y'],
  columns: [
    { name: 'age', kind: 'numeric', values: Float32Array.of(40, 50, NaN), nonNumeric: 0 },
    { name: 'site', kind: 'categorical', values: Float32Array.of(0, 1, 1), levels: ['north', 'south'], nonNumeric: 0 },
    { name: 'grp', kind: 'categorical', values: Float32Array.of(0, 1, 2), levels: ['a', 'b', 'c'], nonNumeric: 0 },
  ],
  warnings: [],
};

describe('alignColumns', () => {
  it('matches (FID, IID), then IID, then FID_IID names; NaN where absent', () => {
    const r = alignColumns(table, ['x', 'zz', 'C_y', 'x2'], ['age'], 'covariate', ['A', 'Q', 'C_y', 'B']);
    expect(Array.from(r.columns[0].values)).toEqual([40, NaN, NaN, 50]);
    expect(r.matched).toBe(3);
    expect(r.notInGenotypes).toBe(0);
  });
  it('turns categorical covariates into indicators without the most common level', () => {
    const r = alignColumns(table, ['x', 'x2', 'y'], ['site', 'grp'], 'covariate');
    expect(r.columns.map((c) => c.name)).toEqual(['site=north', 'grp=b', 'grp=c']);
    expect(Array.from(r.columns[0].values)).toEqual([1, 0, 0]);
  });
  it('takes every numeric column as a response when none is named, and names errors exactly', () => {
    expect(alignColumns(table, ['x'], undefined, 'response').columns.map((c) => c.name)).toEqual(['age']);
    expect(() => alignColumns(table, ['x'], ['site'], 'response')).toThrow('cov.tsv: column site: response is not numeric; expected a numeric response, found categorical (2 levels)');
    expect(() => alignColumns(table, ['q1', 'q2'], ['age'], 'response')).toThrow(
      'cov.tsv: column IID: no sample of the table is in the genotypes; expected IDs of the genotype samples (e.g. q1, q2), found x, x2, y',
    );
  });
});
