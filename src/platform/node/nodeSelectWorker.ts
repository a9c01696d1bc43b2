/** Worker of nodeSelectPool: runs selectPenalized on one response's standardized features. Node-only. */
import { parentPort } from 'node:worker_threads';
import { selectPenalized } from '../../lib/select/selectPenalized';
import type { SelectJob } from '../../lib/select/selectPool';

parentPort!.on('message', (msg: SelectJob & { id: number }) => {
  try {
    const sel = selectPenalized(msg.x, msg.y, msg.n, msg.d, msg.options);
    const transfer = [sel.active.buffer, sel.betaRefit.buffer, sel.betaPenalized.buffer, sel.residual.buffer].filter(
      (b, i, a) => b instanceof ArrayBuffer && a.indexOf(b) === i,
    ) as ArrayBuffer[];
    parentPort!.postMessage({ id: msg.id, selection: sel }, transfer);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
