/**
 * One dedicated worker of a browser pool (browserTrainPool.ts, browserStructurePool.ts): started, wrapped with comlink,
 * and watched: `dead` rejects when the worker fails (error event, e.g. out of memory) or sends a message that cannot
 * be read, so that a pool races its calls against it instead of waiting forever.
 */
import { wrap, type Remote } from 'comlink';

export interface PoolWorker<T> {
  worker: Worker;
  api: Remote<T>;
  dead: Promise<never>;
}

/** `label` names the worker in the failure message ("train worker 2 stopped: ..."). */
export function startPoolWorker<T>(startWorker: () => Worker, label: string): PoolWorker<T> {
  const worker = startWorker();
  let fail: (e: Error) => void = () => {};
  const dead = new Promise<never>((_, reject) => (fail = reject));
  dead.catch(() => {}); // observed by the racing calls
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    fail(new Error(`${label} stopped: ${ev.message || 'unknown error (possibly out of memory)'}`));
  });
  worker.addEventListener('messageerror', () => fail(new Error(`${label} sent a message that could not be read`)));
  return { worker, api: wrap<T>(worker) as Remote<T>, dead };
}
