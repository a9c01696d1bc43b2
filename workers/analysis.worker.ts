// Analysis worker: a thin comlink shell over src/lib (see src/lib/compute/analysisApi.ts).
import { expose } from 'comlink';
import { createAnalysisApi } from '../src/lib/compute/analysisApi';

const api = createAnalysisApi();
expose(api);
export type AnalysisApi = typeof api;
