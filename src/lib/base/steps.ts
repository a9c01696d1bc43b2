/**
 * Drivers for long computations written once as generators that `yield` at safe points: runSync runs one to
 * the end (CLI, tests); runYielding gives the event loop a turn about every `sliceMs`, so that in a worker
 * the progress messages go out and a cancel message comes in while the computation runs.
 */
import { throwIfAborted } from './cancel';

export function runSync<R>(g: Generator<void, R>): R {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** One macrotask turn: lets a worker take in messages (a cancel) between long synchronous pieces. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function runYielding<R>(g: Generator<void, R>, signal?: AbortSignal, sliceMs = 50): Promise<R> {
  let t0 = performance.now();
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    if (performance.now() - t0 >= sliceMs) {
      await yieldTurn();
      throwIfAborted(signal);
      t0 = performance.now();
    }
  }
}
