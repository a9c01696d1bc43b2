// Analysis worker: a thin comlink shell over src/lib (see src/app/analysisApi.ts).
import { expose } from 'comlink';
import { createAnalysisApi } from '../src/app/analysisApi';

const api = createAnalysisApi();
expose(api);
export type AnalysisApi = typeof api;
