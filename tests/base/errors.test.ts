import { describe, it, expect } from 'vitest';
import { expose, wrap } from 'comlink';
import { InputError, CancelledError, toPlainError, fromPlainError, LatentScanError, isPlainError, type PlainError } from '../../src/lib/base/errors';
import { createProgress, formatEta, type Progress } from '../../src/lib/base/progress';

describe('errors', () => {
  it('formats file, line, column, expected and found', () => {
    const e = new InputError({ file: 'pheno.csv', line: 12, column: 'bmi', expected: '5 fields', found: '4' }, 'ragged row');
    expect(e.message).toBe('pheno.csv:12: column bmi: ragged row; expected 5 fields, found 4');
    expect(new InputError({ file: 'x.bed' }, 'wrong magic bytes').message).toBe('x.bed: wrong magic bytes');
  });
  it('survives the plain round trip across a worker boundary', () => {
    const e = new InputError({ file: 'a.bim', line: 3 }, 'bad position');
    const back = fromPlainError(structuredClone(toPlainError(e)));
    expect(back).toBeInstanceOf(InputError);
    expect(back.message).toBe('a.bim:3: bad position');
    expect(fromPlainError(toPlainError(new CancelledError()))).toBeInstanceOf(CancelledError);
    const oom = fromPlainError(toPlainError(new RangeError('Array buffer allocation failed')));
    expect(oom).toBeInstanceOf(LatentScanError);
    expect(oom.kind).toBe('out-of-memory');
    expect(oom.message).toBe(
      'Out of memory (Array buffer allocation failed). Results already shown are kept. Try fewer HSVs, SNPxSNP candidates or variants at a time, close other tabs, or run this size with the command-line tool (npm run cli).',
    );
    expect(toPlainError(new RangeError('Invalid typed array length: 4294967296')).kind).toBe('out-of-memory');
  });
});

describe('errors across a worker boundary (comlink)', () => {
  it('cross as the typed { kind, name, message, details } object, not as JSON in a message', async () => {
    const { port1, port2 } = new MessageChannel();
    expose({ fail: () => { throw toPlainError(new InputError({ file: 'p.csv', line: 3, column: 'IID', expected: 'unique IDs', found: "'A' also at line 2" }, 'duplicate ID')); } }, port1);
    const api = wrap<{ fail(): void }>(port2);
    let caught: unknown = null;
    try {
      await api.fail();
    } catch (e) {
      caught = e;
    }
    port1.close();
    port2.close();
    expect(isPlainError(caught)).toBe(true);
    const p = caught as PlainError;
    expect(p).toEqual({
      kind: 'input',
      name: 'InputError',
      message: "p.csv:3: column IID: duplicate ID; expected unique IDs, found 'A' also at line 2",
      details: { file: 'p.csv', line: 3, column: 'IID', expected: 'unique IDs', found: "'A' also at line 2" },
    });
    expect(isPlainError(new Error('x'))).toBe(false);
  });
});

describe('progress', () => {
  it('computes rate and ETA from a clock and throttles ticks', () => {
    let t = 0;
    const seen: Progress[] = [];
    const p = createProgress('scan', 100, (x) => seen.push(x), { unit: 'variants', intervalMs: 100, now: () => t });
    t = 1000;
    p.tick(10);
    t = 1050;
    p.tick(15); // throttled
    t = 2000;
    p.tick(20);
    p.finish();
    expect(seen.map((s) => s.done)).toEqual([10, 20, 100]);
    expect(seen[1].rate).toBeCloseTo(10, 10);
    expect(seen[1].etaSeconds).toBeCloseTo(8, 10);
    expect(seen[1].unit).toBe('variants');
    expect(formatEta(125)).toBe('2 min 05 s');
    expect(formatEta(null)).toBe('…');
  });
});
