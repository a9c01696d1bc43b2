// Analysis worker: a thin comlink shell over src/app (see src/app/analysisApi.ts). It starts the train workers
// of the random search and the structure step's workers (nested dedicated workers, src/platform/browser/
// browserTrainPool.ts and browserStructurePool.ts) from here, so Vite bundles workers/train.worker.ts and
// workers/structure.worker.ts as this worker's own worker chunks.
import { expose } from 'comlink';
import { createAnalysisApi } from '../src/app/analysisApi';

const api = createAnalysisApi({
  startTrainWorker: () => new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'latentscan-train' }),
  startStructureWorker: () => new Worker(new URL('./structure.worker.ts', import.meta.url), { type: 'module', name: 'latentscan-structure' }),
});
expose(api);
export type AnalysisApi = typeof api;
