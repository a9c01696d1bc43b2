// Analysis worker: a thin comlink shell over src/app (see src/app/analysisApi.ts). It starts the train workers
// of the random search (nested dedicated workers, src/platform/browser/browserTrainPool.ts) from here, so Vite
// bundles workers/train.worker.ts as this worker's own worker chunk.
import { expose } from 'comlink';
import { createAnalysisApi } from '../src/app/analysisApi';

const api = createAnalysisApi({
  startTrainWorker: () => new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'latentscan-train' }),
});
expose(api);
export type AnalysisApi = typeof api;
