import { describe, it, expect } from 'vitest';
import { scanBackend } from '../../src/app/analysisApi';
import { summarizeAdapter, planBackends, backendLabel, type BackendEnvironment, type BackendRequest } from '../../src/lib/compute/backend';
import type { BackendStatus } from '../../src/platform/browser/tfBackend';

const sw = summarizeAdapter({ vendor: 'google', architecture: 'swiftshader' }, false);
const hw = summarizeAdapter({ vendor: 'nvidia', description: 'NVIDIA H100' }, false);

function status(request: BackendRequest, adapter: BackendEnvironment['adapter']): BackendStatus {
  const env: BackendEnvironment = { adapter, wasmAvailable: true, wasmSimd: true, wasmThreads: 2, crossOriginIsolated: true };
  const plan = planBackends(request, env);
  return { request, plan, env, active: plan.compute, label: backendLabel(plan, env), notice: null };
}

describe('scan kernel choice', () => {
  it('WGSL on a hardware adapter, WASM SIMD on a software one or none', () => {
    expect(scanBackend(status('auto', hw))).toBe('webgpu');
    expect(scanBackend(status('auto', sw))).toBe('wasm');
    expect(scanBackend(status('auto', null))).toBe('wasm');
  });
  it('follows a forced backend', () => {
    expect(scanBackend(status('webgpu', sw))).toBe('webgpu');
    expect(scanBackend(status('webgpu', null))).toBe('wasm');
    expect(scanBackend(status('wasm', hw))).toBe('wasm');
    expect(scanBackend(status('cpu', hw))).toBe('cpu');
  });
});
