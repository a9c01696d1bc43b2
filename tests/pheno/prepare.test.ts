import { describe, it, expect } from 'vitest';
import { prepare, prepareAsync } from '../../src/lib/pheno/prepare';
import type { Progress } from '../../src/lib/base/progress';
import { runSync, runYielding } from '../../src/lib/base/steps';
import { normalQuantile } from '../../src/lib/math/dist';
import { InputError } from '../../src/lib/base/errors';
import type { PreparedMatrix } from '../../src/lib/pheno/PreparedMatrix';
import { numCol, catCol, makeTable, idsOf, createRng, normals } from './makeTable';

/** Column j of a prepared matrix as numbers (NaN where masked). */
function outCol(m: PreparedMatrix, name: string): number[] {
  const j = m.columns.indexOf(name);
  if (j < 0) throw new Error(`no output column ${name}`);
  return Array.from({ length: m.n }, (_, i) => (m.mask[i * m.p + j] ? m.values[i * m.p + j] : NaN));
}
const obs = (a: number[]) => a.filter((v) => v === v);
const meanOf = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sdOf = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + (v - meanOf(a)) ** 2, 0) / (a.length - 1));

describe('prepare: transforms', () => {
  const rng = createRng(11);
  const n = 400;
  const normal = normals(rng, n, 50, 10);
  const lognormal = normals(rng, n).map((z) => Math.exp(0.9 * z));
  const skewedNeg = normals(rng, n).map((z) => Math.exp(0.9 * z) - 1.5);
  const table = makeTable('a.csv', idsOf(n), [
    numCol('height', normal.map((v, i) => (i % 10 === 3 ? NaN : v))),
    numCol('crp', lognormal),
    numCol('delta', skewedNeg),
    numCol('smoker', normal.map((_, i) => (i % 3 === 0 ? 2 : 1))),
    catCol('diet', normal.map((_, i) => (i % 17 === 0 ? null : ['meat', 'veg', 'fish'][i % 3]))),
  ]);
  const { matrix: m, recipe } = prepare(table);
  const rcOf = (name: string) => recipe.columns.find((c) => c.output === name)!;

  it('chooses transforms by the documented rule', () => {
    expect(recipe.columns.map((c) => [c.output, c.transform])).toEqual([
      ['height', 'zscore'],
      ['crp', 'log-zscore'],
      ['delta', 'rank-int'],
      ['smoker', 'binary'],
      ['diet=fish', 'one-hot'],
      ['diet=meat', 'one-hot'],
      ['diet=veg', 'one-hot'],
    ]);
    expect(rcOf('crp').reason).toMatch(/^default: \|skewness\| \d\.\d\d > 1 and min > 0$/);
    expect(rcOf('delta').reason).toMatch(/^default: \|skewness\| \d\.\d\d > 1 and min <= 0$/);
    expect(Array.from(m.binary)).toEqual([0, 0, 0, 1, 1, 1, 1]);
  });

  it('z-score: mean 0, sd 1 on observed cells; missing cells masked with value 0', () => {
    const h = outCol(m, 'height');
    expect(Math.abs(meanOf(obs(h)))).toBeLessThan(1e-6);
    expect(Math.abs(sdOf(obs(h)) - 1)).toBeLessThan(1e-6);
    const j = m.columns.indexOf('height');
    expect(m.mask[3 * m.p + j]).toBe(0);
    expect(m.values[3 * m.p + j]).toBe(0);
    expect(h.filter((v) => v !== v).length).toBe(40);
  });

  it('log rule: log then z-score with the training mean/sd of the logs', () => {
    const c = outCol(m, 'crp');
    const logs = lognormal.map((v) => Math.log(Math.fround(v)));
    const mu = meanOf(logs);
    const sd = sdOf(logs);
    expect(rcOf('crp').mean).toBeCloseTo(mu, 10);
    expect(rcOf('crp').sd).toBeCloseTo(sd, 10);
    for (let i = 0; i < n; i++) expect(Math.abs(c[i] - (logs[i] - mu) / sd)).toBeLessThan(1e-5);
  });

  it('rank-int gives the Blom normal quantiles exactly (n <= knots), tolerance 1e-6 (float32)', () => {
    const d = outCol(m, 'delta').slice().sort((a, b) => a - b);
    for (let i = 0; i < n; i++) expect(Math.abs(d[i] - normalQuantile((i + 1 - 0.375) / (n + 0.25)))).toBeLessThan(1e-6);
  });

  it('rank-int averages ties', () => {
    const t = makeTable('t.csv', idsOf(6), [numCol('x', [5, 1, 5, -2, 9, 5]), numCol('y', [1, 2, 3, 4, 5, 6])]);
    const r = prepare(t, { transforms: { x: 'rank-int' } });
    const x = outCol(r.matrix, 'x');
    const blom = (rank: number) => normalQuantile((rank - 0.375) / 6.25);
    const want = [blom(4), blom(2), blom(4), blom(1), blom(6), blom(4)];
    x.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
  });

  it('rank-int with more distinct values than knots: within one score step of exact Blom', () => {
    // knots are spaced evenly in Blom score: step = (max score - min score) / (maxKnots - 1) ~ 0.0073 here
    const big = 5000;
    const x = Float32Array.from(normals(createRng(3), big).map((z) => z * z * z));
    const r = prepare(makeTable('b.csv', idsOf(big), [numCol('x', Array.from(x))]), { transforms: { x: 'rank-int' }, maxKnots: 1000 });
    const knots = r.recipe.columns[0].int!;
    expect(knots.values.length).toBeLessThanOrEqual(1000);
    expect(knots.values.length).toBeGreaterThan(500);
    const step = (2 * normalQuantile((big - 0.375) / (big + 0.25))) / 999;
    const order = Array.from(x.keys()).sort((a, b) => x[a] - x[b]);
    const got = outCol(r.matrix, 'x');
    let worst = 0;
    let sum = 0;
    order.forEach((i, rank) => {
      const d = Math.abs(got[i] - normalQuantile((rank + 1 - 0.375) / (big + 0.25)));
      worst = Math.max(worst, d);
      sum += d;
    });
    expect(worst).toBeLessThan(step);
    expect(sum / big).toBeLessThan(1e-3);
  });

  it('binary is 0/1 (lower value = 0), not scaled; one-hot levels are 0/1 with missing masked in every level', () => {
    const s = outCol(m, 'smoker');
    s.forEach((v, i) => expect(v).toBe(i % 3 === 0 ? 1 : 0));
    expect(rcOf('smoker').levels).toEqual(['1', '2']);
    const f = outCol(m, 'diet=fish');
    const me = outCol(m, 'diet=meat');
    const ve = outCol(m, 'diet=veg');
    for (let i = 0; i < n; i++) {
      if (i % 17 === 0) {
        expect([f[i], me[i], ve[i]]).toEqual([NaN, NaN, NaN]);
      } else {
        const lvl = ['meat', 'veg', 'fish'][i % 3];
        expect([f[i], me[i], ve[i]]).toEqual([lvl === 'fish' ? 1 : 0, lvl === 'meat' ? 1 : 0, lvl === 'veg' ? 1 : 0]);
      }
    }
  });

  it('log override on a column with values <= 0 uses log(x + 1 - min)', () => {
    const t = makeTable('t.csv', idsOf(5), [numCol('x', [-1, 0, 3, 7, 20])]);
    const r = prepare(t, { transforms: { x: 'log-zscore' } });
    expect(r.recipe.columns[0].logOffset).toBe(2);
    expect(r.recipe.columns[0].reason).toBe('override; log(x + 2) as min <= 0');
  });
});

