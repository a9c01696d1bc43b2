/**
 * Node-only (node:worker_threads) pool for the penalized selection: one worker per thread, one response per
 * job. Used by the CLI next to the scan kernel's pool (same --threads); the browser selects in its one
 * analysis worker.
 */
import { availableParallelism } from 'node:os';
import { startRpcWorker, workerModule, type RpcWorker } from './nodeRpcWorker';
import type { Selection } from '../../lib/select/selectPenalized';
import type { SelectJob, SelectPool } from '../../lib/select/selectPool';

export async function createNodeSelectPool(threads?: number): Promise<SelectPool> {
  const size = Math.max(1, threads ?? availableParallelism());
  const url = workerModule('nodeSelectWorker');
  const workers: RpcWorker<Selection>[] = [];
  const idle: RpcWorker<Selection>[] = [];
  const waiting: ((w: RpcWorker<Selection>) => void)[] = [];
  // Workers start on the first job, not before: booting them (tsx and the modules, about a second of CPU)
  // would otherwise compete with the screening pass that runs first.
  const acquire = (): Promise<RpcWorker<Selection>> => {
    if (!workers.length) {
      for (let w = 0; w < size; w++) workers.push(startRpcWorker<Selection>(url, 'selection'));
      idle.push(...workers);
    }
    const w = idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (w: RpcWorker<Selection>) => {
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
        return await w.call({ ...job, x, y }, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
      } finally {
        release(w);
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
