/**
 * Compute backend choice, pure logic (no tfjs import): which tfjs backend to use for general compute and for
 * autoencoder training, given what the environment offers and what the user asked for, and the label the page
 * shows in `[data-testid=backend]` (text starts with webgpu, wasm or cpu, then the adapter description).
 *
 * Policy (auto): webgpu when navigator.gpu gives an adapter, else wasm (SIMD; threads when the page is
 * cross-origin isolated), else cpu. Training prefers wasm when the WebGPU adapter is a software rasterizer
 * (SwiftShader, llvmpipe, fallback adapters): tfjs on SwiftShader runs about 0.2 GFLOP/s (DESIGN.md section 6),
 * far slower than wasm SIMD on the same cores.
 */

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendRequest = 'auto' | BackendName;

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/** What a WebGPU adapter says about itself (GPUAdapterInfo fields plus the fallback flag). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallback: boolean;
  /** True for software rasterizers (SwiftShader, llvmpipe/lavapipe, WARP, fallback adapters). */
  software: boolean;
}

/** What the worker found when it probed the environment. */
export interface BackendEnvironment {
  adapter: AdapterSummary | null;
  /** Why WebGPU is not available, when adapter is null. */
  webgpuUnavailable?: string;
  wasmAvailable: boolean;
  wasmSimd: boolean;
  /** Number of wasm threads (1 = no threads: page not cross-origin isolated). */
  wasmThreads: number;
  crossOriginIsolated: boolean;
}

export interface BackendPlan {
  /** Backend for general tensor work (and the one the label names first). */
  compute: BackendName;
  /** Backend for autoencoder training. */
  train: BackendName;
  /** Human-readable reasons for the choices (shown in the backend details). */
  notes: string[];
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|warp/i;

export function isSoftwareAdapter(info: Partial<Omit<AdapterSummary, 'software'>>): boolean {
  if (info.isFallback) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => !!s && SOFTWARE_ADAPTER.test(s));
}

export function summarizeAdapter(
  info: { vendor?: string; architecture?: string; device?: string; description?: string } | null | undefined,
  isFallback: boolean,
): AdapterSummary {
  const s = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallback,
  };
  return { ...s, software: isSoftwareAdapter(s) };
}

/** "Google SwiftShader (software adapter)", "NVIDIA H100 ...", or "unknown adapter". */
export function describeAdapter(a: AdapterSummary): string {
  const parts = [a.description, a.vendor, a.architecture, a.device].filter((s) => s && s.trim());
  // De-duplicate (description often repeats the vendor).
  const uniq: string[] = [];
  for (const p of parts) if (!uniq.some((u) => u.toLowerCase().includes(p.toLowerCase()))) uniq.push(p);
  let s = uniq.length ? uniq.join(' ') : 'unknown adapter';
  if (a.software) s += ' (software adapter)';
  return s;
}

/** Picks backends for a request. A forced backend that is not available falls back, with a note. */
export function planBackends(req: BackendRequest, env: BackendEnvironment): BackendPlan {
  const notes: string[] = [];
  const best = (): BackendName => (env.adapter ? 'webgpu' : env.wasmAvailable ? 'wasm' : 'cpu');
  const cpuSide = (): BackendName => (env.wasmAvailable ? 'wasm' : 'cpu');
  switch (req) {
    case 'auto': {
      const compute = best();
      let train = compute;
      if (compute === 'webgpu' && env.adapter?.software) {
        train = cpuSide();
        notes.push(`training on ${train}: the WebGPU adapter is a software rasterizer`);
      }
      if (!env.adapter && env.webgpuUnavailable) notes.push(`no WebGPU: ${env.webgpuUnavailable}`);
      return { compute, train, notes };
    }
    case 'webgpu': {
      if (env.adapter) return { compute: 'webgpu', train: 'webgpu', notes: ['webgpu forced by the user'] };
      const b = cpuSide();
      notes.push(`webgpu requested but unavailable (${env.webgpuUnavailable ?? 'no adapter'}); using ${b}`);
      return { compute: b, train: b, notes };
    }
    case 'wasm': {
      if (env.wasmAvailable) return { compute: 'wasm', train: 'wasm', notes: ['wasm forced by the user'] };
      notes.push('wasm requested but WebAssembly is unavailable; using cpu');
      return { compute: 'cpu', train: 'cpu', notes };
    }
    case 'cpu':
      return { compute: 'cpu', train: 'cpu', notes: ['cpu forced by the user'] };
    default:
      throw new Error(`unknown backend request: ${String(req)}`);
  }
}

function wasmDetail(env: BackendEnvironment): string {
  const f: string[] = [];
  if (env.wasmSimd) f.push('SIMD');
  f.push(env.wasmThreads > 1 ? `${env.wasmThreads} threads` : 'no threads');
  return f.join(', ');
}

/**
 * The backend label: starts with the compute backend name, then the adapter description (webgpu) or the wasm
 * features, then the training backend when it differs. Example:
 * "webgpu · Google SwiftShader (software adapter) · training on wasm (SIMD, 2 threads)".
 */
export function backendLabel(plan: BackendPlan, env: BackendEnvironment): string {
  const head = (b: BackendName): string => {
    switch (b) {
      case 'webgpu':
        return `webgpu · ${env.adapter ? describeAdapter(env.adapter) : 'unknown adapter'}`;
      case 'wasm':
        return `wasm (${wasmDetail(env)})`;
      case 'cpu':
        return 'cpu (plain JavaScript)';
      default:
        throw new Error(`unknown backend: ${String(b)}`);
    }
  };
  let s = head(plan.compute);
  if (plan.train !== plan.compute) {
    s += ` · training on ${plan.train === 'wasm' ? `wasm (${wasmDetail(env)})` : plan.train}`;
  }
  return s;
}
