import { CancelledError } from './errors';

/** Throws CancelledError when the signal is aborted. Call at chunk boundaries of long loops. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Yields to the event loop (lets abort messages and progress through) and then checks the signal. */
export async function yieldAndCheck(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((r) => setTimeout(r, 0));
  throwIfAborted(signal);
}
