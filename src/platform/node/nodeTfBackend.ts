/**
 * Node-side tfjs backend setup for CLI commands and their training workers (the core in src/lib/ae never picks a
 * backend itself).
 * wasm: the .wasm binaries are read from @tensorflow/tfjs-backend-wasm/dist (setWasmPaths with a file path;
 * SIMD, single thread in Node). webgpu: Dawn for Node (the `webgpu` package) as navigator.gpu, as in
 * docs (needs a Vulkan driver, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json).
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LatentScanError } from '../../lib/base/errors';

export type TfBackendName = 'cpu' | 'wasm' | 'webgpu';
export const TF_BACKENDS: readonly TfBackendName[] = ['cpu', 'wasm', 'webgpu'];

export async function initTfBackend(name: TfBackendName): Promise<string> {
  // PROD silences tfjs' console advice (e.g. "install tfjs-node", which cannot be installed here)
  tf.env().set('PROD', true);
  switch (name) {
    case 'cpu':
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(join(dist, '/'));
      break;
    }
    case 'webgpu': {
      const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
      if (!g.navigator?.gpu) {
        const webgpu = (await import('webgpu')) as unknown as { create: (o: string[]) => unknown; globals: object };
        Object.assign(globalThis, webgpu.globals);
        Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
      }
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
    }
    default:
      throw new Error(`unknown backend: ${String(name)}`);
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new LatentScanError('internal', `tfjs backend '${name}' failed to start: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ok || tf.getBackend() !== name) throw new LatentScanError('internal', `tfjs backend '${name}' is not available here; try --backend wasm or cpu`);
  return tf.getBackend();
}
