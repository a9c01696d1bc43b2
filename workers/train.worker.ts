// Train worker: a thin comlink shell over src/app/trainWorkerApi.ts, started by the analysis worker's
// candidate pool (src/platform/browser/browserTrainPool.ts) to train the random search's candidates in parallel.
import { expose } from 'comlink';
import { createTrainWorkerApi } from '../src/app/trainWorkerApi';

const api = createTrainWorkerApi();
expose(api);
export type TrainWorkerApi = typeof api;
