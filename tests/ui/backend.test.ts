import { describe, it, expect } from 'vitest';
import {
  backendLabel,
  describeAdapter,
  isSoftwareAdapter,
  planBackends,
  summarizeAdapter,
  type BackendEnvironment,
} from '../../src/lib/compute/backend';
import { JobRegistry } from '../../src/app/jobs';
import { CancelledError } from '../../src/lib/base/errors';
import { throwIfAborted } from '../../src/lib/base/cancel';

const swiftshader = summarizeAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' }, false);
const nvidia = summarizeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100' }, false);
const env = (adapter: BackendEnvironment['adapter'], extra: Partial<BackendEnvironment> = {}): BackendEnvironment => ({
  adapter,
  wasmAvailable: true,
  wasmSimd: true,
  wasmThreads: 1,
  crossOriginIsolated: true,
  ...extra,
});

describe('backend choice', () => {
  it('recognises software adapters', () => {
    expect(swiftshader.software).toBe(true);
    expect(nvidia.software).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'intel', isFallback: true })).toBe(true);
  });

  it('auto: webgpu for compute, wasm for training on a software adapter', () => {
    const e = env(swiftshader);
    const p = planBackends('auto', e);
    expect(p).toMatchObject({ compute: 'webgpu', train: 'wasm' });
    expect(backendLabel(p, e)).toBe('webgpu · google swiftshader (software adapter) · training on wasm (SIMD, no threads)');
  });

  it('auto: webgpu for both on a hardware adapter, wasm without adapter, cpu without wasm', () => {
    expect(planBackends('auto', env(nvidia))).toMatchObject({ compute: 'webgpu', train: 'webgpu' });
    expect(backendLabel(planBackends('auto', env(nvidia)), env(nvidia))).toBe('webgpu · NVIDIA H100 hopper');
    const noGpu = env(null, { webgpuUnavailable: 'navigator.gpu is missing', wasmThreads: 2 });
    const p = planBackends('auto', noGpu);
    expect(p).toMatchObject({ compute: 'wasm', train: 'wasm' });
    expect(backendLabel(p, noGpu)).toBe('wasm (SIMD, 2 threads)');
    expect(planBackends('auto', env(null, { wasmAvailable: false }))).toMatchObject({ compute: 'cpu', train: 'cpu' });
  });

  it('forced backends, with fallback notes when unavailable', () => {
    expect(planBackends('webgpu', env(swiftshader))).toMatchObject({ compute: 'webgpu', train: 'webgpu' });
    const p = planBackends('webgpu', env(null, { webgpuUnavailable: 'requestAdapter() returned null' }));
    expect(p).toMatchObject({ compute: 'wasm', train: 'wasm' });
    expect(p.notes[0]).toBe('webgpu requested but unavailable (requestAdapter() returned null); using wasm');
    expect(planBackends('cpu', env(nvidia))).toMatchObject({ compute: 'cpu', train: 'cpu' });
    expect(() => planBackends('tpu' as never, env(null))).toThrow('unknown backend request: tpu');
  });

  it('describes an adapter without repeating words', () => {
    expect(describeAdapter(summarizeAdapter({ vendor: '', architecture: '', device: '', description: '' }, true))).toBe(
      'unknown adapter (software adapter)',
    );
  });
});

describe('JobRegistry (cancel across the worker boundary)', () => {
  it('cancel(jobId) aborts the job signal and the job throws CancelledError', async () => {
    const jobs = new JobRegistry();
    const p = jobs.run('train-1', async (signal) => {
      for (let i = 0; i < 1000; i++) {
        await new Promise((r) => setTimeout(r, 1));
        throwIfAborted(signal);
      }
      return 'finished';
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(jobs.cancel('train-1')).toBe(true);
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(jobs.size).toBe(0);
    expect(jobs.cancel('train-1')).toBe(false);
  });
});
