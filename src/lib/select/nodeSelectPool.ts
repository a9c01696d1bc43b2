/**
 * Node-only (node:worker_threads) pool for the penalized selection: one worker per thread, one response per
 * job. Used by the CLI next to the scan kernel's pool (same --threads); the browser selects in its one
 * analysis worker.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Selection } from './selectPenalized';
import type { SelectJob, SelectPool } from './selectPool';

export async function createNodeSelectPool(threads?: number): Promise<SelectPool> {
  const size = Math.max(1, threads ?? availableParallelism());
  const url = new URL('./nodeSelectWorker.ts', import.meta.url);
  // Under tsx (the CLI), a worker must register tsx's loader before importing a .ts module.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  const pending = new Map<number, { resolve: (s: Selection) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  // Workers start on the first job, not before: booting them (tsx and the modules, about a second of CPU)
  // would otherwise compete with the screening pass that runs first.
  const start = () => {
    for (let w = 0; w < size; w++) {
      const worker = new Worker(boot, { eval: true });
      worker.on('message', (msg: { id: number; selection?: Selection; error?: string }) => {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error));
        else p.resolve(msg.selection as Selection);
      });
      worker.on('error', (e) => {
        for (const p of pending.values()) p.reject(e);
        pending.clear();
      });
      workers.push(worker);
      idle.push(worker);
    }
  };
  const acquire = (): Promise<Worker> => {
    if (!workers.length) start();
    const w = idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    size,
    async select(job: SelectJob): Promise<Selection> {
      const w = await acquire();
      try {
        const own = job.x.byteOffset === 0 && job.x.byteLength === job.x.buffer.byteLength;
        const x = own ? job.x : job.x.slice();
        const y = job.y.slice();
        return await new Promise<Selection>((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          w.postMessage({ ...job, x, y, id }, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
        });
      } finally {
        release(w);
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
