/**
 * Worker of nodeTrainPool: sets up the same tfjs backend as the CLI, rebuilds the search's plan from the matrix
 * and settings it is sent, and trains the candidates it is asked for, posting each epoch as an event.
 * Node-only.
 */
import { parentPort } from 'node:worker_threads';
import { searchPlan, trainSearchCandidate, type SearchPlan } from '../../lib/ae/trainAutoencoder';
import type { AeConfig } from '../../lib/ae/AeConfig';
import type { PreparedMatrix } from '../../lib/pheno/PreparedMatrix';
import { initTfBackend, type TfBackendName } from './nodeTfBackend';
import { weightBuffers } from '../../lib/ae/candidatePool';

interface Msg {
  id?: number;
  type: 'init' | 'train' | 'cancel';
  backend?: TfBackendName;
  matrix?: PreparedMatrix;
  settings?: Partial<AeConfig> & { latent: number };
  index?: number;
  job?: number;
}

let plan: SearchPlan | null = null;
let backendReady: Promise<string> | null = null;
const running = new Map<number, AbortController>();

parentPort!.on('message', (msg: Msg) => {
  if (msg.type === 'cancel') {
    running.get(msg.job!)?.abort();
    return;
  }
  void handle(msg);
});

async function handle(msg: Msg): Promise<void> {
  try {
    if (msg.type === 'init') {
      backendReady ??= initTfBackend(msg.backend!);
      await backendReady;
      plan = searchPlan(msg.matrix!, msg.settings!);
      parentPort!.postMessage({ id: msg.id, result: null });
      return;
    }
    if (!plan) throw new Error('train worker: init first');
    const ctl = new AbortController();
    running.set(msg.job!, ctl);
    const result = await trainSearchCandidate(plan, msg.index!, {
      signal: ctl.signal,
      onEpoch: (event) => parentPort!.postMessage({ id: msg.id, event }),
    }).finally(() => running.delete(msg.job!));
    parentPort!.postMessage({ id: msg.id, result }, weightBuffers(result));
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
}
