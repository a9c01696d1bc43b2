/**
 * Node-only helper for the CLI's worker_threads pools (scan kernel, selection): starts a worker on a .ts
 * module (under tsx a worker must register tsx's loader before importing it) or on a bundled .mjs, and
 * matches replies to requests by id. A reply is `{ id, error }` or `{ id, [field]: value }`; before it, a worker
 * may post `{ id, event }` messages (e.g. an epoch finished), handed to the call's `onEvent`.
 */
import { Worker } from 'node:worker_threads';

export interface RpcWorker<T> {
  worker: Worker;
  /** Posts `msg` with a fresh id and resolves with the reply's `field`; `onEvent` gets the events before it. */
  call(msg: Record<string, unknown>, transfer: ArrayBuffer[], onEvent?: (event: unknown) => void): Promise<T>;
}

/**
 * The module of a worker of src/platform/node by name: the .ts file next to this one under tsx, the .mjs
 * entry of the same name in the CLI bundle (scripts/build-cli.mjs builds each worker as an entry point).
 */
export function workerModule(name: 'nodeKernelWorker' | 'nodeSelectWorker' | 'nodeLocoWorker' | 'nodePcaWorker' | 'nodeTrainWorker'): URL {
  return new URL(`./${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.mjs'}`, import.meta.url);
}

export function startRpcWorker<T>(module: URL, field: string): RpcWorker<T> {
  let worker: Worker;
  if (module.pathname.endsWith('.ts')) {
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); });`;
    worker = new Worker(boot, { eval: true });
  } else worker = new Worker(module);
  const pending = new Map<number, { resolve: (v: T) => void; reject: (e: Error) => void; onEvent?: (event: unknown) => void }>();
  let nextId = 1;
  worker.on('message', (msg: { id: number; error?: string; event?: unknown } & Record<string, unknown>) => {
    const p = pending.get(msg.id);
    if (!p) return;
    if ('event' in msg) {
      p.onEvent?.(msg.event);
      return;
    }
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error));
    else p.resolve(msg[field] as T);
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  return {
    worker,
    call: (msg, transfer, onEvent) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, onEvent });
        worker.postMessage({ ...msg, id }, transfer);
      }),
  };
}
