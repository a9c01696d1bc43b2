/** Worker of nodeKernelPool: holds X, answers kernel sums for sub-chunks. Node-only. */
import { parentPort } from 'node:worker_threads';
import { chunkStats, columnTotals, statsFromClassSums, type ChunkStats, type SampleMatrix } from '../../lib/assoc/kernel';
import { createWasmClassSums, wasmSimdAvailable, type WasmClassSums } from '../../lib/assoc/wasmKernel';
import type { GenotypeChunk } from '../../lib/io/GenotypeSource';

let X: SampleMatrix | null = null;
let wasm: WasmClassSums | null = null;
let totals: Float64Array | null = null;

interface Msg {
  id: number;
  type: 'init' | 'stats';
  kind?: 'js' | 'wasm';
  n?: number;
  m?: number;
  data?: Float64Array;
  count?: number;
  nSamples?: number;
  bytesPerVariant?: number;
  packed?: Uint8Array;
  /** Dosage codes (dosageCode.ts). */
  dosage?: Uint16Array;
}

parentPort!.on('message', (msg: Msg) => {
  try {
    if (msg.type === 'init') {
      X = { n: msg.n as number, m: msg.m as number, data: msg.data as Float64Array };
      wasm = msg.kind === 'wasm' && wasmSimdAvailable ? createWasmClassSums(X) : null;
      totals = columnTotals(X);
      parentPort!.postMessage({ id: msg.id, stats: null });
      return;
    }
    if (!X) throw new Error('kernel worker: init first');
    const count = msg.count as number;
    const chunk: GenotypeChunk = {
      start: 0,
      count,
      nSamples: msg.nSamples as number,
      bytesPerVariant: msg.bytesPerVariant as number,
      packed: msg.packed,
      dosage: msg.dosage,
      variants: { chrom: [], pos: new Int32Array(0), id: [], ref: [], alt: [] },
    };
    const s: ChunkStats = wasm && chunk.packed ? statsFromClassSums(wasm.classSums(chunk), totals as Float64Array) : chunkStats(chunk, X);
    parentPort!.postMessage({ id: msg.id, stats: s }, [s.obs.buffer, s.gx.buffer, s.g2x.buffer, s.x.buffer] as ArrayBuffer[]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
