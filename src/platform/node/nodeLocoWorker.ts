/** Worker of nodeLocoPool: holds the LOCO step's shared context, answers level-0 blocks. Node-only. */
import { parentPort } from 'node:worker_threads';
import { level0Block, type Level0Block, type Level0Context } from '../../lib/relate/level0Block';

let ctx: Level0Context | null = null;

parentPort!.on('message', (msg: { id: number; type: 'init' | 'block'; ctx?: Level0Context; block?: Level0Block }) => {
  try {
    if (msg.type === 'init') {
      ctx = msg.ctx!;
      parentPort!.postMessage({ id: msg.id, preds: null });
      return;
    }
    if (!ctx) throw new Error('loco worker: init first');
    const preds = level0Block(ctx, msg.block!);
    parentPort!.postMessage({ id: msg.id, preds }, preds.map((p) => p.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
