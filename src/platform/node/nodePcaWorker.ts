/** Worker of nodePcaPool: holds a PCA pass kernel and the pass's Q, answers batches. Node-only. */
import { parentPort } from 'node:worker_threads';
import { createPcaPass, type PcaPassKernel } from '../../lib/relate/pcaPass';

let kernel: PcaPassKernel | null = null;

interface Msg {
  id: number;
  type: 'init' | 'q' | 'batch';
  n?: number;
  l?: number;
  founder?: Uint8Array;
  q?: Float64Array;
  packed?: Uint8Array;
  bpv?: number;
  count?: number;
}

parentPort!.on('message', (msg: Msg) => {
  try {
    if (msg.type === 'init') {
      kernel = createPcaPass(msg.n as number, msg.l as number, msg.founder);
      parentPort!.postMessage({ id: msg.id, result: null });
      return;
    }
    if (!kernel) throw new Error('pca worker: init first');
    if (msg.type === 'q') {
      kernel.setQ(msg.q as Float64Array);
      parentPort!.postMessage({ id: msg.id, result: null });
      return;
    }
    const y = kernel.batch(msg.packed as Uint8Array, msg.bpv as number, msg.count as number);
    parentPort!.postMessage({ id: msg.id, result: y }, [y.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
