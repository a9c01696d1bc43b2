/**
 * driftCheck on a recipe made by prepare() on a seeded training table: a wave from the same distribution
 * flags nothing; a wave with planted shifts (scale of a skewed column, a binary proportion, a mean shift of
 * 0.5 SD, a missing column) names exactly those columns. hsvChange matches participants by ID.
 */
import { describe, it, expect } from 'vitest';
import { createRng, type Rng } from '../../src/lib/math/rng';
import { prepare } from '../../src/lib/pheno/prepare';
import type { Table, TableColumn } from '../../src/lib/io/Table';
import { driftCheck } from '../../src/lib/validate/driftCheck';
import { hsvChange } from '../../src/lib/validate/hsvChange';

interface Shift {
  bScale?: number;
  cRate?: number;
  eShift?: number;
  dropE?: boolean;
}

function makeTable(n: number, rng: Rng, source: string, s: Shift = {}): Table {
  const num = (name: string, f: () => number): TableColumn => ({
    name,
    kind: 'numeric',
    values: Float32Array.from({ length: n }, f),
    nonNumeric: 0,
  });
  const cols: TableColumn[] = [
    num('a', () => 10 + 2 * rng.normal()),
    num('b', () => (s.bScale ?? 1) * Math.exp(0.8 * rng.normal())),
    num('c', () => (rng.next() < (s.cRate ?? 0.3) ? 1 : 0)),
    { name: 'd', kind: 'categorical', levels: ['A', 'B', 'C'], values: Float32Array.from({ length: n }, () => rng.int(3)), nonNumeric: 0 },
    num('e', () => 5 + (s.eShift ?? 0) + rng.normal()),
  ];
  return {
    source,
    idColumn: 'IID',
    fid: null,
    ids: Array.from({ length: n }, (_, i) => `p${i}`),
    columns: s.dropE ? cols.filter((c) => c.name !== 'e') : cols,
    warnings: [],
  };
}

describe('driftCheck', () => {
  const train = makeTable(1500, createRng(1), 'train.csv');
  const { recipe } = prepare(train);
  it('flags nothing on a wave from the training distribution', () => {
    const r = driftCheck(recipe, makeTable(800, createRng(2), 'wave2.csv'));
    expect(r.columns.map((c) => c.column)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.shifted).toEqual([]);
    expect(r.warning).toBeNull();
    for (const c of r.columns) if (c.ks !== null) expect(c.ks).toBeLessThan(0.08);
  });
  it('names exactly the shifted columns, with reasons', () => {
    const r = driftCheck(recipe, makeTable(800, createRng(3), 'wave2.csv', { bScale: 1.6, cRate: 0.55, eShift: 0.5 }));
    expect(r.shifted).toEqual(['b', 'c', 'e']);
    const e = r.columns.find((c) => c.column === 'e')!;
    expect(e.smd!).toBeGreaterThan(0.4);
    expect(e.smd!).toBeLessThan(0.6);
    expect(r.columns.find((c) => c.column === 'c')!.reasons.join()).toMatch(/mean shift|TVD|KS/);
    expect(r.warning).toMatch(/^wave2\.csv: 3 of 5 columns outside the training distribution: b \(/);
  });
  it('reports a column absent from the wave', () => {
    const r = driftCheck(recipe, makeTable(500, createRng(4), 'w.csv', { dropE: true }));
    expect(r.shifted).toEqual(['e']);
    expect(r.columns[4].reasons).toEqual(['column absent from the new wave']);
  });
  it('flags a change in missingness', () => {
    const t = makeTable(800, createRng(5), 'w.csv');
    const a = t.columns[0].values;
    for (let i = 0; i < a.length; i += 4) a[i] = NaN;
    const r = driftCheck(recipe, t);
    expect(r.shifted).toEqual(['a']);
    expect(r.columns[0].reasons).toEqual(['missing 25.0% vs 0.0% in training']);
  });
});

describe('hsvChange', () => {
  it('matches participants by ID and counts the unmatched', () => {
    const a = { ids: ['x', 'y', 'z'], names: ['HSV1', 'HSV2'], values: Float64Array.from([1, 2, 3, 4, 5, 6]) };
    const b = { ids: ['z', 'w', 'x'], names: ['HSV1', 'HSV2'], values: Float64Array.from([7, 9, 0, 0, 2, 1]) };
    const c = hsvChange(a, b);
    expect(c.ids).toEqual(['x', 'z']);
    expect(Array.from(c.change)).toEqual([1, -1, 2, 3]);
    expect(c.onlyBaseline).toBe(1);
    expect(c.onlyFollowUp).toBe(1);
    expect(() => hsvChange(a, { ...b, names: ['HSV1', 'HSV3'] })).toThrow(
      'hsvChange: the waves have different HSVs (HSV1,HSV2 vs HSV1,HSV3); encode both with the same model',
    );
  });
});
