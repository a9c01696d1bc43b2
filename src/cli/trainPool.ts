/**
 * The worker pool that trains autoencoder candidates in parallel for `train` and `pipeline` (--threads N,
 * default one per core): absent with --threads 1, on a one-core machine, or for the webgpu backend (one GPU
 * device; its candidates run one after another).
 */
import { availableParallelism } from 'node:os';
import { createNodeTrainPool } from '../platform/node/nodeTrainPool';
import type { TfBackendName } from '../platform/node/nodeTfBackend';

export async function withTrainPool<T>(backend: string, threads: number | undefined, run: (pool: ReturnType<typeof createNodeTrainPool> | undefined) => Promise<T>): Promise<T> {
  const n = threads ?? availableParallelism();
  if (n < 2 || backend === 'webgpu') return run(undefined);
  const pool = createNodeTrainPool(backend as TfBackendName, n);
  try {
    return await run(pool);
  } finally {
    await pool.close();
  }
}