describe('prepare: selection and report', () => {
  const n = 100;
  const rng = createRng(5);
  const a = normals(rng, n);
  const table = makeTable('pheno.csv', idsOf(n), [
    numCol('a', a),
    numCol('const', new Array(n).fill(7)),
    numCol('recno', Array.from({ length: n }, (_, i) => 5000 + i)),
    numCol('sparse', a.map((v, i) => (i % 4 === 0 ? NaN : v + rng.normal()))),
    numCol('a2', a.map((v) => 2 * v + 1)),
    numCol('b', normals(rng, n)),
    numCol('empty', new Array(n).fill(NaN)),
    numCol('neg', a.map((v) => -v * 3)),
  ]);

  it('drops constant, empty, ID-like, > 20% missing, and the second of near-duplicate pairs, with reasons', () => {
    const { matrix, report, recipe } = prepare(table);
    expect(matrix.columns).toEqual(['a', 'b']);
    expect(recipe.columns.map((c) => c.source)).toEqual(['a', 'b']);
    expect(report.dropped).toEqual([
      { column: 'const', reason: 'constant (7)' },
      { column: 'recno', reason: 'ID-like (distinct integers)' },
      { column: 'sparse', reason: '25% missing > 20%' },
      { column: 'empty', reason: 'no observed values' },
      { column: 'a2', reason: 'near-duplicate of a (r = 1.0000)' },
      { column: 'neg', reason: 'near-duplicate of a (r = -1.0000)' },
    ]);
    expect(report.duplicates.map((d) => [d.a, d.b, d.dropped, d.n])).toEqual([
      ['a', 'a2', 'a2', 100],
      ['a', 'neg', 'neg', 100],
      ['a2', 'neg', null, 100],
    ]);
    expect(report.rowsDropped.count).toBe(0);
    expect(report.summaries.map((s) => s.type)).toEqual(['continuous', 'constant', 'id-like', 'continuous', 'continuous', 'continuous', 'empty', 'continuous']);
  });

  it('include / exclude / maxMissing / dropDuplicates options', () => {
    const r = prepare(table, { include: ['a', 'a2', 'recno', 'sparse', 'const'], dropDuplicates: false });
    expect(r.matrix.columns).toEqual(['a', 'recno', 'sparse', 'a2']);
    expect(r.report.duplicates.map((d) => d.dropped)).toEqual([null]);
    expect(r.report.dropped.find((d) => d.column === 'const')!.reason).toBe('constant (7)');
    const e = prepare(table, { exclude: ['a'], maxMissing: 0.3 });
    expect(e.matrix.columns).toEqual(['sparse', 'a2', 'b']);
    expect(e.report.dropped.find((d) => d.column === 'a')).toEqual({ column: 'a', reason: 'excluded' });
    expect(e.report.dropped.find((d) => d.column === 'neg')!.reason).toBe('near-duplicate of a2 (r = -1.0000)');
  });

  it('rows with no observed phenotype are dropped and counted', () => {
    const t = makeTable('p.csv', ['x', 'y', 'z', 'w', 'v'], [numCol('p', [1, NaN, 3, 4, 2.5]), numCol('q', [2, NaN, NaN, 1, 7])]);
    const r = prepare(t, { maxMissing: 0.5 });
    expect(r.matrix.ids).toEqual(['x', 'z', 'w', 'v']);
    expect(r.report.rowsDropped).toEqual({ count: 1, ids: ['y'], reason: 'no observed phenotype' });
    expect([r.report.rowsIn, r.report.rowsOut]).toEqual([5, 4]);
  });

  it('bad options: exact messages', () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('expected an InputError');
    };
    expect(msg(() => prepare(table, { include: ['bmi'] }))).toBe(
      'pheno.csv: column bmi: no such column (include); expected one of a, const, recno, sparse, a2, b, empty, neg',
    );
    expect(msg(() => prepare(table, { exclude: ['bmi'] }))).toBe(
      'pheno.csv: column bmi: no such column (exclude); expected one of a, const, recno, sparse, a2, b, empty, neg',
    );
    expect(msg(() => prepare(table, { transforms: { a: 'sqrt' as never } }))).toBe(
      "pheno.csv: column a: unknown transform; expected one of zscore, log-zscore, rank-int, binary, one-hot, none, found 'sqrt'",
    );
    expect(msg(() => prepare(table, { transforms: { a: 'binary' } }))).toBe(
      'pheno.csv: column a: cannot apply transform binary; expected a column with 2 distinct values, found 100',
    );
    const none = makeTable('n.csv', idsOf(4), [numCol('k', [1, 1, 1, 1]), numCol('e', [NaN, NaN, NaN, NaN])]);
    expect(msg(() => prepare(none))).toBe(
      'n.csv: nothing to prepare; expected at least one phenotype column after selection, found none of 2 (k: constant (1); e: no observed values)',
    );
    const t = makeTable('c.csv', idsOf(4), [catCol('g', ['x', 'y', 'z', 'x'])]);
    expect(msg(() => prepare(t, { transforms: { g: 'zscore' } }))).toBe(
      'c.csv: column g: cannot apply transform zscore; expected a numeric column, found text levels (x, y, z)',
    );
  });
});

