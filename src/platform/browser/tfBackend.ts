/// <reference types="@webgpu/types" />
/**
 * tfjs backend set-up inside a worker: probes WebGPU (adapter + info), WebAssembly (SIMD, threads), plans the
 * backends (backend.ts), activates one, watches the WebGPU device for loss and falls back to wasm (then cpu)
 * with a notice. Also a tiny self-test that compares a matMul on the active backend with the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import {
  backendLabel,
  planBackends,
  summarizeAdapter,
  type BackendEnvironment,
  type BackendName,
  type BackendPlan,
  type BackendRequest,
} from '../../lib/compute/backend';

export interface BackendStatus {
  request: BackendRequest;
  plan: BackendPlan;
  env: BackendEnvironment;
  /** The tfjs backend active right now. */
  active: BackendName;
  label: string;
  /** Set after a device loss or failed initialisation: what happened and what we fell back to. */
  notice: string | null;
}

export interface BackendInitOptions {
  /** URL of the folder holding the tfjs-backend-wasm *.wasm files, ending with '/'. */
  wasmPath: string;
  request?: BackendRequest;
  /** Called when the backend changes on its own (device loss). */
  onChange?: (s: BackendStatus) => void;
}

/**
 * wasm threads (when the page is cross-origin isolated). tfjs-backend-wasm 4.22 builds its pthread workers from
 * the stringified emscripten factory, which breaks when the bundle is minified ("ReferenceError: e is not
 * defined" in the blob worker): vite.config.ts therefore leaves the worker chunk unminified.
 */
const WASM_THREADS = true;

/** Detects wasm SIMD by validating a minimal module that uses a v128 instruction. */
function wasmSimdSupported(): boolean {
  try {
    // (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
    const bytes = new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
    ]);
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

async function probeWebGpu(): Promise<{ adapter: BackendEnvironment['adapter']; why?: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { adapter: null, why: 'navigator.gpu is missing' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { adapter: null, why: 'requestAdapter() returned null' };
    const a = adapter as GPUAdapter & { info?: GPUAdapterInfo };
    let info: GPUAdapterInfo | undefined = a.info;
    if (!info && typeof a.requestAdapterInfo === 'function') info = await a.requestAdapterInfo();
    return { adapter: summarizeAdapter(info, !!a.isFallbackAdapter) };
  } catch (e) {
    return { adapter: null, why: e instanceof Error ? e.message : String(e) };
  }
}

export async function probeEnvironment(): Promise<BackendEnvironment> {
  const wasmAvailable = typeof WebAssembly === 'object';
  const isolated = !!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  const gpu = await probeWebGpu();
  return {
    adapter: gpu.adapter,
    webgpuUnavailable: gpu.why,
    wasmAvailable,
    wasmSimd: wasmAvailable && wasmSimdSupported(),
    wasmThreads: WASM_THREADS && isolated && typeof SharedArrayBuffer === 'function' ? Math.max(1, Math.min(cores, 8)) : 1,
    crossOriginIsolated: isolated,
  };
}

/** Manages the tfjs backend of one worker. */
export class TfBackend {
  private status: BackendStatus | null = null;
  private opts: BackendInitOptions | null = null;
  private wasmConfigured = false;

  get current(): BackendStatus {
    if (!this.status) throw new Error('backend not initialised: call init() first');
    return this.status;
  }

  async init(opts: BackendInitOptions): Promise<BackendStatus> {
    this.opts = opts;
    const env = await probeEnvironment();
    const request = opts.request ?? 'auto';
    const plan = planBackends(request, env);
    this.status = { request, plan, env, active: plan.compute, label: backendLabel(plan, env), notice: null };
    await this.activate(plan.compute);
    return this.status;
  }

