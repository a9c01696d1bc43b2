/**
 * The kernel interfaces of the scan engine: what computes a chunk's sufficient statistics (in-thread CPU,
 * WASM SIMD, WebGPU) and the parallel-map hook a CPU worker pool implements (src/platform/node in the CLI).
 */
import type { GenotypeChunk } from '../io/GenotypeSource';
import type { ChunkStats, SampleMatrix } from './kernel';

export type ScanBackend = 'cpu' | 'wasm' | 'webgpu';

/** Computes kernel sums for a chunk; implementations: in-thread CPU, a worker pool, WebGPU. */
export interface StatsKernel {
  readonly name: string;
  stats(chunk: GenotypeChunk): Promise<ChunkStats>;
  dispose(): void;
}

/**
 * Parallel-map hook for a CPU worker pool (e.g. node:worker_threads in the CLI, Web Workers in the app):
 * `init` receives the sample matrix once per scan, `stats` computes the sums of variants [from, to) of a chunk.
 */
export interface KernelPool {
  readonly size: number;
  /** `kind`: 'wasm' = WASM SIMD class sums where available (default 'js'). */
  init(X: SampleMatrix, kind?: 'js' | 'wasm'): Promise<void>;
  stats(chunk: GenotypeChunk, from: number, to: number): Promise<ChunkStats>;
}
