/**
 * The object the analysis worker exposes over comlink (workers/analysis.worker.ts is only `expose(api)`).
 * It owns the worker's tfjs backend and the job registry that makes `cancel(jobId)` work across the boundary.
 */
import { JobRegistry } from './jobs';
import { TfBackend, selfTest, type BackendStatus, type SelfTestResult } from './tfBackend';
import type { BackendRequest } from './backend';

export interface InitBackendOptions {
  wasmPath: string;
  request?: BackendRequest;
}

export function createAnalysisApi() {
  const backend = new TfBackend();
  const jobs = new JobRegistry();
  return {
    /** Probes WebGPU/wasm, picks and starts a backend. `onChange` is told about device loss fallbacks. */
    async initBackend(opts: InitBackendOptions, onChange?: (s: BackendStatus) => void): Promise<BackendStatus> {
      return await backend.init({ ...opts, onChange });
    },
    async backendStatus(): Promise<BackendStatus> {
      return backend.current;
    },
    /** Tiny matMul on the active backend, compared with the tfjs cpu backend and a float64 reference. */
    async selfTest(n = 64): Promise<SelfTestResult> {
      return await selfTest(n);
    },
    /** Test hook: destroys the WebGPU device (same path as a real device loss). */
    async loseDevice(): Promise<boolean> {
      return backend.loseDevice();
    },
    /** Aborts a running job; false when none of that id runs. */
    async cancel(jobId: string): Promise<boolean> {
      return jobs.cancel(jobId);
    },
  };
}
