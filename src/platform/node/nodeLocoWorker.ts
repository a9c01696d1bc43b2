/** Worker of nodeLocoPool: holds the LOCO step's shared context, answers level-0 blocks and level-1 jobs. Node-only. */
import { parentPort } from 'node:worker_threads';
import { level0Block, level0Scratch, type Level0Block, type Level0Context } from '../../lib/relate/level0Block';
import { level1Response, type Level1Job } from '../../lib/relate/level1Response';

let ctx: Level0Context | null = null;
let scratch = level0Scratch();

parentPort!.on('message', (msg: { id: number; type: 'init' | 'block' | 'level1'; ctx?: Level0Context; block?: Level0Block; job?: Level1Job }) => {
  try {
    if (msg.type === 'init') {
      ctx = msg.ctx!;
      scratch = level0Scratch();
      parentPort!.postMessage({ id: msg.id, result: null });
      return;
    }
    if (msg.type === 'level1') {
      const result = level1Response(msg.job!);
      parentPort!.postMessage({ id: msg.id, result }, result.sums.map(([, a]) => a.buffer as ArrayBuffer));
      return;
    }
    if (!ctx) throw new Error('loco worker: init first');
    const preds = level0Block(ctx, msg.block!, scratch);
    parentPort!.postMessage({ id: msg.id, result: preds }, preds.map((p) => p.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
