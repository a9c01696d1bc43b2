/**
 * tfjs set-up of a train worker (browserTrainPool.ts): the analysis worker's training backend, wasm (SIMD, the
 * binaries from the app's own origin, `wasmPath`) or cpu, single-threaded: the pool already gives each worker a
 * core, as in Node. No WebGPU here: a webgpu search stays in the analysis worker (one device).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { TrainBackendName } from './browserTrainPool';

let started: Promise<string> | null = null;

export function initTrainBackend(name: TrainBackendName, wasmPath: string): Promise<string> {
  started ??= (async () => {
    if (name === 'wasm') {
      setWasmPaths(wasmPath);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    if (!(await tf.setBackend(name))) throw new Error(`train worker: the ${name} backend did not start`);
    await tf.ready();
    return tf.getBackend();
  })();
  return started;
}