describe('prepareAsync (the worker path): same result, progress, cancel', () => {
  const n = 2000;
  const rng = createRng(9);
  const cols = Array.from({ length: 120 }, (_, j) => numCol(`c${j}`, normals(rng, n).map((v, i) => ((i + j) % 50 === 0 ? NaN : v))));
  const table = makeTable('big.csv', idsOf(n), cols);

  it('gives exactly what prepare gives, and reports both stages with totals', async () => {
    const events: Progress[] = [];
    const a = await prepareAsync(table, { onProgress: (p) => events.push(p) });
    const b = prepare(table);
    expect(a.matrix.columns).toEqual(b.matrix.columns);
    expect(Array.from(a.matrix.values)).toEqual(Array.from(b.matrix.values));
    expect(a.report.duplicates).toEqual(b.report.duplicates);
    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages).toEqual(['transforming columns', 'near-duplicate check']);
    const last = events.filter((e) => e.stage === 'near-duplicate check').at(-1)!;
    expect(last).toMatchObject({ done: (120 * 121) / 2, total: (120 * 121) / 2, unit: 'column pairs' });
  });

  it('stops at its next check once its signal is aborted mid-run (from its own progress callback)', async () => {
    const c = new AbortController();
    let ticks = 0;
    const run = prepareAsync(table, {
      signal: c.signal,
      onProgress: (p) => {
        if (p.stage === 'near-duplicate check' && ++ticks === 1) c.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(ticks).toBeLessThan(20);
  });
});

describe('runYielding: the event loop gets turns during a long generator', () => {
  it('a timer can abort a generator that would never end', async () => {
    function* forever(): Generator<void, number> {
      for (;;) {
        const t = performance.now();
        while (performance.now() - t < 2) {
          // busy 2 ms per step
        }
        yield;
      }
    }
    const c = new AbortController();
    setTimeout(() => c.abort(), 20);
    await expect(runYielding(forever(), c.signal, 10)).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('runSync and runYielding return the generator result', async () => {
    function* three(): Generator<void, number> {
      yield;
      yield;
      return 3;
    }
    expect(runSync(three())).toBe(3);
    expect(await runYielding(three())).toBe(3);
  });
});
