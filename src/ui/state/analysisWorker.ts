/**
 * The page's handle on the analysis worker. Every call is raced against the worker's death: a crash (error
 * event, out-of-memory kill) rejects the pending calls with a plain message instead of hanging forever, and the
 * next `get()` starts a fresh worker. Results already on the page are kept by the callers.
 */
import { wrap, type Remote } from 'comlink';
import type { AnalysisApi } from '../../../workers/analysis.worker';

export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

interface Handle {
  worker: Worker;
  api: Remote<AnalysisApi>;
  dead: Promise<never>;
}

let current: Handle | null = null;
const crashListeners = new Set<(message: string) => void>();

export function onWorkerCrash(fn: (message: string) => void): () => void {
  crashListeners.add(fn);
  return () => crashListeners.delete(fn);
}

function start(): Handle {
  const worker = new Worker(new URL('../../../workers/analysis.worker.ts', import.meta.url), {
    type: 'module',
    name: 'latentscan-analysis',
  });
  let rejectDead: (e: Error) => void = () => {};
  const dead = new Promise<never>((_, reject) => (rejectDead = reject));
  dead.catch(() => {}); // observed by the racing calls
  const h: Handle = { worker, api: wrap<AnalysisApi>(worker), dead };
  const die = (message: string) => {
    if (current === h) current = null;
    worker.terminate();
    rejectDead(new WorkerCrashedError(message));
    for (const fn of crashListeners) fn(message);
  };
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    die(`The analysis worker stopped: ${ev.message || 'unknown error (possibly out of memory)'}`);
  });
  worker.addEventListener('messageerror', () => die('The analysis worker sent a message that could not be read.'));
  return h;
}

export function getWorker(): Handle {
  if (!current) current = start();
  return current;
}

/** Calls the worker; rejects with WorkerCrashedError if the worker dies first. */
export async function call<T>(fn: (api: Remote<AnalysisApi>) => Promise<T>): Promise<T> {
  const h = getWorker();
  return await Promise.race([fn(h.api), h.dead]);
}

/** Stops the worker (e.g. to recover from a hung job); the next call starts a fresh one. */
export function restartWorker(): void {
  if (current) {
    current.worker.terminate();
    current = null;
  }
}
