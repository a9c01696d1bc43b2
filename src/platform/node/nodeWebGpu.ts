/// <reference types="@webgpu/types" />
/**
 * Node-only: a WebGPU device from the `webgpu` package (Dawn). Without a GPU, Dawn can run on SwiftShader
 * (Vulkan in software, from Debian's chromium package): when VK_ICD_FILENAMES is unset, no GPU device node
 * exists, and the SwiftShader ICD is installed, it is selected so `--backend webgpu` works anywhere.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createGpuKernel, requestScanDevice } from '../../lib/assoc/gpu/gpuKernel';
import type { SampleMatrix } from '../../lib/assoc/kernel';
import type { StatsKernel } from '../../lib/assoc/StatsKernel';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function hasGpuDeviceNode(): boolean {
  try {
    if (readdirSync('/dev').some((f) => f.startsWith('nvidia'))) return true;
    return existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('render'));
  } catch {
    return false;
  }
}

let devicePromise: Promise<GPUDevice> | null = null;
/** Dawn's instance must outlive its devices: kept here so it is never garbage-collected (a crash otherwise). */
let instance: GPU | null = null;

export async function nodeGpuDevice(): Promise<GPUDevice> {
  if (!devicePromise) {
    devicePromise = (async () => {
      if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !hasGpuDeviceNode() && existsSync(SWIFTSHADER_ICD)) {
        process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      }
      const { create, globals } = (await import('webgpu')) as unknown as { create(o: string[]): GPU; globals: object };
      Object.assign(globalThis, globals);
      instance = create([]);
      return requestScanDevice(instance);
    })();
  }
  return devicePromise;
}

/** runScan's createGpuKernel for the CLI. */
export function nodeGpuKernelFactory(): (X: SampleMatrix) => Promise<StatsKernel> {
  return async (X) => createGpuKernel(await nodeGpuDevice(), X);
}
