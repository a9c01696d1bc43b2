/** runScan plumbing: progress, cancellation, streamed chunks equal kept results, filters, worker-pool hook. */
import { describe, it, expect } from 'vitest';
import { runScan, type ScanChunkResult } from '../../src/lib/assoc/runScan';
import type { KernelPool } from '../../src/lib/assoc/StatsKernel';
import { chunkStats, type SampleMatrix } from '../../src/lib/assoc/kernel';
import { CancelledError } from '../../src/lib/base/errors';
import { createRng } from '../../src/lib/math/rng';
import { randomChunk } from './helpers';
import { memSource } from './memSource';

const n = 157;
const { chunk } = randomChunk({ n, count: 50, seed: 12, missingRate: 0.03 });
const rng = createRng(4);
const responses = [0, 1].map((k) => ({ name: `y${k}`, values: Float64Array.from({ length: n }, () => (rng.next() < 0.05 ? NaN : rng.normal())) }));

describe('runScan', () => {
  it('streams chunks in order with the same numbers as the kept result, and reports progress', async () => {
    const seen: ScanChunkResult[] = [];
    const ticks: number[] = [];
    const res = await runScan({ source: memSource(chunk, 8), responses, onChunk: (c) => void seen.push(c) }, { onProgress: (p) => ticks.push(p.done) });
    expect(seen.map((c) => c.start)).toEqual([0, 8, 16, 24, 32, 40, 48]);
    const beta = seen.flatMap((c) => Array.from(c.blocks[1][0].beta));
    expect(beta).toEqual(Array.from(res.responses[1].beta));
    expect(ticks[ticks.length - 1]).toBe(50);
    expect(res.responses[0].chrom).toBe(res.variants.chrom);
    expect(Number.isFinite(res.responses[0].lambda)).toBe(true);
  });

  it('stops with CancelledError when the signal is aborted', async () => {
    const ac = new AbortController();
    let chunks = 0;
    const run = runScan({ source: memSource(chunk, 5), responses, onChunk: () => { if (++chunks === 2) ac.abort(); } }, { signal: ac.signal });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(chunks).toBe(2);
  });

  it('uses a KernelPool (parallel-map hook) and gets the in-thread results', async () => {
    let X: SampleMatrix | null = null;
    const calls: [number, number][] = [];
    const pool: KernelPool = {
      size: 3,
      async init(x) { X = x; },
      async stats(c, from, to) {
        calls.push([from, to]);
        const sub = { ...c, count: to - from, packed: c.packed!.slice(from * c.bytesPerVariant, to * c.bytesPerVariant) };
        return chunkStats(sub, X!);
      },
    };
    const a = await runScan({ source: memSource(chunk, 20), responses, pool });
    const b = await runScan({ source: memSource(chunk, 20), responses });
    expect(a.summary.backend).toBe('cpu x3 workers');
    expect(calls.slice(0, 3)).toEqual([[0, 6], [6, 13], [13, 20]]);
    expect(Array.from(a.responses[0].se)).toEqual(Array.from(b.responses[0].se));
  });

  it('keepResults false: no per-variant arrays, same lambda within 1e-4', async () => {
    const a = await runScan({ source: memSource(chunk), responses, keepResults: false });
    const b = await runScan({ source: memSource(chunk), responses });
    expect(a.responses[0].beta.length).toBe(0);
    expect(Math.abs(a.responses[0].lambda - b.responses[0].lambda)).toBeLessThan(1e-4 * b.responses[0].lambda);
  });
});