  /** Switches the active tfjs backend (e.g. to the training backend). Falls back on failure, with a notice. */
  async activate(name: BackendName): Promise<BackendName> {
    const s = this.current;
    const order: BackendName[] = name === 'webgpu' ? ['webgpu', 'wasm', 'cpu'] : name === 'wasm' ? ['wasm', 'cpu'] : ['cpu'];
    for (const b of order) {
      if (b === 'webgpu' && !s.env.adapter) continue;
      if (b === 'wasm') this.configureWasm();
      let ok = false;
      try {
        ok = await tf.setBackend(b);
        if (ok) await tf.ready();
      } catch (e) {
        ok = false;
        s.notice = `${b} failed to start (${e instanceof Error ? e.message : String(e)}); falling back`;
      }
      if (ok) {
        if (b !== name) s.notice = `${name} unavailable; using ${b}`;
        s.active = b;
        if (b === 'webgpu') this.watchDevice();
        return b;
      }
    }
    throw new Error('no tfjs backend could be started');
  }

  private configureWasm(): void {
    if (this.wasmConfigured || !this.opts) return;
    setWasmPaths(this.opts.wasmPath);
    if (this.current.env.wasmThreads > 1) setThreadsCount(this.current.env.wasmThreads);
    else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    this.wasmConfigured = true;
  }

  private watchDevice(): void {
    const backend = tf.findBackend('webgpu') as unknown as { device?: GPUDevice } | null;
    const device = backend?.device;
    if (!device) return;
    void device.lost.then(async (info) => {
      const s = this.status;
      if (!s) return;
      s.plan = { compute: s.env.wasmAvailable ? 'wasm' : 'cpu', train: s.env.wasmAvailable ? 'wasm' : 'cpu', notes: s.plan.notes };
      s.env = { ...s.env, adapter: null, webgpuUnavailable: `device lost (${info.reason}: ${info.message || 'no message'})` };
      try {
        tf.removeBackend('webgpu');
      } catch {
        // already removed: nothing to undo
      }
      const b = await this.activate(s.plan.compute);
      s.notice = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}); continuing on ${b}.`;
      s.label = backendLabel(s.plan, s.env);
      this.opts?.onChange?.({ ...s });
    });
  }

  /** Test hook: destroys the WebGPU device, which triggers the same path as a real device loss. */
  loseDevice(): boolean {
    const backend = tf.findBackend('webgpu') as unknown as { device?: GPUDevice } | null;
    if (!backend?.device) return false;
    backend.device.destroy();
    return true;
  }
}

export interface SelfTestResult {
  backend: BackendName;
  n: number;
  /** Largest difference from a float64 reference computed in plain JavaScript. */
  maxAbsDiff: number;
  /** Largest difference from the same computation on the tfjs cpu backend. */
  cpuMaxAbsDiff: number;
  /** Largest |reference value|, for a relative tolerance. */
  scale: number;
  ms: number;
}

/** matMul of two seeded n x n matrices on the active backend and on cpu; returns the largest difference. */
export async function selfTest(n = 64): Promise<SelfTestResult> {
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < a.length; i++) {
    a[i] = rnd();
    b[i] = rnd();
  }
  const backend = tf.getBackend() as BackendName;
  const compute = async (): Promise<Float32Array> => {
    const x = tf.tensor2d(a, [n, n]);
    const y = tf.tensor2d(b, [n, n]);
    const z = tf.tidy(() => tf.relu(tf.matMul(x, y)).add(tf.sigmoid(x)));
    try {
      return (await z.data()) as Float32Array;
    } finally {
      x.dispose();
      y.dispose();
      z.dispose();
    }
  };
  const t0 = performance.now();
  const got = await compute();
  const ms = performance.now() - t0;
  let onCpu: Float32Array;
  if (backend === 'cpu') onCpu = got;
  else {
    await tf.setBackend('cpu');
    try {
      onCpu = await compute();
    } finally {
      await tf.setBackend(backend);
    }
  }
  let cpuMaxAbsDiff = 0;
  for (let i = 0; i < got.length; i++) cpuMaxAbsDiff = Math.max(cpuMaxAbsDiff, Math.abs(got[i] - onCpu[i]));
  // Reference on cpu, computed in double precision here (no backend switch needed).
  let maxAbsDiff = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += a[i * n + k] * b[k * n + j];
      const ref = Math.max(0, acc) + 1 / (1 + Math.exp(-a[i * n + j]));
      scale = Math.max(scale, Math.abs(ref));
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ref - got[i * n + j]));
    }
  }
  return { backend, n, maxAbsDiff, cpuMaxAbsDiff, scale, ms };
}
